#!/usr/bin/env python3
"""Accuracy of the AV-digits models through the C pipeline, beside
PyTorch's on the same media.

For each condition (as recorded; frames heavily corrupted; speech heavily
corrupted: corrupt.py) renders held-out clips from the test split with
make_clip.py, runs build/tools/mmfusion-analyze on them with each model
and scores the JSON with score.sh (the demo's scorer); PyTorch runs the
same models' weights on the media make_clip.py rendered. Prints a
Markdown table: C accuracy, PyTorch accuracy, and how often the two pick
the same class.

usage: /usr/bin/python3 models/avdigits/evaluate.py TEST.npz MODELS_DIR
           [--count N] [--work DIR] [--build DIR]
(MODELS_DIR holds avdigits-KIND.onnx and avdigits-KIND.pt from train.py)
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import torch

import features
import make_clip
import train

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
KINDS = ("concat", "attention", "video", "audio")


def c_predictions(build, clip, labels, model, out_json, env):
    """mmfusion-analyze's prediction per segment, picked by score.sh"""
    subprocess.run([os.path.join(build, "tools", "mmfusion-analyze"), clip,
                    "--model", model, "--json", out_json], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = subprocess.run([os.path.join(HERE, "score.sh"), "--segments", labels,
                           out_json], check=True, capture_output=True,
                          text=True).stdout.splitlines()
    return {int(r.split(",")[0]): int(r.split(",")[2] or -1) for r in rows}


def torch_predictions(kind, weights, frames, audio):
    model = train.load(kind, weights)
    v = torch.from_numpy(features.video_features(frames))
    a = torch.from_numpy(features.audio_features(audio))
    with torch.no_grad():
        return model(*train.inputs_of(model, v, a)).argmax(1).numpy()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("test")
    ap.add_argument("models")
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("--work", default="/tmp/avdigits-eval")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    env = dict(os.environ, GST_PLUGIN_PATH=os.path.join(build, "gst"),
               GST_REGISTRY=os.path.join(args.work, "registry.bin"))
    os.makedirs(args.work, exist_ok=True)
    rows = {}
    for condition in make_clip.CONDITIONS:
        clip = os.path.join(args.work, f"{condition}-{args.count}.mkv")
        stem = os.path.splitext(clip)[0]
        # clips are deterministic: one rendered earlier is reused
        if not os.path.exists(stem + ".npz") or \
                os.path.getmtime(stem + ".npz") < os.path.getmtime(args.test):
            subprocess.run([sys.executable, os.path.join(HERE, "make_clip.py"),
                            args.test, clip, "--count", str(args.count),
                            "--condition", condition], check=True)
        media = np.load(stem + ".npz")
        for kind in args.kinds.split(","):
            model = os.path.join(args.models, f"avdigits-{kind}.onnx")
            out_json = f"{stem}.{kind}.jsonl"
            labels = stem + ".labels.csv"
            c = c_predictions(build, clip, labels, model, out_json, env)
            score = subprocess.run(
                [os.path.join(HERE, "score.sh"), labels, out_json],
                check=True, capture_output=True, text=True).stdout.split()[1]
            t = torch_predictions(kind, os.path.join(args.models, f"avdigits-{kind}.pt"),
                                  media["frames"], media["audio"])
            same = np.mean([c.get(k, -1) == p for k, p in enumerate(t)])
            rows.setdefault(kind, []).append(
                (float(score), float(np.mean(t == media["label"])), same))
            print(f"{condition} {kind}: C {score}, PyTorch "
                  f"{rows[kind][-1][1]:.3f}, same class {same:.3f}", flush=True)
    print(f"\n| model | " + " | ".join(f"{c}: C / PyTorch / same"
                                        for c in make_clip.CONDITIONS) + " |")
    print("|---|" + "---|" * len(make_clip.CONDITIONS))
    for kind, cells in rows.items():
        print(f"| {kind} | " + " | ".join(f"{c:.3f} / {t:.3f} / {s:.3f}"
                                          for c, t, s in cells) + " |")


if __name__ == "__main__":
    main()
