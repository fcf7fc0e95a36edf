"""Export a PyTorch module to an ONNX file that the mmfusion element runs.

torch.onnx.export, then the model metadata that mmfusion reads
(docs/model-format.md) written into the file's metadata_props, from
arguments named like the keys:

    import mmfusion_export
    mmfusion_export.export(
        model, {"video": torch.zeros(1, 3, 112, 112),
                "audio": torch.zeros(1, 1, 64, 100)},
        "model.onnx",
        labels=["speech", "music", "noise"], activation="softmax",
        inputs={"video": {"mean": [0.485, 0.456, 0.406],
                          "std": [0.229, 0.224, 0.225]},
                "audio": {"hop-length": 160, "stride": 10}})

The dictionary of example inputs gives the ONNX input names (the names of
mmfusion's request pads) in the order forward() takes them. Keys are
checked here against the same vocabulary as `mmfusion-model annotate`
(an unknown key is an error, not a silent no-op); `mmfusion-model check
model.onnx` then checks the file exactly as the element will.

Needs torch and onnx (Debian: python3-torch, python3-onnx). Run from
anywhere; import it by putting this folder on sys.path.

Copyright (C) 2026 the gst-mmfusion authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""

import json
import numbers

VIDEO_KEYS = {"modality", "layout", "color", "mean", "std", "resize"}
AUDIO_KEYS = {"modality", "layout", "features", "rate", "n-fft", "win-length",
              "hop-length", "n-mels", "fmin", "fmax", "log-offset", "stride"}
OUTPUT_KEYS = {"kind", "labels", "activation", "units"}
ACTIVATIONS = ("none", "softmax", "sigmoid")


def _value(v):
    """A metadata value as the element parses it: lists comma-separated
    (mean, std), label lists as JSON, numbers in plain decimal."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        raise ValueError(f"{v!r}: booleans are not metadata values")
    if isinstance(v, numbers.Number):
        return repr(float(v)) if isinstance(v, float) else str(int(v))
    if isinstance(v, (list, tuple)):
        return ",".join(_value(x) for x in v)
    raise ValueError(f"{v!r}: a string, a number or a list of numbers is "
                     "expected")


def _modality(name, keys):
    m = keys.get("modality")
    if m is None:
        m = ("video" if name.startswith("video") else
             "audio" if name.startswith("audio") else None)
    if m not in ("video", "audio"):
        raise ValueError(f"input {name!r}: cannot tell video from audio; "
                         "give it a 'modality' key or a name starting with "
                         "video or audio")
    return m


def metadata(input_names, output_names, labels=None, activation=None,
             inputs=None, outputs=None):
    """The metadata_props entries (key -> string) for these arguments."""
    props = {}
    if labels is not None:
        props["mmfusion.labels"] = json.dumps([str(x) for x in labels])
    if activation is not None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation {activation!r}: one of "
                             f"{', '.join(ACTIVATIONS)} is expected")
        props["mmfusion.output.activation"] = activation
    for name, keys in (inputs or {}).items():
        if name not in input_names:
            raise ValueError(f"no input {name!r} (inputs: "
                             f"{', '.join(input_names)})")
        known = VIDEO_KEYS if _modality(name, keys) == "video" else AUDIO_KEYS
        for key, v in keys.items():
            if key not in known:
                raise ValueError(f"input {name!r}: unknown key {key!r} "
                                 f"(known: {', '.join(sorted(known))})")
            props[f"mmfusion.input.{name}.{key}"] = _value(v)
    for name, keys in (outputs or {}).items():
        if name not in output_names:
            raise ValueError(f"no output {name!r} (outputs: "
                             f"{', '.join(output_names)})")
        for key, v in keys.items():
            if key not in OUTPUT_KEYS:
                raise ValueError(f"output {name!r}: unknown key {key!r} "
                                 f"(known: {', '.join(sorted(OUTPUT_KEYS))})")
            props[f"mmfusion.output.{name}.{key}"] = (
                json.dumps([str(x) for x in v]) if key == "labels"
                else _value(v))
    return props


def export(model, example_inputs, path, labels=None, activation=None,
           inputs=None, outputs=None, output_names=("scores",), opset=14):
    """Exports `model` (put in eval mode) to `path` with mmfusion metadata.

    example_inputs: dict input name -> example tensor, in forward() order;
    its shapes are the ones the element will feed (batch 1).
    labels, activation: the first output's class names and activation.
    inputs: dict input name -> {key: value} (docs/model-format.md).
    outputs: dict output name -> {key: value}.
    Returns the metadata written, as a dict."""
    import onnx
    import torch

    input_names = list(example_inputs)
    output_names = list(output_names)
    props = metadata(input_names, output_names, labels, activation, inputs,
                     outputs)
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, tuple(example_inputs.values()), path,
                          input_names=input_names, output_names=output_names,
                          opset_version=opset, do_constant_folding=True)
    proto = onnx.load(path)
    kept = [p for p in proto.metadata_props if p.key not in props]
    del proto.metadata_props[:]
    proto.metadata_props.extend(kept)
    for key, value in props.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return props
