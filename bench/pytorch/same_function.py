"""Is our BiLSTM + attention the same function as PyTorch's? Reads what `bench/parity/same-function.ts` wrote
(an input batch, our layers' weights, their outputs and the gradients of sum(context²) by each weight),
loads those weights into nn.LSTM and the article's attention, computes the same, and prints one JSON line:
the largest difference of each output and of each weight's gradient, relative to its largest magnitude.
Needs torch only.
"""
import json
import sys

import torch
import torch.nn as nn


def tensor(entry):
    return torch.tensor(entry['values'], dtype=torch.float32).reshape(entry['shape'])


def main():
    dump = json.load(open(sys.argv[1]))
    x = tensor(dump['x'])
    units = dump['units']
    lstm = nn.LSTM(x.shape[2], units, batch_first=True, bidirectional=True)
    w = dump['lstm']
    with torch.no_grad():
        # Ours per direction: kernel [F, 4H], recurrent kernel [H, 4H], one bias [4H]; gates i, f, g, o as PyTorch.
        for suffix, (kernel, recurrent, bias) in (('', w[0:3]), ('_reverse', w[3:6])):
            getattr(lstm, 'weight_ih_l0' + suffix).copy_(tensor(kernel).T)
            getattr(lstm, 'weight_hh_l0' + suffix).copy_(tensor(recurrent).T)
            getattr(lstm, 'bias_ih_l0' + suffix).copy_(tensor(bias))
            getattr(lstm, 'bias_hh_l0' + suffix).zero_()
    w1, b1, w2, b2 = (tensor(a).requires_grad_() for a in dump['attention'])

    def attention(h):
        # The article's head: Linear → tanh → Linear, softmax over time, the weighted sum of the states.
        alpha = torch.softmax((torch.tanh(h @ w1 + b1) @ w2 + b2).squeeze(-1), dim=1).unsqueeze(-1)
        return (alpha * h).sum(dim=1)

    h, _ = lstm(x)
    context = attention(h)
    (context ** 2).sum().backward()

    def relative(theirs, ours):
        return ((theirs - ours).abs().max() / theirs.abs().max().clamp_min(1e-30)).item()

    grads = dump['grads']
    named = dict(lstm.named_parameters())
    per = {}
    lstm_names = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse']
    for name, ours in zip(lstm_names, grads[0:6]):
        theirs = named[name].grad
        mine = tensor(ours)
        per[name] = relative(theirs, mine.T if theirs.dim() == 2 else mine)
    for name, param, ours in zip(('w1', 'b1', 'w2'), (w1, b1, w2), grads[6:9]):
        per[name] = relative(param.grad, tensor(ours))
    # The score's output bias gets no gradient (softmax does not see a shift), in PyTorch as in ours.
    print(json.dumps({
        'outputs': {
            'states': relative(h.detach(), tensor(dump['states'])),
            'context': relative(context.detach(), tensor(dump['context'])),
        },
        'gradients': per,
    }))


if __name__ == '__main__':
    main()
