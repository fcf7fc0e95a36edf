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

import corrupt
import features

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
        if kind in ("concat", "attention"):
            # training only (not in the export): a classifier per encoder,
            # so each encoder stays as strong as a unimodal model's instead
            # of leaning on the other modality
            self.aux = nn.ModuleList([nn.Linear(64, 10), nn.Linear(64, 10)])

    def encode(self, *inputs):
        feats = []
        if self.kind != "audio":
            feats.append(self.video(inputs[0]))
        if self.kind != "video":
            a = (inputs[-1] - self.am) / self.asd
            feats.append(self.audio(a))
        return feats

    def forward(self, *inputs):
        return self.fuse(self.encode(*inputs))

    def fuse(self, feats):
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


def load(kind, weights):
    """a trained model from its .pt (the audio statistics are buffers in
    it, so the constructor's placeholders are overwritten), for inference"""
    model = Model(kind, 0.0, 1.0)
    model.load_state_dict(torch.load(weights))
    return model.eval()


def augment(frames, audio, speech, rng):
    """Raw-media augmentation, the same for every model: a third of the
    segments get their frame under heavy noise, a third their speech under
    heavy noise (severities spread around the evaluation's), the rest stay
    as recorded. Returns model inputs."""
    n = len(frames)
    which = rng.integers(0, 3, n)
    frames = frames.copy()
    v = which == 0
    if v.any():
        frames[v] = corrupt.video(frames[v], rng.uniform(0.2, 1.0, v.sum()), rng)
    video = features.video_features(frames)
    a = which == 1
    if a.any():
        audio = audio.copy()
        audio[a] = corrupt.audio(speech[a], rng.uniform(-25, -5, a.sum()), rng)
    return video, audio, a


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


def train(kind, raw, ta, epochs, stats):
    """raw: the training split (frames, speech, label); ta: the recorded
    audio's features (computed once; corrupted audio is computed per batch)"""
    # seeded per model: each model is the same whatever else is trained
    torch.manual_seed(0)
    rng = np.random.default_rng(1)
    model = Model(kind, *stats)
    opt = torch.optim.Adam(model.parameters(), 2e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, 3e-3, total_steps=epochs * ((len(raw["label"]) + 63) // 64))
    for epoch in range(epochs):
        model.train()
        for idx in batches(len(raw["label"]), 64, rng):
            v, audio, redo = augment(raw["frames"][idx], raw["audio"][idx],
                                     raw["speech"][idx], rng)
            a = ta[idx].copy()
            if redo.any() and kind != "video":
                a[redo] = features.audio_features(audio[redo])
            y = torch.from_numpy(raw["label"][idx])
            feats = model.encode(*inputs_of(model, torch.from_numpy(v),
                                            torch.from_numpy(a)))
            loss = F.cross_entropy(model.fuse(feats), y)
            if hasattr(model, "aux"):
                loss = loss + 0.5 * sum(F.cross_entropy(c(f), y)
                                        for c, f in zip(model.aux, feats))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
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


def conditions(test, rng):
    """the evaluation's three conditions on the test split: as recorded,
    frames heavily corrupted, speech heavily corrupted (corrupt.py)"""
    frames, audio = test["frames"], test["audio"]
    return {"clean": (frames, audio),
            "video-corrupted": (corrupt.video(frames, corrupt.VIDEO_SIGMA, rng), audio),
            "audio-corrupted": (frames, corrupt.audio(test["speech"],
                                                      corrupt.AUDIO_SNR_DB, rng))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--kinds", default="concat,attention,video,audio")
    args = ap.parse_args()
    raw = dict(np.load(os.path.join(args.data, "train.npz")))
    _, ta, _ = features.load(os.path.join(args.data, "train.npz"))
    test = dict(np.load(os.path.join(args.data, "test.npz")))
    stats = (float(ta.mean()), float(ta.std()))
    os.makedirs(args.out, exist_ok=True)
    sets = {name: (features.video_features(f), features.audio_features(a))
            for name, (f, a) in conditions(test, np.random.default_rng(2)).items()}
    print("model      " + "  ".join(sets), flush=True)
    for kind in args.kinds.split(","):
        model = train(kind, raw, ta, args.epochs, stats)
        print(f"{kind:10s} " + "  ".join(
            f"{accuracy(model, v, a, test['label']):.3f}".rjust(len(name))
            for name, (v, a) in sets.items()), flush=True)
        export(model, os.path.join(args.out, f"avdigits-{kind}.onnx"))
        # the weights too, so evaluate.py can run PyTorch on the same clips
        torch.save(model.state_dict(), os.path.join(args.out, f"avdigits-{kind}.pt"))


if __name__ == "__main__":
    main()
