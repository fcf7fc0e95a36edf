#!/usr/bin/env python3
"""Makes malformed and unsupported ONNX models for the loader's error tests.

Run with Debian's python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 tests/golden/bad/make_bad_models.py
Each file is valid protobuf that our loader must refuse with a GError.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def vi(name, shape, t=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, t, shape)


def save(name, graph, opset=17):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    # no checker: several of these are invalid on purpose
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def main():
    # a cycle: a -> b -> a
    save("cycle", helper.make_graph(
        [helper.make_node("Relu", ["x_plus"], ["a"], name="first"),
         helper.make_node("Add", ["a", "x"], ["x_plus"], name="second")],
        "cycle", [vi("x", [1, 4])], [vi("a", [1, 4])]))

    # a weight that is neither initializer nor input
    save("missing_initializer", helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="proj")],
        "missing", [vi("x", [1, 4])], [vi("y", [1, 3])]))

    # an operator the runtime does not implement
    save("unsupported_op", helper.make_graph(
        [helper.make_node("Einsum", ["x", "x"], ["y"], equation="ij,ij->i",
                          name="einsum0")],
        "unsupported", [vi("x", [2, 3])], [vi("y", [2])]))

    # weights stored outside the file
    w = numpy_helper.from_array(np.ones((4, 3), np.float32), "W")
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    w.external_data.add(key="location", value="weights.bin")
    save("external_data", helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="proj")],
        "external", [vi("x", [1, 4])], [vi("y", [1, 3])], [w]))

    # shapes that cannot broadcast
    b = numpy_helper.from_array(np.ones((5,), np.float32), "b")
    save("bad_broadcast", helper.make_graph(
        [helper.make_node("Add", ["x", "b"], ["y"], name="add_bias")],
        "bcast", [vi("x", [1, 4])], [vi("y", [1, 4])], [b]))

    # a float64 initializer
    d = numpy_helper.from_array(np.ones((4,), np.float64), "d")
    save("double_weight", helper.make_graph(
        [helper.make_node("Add", ["x", "d"], ["y"], name="add_double")],
        "double", [vi("x", [4])], [vi("y", [4])], [d]))

    # an initializer whose data is shorter than its shape
    short = numpy_helper.from_array(np.ones((2, 3), np.float32), "W")
    short.raw_data = short.raw_data[:8]
    save("short_initializer", helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="proj")],
        "short", [vi("x", [1, 2])], [vi("y", [1, 3])], [short]))

    # a Conv whose weight does not fit its input channels
    cw = numpy_helper.from_array(np.ones((8, 5, 3, 3), np.float32), "cw")
    save("conv_channels", helper.make_graph(
        [helper.make_node("Conv", ["x", "cw"], ["y"], name="conv0")],
        "conv", [vi("x", [1, 3, 8, 8])], [vi("y", [1, 8, 6, 6])], [cw]))

    # tensors filled at load time whose size the file sets: refused before
    # anything is allocated (600 MB and 800 MB, past a quarter of the
    # default 1 GiB budget)
    shape = numpy_helper.from_array(np.array([150_000_000], np.int64), "shape")
    save("huge_fill", helper.make_graph(
        [helper.make_node("ConstantOfShape", ["shape"], ["y"], name="fill")],
        "fill", [], [vi("y", [150_000_000])], [shape]))
    ends = [numpy_helper.from_array(np.array(v, np.int64), k)
            for k, v in (("start", 0), ("limit", 100_000_000), ("delta", 1))]
    save("huge_range", helper.make_graph(
        [helper.make_node("Range", ["start", "limit", "delta"], ["y"],
                          name="count")],
        "range", [], [vi("y", [100_000_000], TensorProto.INT64)], ends))

    # an opset from the future
    save("future_opset", helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "future", [vi("x", [4])], [vi("y", [4])]), opset=30)


if __name__ == "__main__":
    main()
