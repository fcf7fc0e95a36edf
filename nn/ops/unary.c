/* Unary elementwise ops and activations, Cast, Softmax and LogSoftmax.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "../nn-private.h"
#include "../kernels/kernels.h"

#include <math.h>
#include <string.h>

typedef enum {
  U_SQRT, U_EXP, U_LOG, U_ERF, U_NEG, U_ABS, U_RECIPROCAL, U_RELU,
  U_LEAKY_RELU, U_SIGMOID, U_TANH, U_CLIP, U_HARD_SIGMOID, U_HARD_SWISH,
} unop;

static const char *unop_names[] = {
  "Sqrt", "Exp", "Log", "Erf", "Neg", "Abs", "Reciprocal", "Relu",
  "LeakyRelu", "Sigmoid", "Tanh", "Clip", "HardSigmoid", "HardSwish",
};

typedef struct {
  unop op;
  float alpha, beta;            /* LeakyRelu, HardSigmoid; Clip bounds */
} unary_params;

static inline float
clamp01 (float v)
{
  return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
}

#define MAP(EXPR) for (int64_t i = 0; i < n; i++) { float v = x[i]; y[i] = (EXPR); }

NN_VECTORIZE static void
unary_f32 (const unary_params * p, const float *restrict x,
    float *restrict y, int64_t n, float lo, float hi)
{
  float a = p->alpha, b = p->beta;
  switch (p->op) {
    case U_SQRT: MAP (sqrtf (v)); break;
    case U_EXP: MAP (expf (v)); break;
    case U_LOG: MAP (logf (v)); break;
    case U_ERF: MAP (nn_erff (v)); break;
    case U_NEG: MAP (-v); break;
    case U_ABS: MAP (fabsf (v)); break;
    case U_RECIPROCAL: MAP (1.0f / v); break;
    case U_RELU: MAP (v > 0.0f ? v : 0.0f); break;
    case U_LEAKY_RELU: MAP (v >= 0.0f ? v : a * v); break;
    case U_SIGMOID: MAP (nn_sigmoidf (v)); break;
    case U_TANH: MAP (nn_tanhf (v)); break;
    case U_CLIP: MAP (v < lo ? lo : (v > hi ? hi : v)); break;
    case U_HARD_SIGMOID: MAP (clamp01 (a * v + b)); break;
    case U_HARD_SWISH:
      MAP (v * clamp01 (v * (1.0f / 6.0f) + 0.5f));
      break;
  }
}

static float
scalar_or (const nn_tensor * t, float dflt)
{
  return t && nn_tensor_numel (t) > 0 ? *(const float *) t->data : dflt;
}

typedef struct {
  const unary_params *p;
  const float *x;
  float *y;
  float lo, hi;
  int64_t n;
} unary_job;

static void
unary_range (void *data, int64_t b0, int64_t b1, void *scratch)
{
  const unary_job *job = data;
  int64_t i0 = b0 * 16, i1 = MIN (job->n, b1 * 16);
  unary_f32 (job->p, job->x + i0, job->y + i0, i1 - i0, job->lo, job->hi);
}

static void
unary_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const unary_params *p = node->params;
  float lo = p->alpha, hi = p->beta;
  if (p->op == U_CLIP && node->n_in > 1) {
    /* opset 11+: bounds are (optional) inputs */
    lo = scalar_or (in[1], -INFINITY);
    hi = scalar_or (node->n_in > 2 ? in[2] : NULL, INFINITY);
  }
  unary_job job = {.p = p,.x = in[0]->data,.y = out[0]->data,.lo = lo,
    .hi = hi
  };
  /* in blocks of 16 elements (whole vectors); work in multiply-adds of
   * the same time: ~0.15 ns an element */
  int64_t n = nn_tensor_numel (in[0]), blocks = (n + 15) / 16;
  job.n = n;
  nn_parallel_for (blocks, nn_parallel_grain (blocks, 10.0 * n), unary_range,
      &job, NULL);
}

gboolean
nn_unary_activation (nn_graph * g, const nn_node * n, nn_epilogue * e)
{
  const unary_params *p = n->params;
  if (!p || n->run != unary_kernel)
    return FALSE;
  e->alpha = p->alpha;
  e->beta = p->beta;
  switch (p->op) {
    case U_RELU: e->act = NN_ACT_RELU; return TRUE;
    case U_LEAKY_RELU: e->act = NN_ACT_LEAKY_RELU; return TRUE;
    case U_SIGMOID: e->act = NN_ACT_SIGMOID; return TRUE;
    case U_TANH: e->act = NN_ACT_TANH; return TRUE;
    case U_HARD_SIGMOID: e->act = NN_ACT_HARD_SIGMOID; return TRUE;
    case U_HARD_SWISH: e->act = NN_ACT_HARD_SWISH; return TRUE;
    case U_CLIP:
      /* opset 11+: the bounds are inputs, fusable when constant */
      for (int i = 1; i < MIN (n->n_in, 3); i++) {
        nn_value *b = nn_in (g, (nn_node *) n, i);
        if (!b)
          continue;
        if (!b->is_const)
          return FALSE;
        float v = nn_tensor_numel (&b->t) > 0 ?
            *(const float *) b->t.data : (i == 1 ? -INFINITY : INFINITY);
        if (i == 1)
          e->alpha = v;
        else
          e->beta = v;
      }
      e->act = NN_ACT_CLIP;
      return TRUE;
    default:
      return FALSE;
  }
}

static void
int_unary_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const unary_params *p = node->params;
  const int64_t *x = in[0]->data;
  int64_t *y = out[0]->data;
  int64_t n = nn_tensor_numel (in[0]);
  for (int64_t i = 0; i < n; i++)
    y[i] = p->op == U_NEG ? -x[i] : (x[i] < 0 ? -x[i] : x[i]);
}

gboolean
nn_prepare_unary (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  if (!x) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs an input");
    return FALSE;
  }
  unary_params *p = g_new0 (unary_params, 1);
  n->params = p;
  for (guint i = 0; i < G_N_ELEMENTS (unop_names); i++)
    if (strcmp (n->op_type, unop_names[i]) == 0)
      p->op = i;
  switch (p->op) {
    case U_LEAKY_RELU:
      p->alpha = nn_attr_float (n, "alpha", 0.01f);
      break;
    case U_HARD_SIGMOID:
      p->alpha = nn_attr_float (n, "alpha", 0.2f);
      p->beta = nn_attr_float (n, "beta", 0.5f);
      break;
    case U_CLIP:
      /* before opset 11 the bounds are attributes */
      p->alpha = nn_attr_float (n, "min", -INFINITY);
      p->beta = nn_attr_float (n, "max", INFINITY);
      break;
    default:
      break;
  }
  if (x->t.type == NN_TYPE_INT64 && (p->op == U_NEG || p->op == U_ABS)) {
    n->run = int_unary_kernel;
  } else if (x->t.type != NN_TYPE_FLOAT) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED, "input type %s",
        nn_type_name (x->t.type));
    return FALSE;
  } else {
    for (int i = 1; i < n->n_in; i++) {
      nn_value *b = nn_in (g, n, i);
      if (b && (b->t.type != NN_TYPE_FLOAT || nn_tensor_numel (&b->t) != 1)) {
        nn_node_error (error, n, NN_ERROR_INVALID,
            "bound '%s' must be a float scalar", b->name);
        return FALSE;
      }
    }
    n->run = unary_kernel;
  }
  nn_set_out (g, n, 0, x->t.type, x->t.ndim, x->t.shape);
  return TRUE;
}

/* Cast: conversions among the types the runtime holds */
static double
load_as_double (const void *p, nn_type t, int64_t i)
{
  switch (t) {
    case NN_TYPE_FLOAT: return ((const float *) p)[i];
    case NN_TYPE_INT64: return (double) ((const int64_t *) p)[i];
    case NN_TYPE_INT32: return ((const int32_t *) p)[i];
    default: return ((const uint8_t *) p)[i];
  }
}

static void
cast_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  nn_type from = in[0]->type, to = out[0]->type;
  int64_t n = nn_tensor_numel (in[0]);
  void *y = out[0]->data;
  if (from == to) {
    memcpy (y, in[0]->data, n * nn_type_size (to));
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    if (from == NN_TYPE_INT64 && to != NN_TYPE_FLOAT && to != NN_TYPE_BOOL) {
      /* integers narrow without a detour through double */
      int64_t v = ((const int64_t *) in[0]->data)[i];
      if (to == NN_TYPE_INT32)
        ((int32_t *) y)[i] = (int32_t) v;
      else
        ((uint8_t *) y)[i] = (uint8_t) v;
      continue;
    }
    double v = load_as_double (in[0]->data, from, i);
    /* float to integer: NaN gives 0 and values beyond the type saturate,
     * where a plain conversion would be undefined */
    double t = isnan (v) ? 0.0 : v;
    switch (to) {
      case NN_TYPE_FLOAT: ((float *) y)[i] = (float) v; break;
      case NN_TYPE_INT64:
        ((int64_t *) y)[i] = from == NN_TYPE_INT64 ?
            ((const int64_t *) in[0]->data)[i] : t <= -9.2233720368547758e18 ?
            INT64_MIN : t >= 9.2233720368547758e18 ? INT64_MAX : (int64_t) t;
        break;
      case NN_TYPE_INT32:
        ((int32_t *) y)[i] = (int32_t) CLAMP (t, (double) INT32_MIN,
            (double) INT32_MAX);
        break;
      case NN_TYPE_BOOL: ((uint8_t *) y)[i] = v != 0.0; break;
      case NN_TYPE_UINT8:
        ((uint8_t *) y)[i] = (uint8_t) CLAMP (t, 0.0, 255.0);
        break;
    }
  }
}

gboolean
nn_prepare_cast (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  int64_t to = nn_attr_int (n, "to", 0);
  if (!x || nn_type_size ((nn_type) to) == 0) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "cast to element type %" G_GINT64_FORMAT " is not supported", to);
    return FALSE;
  }
  nn_set_out (g, n, 0, (nn_type) to, x->t.ndim, x->t.shape);
  n->run = cast_kernel;
  return TRUE;
}

/* Softmax over `n` elements spaced `inner` apart, for every outer block. */
typedef struct {
  int64_t outer, n, inner;
  gboolean log;
} softmax_params;

/* One contiguous row (the common case: the last axis). The maximum and
 * the sum run in 16 lanes so that GCC widens them (a single running sum is
 * a serial chain it may not reorder); the lanes are added at the end, which
 * changes only the rounding order of the sum. */
#define SM_LANES 16
NN_VECTORIZE static void
softmax_row (const float *x, float *y, int64_t n, gboolean log)
{
  float mxl[SM_LANES], sl[SM_LANES];
  for (int l = 0; l < SM_LANES; l++) {
    mxl[l] = -INFINITY;
    sl[l] = 0.0f;
  }
  int64_t nv = n / SM_LANES * SM_LANES;
  for (int64_t i = 0; i < nv; i += SM_LANES)
    for (int l = 0; l < SM_LANES; l++)
      mxl[l] = x[i + l] > mxl[l] ? x[i + l] : mxl[l];
  float mx = -INFINITY;
  for (int l = 0; l < SM_LANES; l++)
    mx = mxl[l] > mx ? mxl[l] : mx;
  for (int64_t i = nv; i < n; i++)
    mx = x[i] > mx ? x[i] : mx;
  for (int64_t i = 0; i < nv; i += SM_LANES)
    for (int l = 0; l < SM_LANES; l++) {
      float e = nn_expf (x[i + l] - mx);
      y[i + l] = e;
      sl[l] += e;
    }
  float sum = 0.0f;
  for (int l = 0; l < SM_LANES; l++)
    sum += sl[l];
  for (int64_t i = nv; i < n; i++) {
    float e = nn_expf (x[i] - mx);
    y[i] = e;
    sum += e;
  }
  if (log) {
    float sub = mx + logf (sum);
    for (int64_t i = 0; i < n; i++)
      y[i] = x[i] - sub;
  } else {
    float inv = 1.0f / sum;
    for (int64_t i = 0; i < n; i++)
      y[i] *= inv;
  }
}

/* for the fused attention of gemm.c: one row, and whether node n is a
 * plain Softmax over the contiguous last axis of `cols` elements */
void
nn_softmax_row (const float *x, float *y, int64_t n)
{
  if (nn_isa_get () == NN_ISA_AVX512)
    nn_softmax_row_avx512 (x, y, n);
  else
    softmax_row (x, y, n, FALSE);
}

gboolean
nn_softmax_is_rows (const nn_node * n, int64_t cols)
{
  const softmax_params *p = n->params;
  return n->op == NN_OP_SOFTMAX && p && !p->log && p->inner == 1
      && p->n == cols;
}

typedef struct {
  const softmax_params *p;
  const float *x;
  float *y;
} softmax_job;

/* outer blocks [o0, o1) */
static void
softmax_blocks (void *data, int64_t o0, int64_t o1, void *scratch)
{
  const softmax_job *job = data;
  const softmax_params *p = job->p;
  for (int64_t o = o0; o < o1; o++) {
    if (p->inner == 1) {
      if (p->log)
        softmax_row (job->x + o * p->n, job->y + o * p->n, p->n, TRUE);
      else
        nn_softmax_row (job->x + o * p->n, job->y + o * p->n, p->n);
      continue;
    }
    for (int64_t k = 0; k < p->inner; k++) {
      const float *xs = job->x + o * p->n * p->inner + k;
      float *ys = job->y + o * p->n * p->inner + k;
      float mx = -INFINITY, sum = 0.0f;
      for (int64_t i = 0; i < p->n; i++)
        mx = fmaxf (mx, xs[i * p->inner]);
      for (int64_t i = 0; i < p->n; i++) {
        float e = nn_expf (xs[i * p->inner] - mx);
        ys[i * p->inner] = e;
        sum += e;
      }
      if (p->log) {
        float ls = logf (sum);
        for (int64_t i = 0; i < p->n; i++)
          ys[i * p->inner] = xs[i * p->inner] - mx - ls;
      } else {
        float inv = 1.0f / sum;
        for (int64_t i = 0; i < p->n; i++)
          ys[i * p->inner] *= inv;
      }
    }
  }
}

static void
softmax_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const softmax_params *p = node->params;
  softmax_job job = {.p = p,.x = in[0]->data,.y = out[0]->data };
  /* split when a worker gets at least ~16k elements */
  int64_t per = MAX (p->n * p->inner, 1);
  nn_parallel_for (p->outer, MAX (1, 16384 / per), softmax_blocks, &job,
      NULL);
}

gboolean
nn_prepare_softmax (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  if (!x || x->t.type != NN_TYPE_FLOAT) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED, "needs a float input");
    return FALSE;
  }
  /* opset 13 changed both the default axis and the meaning: before, the
   * input is read as 2-D, flattened at the axis */
  gboolean old = g->opset < 13;
  int axis;
  if (!nn_axis (nn_attr_int (n, "axis", old ? 1 : -1), x->t.ndim, &axis)) {
    nn_node_error (error, n, NN_ERROR_INVALID, "axis out of range");
    return FALSE;
  }
  softmax_params *p = g_new0 (softmax_params, 1);
  n->params = p;
  p->log = strcmp (n->op_type, "LogSoftmax") == 0;
  p->outer = nn_shape_numel (axis, x->t.shape);
  if (old) {
    p->n = nn_shape_numel (x->t.ndim - axis, x->t.shape + axis);
    p->inner = 1;
  } else {
    p->n = x->t.ndim ? x->t.shape[axis] : 1;
    p->inner = nn_shape_numel (x->t.ndim - axis - 1, x->t.shape + axis + 1);
  }
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, x->t.ndim, x->t.shape);
  n->run = softmax_kernel;
  return TRUE;
}
