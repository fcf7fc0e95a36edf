#!/usr/bin/env python3
"""AV-digits: one-second segments that show and speak the same digit.

Video: scikit-learn's handwritten digits (8x8, 16 grey levels, real
handwriting) drawn into 64x64 frames at a random scale, position and
contrast, with Gaussian noise. Audio: espeak-ng saying the digit's name in
many voices, speeds and pitches, at 16 kHz, placed at a random offset in
the second and mixed with noise at a random signal-to-noise ratio.

Splits never share a writer or a voice between train and test:
- writers: load_digits carries no writer ids. It is the test part of UCI
  optdigits (13 writers, ~138 digits each, stored writer by writer), so
  contiguous index blocks stand in for writers; the last 30% of the
  indices are the test writers.
- voices: a voice is an espeak-ng accent with a voice variant; test
  variants never occur in training.

Writes OUT/train.npz and OUT/test.npz with frames (N, 64, 64) uint8,
audio (N, 16000) int16 (the recording), speech (N, 16000) int16 (the same
utterance without noise, for corrupt.py), label (N,) and snr_db (N,). Raw media
only: the model inputs are made from these by the same references the C
elements are tested against (features.py).

usage: /usr/bin/python3 models/avdigits/build_data.py OUT [--train N] [--test N]
"""
import argparse
import io
import os
import subprocess
import wave

import numpy as np
from scipy.signal import resample_poly
from sklearn.datasets import load_digits

import corrupt
from corrupt import to_int16

RATE = 16000
FRAME = 64
NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven",
         "eight", "nine"]
ACCENTS = ["en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan",
           "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
TRAIN_VARIANTS = ["m1", "m2", "m3", "m4", "f1", "f2", "f3", "klatt", "klatt2",
                  "croak", "whisper", "m6"]
TEST_VARIANTS = ["m5", "m7", "f4", "f5", "klatt3", "klatt4"]
TEST_FRACTION = 0.3


def speak(text, voice, speed, pitch):
    """espeak-ng's 22.05 kHz speech, as float at 16 kHz"""
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p",
                          str(pitch), "--stdout", text],
                         check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(wav)) as w:
        rate = w.getframerate()
        # espeak-ng streams to stdout with an unknown length in the header
        x = np.frombuffer(wav[44:], dtype="<i2").astype(np.float64) / 32768
    assert rate == 22050, rate
    return resample_poly(x, 320, 441)


def utterances(variants, rng, per_digit):
    """per_digit random voices for each digit: a list of (digit, speech)"""
    out = []
    for d, name in enumerate(NAMES):
        for _ in range(per_digit):
            voice = f"{rng.choice(ACCENTS)}+{rng.choice(variants)}"
            out.append((d, speak(name, voice, int(rng.integers(110, 220)),
                                 int(rng.integers(20, 80)))))
    return out


def draw(image, rng):
    """an 8x8 digit (0..16) as a 64x64 frame: random scale, place, contrast"""
    size = int(rng.integers(24, 57))
    # bilinear upsampling of the 8x8 grid to size x size
    src = (np.arange(size) + 0.5) * 8 / size - 0.5
    i0 = np.clip(np.floor(src).astype(int), 0, 7)
    i1 = np.clip(i0 + 1, 0, 7)
    f = np.clip(src - i0, 0, 1)
    rows = image[i0] * (1 - f)[:, None] + image[i1] * f[:, None]
    big = rows[:, i0] * (1 - f)[None, :] + rows[:, i1] * f[None, :]
    frame = np.zeros((FRAME, FRAME))
    y, x = rng.integers(0, FRAME - size + 1, size=2)
    frame[y:y + size, x:x + size] = big / 16
    low = rng.uniform(0, 0.4)
    high = rng.uniform(low + 0.3, 1.0)
    frame = low + (high - low) * frame + rng.normal(0, rng.uniform(0.02, 0.15),
                                                     frame.shape)
    return (np.clip(frame, 0, 1) * 255).round().astype(np.uint8)


def place(speech, rng):
    """the utterance at a random offset in one second: the clean placed
    speech (kept so corrupt.py can remix it) and the recording, mixed with
    noise at a random signal-to-noise ratio"""
    clean = np.zeros(RATE)
    n = min(len(speech), RATE)
    start = int(rng.integers(0, RATE - n + 1))
    clean[start:start + n] = speech[:n]
    clean *= 0.5 / max(np.max(np.abs(clean)), 1e-9)
    snr_db = rng.uniform(-5, 20)
    recorded = corrupt.mix(clean, snr_db, rng)
    return to_int16(clean), recorded, snr_db


def build(n, images, labels, speech, rng):
    by_digit = {d: [s for dd, s in speech if dd == d] for d in range(10)}
    frames = np.zeros((n, FRAME, FRAME), np.uint8)
    audio = np.zeros((n, RATE), np.int16)
    speech = np.zeros((n, RATE), np.int16)
    label = rng.integers(0, 10, n)
    snr = np.zeros(n)
    for i, d in enumerate(label):
        pick = rng.choice(np.flatnonzero(labels == d))
        frames[i] = draw(images[pick], rng)
        voices = by_digit[d]
        speech[i], audio[i], snr[i] = place(voices[rng.integers(len(voices))], rng)
    return dict(frames=frames, audio=audio, speech=speech, label=label,
                snr_db=snr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=6000)
    ap.add_argument("--test", type=int, default=1500)
    ap.add_argument("--voices-per-digit", type=int, default=24)
    args = ap.parse_args()
    rng = np.random.default_rng(20261128)
    digits = load_digits()
    cut = int(len(digits.images) * (1 - TEST_FRACTION))
    os.makedirs(args.out, exist_ok=True)
    for split, n, sl, variants in (
            ("train", args.train, slice(0, cut), TRAIN_VARIANTS),
            ("test", args.test, slice(cut, None), TEST_VARIANTS)):
        speech = utterances(variants, rng, args.voices_per_digit)
        data = build(n, digits.images[sl], digits.target[sl], speech, rng)
        np.savez_compressed(os.path.join(args.out, split + ".npz"), **data)
        print(f"{split}: {n} segments, {len(speech)} utterances, "
              f"{sl.stop - sl.start if sl.stop else len(digits.images) - cut} images")


if __name__ == "__main__":
    main()
