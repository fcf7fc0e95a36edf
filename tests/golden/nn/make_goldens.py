#!/usr/bin/env python3
"""Makes the runtime's golden models: small PyTorch networks of the kinds
the fusion element runs, exported to ONNX by torch.onnx.export, with fixed
random inputs and PyTorch's own outputs saved as .npy.

Run with Debian's python3 (python3-torch, python3-onnx, python3-numpy):
    /usr/bin/python3 tests/golden/nn/make_goldens.py
Writes tests/golden/nn/<name>/{model.onnx, input_<NAME>.npy, output_<NAME>.npy}.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


class PlainCNN(nn.Module):
    """Conv + BatchNorm + ReLU + MaxPool blocks, then Linear: a frame encoder."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2, ceil_mode=True),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.AvgPool2d(2))
        self.head = nn.Linear(64 * 2 * 2, 10)

    def forward(self, video):
        x = self.body(video)
        return self.head(torch.flatten(x, 1))


class DepthwiseCNN(nn.Module):
    """MobileNet-style: grouped and depthwise convs, HardSwish, global pool."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.pw = nn.Conv2d(16, 32, 1)
        self.grouped = nn.Conv2d(32, 32, 3, padding=2, dilation=2, groups=4)
        self.dw2 = nn.Conv2d(32, 32, 5, stride=2, padding=2, groups=32)
        self.head = nn.Linear(32, 7)

    def forward(self, video):
        x = F.hardswish(self.stem(video))
        x = F.relu6(self.pw(self.dw(x)))
        x = F.leaky_relu(self.grouped(x), 0.1)
        x = torch.sigmoid(self.dw2(x)) * x[:, :, ::2, ::2]
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.head(x)


class AttentionFusion(nn.Module):
    """Video patches attend to audio frames: cross-attention, LayerNorm, GELU."""

    def __init__(self, d=32):
        super().__init__()
        self.patch = nn.Conv2d(3, d, 8, stride=8)
        self.audio_proj = nn.Linear(40, d)
        self.attn = nn.MultiheadAttention(d, 4, batch_first=True)
        self.norm1 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 64), nn.GELU(), nn.Linear(64, d))
        self.norm2 = nn.LayerNorm(d)
        self.head = nn.Linear(d, 5)

    def forward(self, video, audio):
        v = self.patch(video).flatten(2).transpose(1, 2)      # (1, 16, d)
        a = self.audio_proj(audio.squeeze(1).transpose(1, 2))  # (1, T, d)
        x = self.norm1(v + self.attn(v, a, a, need_weights=False)[0])
        x = self.norm2(x + self.ff(x))
        return self.head(x.mean(dim=1))


class GRUFusion(nn.Module):
    """A GRU over log-mel frames fused by concatenation with a CNN."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(40, 48, batch_first=True, bidirectional=True)
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(96 + 16, 6)

    def forward(self, video, audio):
        seq = audio.squeeze(1).transpose(1, 2)                 # (1, T, 40)
        _, h = self.gru(seq)                                   # (2, 1, 48)
        a = torch.cat([h[0], h[1]], dim=1)
        v = self.cnn(video).flatten(1)
        return torch.softmax(self.head(torch.cat([a, v], dim=1)), dim=1)


class LateFusion(nn.Module):
    """Two unimodal classifiers whose softmaxes are averaged; an LSTM on audio."""

    def __init__(self):
        super().__init__()
        self.vnet = nn.Sequential(
            nn.Conv2d(3, 8, 5, stride=2, padding=2), nn.Tanh(),
            nn.Conv2d(8, 16, 3, stride=2), nn.ReLU(),
            nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(16, 4))
        self.lstm = nn.LSTM(40, 24, batch_first=True)
        self.anet = nn.Linear(24, 4)

    def forward(self, video, audio):
        pv = torch.softmax(self.vnet(video), dim=1)
        out, _ = self.lstm(audio.squeeze(1).transpose(1, 2))
        pa = torch.softmax(self.anet(out[:, -1]), dim=1)
        return 0.5 * (pv + pa), torch.log_softmax(self.anet(out.mean(1)), 1)


def export(name, model, inputs):
    model.eval()
    out_dir = os.path.join(HERE, name)
    os.makedirs(out_dir, exist_ok=True)
    # BatchNorm statistics other than the defaults, so folding is exercised
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    names = list(inputs)
    args = tuple(inputs[n] for n in names)
    with torch.no_grad():
        outs = model(*args)
    if not isinstance(outs, tuple):
        outs = (outs,)
    out_names = ["output"] if len(outs) == 1 else [f"output{i}" for i in range(len(outs))]
    torch.onnx.export(model, args, os.path.join(out_dir, "model.onnx"),
                      input_names=names, output_names=out_names,
                      opset_version=17, do_constant_folding=True)
    for n in names:
        np.save(os.path.join(out_dir, f"input_{n}.npy"), inputs[n].numpy())
    for n, o in zip(out_names, outs):
        np.save(os.path.join(out_dir, f"output_{n}.npy"), o.numpy())
    print(name, [tuple(o.shape) for o in outs])


def main():
    video = torch.rand(1, 3, 32, 32)
    audio = torch.randn(1, 1, 40, 50)
    gray = torch.rand(1, 1, 32, 32)
    export("cnn", PlainCNN(), {"video": video})
    export("depthwise", DepthwiseCNN(), {"video": video})
    export("attention", AttentionFusion(), {"video": video, "audio": audio})
    export("gru_fusion", GRUFusion(), {"video": gray, "audio": audio})
    export("late_fusion", LateFusion(), {"video": video, "audio": audio})


if __name__ == "__main__":
    main()
