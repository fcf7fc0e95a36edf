#!/usr/bin/env python3
"""A Cast golden: the ONNX node tests only cast among types this runtime
does not hold (float16, double, string), so this model covers the casts it
does: float32 -> int64 / int32 / uint8 / bool and back, as numpy does them
(truncation toward zero; nonzero -> true).

Run with Debian's python3: /usr/bin/python3 tests/golden/nn/make_cast_golden.py
"""
import os

import numpy as np
from onnx import TensorProto, helper

out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cast")
os.makedirs(out_dir, exist_ok=True)
T = TensorProto
nodes = [
    helper.make_node("Cast", ["x"], ["i64"], to=T.INT64),
    helper.make_node("Cast", ["i64"], ["f_from_i64"], to=T.FLOAT),
    helper.make_node("Cast", ["x"], ["i32"], to=T.INT32),
    helper.make_node("Cast", ["i32"], ["f_from_i32"], to=T.FLOAT),
    helper.make_node("Cast", ["x"], ["b"], to=T.BOOL),
    helper.make_node("Cast", ["b"], ["f_from_bool"], to=T.FLOAT),
    helper.make_node("Abs", ["x"], ["ax"]),
    helper.make_node("Cast", ["ax"], ["u8"], to=T.UINT8),
    helper.make_node("Cast", ["u8"], ["f_from_u8"], to=T.FLOAT),
    helper.make_node("Cast", ["i64"], ["i32_from_i64"], to=T.INT32),
    helper.make_node("Cast", ["i32_from_i64"], ["f_from_i32_i64"], to=T.FLOAT),
    helper.make_node("Concat", ["f_from_i64", "f_from_i32", "f_from_bool",
                                "f_from_u8", "f_from_i32_i64"], ["output"], axis=0),
]
graph = helper.make_graph(nodes, "cast", [helper.make_tensor_value_info("x", T.FLOAT, [24])],
                          [helper.make_tensor_value_info("output", T.FLOAT, [120])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
with open(os.path.join(out_dir, "model.onnx"), "wb") as f:
    f.write(model.SerializeToString())

x = np.array([0.0, -0.0, 0.4, -0.4, 0.6, -0.6, 1.0, -1.0, 1.5, -1.5, 2.7, -2.7,
              99.9, -99.9, 200.2, -200.2, 3e-8, -3e-8, 7.0, -7.0, 12.5, -12.5,
              254.9, -254.9], np.float32)
ref = np.concatenate([
    x.astype(np.int64).astype(np.float32),
    x.astype(np.int32).astype(np.float32),
    x.astype(bool).astype(np.float32),
    np.abs(x).astype(np.uint8).astype(np.float32),
    x.astype(np.int64).astype(np.int32).astype(np.float32),
])
np.save(os.path.join(out_dir, "input_x.npy"), x)
np.save(os.path.join(out_dir, "output_output.npy"), ref)
print("cast", ref.shape)
