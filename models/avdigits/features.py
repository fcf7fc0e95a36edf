"""Model inputs from AV-digits raw media, made by the same references the
C elements are tested against, so training sees what mmfusion will feed:
- audio: tests/golden/audio/logmel_reference.py (docs/audio-features.md),
  40 mels over the whole second: 98 STFT frames, mel-major;
- video: grey frames area-averaged to 32x32 (docs/model-format.md; for
  sizes that are multiples of 32, PyTorch's F.interpolate(mode="area") is
  a block mean), v/255, then (x - MEAN) / STD.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "golden", "audio"))
import logmel_reference  # noqa: E402

RATE, N_MELS, FRAMES = 16000, 40, 98
SIZE, MEAN, STD = 32, 0.5, 0.25


def audio_features(audio):
    """(N, 16000) int16 -> (N, 1, N_MELS, FRAMES) float32"""
    out = np.zeros((len(audio), 1, N_MELS, FRAMES), np.float32)
    for i, a in enumerate(audio):
        feats = logmel_reference.log_mel_frames(a.astype(np.float64) / 32768,
                                                RATE, n_mels=N_MELS)
        out[i, 0] = feats[:FRAMES].T
    return out


def video_features(frames):
    """(N, H, W) uint8, H and W multiples of 32 -> (N, 1, 32, 32) float32"""
    v = frames.astype(np.float64) / 255
    n, h, w = v.shape
    v = v.reshape(n, SIZE, h // SIZE, SIZE, w // SIZE).mean(axis=(2, 4))
    return ((v - MEAN) / STD).astype(np.float32)[:, None]


def load(path):
    """features of one split, cached beside it"""
    cache = path.replace(".npz", ".features.npz")
    if os.path.exists(cache) and os.path.getmtime(cache) > os.path.getmtime(path):
        d = np.load(cache)
        return d["video"], d["audio"], d["label"]
    d = np.load(path)
    video, audio = video_features(d["frames"]), audio_features(d["audio"])
    np.savez(cache, video=video, audio=audio, label=d["label"])
    return video, audio, d["label"]
