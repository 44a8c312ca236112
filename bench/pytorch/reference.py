"""tsa-lab's PyTorch reference: the article's BiLSTM + attention classifier, its data and its training protocol.

Usage: /usr/bin/python3 bench/pytorch/reference.py [--epochs N] [--full] [--seed S] [--threads K]
       [--data DIR | --n N --t T --loc MIN MAX --length MIN MAX --noise STD] [--count-params]

Model (the article's): BiLSTM, 32 units per direction -> per-step score Linear(64, 64), tanh, Linear(64, 1)
-> softmax over time -> context = sum of alpha * h -> Linear(64, 1) -> sigmoid. 13,250 trainable parameters
(PyTorch keeps two bias vectors per LSTM direction; tfjs keeps one, so ours counts 12,994).
Protocol: Adam lr 1e-3 (PyTorch's defaults otherwise: eps 1e-8), binary cross-entropy, batch 32, a new
shuffle every epoch. With --full: at most --epochs epochs, early stopping after 5 epochs without a lower
validation loss, best weights restored, then the test metrics. Without --full: exactly --epochs epochs
(what `yarn bench` times).

--data DIR trains on a dataset written by `./tsa dataset` (DIR/meta.json with n, t, train, val, test;
DIR/x.f32, n * t little-endian float32, rows in the order train, val, test; DIR/y.u8, n labels of 0 or 1).
--seed then seeds only the weights and the batch order. Without --data the article's generator draws the
series from --seed (torch's generator, so its draws differ from numpy's and from @tsa/data's).

Output on stdout: one JSON line per epoch ({"epoch", "train_loss", "val_loss", "epoch_s"}), then one
summary line (see `summary` below). Needs torch only: the files are read with torch.frombuffer.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

PATIENCE = 5
BATCH_SIZE = 32
LEARNING_RATE = 1e-3


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=1)
    p.add_argument('--full', action='store_true', help='early stopping, best weights restored, test metrics')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--data', default=None, help='a dataset written by ./tsa dataset')
    p.add_argument('--n', type=int, default=10000)
    p.add_argument('--t', type=int, default=500)
    p.add_argument('--loc', type=float, nargs=2, default=[0.0, 0.9])
    p.add_argument('--length', type=float, nargs=2, default=[0.1, 0.5])
    p.add_argument('--noise', type=float, default=0.0, help='Gaussian noise std as a fraction of amp')
    p.add_argument('--count-params', action='store_true', help='print the trainable parameter count and exit')
    return p.parse_args()


class BiLSTMAttention(nn.Module):
    """The article's model. Layers are created in this order so that a seed gives the same weights as the
    article's code (torch draws each layer's initial weights from the global generator in turn)."""

    def __init__(self, hidden=32, score=64):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True, bidirectional=True)
        self.att = nn.Sequential(nn.Linear(2 * hidden, score), nn.Tanh(), nn.Linear(score, 1))
        self.cls = nn.Sequential(nn.Linear(2 * hidden, 1), nn.Sigmoid())

    def forward(self, x):
        h, _ = self.lstm(x)
        alpha = torch.softmax(self.att(h).squeeze(-1), dim=1).unsqueeze(-1)
        return self.cls((alpha * h).sum(dim=1))


def trainable_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def read_dataset(folder):
    """The three splits of a dataset folder, as (x [rows, t, 1], y [rows, 1]) float32 tensors."""
    with open(os.path.join(folder, 'meta.json')) as f:
        meta = json.load(f)
    n, t = meta['n'], meta['t']
    if meta['train'] + meta['val'] + meta['test'] != n:
        raise SystemExit(f'{folder}/meta.json: train + val + test != n ({n})')
    with open(os.path.join(folder, 'x.f32'), 'rb') as f:
        x_bytes = f.read()
    with open(os.path.join(folder, 'y.u8'), 'rb') as f:
        y_bytes = f.read()
    if len(x_bytes) != n * t * 4 or len(y_bytes) != n:
        raise SystemExit(f'{folder}: x.f32 has {len(x_bytes)} bytes, y.u8 {len(y_bytes)}; meta.json says n {n}, t {t}')
    # frombuffer reads native byte order; the format is little-endian, as is every machine we run on.
    if sys.byteorder != 'little':
        raise SystemExit('reading x.f32 needs a little-endian machine')
    x = torch.frombuffer(bytearray(x_bytes), dtype=torch.float32).reshape(n, t)
    y = torch.frombuffer(bytearray(y_bytes), dtype=torch.uint8).to(torch.float32)
    bounds = [0, meta['train'], meta['train'] + meta['val'], n]
    return [(x[a:b, :, None], y[a:b, None]) for a, b in zip(bounds, bounds[1:])]


def generate_dataset(args, generator):
    """The article's generator: amp * sin(freq * t), half of the series flattened from loc for length points
    (x[loc] held), optional noise, split 70 / 10 / 20 by a random permutation."""
    n, t = args.n, args.t
    pick = lambda values: values[torch.randint(len(values), (n,), generator=generator)]
    grid = lambda lo, hi, step: torch.arange(lo, hi, step, dtype=torch.float64)
    index_step = max(1, int(0.01 * t))
    freq, amp = pick(grid(1, 4, 0.01)), pick(grid(1, 10, 0.01))
    loc = pick(torch.arange(int(args.loc[0] * t), int(args.loc[1] * t), index_step))
    length = pick(torch.arange(int(args.length[0] * t), int(args.length[1] * t), index_step))
    steps = torch.linspace(0, 2 * math.pi, t, dtype=torch.float64)
    x = amp[:, None] * torch.sin(steps[None, :] * freq[:, None])
    y = torch.randint(2, (n,), generator=generator)
    for i in torch.nonzero(y == 1).flatten().tolist():
        start = int(loc[i])
        x[i, start:start + int(length[i])] = x[i, start].clone()
    x = x + torch.randn(x.shape, generator=generator, dtype=torch.float64) * args.noise * amp[:, None]
    x, y = x.to(torch.float32), y.to(torch.float32)
    order = torch.randperm(n, generator=generator)
    n_test, n_val = int(0.2 * n), int(0.1 * n)
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    return [(x[rows, :, None], y[rows, None]) for rows in (train, val, test)]


def train_epoch(model, optimizer, loss_fn, x, y):
    model.train()
    order = torch.randperm(len(x))
    losses = []
    for start in range(0, len(x), BATCH_SIZE):
        rows = order[start:start + BATCH_SIZE]
        optimizer.zero_grad()
        loss = loss_fn(model(x[rows]), y[rows])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def test_metrics(scores, labels):
    """Accuracy, precision, recall and F1 at threshold 0.5; ROC AUC from the scores (tied scores share
    their mean rank), as @tsa/models computes them."""
    predicted = scores > 0.5
    positive = labels == 1
    tp = int((predicted & positive).sum())
    fp = int((predicted & ~positive).sum())
    fn = int((~predicted & positive).sum())
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    order = sorted(range(len(scores)), key=lambda i: float(scores[i]))
    ranks = [0.0] * len(order)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and float(scores[order[j + 1]]) == float(scores[order[i]]):
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    n_pos = int(positive.sum())
    n_neg = len(labels) - n_pos
    rank_sum = sum(r for r, p in zip(ranks, positive.tolist()) if p)
    return {
        'test_acc': int((predicted == positive).sum()) / len(labels),
        'test_precision': precision,
        'test_recall': recall,
        'test_f1': 2 * precision * recall / max(1e-9, precision + recall),
        'test_roc_auc': (rank_sum - n_pos * (n_pos + 1) / 2) / max(1, n_pos * n_neg),
    }


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.data is not None:
        splits = read_dataset(args.data)
    else:
        splits = generate_dataset(args, torch.Generator().manual_seed(args.seed))
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = splits
    model = BiLSTMAttention()
    if args.count_params:
        print(json.dumps({'trainable_params': trainable_parameters(model)}))
        return
    optimizer = torch.optim.Adam(model.parameters(), LEARNING_RATE)
    loss_fn = nn.BCELoss()
    best_loss, best_epoch, best_state, waited = math.inf, 0, None, 0
    epoch_seconds, val_losses = [], []
    loop_started = time.time()
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        train_loss = train_epoch(model, optimizer, loss_fn, x_train, y_train)
        epoch_seconds.append(time.time() - t0)  # the training loop only, as `yarn bench` compares
        model.eval()
        with torch.no_grad():
            val_loss = loss_fn(model(x_val), y_val).item()
        val_losses.append(val_loss)
        print(json.dumps({'epoch': epoch, 'train_loss': train_loss, 'val_loss': val_loss, 'epoch_s': round(epoch_seconds[-1], 2)}), flush=True)
        if val_loss < best_loss:
            best_loss, best_epoch, waited = val_loss, epoch, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if args.full and waited >= PATIENCE:
                break
    train_s = time.time() - loop_started  # training and validation passes, as @tsa/models' trainDurationMs
    summary = {
        'anchor': 'pytorch-' + torch.__version__,
        'program': 'tsa-lab bench/pytorch/reference.py',
        'seed': args.seed,
        'threads': args.threads,
        'n': len(x_train) + len(x_val) + len(x_test),
        't': x_train.shape[1],
        'trainable_params': trainable_parameters(model),
        'epochs_run': len(epoch_seconds),
        'median_epoch_s': statistics.median(epoch_seconds),
        'train_s': train_s,
        'val_loss': val_losses,
    }
    if args.full:
        model.load_state_dict(best_state)
        model.eval()
        with torch.no_grad():
            scores = model(x_test).flatten()
        summary.update({'best_epoch': best_epoch, 'best_val_loss': best_loss, **test_metrics(scores, y_test.flatten())})
    print(json.dumps(summary), flush=True)


if __name__ == '__main__':
    main()
