/* Epilogues: the bias, residual and activation a producer (Conv, Gemm,
 * MatMul) applies to its output while it is still in cache, instead of
 * separate passes over memory by Add, Relu, Clip, Sigmoid·Mul, Erf...
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every activation is branch-free C (nn_expf, nn_erff) that GCC widens to
 * the vector unit of each NN_VECTORIZE clone; the switch sits outside the
 * loops so each loop is one straight stream.
 */
#include "../nn-private.h"
#include "kernels.h"

static inline float
clamp01 (float v)
{
  return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
}

#define MAP(EXPR) \
  for (int64_t i = 0; i < n; i++) { float v = x[i]; y[i] = (EXPR); }

NN_VECTORIZE void
nn_activation_apply (nn_activation act, float a, float b,
    const float *x, float *y, int64_t n)
{
  switch (act) {
    case NN_ACT_NONE:
      if (x != y)
        MAP (v);
      break;
    case NN_ACT_RELU: MAP (v > 0.0f ? v : 0.0f); break;
    case NN_ACT_LEAKY_RELU: MAP (v >= 0.0f ? v : a * v); break;
    case NN_ACT_CLIP: MAP (v < a ? a : (v > b ? b : v)); break;
    case NN_ACT_HARD_SIGMOID: MAP (clamp01 (a * v + b)); break;
    case NN_ACT_HARD_SWISH:
      MAP (v * clamp01 (v * (1.0f / 6.0f) + 0.5f));
      break;
    case NN_ACT_SIGMOID:
      if (nn_isa_get () == NN_ISA_AVX2)
        nn_sigmoid_avx2 (x, y, n, FALSE);
      else
        MAP (nn_sigmoidf (v));
      break;
    case NN_ACT_TANH: MAP (nn_tanhf (v)); break;
    case NN_ACT_SILU:
      /* with AVX2 alone, written out (activation-avx2.c): 2x the
       * compiled loop */
      if (nn_isa_get () == NN_ISA_AVX2)
        nn_sigmoid_avx2 (x, y, n, TRUE);
      else
        MAP (v * nn_sigmoidf (v));
      break;
    case NN_ACT_GELU:
      MAP (0.5f * v * (1.0f + nn_erff (v * 0.70710678118654752f)));
      break;
  }
}

NN_VECTORIZE void
nn_epilogue_apply (const nn_epilogue * e, float *y, int64_t n, float bias,
    const float *bias_vec, const float *res)
{
  /* in blocks, so the add pass and the activation pass share L1 */
  for (int64_t o = 0; o < n; o += 1024) {
    int64_t len = MIN (n - o, 1024);
    float *r = y + o;
    if (bias_vec && res)
      for (int64_t i = 0; i < len; i++)
        r[i] += bias + bias_vec[o + i] + res[o + i];
    else if (bias_vec)
      for (int64_t i = 0; i < len; i++)
        r[i] += bias + bias_vec[o + i];
    else if (res)
      for (int64_t i = 0; i < len; i++)
        r[i] += bias + res[o + i];
    else if (bias != 0.0f)
      for (int64_t i = 0; i < len; i++)
        r[i] += bias;
    if (e && e->act != NN_ACT_NONE)
      nn_activation_apply (e->act, e->alpha, e->beta, r, r, len);
  }
}

const char *
nn_activation_name (nn_activation act)
{
  static const char *names[] = {
    "", "Relu", "LeakyRelu", "Clip", "HardSigmoid", "HardSwish", "Sigmoid",
    "Tanh", "SiLU", "GELU",
  };
  return act < G_N_ELEMENTS (names) ? names[act] : "?";
}
