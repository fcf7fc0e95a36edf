#!/usr/bin/env python3
"""Renders AV-digits segments as a clip for mmfusion-analyze: segment k
fills [k, k+1) s, its frame held for the whole second, its audio the
second's samples.

Video: the 64x64 frame enlarged SCALE times by pixel repetition (so the
model's 32x32 area average sees exactly what features.py computes), H.264
lossless (x264 quantizer 0) in full-range I420, whose luma is the grey
value itself. Audio: 16 kHz mono FLAC. Both lossless, so the C pipeline
and PyTorch read the same media (make_clip's .npz keeps it for PyTorch).

Writes OUT.mkv, OUT.labels.csv (start_ns,end_ns,label,condition per
segment; "mixed" cycles the three conditions segment by segment) and
OUT.npz (frames, audio, label of the rendered segments, after corruption).

usage: /usr/bin/python3 models/avdigits/make_clip.py SPLIT.npz OUT.mkv
           [--first K] [--count N] [--condition clean|video-corrupted|audio-corrupted|mixed]
           [--scale S] [--fps F] [--seed N]
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np

import corrupt

CONDITIONS = ("clean", "video-corrupted", "audio-corrupted")
MIXED = "mixed"     # segment k under CONDITIONS[k % 3]: the demo clip
SECOND = 1_000_000_000


def segments(data, first, count, condition, rng):
    """the chosen segments' frames, audio, labels and conditions"""
    sl = slice(first, first + count)
    frames, audio = data["frames"][sl].copy(), data["audio"][sl].copy()
    label = data["label"][sl]
    which = np.array([CONDITIONS[k % 3] if condition == MIXED else condition
                      for k in range(len(label))])
    v, a = which == "video-corrupted", which == "audio-corrupted"
    if v.any():
        frames[v] = corrupt.video(frames[v], corrupt.VIDEO_SIGMA, rng)
    if a.any():
        audio[a] = corrupt.audio(data["speech"][sl][a], corrupt.AUDIO_SNR_DB, rng)
    return frames, audio, label, which


def render(frames, audio, out, scale, fps, tmp):
    """raw media to OUT through gst-launch-1.0 (x264enc, flacenc,
    matroskamux); frames stream through a pipe, enlarged one at a time"""
    audio_raw = os.path.join(tmp, "audio.raw")
    audio.astype("<i2").tofile(audio_raw)
    h, w = frames.shape[1] * scale, frames.shape[2] * scale
    launch = (
        f"fdsrc fd=0 blocksize={w * h} ! rawvideoparse format=gray8 width={w} "
        f"height={h} framerate={fps}/1 ! videoconvert ! "
        "video/x-raw,format=I420,colorimetry=(string)1:4:0:0 ! "
        "x264enc pass=quant quantizer=0 key-int-max=250 ! h264parse ! mux. "
        f"filesrc location={audio_raw} ! rawaudioparse format=pcm "
        "pcm-format=s16le sample-rate=16000 num-channels=1 ! flacenc ! mux. "
        f"matroskamux name=mux ! filesink location={out}")
    env = dict(os.environ)
    env.pop("GST_PLUGIN_PATH", None)    # stock elements only
    proc = subprocess.Popen(["gst-launch-1.0", "-q", *launch.split()],
                            stdin=subprocess.PIPE, env=env)
    for frame in frames:
        big = frame.repeat(scale, axis=0).repeat(scale, axis=1).tobytes()
        proc.stdin.write(big * fps)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit(f"make_clip: gst-launch-1.0 failed ({proc.returncode})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("split")
    ap.add_argument("out")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--condition", choices=CONDITIONS + (MIXED,), default="clean")
    ap.add_argument("--scale", type=int, default=6)
    ap.add_argument("--fps", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    data = np.load(args.split)
    frames, audio, label, which = segments(data, args.first, args.count,
                                    args.condition, np.random.default_rng(args.seed))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        render(frames, audio, args.out, args.scale, args.fps, tmp)
    stem = os.path.splitext(args.out)[0]
    with open(stem + ".labels.csv", "w") as f:
        f.write("start_ns,end_ns,label,condition\n")
        for k, d in enumerate(label):
            f.write(f"{k * SECOND},{(k + 1) * SECOND},{d},{which[k]}\n")
    np.savez_compressed(stem + ".npz", frames=frames, audio=audio, label=label)
    print(f"{args.out}: {len(label)} segments ({args.condition}), "
          f"{os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
