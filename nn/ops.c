/* The operator registry: ONNX op_type -> prepare function.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <string.h>

static const struct {
  const char *op_type;
  nn_prepare prepare;
} registry[] = {
  {"Add", nn_prepare_binary}, {"Sub", nn_prepare_binary},
  {"Mul", nn_prepare_binary}, {"Div", nn_prepare_binary},
  {"Pow", nn_prepare_binary}, {"Equal", nn_prepare_binary},
  {"Where", nn_prepare_where},
  {"Sqrt", nn_prepare_unary}, {"Exp", nn_prepare_unary},
  {"Log", nn_prepare_unary}, {"Erf", nn_prepare_unary},
  {"Neg", nn_prepare_unary}, {"Abs", nn_prepare_unary},
  {"Reciprocal", nn_prepare_unary}, {"Relu", nn_prepare_unary},
  {"LeakyRelu", nn_prepare_unary}, {"Sigmoid", nn_prepare_unary},
  {"Tanh", nn_prepare_unary}, {"Clip", nn_prepare_unary},
  {"HardSigmoid", nn_prepare_unary}, {"HardSwish", nn_prepare_unary},
  {"Softmax", nn_prepare_softmax}, {"LogSoftmax", nn_prepare_softmax},
  {"Cast", nn_prepare_cast},
  {"Conv", nn_prepare_conv},
  {"Gemm", nn_prepare_gemm}, {"MatMul", nn_prepare_matmul},
  {"MaxPool", nn_prepare_pool}, {"AveragePool", nn_prepare_pool},
  {"GlobalAveragePool", nn_prepare_global_pool},
  {"GlobalMaxPool", nn_prepare_global_pool},
  {"BatchNormalization", nn_prepare_batch_norm},
  {"LayerNormalization", nn_prepare_layer_norm},
  {"InstanceNormalization", nn_prepare_instance_norm},
  {"ReduceMean", nn_prepare_reduce}, {"ReduceSum", nn_prepare_reduce},
  {"ReduceMax", nn_prepare_reduce},
  {"Reshape", nn_prepare_reshape}, {"Flatten", nn_prepare_flatten},
  {"Squeeze", nn_prepare_squeeze}, {"Unsqueeze", nn_prepare_unsqueeze},
  {"Identity", nn_prepare_identity}, {"Dropout", nn_prepare_identity},
  {"Transpose", nn_prepare_transpose}, {"Concat", nn_prepare_concat},
  {"Split", nn_prepare_split}, {"Slice", nn_prepare_slice},
  {"Gather", nn_prepare_gather}, {"Expand", nn_prepare_expand},
  {"Pad", nn_prepare_pad},
  {"Shape", nn_prepare_shape}, {"Constant", nn_prepare_constant},
  {"ConstantOfShape", nn_prepare_constant_of_shape},
  {"Range", nn_prepare_range},
  {"GRU", nn_prepare_gru}, {"LSTM", nn_prepare_lstm},
};

nn_prepare
nn_op_lookup (const char *op_type)
{
  for (size_t i = 0; i < G_N_ELEMENTS (registry); i++)
    if (strcmp (registry[i].op_type, op_type) == 0)
      return registry[i].prepare;
  return NULL;
}

gboolean
nn_op_supported (const char *op_type)
{
  return nn_op_lookup (op_type) != NULL;
}
