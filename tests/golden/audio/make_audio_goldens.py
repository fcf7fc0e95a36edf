#!/usr/bin/env python3
"""Golden data for mmaudiowindow: input audio, the parameters, and the
windows the numpy reference (logmel_reference.py) computes from it.

Run with Debian's python3 (numpy, scipy) and espeak-ng installed:
    /usr/bin/python3 tests/golden/audio/make_audio_goldens.py
Writes tests/golden/audio/<case>/{input.raw (interleaved little-endian samples),
params.ini, expected.npy}.
"""
import configparser
import os
import subprocess
import tempfile
import wave

import numpy as np
from scipy.signal import chirp, resample_poly

import logmel_reference as ref

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(1234)


def sweep(rate, seconds=1.3):
    t = np.arange(int(rate * seconds)) / rate
    return 0.5 * chirp(t, f0=60.0, f1=0.45 * rate, t1=seconds, method="logarithmic")


def noise(rate, seconds=1.3):
    return 0.3 * rng.standard_normal(int(rate * seconds))


def speech(rate, text="seven, three, one, nine"):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "speech.wav")
        subprocess.run(["espeak-ng", "-v", "en", "-s", "170", "-w", path, text],
                       check=True)
        with wave.open(path) as w:
            src_rate = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), np.int16) / 32768.0
    g = np.gcd(src_rate, rate)
    return 0.9 * resample_poly(x, rate // g, src_rate // g)


def interleave(mono, channels, fmt):
    if channels == 2:
        # channels differ, so averaging is what is tested
        other = 0.5 * mono + 0.02 * rng.standard_normal(mono.size)
        x = np.stack([mono, other], axis=1)
    else:
        x = mono[:, None]
    if fmt == "S16LE":
        return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)
    return x.astype(np.float32)


CASES = [
    # name, signal, rate, format, channels, feature parameters
    ("sweep_f32_mono_16k", sweep, 16000, "F32LE", 1,
     dict(n_fft=512, win_length=400, hop_length=160, n_mels=64, frames=50, stride=10)),
    ("noise_s16_stereo_16k", noise, 16000, "S16LE", 2,
     dict(n_fft=512, win_length=400, hop_length=160, n_mels=40, frames=30, stride=7,
          fmin=50.0, fmax=7600.0)),
    ("speech_f32_stereo_48k", speech, 48000, "F32LE", 2,
     dict(n_fft=1024, win_length=960, hop_length=480, n_mels=80, frames=40, stride=20)),
    ("speech_s16_mono_16k_gaps", speech, 16000, "S16LE", 1,
     dict(n_fft=400, win_length=400, hop_length=160, n_mels=32, frames=20, stride=30)),
    ("noise_f32_mono_48k", noise, 48000, "F32LE", 1,
     dict(n_fft=2048, win_length=1200, hop_length=480, n_mels=128, frames=25, stride=25,
          log_offset=1e-3)),
    ("sweep_s16_stereo_48k", sweep, 48000, "S16LE", 2,
     dict(n_fft=1024, win_length=1024, hop_length=256, n_mels=64, frames=64, stride=16,
          fmin=20.0, fmax=20000.0)),
    ("speech_s16_stereo_16k_waveform", speech, 16000, "S16LE", 2,
     dict(kind="waveform", win_length=400, hop_length=160, frames=10, stride=5)),
]


def main():
    for name, signal, rate, fmt, channels, params in CASES:
        out = os.path.join(HERE, name)
        os.makedirs(out, exist_ok=True)
        samples = interleave(signal(rate), channels, fmt)
        mono = ref.to_mono(samples)
        kind = params.pop("kind", "log-mel")
        frames, stride = params.pop("frames"), params.pop("stride")
        expected = ref.windows(mono, rate, kind=kind, frames=frames, stride=stride, **params)
        samples.astype(samples.dtype.newbyteorder("<")).tofile(os.path.join(out, "input.raw"))
        np.save(os.path.join(out, "expected.npy"), expected.astype(np.float32))
        ini = configparser.ConfigParser()
        full = dict(kind=kind, rate=rate, format=fmt, channels=channels, frames=frames,
                    stride=stride, **params)
        ini["features"] = {k.replace("_", "-"): str(v) for k, v in full.items()}
        with open(os.path.join(out, "params.ini"), "w") as f:
            ini.write(f)
        print(name, samples.shape, expected.shape)


if __name__ == "__main__":
    main()
