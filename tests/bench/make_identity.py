#!/usr/bin/env python3
"""A one-element Identity model: timing it measures each runtime's fixed
cost per call (for onnxruntime-node, mostly the async N-API round trip),
which scripts/bench-nn reports beside the model timings.

Run with Debian's python3: /usr/bin/python3 tests/bench/make_identity.py
"""
import os

from onnx import TensorProto, helper

graph = helper.make_graph(
    [helper.make_node("Identity", ["x"], ["y"])], "identity",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "identity.onnx"), "wb") as f:
    f.write(model.SerializeToString())
