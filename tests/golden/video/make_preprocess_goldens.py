#!/usr/bin/env python3
"""Golden data for video preprocessing (docs/model-format.md): a test image,
and the model tensors PyTorch makes from it (F.interpolate mode="area" to
shrink, bilinear with align_corners=False to enlarge, then normalization).

Run with Debian's python3 (python3-torch, numpy):
    /usr/bin/python3 tests/golden/video/make_preprocess_goldens.py
Writes tests/golden/video/{image.raw (RGB, 320x180), image_small.raw (RGB,
40x30), their *_smooth.raw twins without hard colour edges, gray.raw,
<case>/params.ini, <case>/expected.npy}.
"""
import configparser
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def test_image(w, h, blocks=True):
    """Smooth gradients, a few hard-edged blocks and mild noise."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255 * x / (w - 1)
    g = 255 * y / (h - 1)
    b = 127 + 100 * np.sin(x / 7.0) * np.cos(y / 5.0)
    img = np.stack([r, g, b], axis=2)
    for _ in range(6 if blocks else 0):
        x0, y0 = rng.integers(0, w - w // 4), rng.integers(0, h - h // 4)
        img[y0:y0 + h // 5, x0:x0 + w // 6] = rng.integers(0, 256, 3)
    img += rng.normal(0, 4, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def resize(t, oh, ow):
    """(C, H, W) float -> (C, oh, ow): area to shrink, bilinear to enlarge,
    one axis at a time so mixed cases follow the same rule."""
    c, h, w = t.shape
    x = t[None]
    if oh != h:
        mode = dict(mode="area") if oh < h else dict(mode="bilinear", align_corners=False)
        x = F.interpolate(x, size=(oh, x.shape[3]), **mode)
    if ow != w:
        mode = dict(mode="area") if ow < w else dict(mode="bilinear", align_corners=False)
        x = F.interpolate(x, size=(x.shape[2], ow), **mode)
    return x[0]


def half_up(v):
    return int(math.floor(v + 0.5))


def preprocess(img, channels, oh, ow, color, mean, std, resize_mode):
    """uint8 RGB (H, W, 3) or gray (H, W) -> the model tensor"""
    if img.ndim == 2:                          # GRAY8 input
        t = torch.from_numpy(img.astype(np.float64))[None]
    else:
        t = torch.from_numpy(img.astype(np.float64)).permute(2, 0, 1)
    return preprocess_tensor(t / 255.0, channels, oh, ow, color, mean, std,
                             resize_mode)


def preprocess_tensor(t, channels, oh, ow, color, mean, std, resize_mode):
    """(3 or 1, H, W) float64 in 0..1 -> the model tensor"""
    h, w = t.shape[1:]
    if t.shape[0] == 3:
        if color == "GRAY":
            t = (0.299 * t[0] + 0.587 * t[1] + 0.114 * t[2])[None]
        elif color == "BGR":
            t = t.flip(0)
    mean = torch.tensor(mean, dtype=torch.float64)[:, None, None]
    std = torch.tensor(std, dtype=torch.float64)[:, None, None]
    if resize_mode == "crop":
        s = max(ow / w, oh / h)
        cw, ch = min(max(half_up(ow / s), 1), w), min(max(half_up(oh / s), 1), h)
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        t = t[:, y0:y0 + ch, x0:x0 + cw]
    if resize_mode == "letterbox":
        s = min(ow / w, oh / h)
        dw, dh = min(max(half_up(w * s), 1), ow), min(max(half_up(h * s), 1), oh)
        dx, dy = (ow - dw) // 2, (oh - dh) // 2
        out = ((torch.zeros(channels, oh, ow, dtype=torch.float64) - mean) / std)
        out[:, dy:dy + dh, dx:dx + dw] = (resize(t, dh, dw) - mean) / std
        return out
    return (resize(t, oh, ow) - mean) / std


IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
CASES = [
    # name, image, channels, H, W, color, mean, std, resize
    ("down_stretch", "image", 3, 32, 48, "RGB", *IMAGENET, "stretch"),
    ("up_stretch", "image_small", 3, 64, 80, "RGB", [0, 0, 0], [1, 1, 1], "stretch"),
    ("down_bgr", "image", 3, 24, 24, "BGR", [0.5, 0.5, 0.5], [0.25, 0.25, 0.25], "stretch"),
    ("letterbox", "image", 3, 32, 32, "RGB", *IMAGENET, "letterbox"),
    ("crop", "image", 3, 32, 32, "RGB", *IMAGENET, "crop"),
    ("mixed", "image", 3, 256, 20, "RGB", [0, 0, 0], [1, 1, 1], "stretch"),
    ("gray_from_rgb", "image", 1, 40, 40, "GRAY", [0.5], [0.5], "stretch"),
    ("gray8", "gray", 1, 36, 64, "GRAY", [0.1], [0.3], "stretch"),
]


def main():
    images = {"image": test_image(320, 180), "image_small": test_image(40, 30)}
    images["gray"] = images["image"][:, :, 1].copy()      # a gray frame
    # without hard colour edges: where 4:2:0 has thrown chroma detail away,
    # no two chroma upsamplers agree, so YUV is compared on this one
    images["image_smooth"] = test_image(320, 180, blocks=False)
    images["image_small_smooth"] = test_image(40, 30, blocks=False)
    for name, img in images.items():
        img.tofile(os.path.join(HERE, name + ".raw"))
    for name, image, c, h, w, color, mean, std, mode in CASES:
        out = os.path.join(HERE, name)
        os.makedirs(out, exist_ok=True)
        img = images[image]
        expected = preprocess(img, c, h, w, color, mean, std, mode)
        np.save(os.path.join(out, "expected.npy"), expected.numpy().astype(np.float32))
        ini = configparser.ConfigParser()
        ini["case"] = dict(image=image, width=img.shape[1], height=img.shape[0],
                           channels=c, out_height=h, out_width=w, color=color,
                           mean=",".join(map(str, mean)), std=",".join(map(str, std)),
                           resize=mode)
        with open(os.path.join(out, "params.ini"), "w") as f:
            ini.write(f)
        print(name, tuple(expected.shape))


if __name__ == "__main__":
    main()
