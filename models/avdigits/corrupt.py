"""Noise for AV-digits, on raw media (frames and samples), so that training
augmentation, the PyTorch evaluation and the rendered evaluation clips all
corrupt a modality the same way before any feature is computed.

"Heavily corrupted" (the evaluation's condition) is fixed here: a frame
under Gaussian noise of VIDEO_SIGMA full scales, speech under white noise
at AUDIO_SNR_DB. Both leave a trace of the signal but make that modality
alone unreliable.
"""
import numpy as np

VIDEO_SIGMA = 0.6
AUDIO_SNR_DB = -15.0


def to_int16(x):
    return (np.clip(x, -1, 32767 / 32768) * 32768).round().astype(np.int16)


def speech_power(clean):
    """mean power of the utterance where it is not silent"""
    voiced = clean[np.abs(clean) > 1e-4]
    return float(np.mean(voiced ** 2)) if voiced.size else 1e-12


def mix(clean, snr_db, rng):
    """clean speech (float, peak 0.5) plus white noise at snr_db against
    the utterance's power, scaled back to peak 0.5; int16"""
    power = speech_power(clean)
    out = clean + rng.normal(0, np.sqrt(power / 10 ** (snr_db / 10)), clean.shape)
    return to_int16(out * 0.5 / max(np.max(np.abs(out)), 1e-9))


def audio(speech, snr_db, rng):
    """int16 speech (N, samples) remixed at snr_db (scalar or per row)"""
    snr = np.broadcast_to(np.asarray(snr_db, dtype=np.float64), (len(speech),))
    return np.stack([mix(s.astype(np.float64) / 32768, snr[i], rng)
                     for i, s in enumerate(speech)])


def video(frames, sigma, rng):
    """uint8 frames (N, H, W) plus Gaussian noise of sigma full scales
    (scalar or per frame), clipped"""
    sig = np.asarray(sigma, dtype=np.float64).reshape(-1, *([1] * (frames.ndim - 1)))
    noisy = frames / 255.0 + rng.normal(0, 1, frames.shape) * sig
    return (np.clip(noisy, 0, 1) * 255).round().astype(np.uint8)
