#!/usr/bin/env python3
"""Tiny ONNX models at the limits mmfusion checks at load (docs/hardening.md):
an output with 100 million classes (a few hundred bytes: nothing per class
may be built before the count is checked), one with 0 classes, a model
without inputs, windows 2e9 STFT frames apart, and a video input whose
height and width are symbolic (dynamic axes).

Run with Debian's python3: /usr/bin/python3 tests/golden/meta/make_limit_models.py
"""
import json
import os

from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = (10 - 1) * 160 + 400


def save(graph, name, meta=None):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    for k, v in (meta or {}).items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


def video_to_classes(name, classes):
    """video [1,1,2,2] -> mean -> expanded to [1, classes]"""
    shape = helper.make_tensor("shape", TensorProto.INT64, [2], [1, classes])
    nodes = [
        helper.make_node("ReduceMean", ["video"], ["m"], axes=[1, 2, 3],
                         keepdims=1),
        helper.make_node("Reshape", ["m", "one_one"], ["m2"]),
        helper.make_node("Expand", ["m2", "shape"], ["scores"]),
    ]
    one_one = helper.make_tensor("one_one", TensorProto.INT64, [2], [1, 1])
    g = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("video", TensorProto.FLOAT, [1, 1, 2, 2])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, classes])],
        [shape, one_one])
    save(g, name)


def main():
    # refused by the runtime's memory budget (381 MiB of scores)
    video_to_classes("huge_classes", 100_000_000)
    # within the budget (8 MiB) but past mmfusion's own class limit (2^20)
    video_to_classes("many_classes", 2_000_000)
    video_to_classes("zero_classes", 0)

    # no graph input: the scores are a constant
    g = helper.make_graph(
        [helper.make_node("Constant", [], ["scores"],
                          value=helper.make_tensor("c", TensorProto.FLOAT,
                                                   [1, 2], [0.5, 0.5]))],
        "no_inputs", [],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 2])])
    save(g, "no_inputs")

    # a waveform input whose windows would be 2e9 STFT frames apart
    g = helper.make_graph(
        [helper.make_node("ReduceMean", ["audio"], ["scores"], axes=[2],
                          keepdims=0)],
        "stride_2e9",
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT,
                                       [1, 1, SAMPLES])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 1])])
    save(g, "stride_2e9", {
        "mmfusion.labels": json.dumps(["audio"]),
        "mmfusion.input.audio.features": "waveform",
        "mmfusion.input.audio.rate": "16000",
        "mmfusion.input.audio.win-length": "400",
        "mmfusion.input.audio.hop-length": "160",
        "mmfusion.input.audio.stride": "2e9",
    })

    # dynamic height and width, as torch.onnx.export(dynamic_axes=...)
    g = helper.make_graph(
        [helper.make_node("ReduceMean", ["video"], ["scores"], axes=[2, 3],
                          keepdims=0)],
        "dynamic_hw",
        [helper.make_tensor_value_info("video", TensorProto.FLOAT,
                                       [1, 3, "height", "width"])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 3])])
    save(g, "dynamic_hw")


if __name__ == "__main__":
    main()
