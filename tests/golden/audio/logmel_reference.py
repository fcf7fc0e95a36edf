"""Reference audio front end: docs/audio-features.md written directly in
numpy (float64), independent of the C code. Training scripts and the
golden-data script both use it, so the element and training agree.
"""
import numpy as np


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(rate, n_fft, n_mels, fmin=0.0, fmax=None):
    """(n_mels, n_fft//2 + 1): HTK triangles, no area normalization
    (torchaudio melscale_fbanks(norm=None, mel_scale="htk") gives the same)."""
    fmax = rate / 2.0 if not fmax else fmax
    pts = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    freqs = np.arange(n_fft // 2 + 1) * rate / n_fft
    fb = np.zeros((n_mels, freqs.size))
    for j in range(n_mels):
        up = (freqs - pts[j]) / (pts[j + 1] - pts[j])
        down = (pts[j + 2] - freqs) / (pts[j + 2] - pts[j + 1])
        fb[j] = np.maximum(0.0, np.minimum(up, down))
    return fb


def to_mono(samples):
    """Interleaved (n, channels) int16 or float32 -> mono float64: channels
    averaged, int16 scaled by 1/32768."""
    x = np.asarray(samples)
    scale = 1.0 / 32768.0 if x.dtype == np.int16 else 1.0
    x = x.astype(np.float64) * scale
    return x.mean(axis=1) if x.ndim == 2 else x


def log_mel_frames(mono, rate, n_fft=512, win_length=400, hop_length=160,
                   n_mels=64, fmin=0.0, fmax=None, log_offset=1e-6):
    """(n_frames, n_mels): frame i covers samples [i*hop, i*hop + win), no
    centring or padding; periodic Hann; power spectrum; ln(mel + offset)."""
    n = np.arange(win_length)
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / win_length)
    count = 0 if mono.size < win_length else (mono.size - win_length) // hop_length + 1
    frames = np.stack([mono[i * hop_length:i * hop_length + win_length] * window
                       for i in range(count)]) if count else np.zeros((0, win_length))
    power = np.abs(np.fft.rfft(frames, n=n_fft, axis=1)) ** 2
    fb = mel_filterbank(rate, n_fft, n_mels, fmin, fmax)
    return np.log(power @ fb.T + log_offset)


def windows(mono, rate, kind="log-mel", frames=100, stride=10, **kw):
    """Feature windows as the element emits them: log-mel as
    (n_windows, n_mels, frames), waveform as (n_windows, samples); window j
    starts at STFT frame j*stride (sample j*stride*hop)."""
    hop = kw.get("hop_length", 160)
    win = kw.get("win_length", 400)
    if kind == "waveform":
        length = (frames - 1) * hop + win
        step = stride * hop
        count = 0 if mono.size < length else (mono.size - length) // step + 1
        return np.stack([mono[j * step:j * step + length] for j in range(count)])
    feats = log_mel_frames(mono, rate, **kw)
    count = 0 if feats.shape[0] < frames else (feats.shape[0] - frames) // stride + 1
    return np.stack([feats[j * stride:j * stride + frames].T for j in range(count)])
