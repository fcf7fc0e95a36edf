/* Ops that make tensors from shapes and attributes: Shape, Constant,
 * ConstantOfShape, Range. Their outputs are known at load time in a
 * static-shaped graph, so they all fold to constants.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "../nn-private.h"

#include <math.h>
#include <string.h>

/* params of the generators: the values to write, inline */
typedef struct {
  size_t nbytes;
  uint8_t data[];
} blob_params;

static void
blob_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const blob_params *p = node->params;
  memcpy (out[0]->data, p->data, p->nbytes);
}

/* the node's output, filled at load time in place (no second copy) */
static uint8_t *
new_blob (nn_node * n, size_t nbytes)
{
  blob_params *p = g_malloc (sizeof (blob_params) + MAX (nbytes, 1));
  p->nbytes = nbytes;
  n->params = p;
  n->run = blob_kernel;
  return (uint8_t *) p->data;
}

static void
set_blob (nn_node * n, const void *data, size_t nbytes)
{
  memcpy (new_blob (n, nbytes), data, nbytes);
}

/* Shape's output depends only on the input's (static) shape: it becomes a
 * constant here even when its input is not */
gboolean
nn_prepare_shape (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  if (!x) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs an input");
    return FALSE;
  }
  int nd = x->t.ndim;
  int64_t start = nn_attr_int (n, "start", 0), end = nn_attr_int (n, "end",
      nd);
  if (start < 0)
    start += nd;
  if (end < 0)
    end += nd;
  start = CLAMP (start, 0, nd);
  end = CLAMP (end, start, nd);
  int64_t len = end - start;
  set_blob (n, x->t.shape + start, len * sizeof (int64_t));
  nn_set_out (g, n, 0, NN_TYPE_INT64, 1, &len);
  nn_value *y = nn_val (g, n->out[0]);
  y->t.data = g_memdup2 (x->t.shape + start, MAX (len, 1) * sizeof (int64_t));
  y->is_const = TRUE;
  n->dead = TRUE;
  return TRUE;
}

gboolean
nn_prepare_constant (nn_graph * g, nn_node * n, GError ** error)
{
  const Onnx__AttributeProto *a;
  nn_tensor t = { 0 };
  if ((a = nn_attr (n, "value")) && a->t) {
    if (!nn_tensor_from_proto (a->t, &t, error))
      return FALSE;
  } else if ((a = nn_attr (n, "value_float")) && a->has_f) {
    t.type = NN_TYPE_FLOAT;
    t.data = g_memdup2 (&a->f, sizeof (float));
  } else if ((a = nn_attr (n, "value_int")) && a->has_i) {
    t.type = NN_TYPE_INT64;
    t.data = g_memdup2 (&a->i, sizeof (int64_t));
  } else if ((a = nn_attr (n, "value_floats"))) {
    int64_t len = (int64_t) a->n_floats;
    t.type = NN_TYPE_FLOAT;
    nn_tensor_set_shape (&t, 1, &len);
    t.data = g_memdup2 (a->floats, MAX (len, 1) * sizeof (float));
  } else if ((a = nn_attr (n, "value_ints"))) {
    int64_t len = (int64_t) a->n_ints;
    t.type = NN_TYPE_INT64;
    nn_tensor_set_shape (&t, 1, &len);
    t.data = g_memdup2 (a->ints, MAX (len, 1) * sizeof (int64_t));
  } else {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "needs a value, value_float(s) or value_int(s) attribute");
    return FALSE;
  }
  set_blob (n, t.data, (size_t) nn_tensor_numel (&t) * nn_type_size (t.type));
  nn_set_out (g, n, 0, t.type, t.ndim, t.shape);
  g_free (t.data);
  return TRUE;
}

gboolean
nn_prepare_constant_of_shape (nn_graph * g, nn_node * n, GError ** error)
{
  int64_t *shape, nd;
  if (!nn_const_ints (g, n, 0, &shape, &nd, error))
    return FALSE;
  nn_tensor value = { 0 };
  const Onnx__AttributeProto *a = nn_attr (n, "value");
  float zero = 0.0f;
  if (a && a->t) {
    if (!nn_tensor_from_proto (a->t, &value, error)) {
      g_free (shape);
      return FALSE;
    }
  } else {
    value.type = NN_TYPE_FLOAT;
    value.data = g_memdup2 (&zero, sizeof zero);
  }
  gboolean ok = nd <= NN_MAX_DIMS && nn_tensor_numel (&value) == 1;
  for (int64_t i = 0; ok && i < nd; i++)
    ok = shape[i] >= 0 && shape[i] <= G_MAXINT32;
  if (ok)
    ok = nn_shape_numel ((int) nd, shape) <= G_MAXINT32;
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "needs a valid shape and a one-element value");
  } else {
    size_t es = nn_type_size (value.type);
    int64_t count = nn_shape_numel ((int) nd, shape);
    nn_set_out (g, n, 0, value.type, (int) nd, shape);
    /* the shape is the file's word: asked before the fill allocates */
    ok = nn_output_fits (g, n, 0, error);
    if (ok) {
      uint8_t *buf = new_blob (n, count * es);
      for (int64_t i = 0; i < count; i++)
        memcpy (buf + i * es, value.data, es);
    }
  }
  g_free (value.data);
  g_free (shape);
  return ok;
}

static double
scalar (const nn_value * v)
{
  switch (v->t.type) {
    case NN_TYPE_FLOAT: return *(const float *) v->t.data;
    case NN_TYPE_INT64: return (double) *(const int64_t *) v->t.data;
    case NN_TYPE_INT32: return *(const int32_t *) v->t.data;
    default: return 0.0;
  }
}

gboolean
nn_prepare_range (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *v[3];
  for (int i = 0; i < 3; i++) {
    v[i] = nn_in (g, n, i);
    if (!v[i] || !v[i]->is_const || nn_tensor_numel (&v[i]->t) != 1
        || v[i]->t.type != nn_in (g, n, 0)->t.type) {
      nn_node_error (error, n, v[i] && !v[i]->is_const ? NN_ERROR_DYNAMIC :
          NN_ERROR_INVALID, "start, limit and delta must be constant "
          "scalars of one type");
      return FALSE;
    }
  }
  nn_type type = v[0]->t.type;
  if (type != NN_TYPE_FLOAT && type != NN_TYPE_INT64 && type != NN_TYPE_INT32) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED, "type %s",
        nn_type_name (type));
    return FALSE;
  }
  double start = scalar (v[0]), limit = scalar (v[1]), delta = scalar (v[2]);
  double len = delta != 0.0 ? ceil ((limit - start) / delta) : -1.0;
  if (delta == 0.0 || len > G_MAXINT32) {
    nn_node_error (error, n, NN_ERROR_INVALID, "delta is zero or the range "
        "is too long");
    return FALSE;
  }
  int64_t count = (int64_t) MAX (len, 0.0);
  size_t es = nn_type_size (type);
  nn_set_out (g, n, 0, type, 1, &count);
  if (!nn_output_fits (g, n, 0, error))
    return FALSE;
  uint8_t *buf = new_blob (n, count * es);
  for (int64_t i = 0; i < count; i++) {
    if (type == NN_TYPE_FLOAT)
      ((float *) buf)[i] = (float) (scalar (v[0]) + i * delta);
    else if (type == NN_TYPE_INT64)
      ((int64_t *) buf)[i] = *(const int64_t *) v[0]->t.data
          + i * *(const int64_t *) v[2]->t.data;
    else
      ((int32_t *) buf)[i] = (int32_t) (start + i * delta);
  }
  return TRUE;
}
