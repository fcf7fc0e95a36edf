#!/usr/bin/env python3
"""Trains the AV-digits models on build_data.py's output and exports them:
fused by concatenation, fused by cross-attention, video only, audio only.
Prints test accuracy (PyTorch) clean and with each modality corrupted.

usage: /usr/bin/python3 models/avdigits/train.py DATA_DIR OUT_DIR [--epochs N]
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import features

torch.manual_seed(0)
torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))


def encoder(freq_first):
    """three conv blocks to a 64-vector; the same shape for both inputs"""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten())


class Model(nn.Module):
    def __init__(self, kind, audio_mean, audio_std):
        super().__init__()
        self.kind = kind
        self.register_buffer("am", torch.tensor(audio_mean, dtype=torch.float32))
        self.register_buffer("asd", torch.tensor(audio_std, dtype=torch.float32))
        if kind != "audio":
            self.video = encoder(False)
        if kind != "video":
            self.audio = encoder(True)
        if kind == "attention":
            self.q = nn.Linear(64, 64)
            self.kv = nn.Linear(64, 128)
            self.head = nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
        elif kind == "concat":
            self.head = nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
        else:
            self.head = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, *inputs):
        feats = []
        if self.kind != "audio":
            feats.append(self.video(inputs[0]))
        if self.kind != "video":
            a = (inputs[-1] - self.am) / self.asd
            feats.append(self.audio(a))
        if self.kind == "attention":
            # each modality's vector gates how much of the other it takes
            v, a = feats
            tokens = torch.stack([v, a], 1)                       # (N, 2, 64)
            k, val = self.kv(tokens).chunk(2, dim=-1)
            q = self.q(tokens)
            w = torch.softmax(q @ k.transpose(1, 2) / 8.0, dim=-1)
            mixed = (w @ val).flatten(1)                          # (N, 128)
            return self.head(mixed)
        return self.head(torch.cat(feats, 1))


NOISE_BANK = None


def noise_features(n, rng):
    """log-mel features of noise alone (a microphone hearing nothing useful),
    made once through the same reference"""
    global NOISE_BANK
    if NOISE_BANK is None:
        gains = rng.uniform(100, 8000, (256, 1))
        raw = (rng.normal(0, 1, (256, features.RATE)) * gains).astype(np.int16)
        NOISE_BANK = features.audio_features(raw)
    return NOISE_BANK[rng.integers(0, len(NOISE_BANK), n)]


def corrupt(video, audio, which, rng):
    """heavy corruption of one modality: the frame buried in noise (sigma
    one full grey scale), or the speech replaced by noise alone"""
    video, audio = video.copy(), audio.copy()
    if which == "video":
        video += rng.normal(0, 1.0 / features.STD, video.shape).astype(np.float32)
    elif which == "audio":
        audio = noise_features(len(audio), rng)
    return video, audio


def batches(n, size, rng):
    order = rng.permutation(n)
    for i in range(0, n, size):
        yield order[i:i + size]


def inputs_of(model, v, a):
    return {"video": (v,), "audio": (a,)}.get(model.kind, (v, a))


def accuracy(model, v, a, y):
    model.eval()
    with torch.no_grad():
        out = model(*inputs_of(model, torch.from_numpy(v), torch.from_numpy(a)))
    return float((out.argmax(1).numpy() == y).mean())


def train(kind, tv, ta, ty, epochs, stats):
    rng = np.random.default_rng(1)
    model = Model(kind, *stats)
    opt = torch.optim.Adam(model.parameters(), 2e-3)
    for epoch in range(epochs):
        model.train()
        for idx in batches(len(ty), 64, rng):
            v, a = tv[idx], ta[idx]
            if kind in ("concat", "attention"):
                # modality dropout: one input sometimes corrupted, so the
                # fused model learns to lean on the other
                r = rng.random()
                if r < 0.15:
                    v, a = corrupt(v, a, "video", rng)
                elif r < 0.3:
                    v, a = corrupt(v, a, "audio", rng)
            out = model(*inputs_of(model, torch.from_numpy(v), torch.from_numpy(a)))
            loss = F.cross_entropy(out, torch.from_numpy(ty[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def export(model, path):
    names = {"video": ["video"], "audio": ["audio"]}.get(model.kind, ["video", "audio"])
    dummy = {"video": torch.zeros(1, 1, features.SIZE, features.SIZE),
             "audio": torch.zeros(1, 1, features.N_MELS, features.FRAMES)}
    model.eval()
    torch.onnx.export(model, tuple(dummy[n] for n in names), path,
                      input_names=names, output_names=["scores"], opset_version=17)
    import onnx
    m = onnx.load(path)
    meta = {"mmfusion.labels": json.dumps([str(d) for d in range(10)]),
            "mmfusion.output.activation": "softmax"}
    if "video" in names:
        meta.update({"mmfusion.input.video.color": "GRAY",
                     "mmfusion.input.video.mean": str(features.MEAN),
                     "mmfusion.input.video.std": str(features.STD)})
    if "audio" in names:
        meta.update({"mmfusion.input.audio.features": "log-mel",
                     "mmfusion.input.audio.rate": str(features.RATE),
                     "mmfusion.input.audio.n-mels": str(features.N_MELS),
                     "mmfusion.input.audio.stride": "10"})
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    onnx.save(m, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=12)
    args = ap.parse_args()
    tv, ta, ty = features.load(os.path.join(args.data, "train.npz"))
    sv, sa, sy = features.load(os.path.join(args.data, "test.npz"))
    stats = (float(ta.mean()), float(ta.std()))
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(2)
    cv, _ = corrupt(sv, sa, "video", rng)
    _, ca = corrupt(sv, sa, "audio", rng)
    print("model      clean  video-corrupted  audio-corrupted")
    for kind in ("concat", "attention", "video", "audio"):
        model = train(kind, tv, ta, ty, args.epochs, stats)
        print(f"{kind:10s} {accuracy(model, sv, sa, sy):.3f}  "
              f"{accuracy(model, cv, sa, sy):.3f}            "
              f"{accuracy(model, sv, ca, sy):.3f}", flush=True)
        export(model, os.path.join(args.out, f"avdigits-{kind}.onnx"))


if __name__ == "__main__":
    main()
