#!/usr/bin/env python3
"""Small ONNX models whose metadata_props exercise docs/model-format.md:
one valid audio-visual model and one model per way metadata can contradict
the model. The graphs are tiny (means of the inputs through a linear layer)
so the files stay a few hundred bytes.

Run with Debian's python3: /usr/bin/python3 tests/golden/meta/make_meta_models.py
"""
import json
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def av_model(name, meta, video=(1, 3, 16, 16), audio=(1, 1, 40, 20),
             classes=4, video_name="video", audio_name="audio"):
    w1 = numpy_helper.from_array(np.arange(3 * classes, dtype=np.float32)
                                 .reshape(3, classes)[:video[1] if len(video) == 4 else 3] / 10, "w1")
    w2 = numpy_helper.from_array(np.ones((1, classes), np.float32), "w2")
    nodes = [
        helper.make_node("GlobalAveragePool", [video_name], ["vg"]),
        helper.make_node("Flatten", ["vg"], ["vf"]),
        helper.make_node("MatMul", ["vf", "w1"], ["vs"]),
        helper.make_node("ReduceMean", [audio_name], ["am"], axes=[2, 3], keepdims=0),
        helper.make_node("MatMul", ["am", "w2"], ["as"]),
        helper.make_node("Add", ["vs", "as"], ["scores"]),
    ]
    g = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(video_name, TensorProto.FLOAT, list(video)),
         helper.make_tensor_value_info(audio_name, TensorProto.FLOAT, list(audio))],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, classes])],
        [w1, w2])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


GOOD = {
    "mmfusion.labels": json.dumps(["cat", "dog", "bird", "fish"]),
    "mmfusion.output.activation": "softmax",
    "mmfusion.input.video.mean": "0.485, 0.456, 0.406",
    "mmfusion.input.video.std": "0.229,0.224,0.225",
    "mmfusion.input.video.resize": "letterbox",
    "mmfusion.input.audio.rate": "16000",
    "mmfusion.input.audio.hop-length": "160",
    "mmfusion.input.audio.stride": "5",
    "mmfusion.input.audio.fmax": "7600",
}


def main():
    av_model("good", GOOD)
    av_model("defaults", {})
    bad = {
        "bad_labels_count": {"mmfusion.labels": json.dumps(["a", "b"])},
        "bad_labels_json": {"mmfusion.labels": "[cat, dog"},
        "bad_activation": {"mmfusion.output.activation": "relu"},
        "bad_n_mels": {"mmfusion.input.audio.n-mels": "64"},
        "bad_fmax": {"mmfusion.input.audio.fmax": "9000"},
        "bad_color": {"mmfusion.input.video.color": "GRAY"},
        "bad_std": {"mmfusion.input.video.std": "0,1,1"},
        "bad_mean_count": {"mmfusion.input.video.mean": "0.1,0.2"},
        "bad_number": {"mmfusion.input.audio.hop-length": "fast"},
        "bad_layout": {"mmfusion.input.video.layout": "NHWC"},
    }
    for name, meta in bad.items():
        av_model(name, meta)
    # an input named neither video* nor audio*, without a modality key
    av_model("bad_modality", {}, audio_name="sound")


if __name__ == "__main__":
    main()
