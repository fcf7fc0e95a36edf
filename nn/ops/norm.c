/* BatchNormalization (inference), LayerNormalization and
 * InstanceNormalization.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "../nn-private.h"

#include <math.h>

typedef struct {
  int64_t N, C, inner;
  float eps;
} norm_params;

static void
batch_norm_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const norm_params *p = node->params;
  const float *x = in[0]->data, *scale = in[1]->data, *bias = in[2]->data;
  const float *mean = in[3]->data, *var = in[4]->data;
  float *y = out[0]->data;
  for (int64_t b = 0; b < p->N; b++)
    for (int64_t c = 0; c < p->C; c++) {
      float k = scale[c] / sqrtf (var[c] + p->eps);
      float o = bias[c] - mean[c] * k;
      const float *xs = x + (b * p->C + c) * p->inner;
      float *ys = y + (b * p->C + c) * p->inner;
      for (int64_t i = 0; i < p->inner; i++)
        ys[i] = xs[i] * k + o;
    }
}

static gboolean
check_channel_inputs (nn_graph * g, nn_node * n, int first, int last,
    int64_t C, GError ** error)
{
  for (int i = first; i <= last; i++) {
    nn_value *v = nn_in (g, n, i);
    if (!v || v->t.type != NN_TYPE_FLOAT || nn_tensor_numel (&v->t) != C) {
      nn_node_error (error, n, NN_ERROR_SHAPE,
          "input %d must hold %" G_GINT64_FORMAT " floats", i, C);
      return FALSE;
    }
  }
  return TRUE;
}

static norm_params *
channel_params (nn_node * n, const nn_tensor * x, float eps_default)
{
  norm_params *p = g_new0 (norm_params, 1);
  n->params = p;
  p->N = x->shape[0];
  p->C = x->ndim > 1 ? x->shape[1] : 1;
  p->inner = nn_shape_numel (x->ndim - 2, x->shape + 2);
  p->eps = nn_attr_float (n, "epsilon", eps_default);
  return p;
}

gboolean
nn_prepare_batch_norm (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  if (!x || x->t.type != NN_TYPE_FLOAT || x->t.ndim < 2) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs a float input");
    return FALSE;
  }
  if (nn_attr_int (n, "training_mode", 0) != 0 || (n->n_out > 1
          && n->out[1] >= 0)) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "training mode is not supported; export the model in eval mode");
    return FALSE;
  }
  norm_params *p = channel_params (n, &x->t, 1e-5f);
  if (!check_channel_inputs (g, n, 1, 4, p->C, error))
    return FALSE;
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, x->t.ndim, x->t.shape);
  n->run = batch_norm_kernel;
  return TRUE;
}

static void
instance_norm_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const norm_params *p = node->params;
  const float *x = in[0]->data, *scale = in[1]->data, *bias = in[2]->data;
  float *y = out[0]->data;
  for (int64_t b = 0; b < p->N; b++)
    for (int64_t c = 0; c < p->C; c++) {
      const float *xs = x + (b * p->C + c) * p->inner;
      float *ys = y + (b * p->C + c) * p->inner;
      double mean = 0.0, var = 0.0;
      for (int64_t i = 0; i < p->inner; i++)
        mean += xs[i];
      mean /= (double) p->inner;
      for (int64_t i = 0; i < p->inner; i++)
        var += (xs[i] - mean) * (xs[i] - mean);
      var /= (double) p->inner;
      float k = scale[c] / sqrtf ((float) var + p->eps);
      float o = bias[c] - (float) mean * k;
      for (int64_t i = 0; i < p->inner; i++)
        ys[i] = xs[i] * k + o;
    }
}

gboolean
nn_prepare_instance_norm (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  if (!x || x->t.type != NN_TYPE_FLOAT || x->t.ndim < 3) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "needs a float input of rank 3 or more");
    return FALSE;
  }
  norm_params *p = channel_params (n, &x->t, 1e-5f);
  if (!check_channel_inputs (g, n, 1, 2, p->C, error))
    return FALSE;
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, x->t.ndim, x->t.shape);
  n->run = instance_norm_kernel;
  return TRUE;
}

/* LayerNormalization: rows are everything before `axis`, and each row is
 * normalized over the rest. Optional outputs Mean and InvStdDev. */
typedef struct {
  int64_t rows, len;
  float eps;
} layer_norm_params;

/* Sums of a row in eight interleaved partial sums: one running sum is a
 * chain of dependent adds, which the compiler may not reorder into
 * vectors (one add per ~4 cycles); these vectorize. */
NN_VECTORIZE static float
row_sum (const float *restrict x, int64_t n)
{
  float s[8] = { 0 };
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      s[j] += x[i + j];
  float t = 0.0f;
  for (; i < n; i++)
    t += x[i];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
      + t;
}

NN_VECTORIZE static float
row_squares (const float *restrict x, int64_t n, float mean)
{
  float s[8] = { 0 };
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      s[j] += (x[i + j] - mean) * (x[i + j] - mean);
  float t = 0.0f;
  for (; i < n; i++)
    t += (x[i] - mean) * (x[i] - mean);
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
      + t;
}

NN_VECTORIZE static void
row_affine (const float *restrict x, float *restrict y,
    const float *restrict scale, const float *restrict bias, float mean,
    float inv, int64_t n)
{
  if (bias)
    for (int64_t i = 0; i < n; i++)
      y[i] = (x[i] - mean) * inv * scale[i] + bias[i];
  else
    for (int64_t i = 0; i < n; i++)
      y[i] = (x[i] - mean) * inv * scale[i];
}

typedef struct {
  const nn_node *node;
  nn_tensor *const *in, *const *out;
} layer_norm_job;

/* rows [r0, r1) */
static void
layer_norm_rows (void *data, int64_t r0, int64_t r1, void *scratch)
{
  const layer_norm_job *job = data;
  const nn_node *node = job->node;
  nn_tensor *const *in = job->in, *const *out = job->out;
  const layer_norm_params *p = node->params;
  const float *x = in[0]->data, *scale = in[1]->data;
  const float *bias = node->n_in > 2 && in[2] ? in[2]->data : NULL;
  float *y = out[0]->data;
  float *mean_out = node->n_out > 1 && out[1] ? out[1]->data : NULL;
  float *inv_out = node->n_out > 2 && out[2] ? out[2]->data : NULL;
  for (int64_t r = r0; r < r1; r++) {
    const float *xr = x + r * p->len;
    float mean = row_sum (xr, p->len) / (float) p->len;
    float var = row_squares (xr, p->len, mean) / (float) p->len;
    float inv = 1.0f / sqrtf (var + p->eps);
    row_affine (xr, y + r * p->len, scale, bias, mean, inv, p->len);
    if (mean_out)
      mean_out[r] = mean;
    if (inv_out)
      inv_out[r] = inv;
  }
}

/* the rows split over the workers */
static void
layer_norm_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const layer_norm_params *p = node->params;
  layer_norm_job job = {.node = node,.in = in,.out = out };
  nn_parallel_for (p->rows, nn_parallel_grain (p->rows, 4.0 * p->rows
          * p->len), layer_norm_rows, &job, NULL);
}

gboolean
nn_prepare_layer_norm (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0), *scale = nn_in (g, n, 1);
  nn_value *bias = nn_in (g, n, 2);
  int axis;
  if (!x || !scale || x->t.type != NN_TYPE_FLOAT
      || !nn_axis (nn_attr_int (n, "axis", -1), x->t.ndim, &axis)) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "needs float X and Scale and a valid axis");
    return FALSE;
  }
  layer_norm_params *p = g_new0 (layer_norm_params, 1);
  n->params = p;
  p->rows = nn_shape_numel (axis, x->t.shape);
  p->len = nn_shape_numel (x->t.ndim - axis, x->t.shape + axis);
  p->eps = nn_attr_float (n, "epsilon", 1e-5f);
  /* Scale and B broadcast over the normalized axes; we hold them as
   * full-length vectors only */
  if (nn_tensor_numel (&scale->t) != p->len
      || (bias && nn_tensor_numel (&bias->t) != p->len)) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "Scale and B must cover all %" G_GINT64_FORMAT
        " normalized elements", p->len);
    return FALSE;
  }
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, x->t.ndim, x->t.shape);
  int64_t stat_shape[NN_MAX_DIMS];
  for (int i = 0; i < x->t.ndim; i++)
    stat_shape[i] = i < axis ? x->t.shape[i] : 1;
  nn_set_out (g, n, 1, NN_TYPE_FLOAT, x->t.ndim, stat_shape);
  nn_set_out (g, n, 2, NN_TYPE_FLOAT, x->t.ndim, stat_shape);
  n->run = layer_norm_kernel;
  return TRUE;
}
