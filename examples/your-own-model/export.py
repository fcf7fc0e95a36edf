#!/usr/bin/env python3
"""Step 1 of docs/your-own-model.md: a PyTorch audio-visual model, exported
for mmfusion with python/mmfusion_export.py.

The video branch is torchvision's MobileNetV2 backbone (width 0.25, its
last 1x1 convolution left out to stay small) on single 112x112 RGB frames;
the audio branch a small CNN on one log-mel window (64 mels x 100 STFT
frames, about one second at 16 kHz). Their pooled features are concatenated
and one linear layer gives the class scores: fusion by concatenation.

The weights are random (seeded): this walk is about the plumbing. Put your
trained module here instead; everything after the export stays the same.

    /usr/bin/python3 examples/your-own-model/export.py

writes examples/your-own-model/avnet.onnx (committed, about 0.6 MB), and
golden/: seeded random inputs and PyTorch's output for them, which the
test mmfusion-model-annotate holds the runtime's output to.
Needs Debian's python3-torch, python3-torchvision and python3-onnx.

Copyright (C) 2026 the gst-mmfusion authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
import mmfusion_export  # noqa: E402

N_CLASSES = 5


class AVNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        backbone = torchvision.models.mobilenet_v2(width_mult=0.25)
        self.video = backbone.features[:-1]         # -> (1, 80, 4, 4)
        self.audio = nn.Sequential(                 # (1, 1, 64, 100) ->
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(80 + 32, n_classes)

    def forward(self, video, audio):
        v = self.pool(self.video(video)).flatten(1)
        a = self.pool(self.audio(audio)).flatten(1)
        return self.head(torch.cat([v, a], dim=1))


def main():
    torch.manual_seed(0)
    model = AVNet(N_CLASSES)
    path = os.path.join(HERE, "avnet.onnx")
    props = mmfusion_export.export(
        model,
        {"video": torch.zeros(1, 3, 112, 112),     # N, C, H, W
         "audio": torch.zeros(1, 1, 64, 100)},     # N, 1, n-mels, frames
        path,
        inputs={
            # frames are scaled to [0, 1], then normalized as in training
            "video": {"mean": [0.485, 0.456, 0.406],
                      "std": [0.229, 0.224, 0.225], "resize": "crop"},
            # the log-mel front end the training data went through
            "audio": {"rate": 16000, "n-fft": 512, "win-length": 400,
                      "hop-length": 160, "stride": 10},
        })
    print(f"{path}: {os.path.getsize(path)} bytes")
    # PyTorch's answer on fixed inputs: the reference for the C runtime
    golden = os.path.join(HERE, "golden")
    os.makedirs(golden, exist_ok=True)
    rng = np.random.default_rng(1)
    video = rng.standard_normal((1, 3, 112, 112)).astype(np.float32)
    audio = rng.standard_normal((1, 1, 64, 100)).astype(np.float32)
    with torch.no_grad():
        scores = model(torch.from_numpy(video), torch.from_numpy(audio))
    np.save(os.path.join(golden, "input_video.npy"), video)
    np.save(os.path.join(golden, "input_audio.npy"), audio)
    np.save(os.path.join(golden, "output_scores.npy"), scores.numpy())
    for key, value in props.items():
        print(f"  {key} = {value}")


if __name__ == "__main__":
    main()
