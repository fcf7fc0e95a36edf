#!/usr/bin/env python3
"""10-bit YUV test frames and what PyTorch makes of them (docs/model-format.md,
video inputs): for I420_10LE, P010_10LE and Y444_10LE, a smooth test image converted
to 10-bit YUV (each format with its own matrix and range), written in
GStreamer's memory layout; and, per case, the model tensor from an exact
per-pixel conversion of those very samples (nearest chroma sample, the
stream's matrix and range, clamped to 0..1), resized by PyTorch
(F.interpolate mode="area" to shrink, bilinear align_corners=False to
enlarge) and normalized. mmpreprocess must stay within 2/255 of it.

Run with Debian's python3 (python3-torch, numpy):
    /usr/bin/python3 tests/golden/video/make_yuv10_goldens.py
Writes tests/golden/video/yuv10/{FORMAT_IMAGE.raw, FORMAT_CASE/params.ini,
FORMAT_CASE/expected.npy}.
"""
import configparser
import os

import numpy as np
import torch

from make_preprocess_goldens import IMAGENET, preprocess_tensor, test_image

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "yuv10")

# Kr, Kb of the matrices GStreamer names
MATRICES = {"bt601": (0.299, 0.114), "bt709": (0.2126, 0.0722),
            "bt2020": (0.2627, 0.0593)}
# format: (chroma subsampling x, y; colorimetry string; matrix; full range)
FORMATS = {
    "I420_10LE": (1, 1, "bt709", "bt709", False),
    "P010_10LE": (1, 1, "bt2020", "bt2020", False),
    # range 1 = 0..255 (full), matrix 4 = BT.601
    "Y444_10LE": (0, 0, "1:4:0:0", "bt601", True),
}
CASES = [
    # name, image, channels, H, W, color, mean, std, resize
    ("down_stretch", "image", 3, 32, 48, "RGB", *IMAGENET, "stretch"),
    ("up_stretch", "image_small", 3, 64, 80, "RGB", [0, 0, 0], [1, 1, 1], "stretch"),
    ("letterbox", "image", 3, 32, 32, "RGB", *IMAGENET, "letterbox"),
    ("crop", "image", 3, 24, 24, "BGR", [0.5, 0.5, 0.5], [0.25, 0.25, 0.25], "crop"),
    ("gray", "image", 1, 20, 30, "GRAY", [0.5], [0.5], "stretch"),
]


def ranges(full):
    """offset and range of Y and of chroma, 10-bit (as GStreamer's)"""
    return (0, 1023, 512, 1023) if full else (64, 876, 512, 896)


def to_yuv(img, sub_x, sub_y, matrix, full):
    """uint8 RGB (H, W, 3) -> 10-bit Y (H, W) and U, V (subsampled)."""
    kr, kb = MATRICES[matrix]
    rgb = img.astype(np.float64) / 255.0
    y = kr * rgb[..., 0] + (1 - kr - kb) * rgb[..., 1] + kb * rgb[..., 2]
    pb = (rgb[..., 2] - y) / (2 * (1 - kb))
    pr = (rgb[..., 0] - y) / (2 * (1 - kr))
    yo, yr, co, cr = ranges(full)
    h, w = y.shape

    def sub(c):             # mean of each 2x2 (or 2x1) block
        c = c.reshape(h >> sub_y, 1 << sub_y, w >> sub_x, 1 << sub_x)
        return c.mean(axis=(1, 3))

    q = lambda v: np.clip(np.round(v), 0, 1023).astype(np.uint16)
    return q(yo + yr * y), q(co + cr * sub(pb)), q(co + cr * sub(pr))


def to_rgb(Y, U, V, sub_x, sub_y, matrix, full):
    """exact per-pixel conversion, nearest chroma sample -> (3, H, W) 0..1"""
    kr, kb = MATRICES[matrix]
    yo, yr, co, cr = ranges(full)
    U = np.repeat(np.repeat(U, 1 << sub_y, 0), 1 << sub_x, 1)
    V = np.repeat(np.repeat(V, 1 << sub_y, 0), 1 << sub_x, 1)
    y = (Y.astype(np.float64) - yo) / yr
    pb = (U.astype(np.float64) - co) / cr
    pr = (V.astype(np.float64) - co) / cr
    r = y + 2 * (1 - kr) * pr
    b = y + 2 * (1 - kb) * pb
    g = (y - kr * r - kb * b) / (1 - kr - kb)
    return np.clip(np.stack([r, g, b]), 0.0, 1.0)


def layout(fmt, Y, U, V):
    """bytes as GStreamer lays the frame out (rows are already 4-aligned)"""
    le = lambda a: a.astype("<u2").tobytes()
    if fmt == "P010_10LE":
        uv = np.stack([U, V], axis=2).reshape(U.shape[0], -1)
        return le(Y << 6) + le(uv << 6)
    return le(Y) + le(U) + le(V)


def main():
    os.makedirs(HERE, exist_ok=True)
    images = {"image": test_image(160, 90, blocks=False),
              "image_small": test_image(40, 30, blocks=False)}
    for fmt, (sx, sy, colorimetry, matrix, full) in FORMATS.items():
        rgb = {}
        for name, img in images.items():
            Y, U, V = to_yuv(img, sx, sy, matrix, full)
            with open(os.path.join(HERE, f"{fmt}_{name}.raw"), "wb") as f:
                f.write(layout(fmt, Y, U, V))
            rgb[name] = to_rgb(Y, U, V, sx, sy, matrix, full)
        for name, image, c, h, w, color, mean, std, mode in CASES:
            out = os.path.join(HERE, f"{fmt}_{name}")
            os.makedirs(out, exist_ok=True)
            t = torch.from_numpy(rgb[image])
            expected = preprocess_tensor(t, c, h, w, color, mean, std, mode)
            np.save(os.path.join(out, "expected.npy"),
                    expected.numpy().astype(np.float32))
            img = images[image]
            ini = configparser.ConfigParser()
            ini["case"] = dict(image=f"yuv10/{fmt}_{image}", format=fmt,
                               colorimetry=colorimetry,
                               width=img.shape[1], height=img.shape[0],
                               channels=c, out_height=h, out_width=w,
                               color=color, mean=",".join(map(str, mean)),
                               std=",".join(map(str, std)), resize=mode)
            with open(os.path.join(out, "params.ini"), "w") as f:
                ini.write(f)
            print(fmt, name, tuple(expected.shape))


if __name__ == "__main__":
    main()
