#!/usr/bin/env python3
"""The model of scripts/bench-streams: real-sized, random weights (the
benchmark measures cost, not accuracy). Video: torchvision's MobileNetV2
(width 1.0) on a 224x224 RGB frame, 1280 features; audio: a log-mel CNN
(four 3x3 conv + batch norm + ReLU + 2x2 max-pool blocks, 32 to 256
channels) on a 1 s window of 64 mel bands x 101 frames (16 kHz, hop 160),
256 features; the two concatenated into a 10-class linear layer with
softmax. Exported with python/mmfusion_export.py (the window steps 20 STFT
frames, 0.2 s: 5 windows a second, as the benchmark's 5 inferences a
second).

usage: /usr/bin/python3 scripts/make-streams-model.py OUT.onnx
Needs Debian's python3-torch, python3-torchvision, python3-onnx.

Copyright (C) 2026 the gst-mmfusion authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import mmfusion_export  # noqa: E402


class AudioCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        layers, c = [], 1
        for out in (32, 64, 128, 256):
            layers += [torch.nn.Conv2d(c, out, 3, padding=1),
                       torch.nn.BatchNorm2d(out), torch.nn.ReLU(),
                       torch.nn.MaxPool2d(2)]
            c = out
        self.body = torch.nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x).mean(dim=(2, 3))


class Fused(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.video = torchvision.models.mobilenet_v2(weights=None).features
        self.audio = AudioCNN()
        self.head = torch.nn.Linear(1280 + 256, 10)

    def forward(self, video, audio):
        v = self.video(video).mean(dim=(2, 3))
        return self.head(torch.cat([v, self.audio(audio)], dim=1))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[2])
    torch.manual_seed(0)
    model = Fused()
    mmfusion_export.export(
        model, {"video": torch.zeros(1, 3, 224, 224),
                "audio": torch.zeros(1, 1, 64, 101)},
        sys.argv[1], labels=[f"class{i}" for i in range(10)],
        activation="softmax",
        inputs={"video": {"mean": [0.485, 0.456, 0.406],
                          "std": [0.229, 0.224, 0.225]},
                "audio": {"rate": 16000, "hop-length": 160,
                          "win-length": 400, "n-fft": 512, "stride": 20}})


if __name__ == "__main__":
    main()
