/* The operator table: ONNX op_type -> op id, traits and prepare function.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One row per op, in the same order as enum nn_op (nn-private.h); the
 * fuser and the loader ask about ops by id and trait, never by name.
 */
#include "nn-private.h"

#include <string.h>

#define E NN_TRAIT_EPILOGUE
#define P NN_TRAIT_PRODUCER
#define S NN_TRAIT_SHAPE_ONLY
#define O NN_TRAIT_OPTIONAL_OUTPUTS

static const nn_op_info table[NN_OP_COUNT] = {
  [NN_OP_ADD] = {"Add", nn_prepare_binary, 0},
  [NN_OP_SUB] = {"Sub", nn_prepare_binary, 0},
  [NN_OP_MUL] = {"Mul", nn_prepare_binary, 0},
  [NN_OP_DIV] = {"Div", nn_prepare_binary, 0},
  [NN_OP_POW] = {"Pow", nn_prepare_binary, 0},
  [NN_OP_EQUAL] = {"Equal", nn_prepare_binary, 0},
  [NN_OP_WHERE] = {"Where", nn_prepare_where, 0},
  [NN_OP_SQRT] = {"Sqrt", nn_prepare_unary, 0},
  [NN_OP_EXP] = {"Exp", nn_prepare_unary, 0},
  [NN_OP_LOG] = {"Log", nn_prepare_unary, 0},
  [NN_OP_ERF] = {"Erf", nn_prepare_unary, 0},
  [NN_OP_NEG] = {"Neg", nn_prepare_unary, 0},
  [NN_OP_ABS] = {"Abs", nn_prepare_unary, 0},
  [NN_OP_RECIPROCAL] = {"Reciprocal", nn_prepare_unary, 0},
  [NN_OP_RELU] = {"Relu", nn_prepare_unary, E},
  [NN_OP_LEAKY_RELU] = {"LeakyRelu", nn_prepare_unary, E},
  [NN_OP_SIGMOID] = {"Sigmoid", nn_prepare_unary, E},
  [NN_OP_TANH] = {"Tanh", nn_prepare_unary, E},
  [NN_OP_CLIP] = {"Clip", nn_prepare_unary, E},
  [NN_OP_HARD_SIGMOID] = {"HardSigmoid", nn_prepare_unary, E},
  [NN_OP_HARD_SWISH] = {"HardSwish", nn_prepare_unary, E},
  [NN_OP_SOFTMAX] = {"Softmax", nn_prepare_softmax, 0},
  [NN_OP_LOG_SOFTMAX] = {"LogSoftmax", nn_prepare_softmax, 0},
  [NN_OP_CAST] = {"Cast", nn_prepare_cast, 0},
  [NN_OP_CONV] = {"Conv", nn_prepare_conv, P},
  [NN_OP_GEMM] = {"Gemm", nn_prepare_gemm, P},
  [NN_OP_MATMUL] = {"MatMul", nn_prepare_matmul, P},
  [NN_OP_MAX_POOL] = {"MaxPool", nn_prepare_pool, 0},
  [NN_OP_AVERAGE_POOL] = {"AveragePool", nn_prepare_pool, 0},
  [NN_OP_GLOBAL_AVERAGE_POOL] = {"GlobalAveragePool", nn_prepare_global_pool,
      0},
  [NN_OP_GLOBAL_MAX_POOL] = {"GlobalMaxPool", nn_prepare_global_pool, 0},
  [NN_OP_BATCH_NORM] = {"BatchNormalization", nn_prepare_batch_norm, 0},
  [NN_OP_LAYER_NORM] = {"LayerNormalization", nn_prepare_layer_norm, 0},
  [NN_OP_INSTANCE_NORM] = {"InstanceNormalization",
      nn_prepare_instance_norm, 0},
  [NN_OP_REDUCE_MEAN] = {"ReduceMean", nn_prepare_reduce, 0},
  [NN_OP_REDUCE_SUM] = {"ReduceSum", nn_prepare_reduce, 0},
  [NN_OP_REDUCE_MAX] = {"ReduceMax", nn_prepare_reduce, 0},
  [NN_OP_RESHAPE] = {"Reshape", nn_prepare_reshape, S},
  [NN_OP_FLATTEN] = {"Flatten", nn_prepare_flatten, S},
  [NN_OP_SQUEEZE] = {"Squeeze", nn_prepare_squeeze, S},
  [NN_OP_UNSQUEEZE] = {"Unsqueeze", nn_prepare_unsqueeze, S},
  [NN_OP_IDENTITY] = {"Identity", nn_prepare_identity, S},
  [NN_OP_DROPOUT] = {"Dropout", nn_prepare_identity, S},
  [NN_OP_TRANSPOSE] = {"Transpose", nn_prepare_transpose, 0},
  [NN_OP_CONCAT] = {"Concat", nn_prepare_concat, 0},
  [NN_OP_SPLIT] = {"Split", nn_prepare_split, 0},
  [NN_OP_SLICE] = {"Slice", nn_prepare_slice, 0},
  [NN_OP_GATHER] = {"Gather", nn_prepare_gather, 0},
  [NN_OP_EXPAND] = {"Expand", nn_prepare_expand, 0},
  [NN_OP_PAD] = {"Pad", nn_prepare_pad, 0},
  [NN_OP_SHAPE] = {"Shape", nn_prepare_shape, S},
  [NN_OP_CONSTANT] = {"Constant", nn_prepare_constant, 0},
  [NN_OP_CONSTANT_OF_SHAPE] = {"ConstantOfShape",
      nn_prepare_constant_of_shape, 0},
  [NN_OP_RANGE] = {"Range", nn_prepare_range, 0},
  [NN_OP_GRU] = {"GRU", nn_prepare_gru, O},
  [NN_OP_LSTM] = {"LSTM", nn_prepare_lstm, O},
};

nn_op
nn_op_from_name (const char *op_type)
{
  for (int i = 1; i < NN_OP_COUNT; i++)
    if (table[i].name && strcmp (table[i].name, op_type) == 0)
      return (nn_op) i;
  return NN_OP_UNKNOWN;
}

const nn_op_info *
nn_op_get_info (nn_op op)
{
  static const nn_op_info unknown = { "", NULL, 0 };
  return op > NN_OP_UNKNOWN && op < NN_OP_COUNT ? &table[op] : &unknown;
}

nn_prepare
nn_op_lookup (const char *op_type)
{
  return nn_op_get_info (nn_op_from_name (op_type))->prepare;
}

gboolean
nn_op_supported (const char *op_type)
{
  return nn_op_lookup (op_type) != NULL;
}
