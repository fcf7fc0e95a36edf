#!/usr/bin/env python3
"""Probe models for mmfusion's synchronization tests: their two outputs are
the mean of the video input and the mean of the audio input, so a test that
fills each frame with its index and each audio window with its index reads
from the result exactly which frame and which window the model was given.

Run with Debian's python3: /usr/bin/python3 tests/golden/sync/make_probe_models.py
"""
import json
import os

from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
WIN, HOP, FRAMES = 400, 160, 10
SAMPLES = (FRAMES - 1) * HOP + WIN          # waveform window length


def probe(name, stride, with_video=True, clip=1, with_audio=True):
    nodes, inputs, parts = [], [], []
    if with_video:
        shape = [1, 1, 2, 2] if clip == 1 else [1, 1, clip, 2, 2]
        inputs.append(helper.make_tensor_value_info("video", TensorProto.FLOAT, shape))
        axes = list(range(1, len(shape)))
        nodes.append(helper.make_node("ReduceMean", ["video"], ["vm"], axes=axes, keepdims=0))
        nodes.append(helper.make_node("Unsqueeze", ["vm", "one"], ["v"]))
        parts.append("v")
    if with_audio:
        inputs.append(helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, 1, SAMPLES]))
        nodes.append(helper.make_node("ReduceMean", ["audio"], ["am"], axes=[1, 2], keepdims=0))
        nodes.append(helper.make_node("Unsqueeze", ["am", "one"], ["a"]))
        parts.append("a")
    nodes.append(helper.make_node("Concat", parts, ["scores"], axis=1))
    one = helper.make_tensor("one", TensorProto.INT64, [1], [1])
    g = helper.make_graph(nodes, name, inputs,
                          [helper.make_tensor_value_info("scores", TensorProto.FLOAT,
                                                         [1, len(parts)])], [one])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    labels = (["video"] if with_video else []) + (["audio"] if with_audio else [])
    meta = {"mmfusion.labels": json.dumps(labels)}
    if with_audio:
        meta.update({
        "mmfusion.input.audio.features": "waveform",
        "mmfusion.input.audio.rate": "16000",
        "mmfusion.input.audio.win-length": str(WIN),
        "mmfusion.input.audio.hop-length": str(HOP),
        "mmfusion.input.audio.stride": str(stride),
        })
    if clip > 1:
        meta["mmfusion.input.video.layout"] = "NCTHW"
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


def main():
    for stride in (3, 10, 25):
        probe(f"probe_s{stride}", stride)
    probe("probe_audio_only", 10, with_video=False)
    probe("probe_clip4", 10, clip=4)
    probe("probe_video_only", 10, with_audio=False)


if __name__ == "__main__":
    main()
