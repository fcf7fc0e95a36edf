#!/usr/bin/env python3
"""The model zoo: real architectures with seeded random weights, exported
by torch.onnx.export at opset 17, each with a fixed random input and
PyTorch's own output as .npy files.

Two sizes of every model:
  full   the architecture at its usual size and input (resnet18 at 224x224,
         r3d_18 at 8x112x112, ...): for scripts/bench-nn and
         tests/zoo/check-zoo; written to build/zoo (not committed)
  small  the same building blocks at small widths and inputs, a few MB in
         all: committed in tests/zoo/small and checked by the test suite
         (tests/zoo/zoo-test.c), which needs no Python

Needs Debian's python3-torch, python3-torchvision, python3-torchaudio,
python3-onnx and python3-numpy (see tests/zoo/README.md):
    /usr/bin/python3 tests/zoo/make_zoo.py small            # tests/zoo/small
    /usr/bin/python3 tests/zoo/make_zoo.py full [DIR]       # build/zoo
    /usr/bin/python3 tests/zoo/make_zoo.py full DIR NAME... # some models
Each model goes to DIR/NAME/{model.onnx, input_X.npy, output_Y.npy}.
"""
import os
import zlib
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchaudio
import torchvision
from torchvision.models import convnext, efficientnet, mobilenetv3, squeezenet
from torchvision.models.video import resnet as vresnet

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def randomize_norms(model, gen):
    """Random running statistics and affine terms: with PyTorch's defaults
    (mean 0, var 1, weight 1, bias 0) BatchNorm folding is never tested.
    Weights initialized to zero (ViT's head) get small random values, or
    the output would be all zeros."""
    for p in model.parameters():
        if p.dim() >= 2 and not p.detach().any():
            p.data.copy_(torch.randn(p.shape, generator=gen) * 0.05)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) + 0.5)
            if m.affine:
                m.weight.data.copy_(torch.rand(m.weight.shape, generator=gen) + 0.5)
                m.bias.data.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
        elif isinstance(m, nn.LayerNorm) and m.elementwise_affine:
            m.weight.data.copy_(torch.rand(m.weight.shape, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)


# --- image CNNs ---------------------------------------------------------

class BasicBlock(nn.Module):
    """ResNet's basic block, for the small resnet18 (torchvision's widths
    are fixed at 64..512)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                      nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (self.down(x) if self.down is not None else x))


class SmallResNet(nn.Module):
    """resnet18's layout (7x7/2 stem, max pool, four stages of two basic
    blocks, global pool, Linear) at widths 8..64."""

    def __init__(self, widths=(8, 16, 32, 64), classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 7, 2, 3, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            layers += [BasicBlock(cin, w, 1 if i == 0 else 2), BasicBlock(w, w, 1)]
            cin = w
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)

    def forward(self, video):
        x = self.layers(self.stem(video))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def small_squeezenet(classes=10):
    """squeezenet1_1's layout with torchvision's own Fire module, narrower."""
    Fire = squeezenet.Fire
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, 2), nn.ReLU(inplace=True),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        Fire(16, 4, 8, 8), Fire(16, 4, 8, 8),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        Fire(16, 8, 16, 16), Fire(32, 8, 16, 16),
        nn.Dropout(0.5), nn.Conv2d(32, classes, 1), nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(1))


def image_models(full):
    """name -> (model, inputs)"""
    side = 224 if full else 32
    video = {"video": (1, 3, side, side)}
    tv = torchvision.models
    if full:
        return {
            "resnet18": (lambda: tv.resnet18(), video),
            "mobilenet_v2": (lambda: tv.mobilenet_v2(), video),
            "mobilenet_v3_small": (lambda: tv.mobilenet_v3_small(), video),
            "efficientnet_b0": (lambda: tv.efficientnet_b0(), video),
            "convnext_tiny": (lambda: tv.convnext_tiny(), video),
            "squeezenet": (lambda: tv.squeezenet1_1(), video),
            # ViT-S/16 at half depth: vit_b_16's blocks, a size that runs
            # on a small CPU
            "vit": (lambda: tv.VisionTransformer(
                image_size=224, patch_size=16, num_layers=6, num_heads=6,
                hidden_dim=384, mlp_dim=1536), video),
        }

    def mnv3():
        setting, last = mobilenetv3._mobilenet_v3_conf(
            "mobilenet_v3_small", width_mult=0.25)
        return mobilenetv3.MobileNetV3(setting[:6], last, num_classes=10)

    def effnet():
        setting, last = efficientnet._efficientnet_conf(
            "efficientnet_b0", width_mult=0.25, depth_mult=0.34)
        return efficientnet.EfficientNet(setting[:5], 0.2, last_channel=None,
                                         num_classes=10)

    return {
        "resnet18": (SmallResNet, video),
        "mobilenet_v2": (lambda: tv.MobileNetV2(
            num_classes=10, width_mult=0.25, round_nearest=4,
            inverted_residual_setting=[[1, 8, 1, 1], [6, 12, 2, 2],
                                       [6, 16, 2, 2], [6, 24, 1, 1]]), video),
        "mobilenet_v3_small": (mnv3, video),
        "efficientnet_b0": (effnet, video),
        "convnext_tiny": (lambda: convnext.ConvNeXt(
            [convnext.CNBlockConfig(16, 32, 1), convnext.CNBlockConfig(32, 64, 2),
             convnext.CNBlockConfig(64, None, 1)], num_classes=10), video),
        "squeezenet": (small_squeezenet, video),
        "vit": (lambda: tv.VisionTransformer(
            image_size=32, patch_size=8, num_layers=2, num_heads=2,
            hidden_dim=32, mlp_dim=64, num_classes=10), video),
    }


# --- video clips (3-D and (2+1)-D convolutions) ----------------------------

class Small3D(nn.Module):
    """r3d_18 / r2plus1d_18's building blocks at small widths: a 3x7x7 stem,
    residual blocks of 3-D (or spatial-then-temporal) convolutions,
    adaptive 3-D average pooling, Linear."""

    def __init__(self, plus1d, classes=10):
        super().__init__()
        maker = vresnet.Conv2Plus1D if plus1d else vresnet.Conv3DSimple

        def conv(cin, cout, stride):
            if plus1d:
                mid = (cin * cout * 27) // (cin * 9 + 3 * cout)
                return maker(cin, cout, mid, stride)
            return maker(cin, cout, None, stride)

        self.stem = nn.Sequential(
            nn.Conv3d(3, 8, (3, 7, 7), (1, 2, 2), (1, 3, 3), bias=False),
            nn.BatchNorm3d(8), nn.ReLU(inplace=True))
        self.b1 = nn.Sequential(conv(8, 8, 1), nn.BatchNorm3d(8), nn.ReLU())
        self.b2 = nn.Sequential(conv(8, 16, 2), nn.BatchNorm3d(16), nn.ReLU())
        self.skip = nn.Sequential(nn.Conv3d(8, 16, 1, 2, bias=False),
                                  nn.BatchNorm3d(16))
        self.pool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(16, classes)

    def forward(self, video):
        x = self.stem(video)
        x = x + self.b1(x)
        x = F.relu(self.b2(x) + self.skip(x))
        return self.fc(self.pool(x).flatten(1))


def video_models(full):
    clip = {"video": (1, 3, 8, 112, 112) if full else (1, 3, 4, 32, 32)}
    if full:
        return {
            "r3d_18": (lambda: torchvision.models.video.r3d_18(), clip),
            "r2plus1d_18": (lambda: torchvision.models.video.r2plus1d_18(), clip),
        }
    return {
        "r3d_18": (lambda: Small3D(False), clip),
        "r2plus1d_18": (lambda: Small3D(True), clip),
    }


# --- audio -------------------------------------------------------------

class PannsCNN(nn.Module):
    """PANNs' Cnn6-style log-mel classifier: conv blocks (conv, BN, ReLU,
    2x2 average pooling), mean over mel bins, max + mean over time, two
    Linear layers. Input (1, 1, n_mels, frames), mel-major as mmaudiowindow
    writes it."""

    def __init__(self, widths, classes):
        super().__init__()
        blocks, cin = [], 1
        for w in widths:
            blocks += [nn.Conv2d(cin, w, 5, 1, 2, bias=False), nn.BatchNorm2d(w),
                       nn.ReLU(), nn.AvgPool2d(2)]
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc1 = nn.Linear(cin, cin)
        self.fc = nn.Linear(cin, classes)

    def forward(self, audio):
        x = self.blocks(audio)              # (N, C, mels', frames')
        x = x.mean(dim=2)                   # over mel bins
        x = x.max(dim=2)[0] + x.mean(dim=2)  # over time
        return self.fc(F.relu(self.fc1(x)))


class SmallWav2Letter(nn.Module):
    """torchaudio's Wav2Letter layout (Conv1d + ReLU stack on MFCC-like
    features, a 1x1 output layer, log-softmax over classes) narrower."""

    def __init__(self, features=40, classes=10, w=32):
        super().__init__()
        layers = [nn.Conv1d(features, w, 11, 2, 5), nn.ReLU()]
        for _ in range(3):
            layers += [nn.Conv1d(w, w, 7, 1, 3), nn.ReLU()]
        layers += [nn.Conv1d(w, 2 * w, 15, 1, 7), nn.ReLU(),
                   nn.Conv1d(2 * w, 2 * w, 1), nn.ReLU(),
                   nn.Conv1d(2 * w, classes, 1)]
        self.acoustic_model = nn.Sequential(*layers)

    def forward(self, audio):
        return F.log_softmax(self.acoustic_model(audio), dim=1)


class Wav2LetterIO(nn.Module):
    """torchaudio.models.Wav2Letter with the input named as the elements
    expect (its forward's log-softmax is part of the model)."""

    def __init__(self):
        super().__init__()
        self.m = torchaudio.models.Wav2Letter(num_classes=40, input_type="mfcc",
                                             num_features=40)

    def forward(self, audio):
        return self.m(audio)


class CRNN(nn.Module):
    """log-mel CNN front end then a GRU over time: the sound-event-detection
    shape (conv features per frame, recurrent context, per-clip head)."""

    def __init__(self, mels, w, hidden, classes):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, w, 3, 1, 1), nn.BatchNorm2d(w), nn.ReLU(),
            nn.MaxPool2d((2, 1)),
            nn.Conv2d(w, w, 3, 1, 1), nn.BatchNorm2d(w), nn.ReLU(),
            nn.MaxPool2d((2, 1)))
        self.gru = nn.GRU(w * (mels // 4), hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, audio):
        x = self.conv(audio)                       # (N, w, mels/4, T)
        x = x.flatten(1, 2).transpose(1, 2)        # (N, T, w*mels/4)
        y, _ = self.gru(x)
        return self.fc(y.mean(dim=1))


def audio_models(full):
    if full:
        return {
            "panns_cnn": (lambda: PannsCNN((64, 128, 256, 512), 527),
                          {"audio": (1, 1, 64, 1000)}),
            "wav2letter": (Wav2LetterIO, {"audio": (1, 40, 400)}),
            "crnn": (lambda: CRNN(64, 64, 128, 10), {"audio": (1, 1, 64, 200)}),
        }
    return {
        "panns_cnn": (lambda: PannsCNN((8, 16, 32), 10), {"audio": (1, 1, 32, 48)}),
        "wav2letter": (SmallWav2Letter, {"audio": (1, 40, 40)}),
        "crnn": (lambda: CRNN(16, 8, 16, 10), {"audio": (1, 1, 16, 20)}),
    }


# --- sequence models ---------------------------------------------------

class RNNClassifier(nn.Module):
    def __init__(self, cell, feat, hidden, layers, bidirectional, classes=10):
        super().__init__()
        self.rnn = cell(feat, hidden, num_layers=layers, batch_first=True,
                        bidirectional=bidirectional)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, audio):
        y, _ = self.rnn(audio)
        return self.fc(y[:, -1])


class TransformerClassifier(nn.Module):
    def __init__(self, feat, d, heads, layers, ff, classes=10):
        super().__init__()
        self.proj = nn.Linear(feat, d)
        layer = nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0,
                                           batch_first=True)
        self.enc = nn.TransformerEncoder(layer, layers,
                                         enable_nested_tensor=False)
        self.fc = nn.Linear(d, classes)

    def forward(self, audio):
        return self.fc(self.enc(self.proj(audio)).mean(dim=1))


def sequence_models(full):
    # (N, frames, features): time-major log-mel
    T, Fe, H = (100, 64, 256) if full else (12, 16, 16)
    seq = {"audio": (1, T, Fe)}
    return {
        "lstm": (lambda: RNNClassifier(nn.LSTM, Fe, H, 2, False), seq),
        "gru": (lambda: RNNClassifier(nn.GRU, Fe, H, 2, False), seq),
        "bilstm": (lambda: RNNClassifier(nn.LSTM, Fe, H, 1, True), seq),
        "transformer": (lambda: TransformerClassifier(
            Fe, H, 4 if full else 2, 4 if full else 2, 4 * H), seq),
    }


# --- audio-visual fusion -----------------------------------------------

class VideoEncoder(nn.Module):
    def __init__(self, w, d):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, w, 3, 2, 1), nn.BatchNorm2d(w), nn.ReLU(),
            nn.Conv2d(w, w, 3, 1, 1, groups=w), nn.Conv2d(w, 2 * w, 1),
            nn.BatchNorm2d(2 * w), nn.ReLU(),
            nn.Conv2d(2 * w, d, 3, 2, 1), nn.ReLU())

    def forward(self, x):
        return self.body(x)                 # (N, d, H/4, W/4)


class AudioEncoder(nn.Module):
    def __init__(self, w, d):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, w, 3, 1, 1), nn.BatchNorm2d(w), nn.ReLU(),
            nn.MaxPool2d(2), nn.Conv2d(w, d, 3, 1, 1), nn.ReLU(),
            nn.MaxPool2d(2))

    def forward(self, x):
        return self.body(x)                 # (N, d, mels/4, frames/4)


class ConcatFusion(nn.Module):
    """late fusion: pooled video and audio embeddings concatenated, MLP"""

    def __init__(self, w, d, classes=10):
        super().__init__()
        self.v, self.a = VideoEncoder(w, d), AudioEncoder(w, d)
        self.head = nn.Sequential(nn.Linear(2 * d, d), nn.ReLU(),
                                  nn.Linear(d, classes))

    def forward(self, video, audio):
        v = F.adaptive_avg_pool2d(self.v(video), 1).flatten(1)
        a = F.adaptive_avg_pool2d(self.a(audio), 1).flatten(1)
        return self.head(torch.cat([v, a], dim=1))


class CrossAttentionFusion(nn.Module):
    """video tokens query audio tokens (nn.MultiheadAttention), then a
    Transformer-style residual MLP and a pooled head"""

    def __init__(self, w, d, heads, classes=10):
        super().__init__()
        self.v, self.a = VideoEncoder(w, d), AudioEncoder(w, d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(),
                                 nn.Linear(2 * d, d))
        self.fc = nn.Linear(d, classes)

    def forward(self, video, audio):
        v = self.v(video).flatten(2).transpose(1, 2)     # (N, Tv, d)
        a = self.a(audio).flatten(2).transpose(1, 2)     # (N, Ta, d)
        x = self.norm1(v + self.attn(v, a, a, need_weights=False)[0])
        x = self.norm2(x + self.mlp(x))
        return self.fc(x.mean(dim=1))


class GatedFusion(nn.Module):
    """each modality's embedding weighted by a sigmoid gate computed from
    both (gated multimodal unit)"""

    def __init__(self, w, d, classes=10):
        super().__init__()
        self.v, self.a = VideoEncoder(w, d), AudioEncoder(w, d)
        self.hv, self.ha = nn.Linear(d, d), nn.Linear(d, d)
        self.gate = nn.Linear(2 * d, d)
        self.fc = nn.Linear(d, classes)

    def forward(self, video, audio):
        v = F.adaptive_avg_pool2d(self.v(video), 1).flatten(1)
        a = F.adaptive_avg_pool2d(self.a(audio), 1).flatten(1)
        z = torch.sigmoid(self.gate(torch.cat([v, a], dim=1)))
        h = z * torch.tanh(self.hv(v)) + (1 - z) * torch.tanh(self.ha(a))
        return self.fc(h)


def fusion_models(full):
    if full:
        io = {"video": (1, 3, 112, 112), "audio": (1, 1, 64, 100)}
        w, d = 32, 128
    else:
        io = {"video": (1, 3, 16, 16), "audio": (1, 1, 16, 12)}
        w, d = 4, 16
    return {
        "av_concat": (lambda: ConcatFusion(w, d), io),
        "av_xattn": (lambda: CrossAttentionFusion(w, d, 4 if full else 2), io),
        "av_gated": (lambda: GatedFusion(w, d), io),
    }


def all_models(full):
    zoo = {}
    for family in (image_models, video_models, audio_models, sequence_models,
                   fusion_models):
        zoo.update(family(full))
    return zoo


def export(out_dir, name, make, shapes, seed):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = make().eval()
    with torch.no_grad():
        randomize_norms(model, gen)
    inputs = {k: torch.randn(s, generator=gen) for k, s in shapes.items()}
    names = list(inputs)
    args = tuple(inputs[n] for n in names)
    with torch.no_grad():
        ref = model(*args)
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    # batch symbolic ("N"), so that a model can be loaded for N inputs a
    # call (nn_load_options.dims); pinned to 1 by default
    dyn = {n: {0: "N"} for n in names}
    dyn["output"] = {0: "N"}
    torch.onnx.export(model, args, os.path.join(d, "model.onnx"),
                      input_names=names, output_names=["output"],
                      dynamic_axes=dyn, opset_version=17,
                      do_constant_folding=True)
    for n in names:
        np.save(os.path.join(d, f"input_{n}.npy"), inputs[n].numpy())
    np.save(os.path.join(d, "output_output.npy"), ref.numpy())
    params = sum(p.numel() for p in model.parameters())
    print(f"{name}: {params} parameters, output {tuple(ref.shape)}, "
          f"max |ref| {ref.abs().max().item():.3g}")


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("small", "full"):
        sys.exit(__doc__)
    full = sys.argv[1] == "full"
    default = os.path.join(ROOT, "build", "zoo") if full else \
        os.path.join(HERE, "small")
    out_dir = sys.argv[2] if len(sys.argv) > 2 else default
    only = sys.argv[3:]
    torch.set_num_threads(2)
    for name, (make, shapes) in sorted(all_models(full).items()):
        if only and name not in only:
            continue
        # seeded by name: adding a model leaves the others unchanged
        export(out_dir, name, make, shapes, seed=zlib.crc32(name.encode()))


if __name__ == "__main__":
    main()
