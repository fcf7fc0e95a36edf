#!/usr/bin/env python3
"""Golden scores for the AV-digits test: PyTorch's softmax for every
shipped model on every segment of the demo clip, computed from the clip
itself (decoded here by stock GStreamer elements: the clip is lossless)
through features.py, independently of mmfusion.

Writes tests/golden/avdigits/scores.csv: model,segment,label,score0..score9,
and the model inputs features.py makes for the first FEATURE_SEGMENTS
segments, float32 little-endian: audio-features.f32 (each segment's
40x98 log-mel, mel-major) and video-features.f32 (each segment's last
frame, 32x32 normalized grey).

usage: /usr/bin/python3 models/avdigits/make_goldens.py [CLIP.mkv] [MODELS_DIR]
(defaults: models/avdigits/demo.mkv and models/avdigits)
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch

import features
import train

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "golden", "avdigits", "scores.csv")
KINDS = ("concat", "attention", "video", "audio")
FEATURE_SEGMENTS = 3


def decode(clip, tmp):
    """the clip's grey frames (N, H, W) and mono 16 kHz samples, raw"""
    env = dict(os.environ)
    env.pop("GST_PLUGIN_PATH", None)
    frames_raw = os.path.join(tmp, "frames.raw")
    log = subprocess.run(
        ["gst-launch-1.0", "-v", "filesrc", f"location={clip}", "!",
         "matroskademux", "!", "h264parse", "!", "avdec_h264", "!",
         "videoconvert", "!", "video/x-raw,format=GRAY8", "!", "filesink",
         f"location={frames_raw}"],
        check=True, capture_output=True, text=True, env=env).stdout
    # the negotiated size, from the caps gst-launch -v prints
    caps = [l for l in log.splitlines() if "format=(string)GRAY8" in l][-1]
    w = int(re.search(r"width=\(int\)(\d+)", caps).group(1))
    h = int(re.search(r"height=\(int\)(\d+)", caps).group(1))
    audio_raw = os.path.join(tmp, "audio.raw")
    subprocess.run(
        ["gst-launch-1.0", "-q", "filesrc", f"location={clip}", "!",
         "matroskademux", "!", "flacparse", "!", "flacdec", "!",
         "audio/x-raw,format=S16LE,rate=16000,channels=1", "!", "filesink",
         f"location={audio_raw}"], check=True, env=env)
    return (np.fromfile(frames_raw, np.uint8).reshape(-1, h, w),
            np.fromfile(audio_raw, "<i2"))


def main():
    clip = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "demo.mkv")
    models = sys.argv[2] if len(sys.argv) > 2 else HERE
    labels = np.loadtxt(os.path.splitext(clip)[0] + ".labels.csv", delimiter=",",
                        skiprows=1, dtype=np.int64, usecols=2)
    with tempfile.TemporaryDirectory() as tmp:
        frames, samples = decode(clip, tmp)
    n = len(labels)
    fps = len(frames) // n
    # segment k: its last frame and its second of audio
    last = frames[fps - 1::fps][:n]
    audio = samples[:n * features.RATE].reshape(n, features.RATE)
    v = torch.from_numpy(features.video_features(last))
    a = torch.from_numpy(features.audio_features(audio))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    golden = os.path.dirname(OUT)
    a[:FEATURE_SEGMENTS].numpy().astype("<f4").tofile(
        os.path.join(golden, "audio-features.f32"))
    v[:FEATURE_SEGMENTS].numpy().astype("<f4").tofile(
        os.path.join(golden, "video-features.f32"))
    with open(OUT, "w") as f:
        f.write("model,segment,label," + ",".join(f"score{i}" for i in range(10)) + "\n")
        for kind in KINDS:
            model = train.load(kind, os.path.join(models, f"avdigits-{kind}.pt"))
            with torch.no_grad():
                p = torch.softmax(model(*train.inputs_of(model, v, a)), 1).numpy()
            for k in range(n):
                f.write(f"{kind},{k},{labels[k]}," +
                        ",".join(f"{x:.8g}" for x in p[k]) + "\n")
            print(f"{kind}: PyTorch accuracy on the clip "
                  f"{np.mean(p.argmax(1) == labels):.3f}")


if __name__ == "__main__":
    main()
