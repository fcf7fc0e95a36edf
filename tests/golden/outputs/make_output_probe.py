#!/usr/bin/env python3
"""A probe model with three heads, one of each output kind, and the
values it must give (golden.csv), for mmfusion's output-kind tests.

Input `video` [1, 1, 2, 2] (grey). With m the mean of the input (a grey
frame of pixel value p gives m = p / 255), the heads are linear in m:

  cls   (classes, softmax)       logits [2 - 4m, 0, 4m - 2]   low mid high
  tags  (multi-label, sigmoid)   logits [20(m - 0.3), 20(m - 0.5), 20(0.1 - m)]
  level (regression, units "u")  [0.05 + 0.9m, 0.95 - 0.9m]    bright dark

golden.csv holds, for each frame of the test's sequence (a ramp of p up
and down), p and the 8 values after the activations, computed here in
double precision from the formulas above: an independent reference for
the element's runtime, preprocessing, activations and meta/bus/JSON
writing. The test suite only reads these files. It also writes
bad_output_*.onnx: the same model with one output key wrong each, which
mmfusion must refuse naming the key. Every value is below 1,
where JSON's 6 significant digits stay within 1e-6 of it.

Run with Debian's python3 (python3-onnx):
  /usr/bin/python3 tests/golden/outputs/make_output_probe.py
"""
import json
import math
import os

from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))

HEADS = [
    # name, weights, biases, kind, labels, activation
    ("cls", [-4.0, 0.0, 4.0], [2.0, 0.0, -2.0], "classes",
     ["low", "mid", "high"], "softmax"),
    ("tags", [20.0, 20.0, -20.0], [-6.0, -10.0, 2.0], "multi-label",
     ["a", "b", "c"], "sigmoid"),
    ("level", [0.9, -0.9], [0.05, 0.95], "regression",
     ["bright", "dark"], "none"),
]


def model(extra=None, drop=()):
    nodes = [
        helper.make_node("ReduceMean", ["video"], ["m"], axes=[2, 3],
                         keepdims=0),          # [1, 1]
    ]
    inits, outputs = [], []
    for name, w, b, _, _, _ in HEADS:
        inits.append(helper.make_tensor(name + "_w", TensorProto.FLOAT,
                                        [1, len(w)], w))
        inits.append(helper.make_tensor(name + "_b", TensorProto.FLOAT,
                                        [len(b)], b))
        nodes.append(helper.make_node("MatMul", ["m", name + "_w"],
                                      [name + "_mm"]))
        nodes.append(helper.make_node("Add", [name + "_mm", name + "_b"],
                                      [name]))
        outputs.append(helper.make_tensor_value_info(
            name, TensorProto.FLOAT, [1, len(w)]))
    g = helper.make_graph(
        nodes, "output_probe",
        [helper.make_tensor_value_info("video", TensorProto.FLOAT,
                                       [1, 1, 2, 2])],
        outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    meta = {}
    for name, _, _, kind, labels, act in HEADS:
        meta[f"mmfusion.output.{name}.kind"] = kind
        meta[f"mmfusion.output.{name}.labels"] = json.dumps(labels)
        meta[f"mmfusion.output.{name}.activation"] = act
    meta["mmfusion.output.level.units"] = "u"
    for k in drop:
        del meta[k]
    meta.update(extra or {})
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    return m


# models whose output metadata mmfusion must refuse, naming the key
BAD = {
    "bad_output_kind": {"mmfusion.output.tags.kind": "multilabel"},
    "bad_output_name": {"mmfusion.output.tag.kind": "multi-label"},
    "bad_output_key": {"mmfusion.output.tags.unit": "u"},
    "bad_output_labels": {"mmfusion.output.level.labels": '["x"]'},
    "bad_output_activation": {"mmfusion.output.cls.activation": "relu"},
    "bad_output_units": {"mmfusion.output.tags.units": "u"},
}


def sequence():
    """Pixel values of the test's frames: up from 0 to 204 and back."""
    up = list(range(0, 205, 12))
    return up + up[-2::-1] + [0, 0]


def values(p):
    m = p / 255.0
    out = []
    for _, w, b, _, _, act in HEADS:
        z = [m * wi + bi for wi, bi in zip(w, b)]
        if act == "softmax":
            mx = max(z)
            e = [math.exp(x - mx) for x in z]
            z = [x / sum(e) for x in e]
        elif act == "sigmoid":
            z = [1.0 / (1.0 + math.exp(-x)) for x in z]
        out += z
    return out


def main():
    with open(os.path.join(HERE, "probe_outputs.onnx"), "wb") as f:
        f.write(model().SerializeToString())
    for name, extra in BAD.items():
        with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
            f.write(model(extra).SerializeToString())
    with open(os.path.join(HERE, "golden.csv"), "w") as f:
        f.write("p,cls.low,cls.mid,cls.high,tags.a,tags.b,tags.c,"
                "level.bright,level.dark\n")
        for p in sequence():
            f.write(",".join([str(p)] + ["%.9g" % v for v in values(p)])
                    + "\n")


if __name__ == "__main__":
    main()
