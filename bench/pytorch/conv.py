"""PyTorch's Conv1d forward + backward, timed shape by shape on request, for `yarn bench conv`.

Usage: /usr/bin/python3 bench/pytorch/conv.py --threads K
Reads one JSON request a line from stdin ({"batch", "channels", "filters", "kernel", "length", "repeats"}) and
answers each with one JSON line {"ms": [...]} (one forward + backward a repeat, after one warm-up), so the
caller can alternate PyTorch's runs with its own in one command on a busy machine.
"""
import argparse
import json
import sys
import time

import torch


def time_conv(batch, channels, filters, kernel, length, repeats):
    conv = torch.nn.Conv1d(channels, filters, kernel, padding='same')
    x = torch.randn(batch, channels, length, requires_grad=True)
    grad = torch.randn(batch, filters, length)

    def step():
        conv.zero_grad(set_to_none=True)
        x.grad = None
        conv(x).backward(grad)

    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--threads', type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print(json.dumps({'ready': True, 'torch': torch.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        r = json.loads(line)
        ms = time_conv(r['batch'], r['channels'], r['filters'], r['kernel'], r['length'], r['repeats'])
        print(json.dumps({'ms': ms}), flush=True)


if __name__ == '__main__':
    main()
