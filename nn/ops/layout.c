/* Ops that move data without arithmetic: Reshape, Flatten, Squeeze,
 * Unsqueeze, Identity/Dropout, Transpose, Concat, Split, Slice, Gather,
 * Expand, Pad. All of them work on any element type.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "../nn-private.h"

#include <string.h>

static gboolean
need_input (nn_graph * g, nn_node * n, nn_value ** x, GError ** error)
{
  *x = nn_in (g, n, 0);
  if (!*x) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs an input");
    return FALSE;
  }
  return TRUE;
}

/* Reshape and its kin: the data is copied as is */
static void
copy_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  memcpy (out[0]->data, in[0]->data,
      nn_tensor_numel (in[0]) * nn_type_size (in[0]->type));
}

static gboolean
set_copy_out (nn_graph * g, nn_node * n, nn_value * x, int ndim,
    const int64_t * shape, GError ** error)
{
  if (nn_shape_numel (ndim, shape) != nn_tensor_numel (&x->t)) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "the new shape holds a different number of elements");
    return FALSE;
  }
  nn_set_out (g, n, 0, x->t.type, ndim, shape);
  n->run = copy_kernel;
  return TRUE;
}

gboolean
nn_prepare_reshape (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  int64_t *sh, cnt;
  if (!need_input (g, n, &x, error) || !nn_const_ints (g, n, 1, &sh, &cnt,
          error))
    return FALSE;
  gboolean allowzero = nn_attr_int (n, "allowzero", 0) != 0;
  int64_t shape[NN_MAX_DIMS], known = 1;
  int infer = -1;
  gboolean ok = cnt <= NN_MAX_DIMS;
  for (int i = 0; ok && i < cnt; i++) {
    shape[i] = sh[i];
    if (sh[i] == 0 && !allowzero) {
      ok = i < x->t.ndim;
      shape[i] = ok ? x->t.shape[i] : 0;
    } else if (sh[i] == -1) {
      ok = infer < 0;
      infer = i;
      continue;
    } else if (sh[i] < 0 || sh[i] > NN_MAX_DIM) {
      ok = FALSE;
    }
    /* dims up to 2^31 each: their product may overflow */
    if (ok && __builtin_mul_overflow (known, shape[i], &known))
      ok = FALSE;
  }
  g_free (sh);
  if (ok && infer >= 0) {
    ok = known > 0 && nn_tensor_numel (&x->t) % known == 0;
    if (ok)
      shape[infer] = nn_tensor_numel (&x->t) / known;
  }
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_SHAPE, "invalid target shape");
    return FALSE;
  }
  return set_copy_out (g, n, x, (int) cnt, shape, error);
}

gboolean
nn_prepare_flatten (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  int axis;
  if (!need_input (g, n, &x, error))
    return FALSE;
  int64_t a = nn_attr_int (n, "axis", 1);
  if (a < -x->t.ndim || a > x->t.ndim) {
    nn_node_error (error, n, NN_ERROR_INVALID, "axis out of range");
    return FALSE;
  }
  axis = (int) (a < 0 ? a + x->t.ndim : a);
  int64_t shape[2] = { nn_shape_numel (axis, x->t.shape),
    nn_shape_numel (x->t.ndim - axis, x->t.shape + axis)
  };
  return set_copy_out (g, n, x, 2, shape, error);
}

/* axes from the attribute (before opset 13) or the second input */
static gboolean
axes_of (nn_graph * g, nn_node * n, int64_t ** axes, int64_t * count,
    GError ** error)
{
  int64_t buf[NN_MAX_DIMS];
  int na = nn_attr_ints (n, "axes", buf, NN_MAX_DIMS);
  if (na > NN_MAX_DIMS) {
    nn_node_error (error, n, NN_ERROR_INVALID, "too many axes");
    return FALSE;
  }
  if (na >= 0) {
    *axes = g_memdup2 (buf, sizeof buf);
    *count = na;
    return TRUE;
  }
  if (nn_in (g, n, 1))
    return nn_const_ints (g, n, 1, axes, count, error);
  *axes = NULL;
  *count = 0;
  return TRUE;
}

gboolean
nn_prepare_squeeze (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  int64_t *axes, na;
  if (!need_input (g, n, &x, error) || !axes_of (g, n, &axes, &na, error))
    return FALSE;
  gboolean drop[NN_MAX_DIMS] = { 0 };
  gboolean ok = TRUE;
  for (int64_t i = 0; i < na; i++) {
    int a;
    ok = ok && nn_axis (axes[i], x->t.ndim, &a) && x->t.shape[a] == 1;
    if (ok)
      drop[a] = TRUE;
  }
  g_free (axes);
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "an axis is out of range or not of size 1");
    return FALSE;
  }
  int64_t shape[NN_MAX_DIMS];
  int nd = 0;
  for (int i = 0; i < x->t.ndim; i++)
    if (!(na == 0 ? x->t.shape[i] == 1 : drop[i]))
      shape[nd++] = x->t.shape[i];
  return set_copy_out (g, n, x, nd, shape, error);
}

gboolean
nn_prepare_unsqueeze (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  int64_t *axes, na;
  if (!need_input (g, n, &x, error) || !axes_of (g, n, &axes, &na, error))
    return FALSE;
  int nd = x->t.ndim + (int) na;
  gboolean added[NN_MAX_DIMS] = { 0 };
  gboolean ok = nd <= NN_MAX_DIMS;
  for (int64_t i = 0; ok && i < na; i++) {
    int a;
    ok = nn_axis (axes[i], nd, &a) && !added[a];
    if (ok)
      added[a] = TRUE;
  }
  g_free (axes);
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_INVALID, "invalid axes");
    return FALSE;
  }
  int64_t shape[NN_MAX_DIMS];
  for (int i = 0, k = 0; i < nd; i++)
    shape[i] = added[i] ? 1 : x->t.shape[k++];
  return set_copy_out (g, n, x, nd, shape, error);
}

/* Dropout in inference is Identity; its optional mask is all true */
static void
identity_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  copy_kernel (node, in, out, scratch);
  if (node->n_out > 1 && out[1])
    memset (out[1]->data, 1, nn_tensor_numel (out[1]));
}

gboolean
nn_prepare_identity (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  if (!need_input (g, n, &x, error))
    return FALSE;
  /* Dropout's training_mode input (opset 12+) must be a constant false:
   * random masks have no place in inference */
  nn_value *training = nn_in (g, n, 2), *ratio = nn_in (g, n, 1);
  gboolean zero_ratio = ratio && ratio->is_const
      && ratio->t.type == NN_TYPE_FLOAT && nn_tensor_numel (&ratio->t) == 1
      && *(const float *) ratio->t.data == 0.0f;
  if (training && !zero_ratio && (!training->is_const
          || ((const uint8_t *) training->t.data)[0] != 0)) {
    gboolean dynamic = !training->is_const || (ratio && !ratio->is_const);
    nn_node_error (error, n, dynamic ? NN_ERROR_DYNAMIC :
        NN_ERROR_UNSUPPORTED,
        "training mode is not supported; export the model in eval mode");
    return FALSE;
  }
  nn_set_out (g, n, 0, x->t.type, x->t.ndim, x->t.shape);
  nn_set_out (g, n, 1, NN_TYPE_BOOL, x->t.ndim, x->t.shape);
  n->run = identity_kernel;
  return TRUE;
}

/* Transpose: output walked in order; input position from permuted strides.
 * The innermost output axis is a strided gather loop, except where the
 * input's contiguous axis is another output axis (a real transpose, such
 * as [C][T] to [T][C]): there 4-byte elements go through square tiles
 * (transpose_tiled), since the gather reads one element per cache line. */
typedef struct {
  int ndim;
  int64_t oshape[NN_MAX_DIMS], istride[NN_MAX_DIMS];
  int tiled_axis;               /* output axis read contiguously, or -1 */
} transpose_params;

#define TRANSPOSE_LOOP(T) do { \
    const T *x = in[0]->data; T *y = out[0]->data; \
    for (int64_t i = 0; i < total; i += len) { \
      for (int64_t k = 0; k < len; k++) y[i + k] = x[off + k * st]; \
      for (int d = p->ndim - 2; d >= 0; d--) { \
        off += p->istride[d]; \
        if (++idx[d] < p->oshape[d]) break; \
        off -= p->istride[d] * p->oshape[d]; idx[d] = 0; \
      } \
    } \
  } while (0)

/* tiles of TILE x TILE: their input lines stay in L1 while the tile's
 * rows are written out in order */
#define TILE 16

/* Output axis a (input stride 1) against the last output axis (input
 * stride st): for each index of the other axes, the [A][L] plane of the
 * output from the [L][A] one of the input, in square tiles. Measured on
 * the crnn's [1024][200] to [200][1024]: 170 us gathered. */
static void
transpose_tiled (const transpose_params * p, const guint32 * x, guint32 * y)
{
  int nd = p->ndim, a = p->tiled_axis;
  int64_t ostride[NN_MAX_DIMS], s = 1;
  for (int d = nd - 1; d >= 0; d--) {
    ostride[d] = s;
    s *= p->oshape[d];
  }
  int64_t A = p->oshape[a], L = p->oshape[nd - 1], st = p->istride[nd - 1];
  int64_t ya = ostride[a];
  int64_t idx[NN_MAX_DIMS] = { 0 }, xo = 0, yo = 0;
  for (;;) {
    for (int64_t i0 = 0; i0 < A; i0 += TILE)
      for (int64_t k0 = 0; k0 < L; k0 += TILE) {
        int64_t i1 = MIN (A, i0 + TILE), k1 = MIN (L, k0 + TILE);
        for (int64_t i = i0; i < i1; i++) {
          const guint32 *xi = x + xo + i;
          guint32 *yi = y + yo + i * ya;
          for (int64_t k = k0; k < k1; k++)
            yi[k] = xi[k * st];
        }
      }
    /* the next index of the other axes */
    int d = nd - 2;
    for (; d >= 0; d--) {
      if (d == a)
        continue;
      xo += p->istride[d];
      yo += ostride[d];
      if (++idx[d] < p->oshape[d])
        break;
      xo -= p->istride[d] * p->oshape[d];
      yo -= ostride[d] * p->oshape[d];
      idx[d] = 0;
    }
    if (d < 0)
      return;
  }
}

static void
transpose_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const transpose_params *p = node->params;
  int64_t total = nn_tensor_numel (out[0]);
  int64_t len = p->ndim ? p->oshape[p->ndim - 1] : 1;
  int64_t st = p->ndim ? p->istride[p->ndim - 1] : 0;
  int64_t idx[NN_MAX_DIMS] = { 0 }, off = 0;
  if (total == 0)
    return;
  if (p->tiled_axis >= 0 && nn_type_size (in[0]->type) == 4) {
    transpose_tiled (p, in[0]->data, out[0]->data);
    return;
  }
  switch (nn_type_size (in[0]->type)) {
    case 8: TRANSPOSE_LOOP (int64_t); break;
    case 4: TRANSPOSE_LOOP (int32_t); break;
    default: TRANSPOSE_LOOP (uint8_t); break;
  }
}

gboolean
nn_prepare_transpose (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  if (!need_input (g, n, &x, error))
    return FALSE;
  int64_t perm[NN_MAX_DIMS];
  int np = nn_attr_ints (n, "perm", perm, NN_MAX_DIMS);
  int nd = x->t.ndim;
  if (np < 0)
    for (int i = 0; i < nd; i++)
      perm[i] = nd - 1 - i;
  gboolean seen[NN_MAX_DIMS] = { 0 };
  gboolean ok = np < 0 || np == nd;
  for (int i = 0; ok && i < nd; i++) {
    ok = perm[i] >= 0 && perm[i] < nd && !seen[perm[i]];
    if (ok)
      seen[perm[i]] = TRUE;
  }
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_INVALID, "perm is not a permutation "
        "of the %d axes", nd);
    return FALSE;
  }
  transpose_params *p = g_new0 (transpose_params, 1);
  n->params = p;
  p->ndim = nd;
  p->tiled_axis = -1;
  for (int i = 0; i < nd; i++) {
    p->oshape[i] = x->t.shape[perm[i]];
    p->istride[i] = x->t.stride[perm[i]];
  }
  /* tiles pay where both axes of the plane are long enough to fill them */
  for (int i = 0; i + 1 < nd; i++)
    if (p->istride[i] == 1 && p->oshape[i] >= 8 && p->oshape[nd - 1] >= 8
        && p->istride[nd - 1] != 1)
      p->tiled_axis = i;
  nn_set_out (g, n, 0, x->t.type, nd, p->oshape);
  n->run = transpose_kernel;
  return TRUE;
}

/* Concat and Split: blocks of `inner` elements along one axis */
typedef struct {
  int64_t outer, inner;         /* inner: product of axes after `axis` */
  int64_t total;                /* extent of the joined axis */
} join_params;

typedef struct {
  const nn_node *node;
  const join_params *p;
  nn_tensor *const *in;
  char *y;
  size_t es;
} concat_job;

/* output elements [e0, e1): per outer block, each input's run in turn */
static void
concat_range (void *data, int64_t e0, int64_t e1, void *scratch)
{
  const concat_job *job = data;
  const join_params *p = job->p;
  const int64_t row = p->total * p->inner;
  size_t es = job->es;
  for (int64_t e = e0; e < e1;) {
    int64_t o = e / row, r = e % row, at = 0;
    for (int i = 0; i < job->node->n_in; i++) {
      nn_tensor *x = job->in[i];
      int64_t len = x->ndim ? nn_tensor_numel (x) / MAX (p->outer, 1) : 0;
      if (r < at + len) {
        int64_t k = MIN (at + len - r, e1 - e);
        memcpy (job->y + e * es, (const char *) x->data + (o * len + r - at)
            * es, k * es);
        e += k;
        r += k;
        if (e >= e1)
          break;
      }
      at += len;
    }
  }
}

static void
concat_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const join_params *p = node->params;
  concat_job job = {.node = node,.p = p,.in = in,.y = out[0]->data,
    .es = nn_type_size (out[0]->type)
  };
  int64_t n = p->outer * p->total * p->inner;
  /* work in multiply-adds of the same time: ~0.05 ns a float copied */
  nn_parallel_for (n, nn_parallel_grain (n, 0.75 * n * job.es), concat_range,
      &job, NULL);
}

gboolean
nn_prepare_concat (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x0;
  int axis;
  if (!need_input (g, n, &x0, error))
    return FALSE;
  if (!nn_axis (nn_attr_int (n, "axis", 0), x0->t.ndim, &axis)) {
    nn_node_error (error, n, NN_ERROR_INVALID, "axis out of range");
    return FALSE;
  }
  int64_t shape[NN_MAX_DIMS];
  memcpy (shape, x0->t.shape, sizeof shape);
  shape[axis] = 0;
  for (int i = 0; i < n->n_in; i++) {
    nn_value *x = nn_in (g, n, i);
    gboolean ok = x && x->t.ndim == x0->t.ndim && x->t.type == x0->t.type;
    for (int d = 0; ok && d < x0->t.ndim; d++)
      ok = d == axis || x->t.shape[d] == x0->t.shape[d];
    if (!ok) {
      nn_node_error (error, n, NN_ERROR_SHAPE,
          "input %d does not match the others outside the axis", i);
      return FALSE;
    }
    shape[axis] += x->t.shape[axis];
  }
  join_params *p = g_new0 (join_params, 1);
  n->params = p;
  p->outer = nn_shape_numel (axis, shape);
  p->inner = nn_shape_numel (x0->t.ndim - axis - 1, shape + axis + 1);
  p->total = shape[axis];
  nn_set_out (g, n, 0, x0->t.type, x0->t.ndim, shape);
  n->run = concat_kernel;
  return TRUE;
}

static void
split_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const join_params *p = node->params;
  size_t es = nn_type_size (in[0]->type);
  const char *x = in[0]->data;
  int64_t at = 0;
  for (int i = 0; i < node->n_out; i++) {
    if (!out[i])
      continue;
    int64_t len = nn_tensor_numel (out[i]) / MAX (p->outer, 1);
    for (int64_t o = 0; o < p->outer; o++)
      memcpy ((char *) out[i]->data + o * len * es,
          x + (o * p->total * p->inner + at) * es, len * es);
    at += len;
  }
}

gboolean
nn_prepare_split (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  int axis;
  if (!need_input (g, n, &x, error))
    return FALSE;
  if (!nn_axis (nn_attr_int (n, "axis", 0), x->t.ndim, &axis)) {
    nn_node_error (error, n, NN_ERROR_INVALID, "axis out of range");
    return FALSE;
  }
  int64_t *split = NULL, ns = 0, dim = x->t.shape[axis];
  int64_t buf[64];
  int na = nn_attr_ints (n, "split", buf, 64);
  if (na > 64) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED, "too many outputs");
    return FALSE;
  }
  if (na >= 0) {
    split = g_memdup2 (buf, sizeof buf);
    ns = na;
  } else if (nn_in (g, n, 1)) {
    if (!nn_const_ints (g, n, 1, &split, &ns, error))
      return FALSE;
  } else {
    /* equal parts; with opset 18's num_outputs the last may be smaller */
    int64_t parts = n->n_out;
    int64_t each = (dim + parts - 1) / MAX (parts, 1);
    split = g_new (int64_t, MAX (parts, 1));
    ns = parts;
    for (int64_t i = 0; i < parts; i++)
      split[i] = MIN (each, dim - i * each);
  }
  int64_t sum = 0;
  gboolean ok = ns == n->n_out;
  for (int64_t i = 0; ok && i < ns; i++) {
    ok = split[i] >= 0 && split[i] <= dim;
    sum += split[i];
  }
  if (!ok || sum != dim) {
    g_free (split);
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "split sizes do not add up to the axis or match the outputs");
    return FALSE;
  }
  join_params *p = g_new0 (join_params, 1);
  n->params = p;
  p->outer = nn_shape_numel (axis, x->t.shape);
  p->inner = nn_shape_numel (x->t.ndim - axis - 1, x->t.shape + axis + 1);
  p->total = dim;
  for (int i = 0; i < n->n_out; i++) {
    int64_t shape[NN_MAX_DIMS];
    memcpy (shape, x->t.shape, sizeof shape);
    shape[axis] = split[i];
    nn_set_out (g, n, i, x->t.type, x->t.ndim, shape);
  }
  g_free (split);
  n->run = split_kernel;
  return TRUE;
}

/* Slice, Pad and Expand share one strided walk: every output element
 * reads input element (sum of idx[d] * step[d]) + base, or a constant
 * when outside (Pad). */
typedef struct {
  int ndim;
  int64_t oshape[NN_MAX_DIMS];
  int64_t start[NN_MAX_DIMS], step[NN_MAX_DIMS];        /* in input elements */
  /* Pad only */
  int mode;                     /* 0 constant, 1 reflect, 2 edge */
  int64_t ishape[NN_MAX_DIMS], istride[NN_MAX_DIMS], before[NN_MAX_DIMS];
} walk_params;

/* element copy with the innermost axis as a typed strided loop */
#define WALK_LOOP(T) do { \
    const T *x = in[0]->data; T *y = out[0]->data; \
    for (int64_t i = 0; i < total; i += len) { \
      for (int64_t k = 0; k < len; k++) y[i + k] = x[off + k * st]; \
      for (int d = p->ndim - 2; d >= 0; d--) { \
        off += p->step[d]; \
        if (++idx[d] < p->oshape[d]) break; \
        off -= p->step[d] * p->oshape[d]; idx[d] = 0; \
      } \
    } \
  } while (0)

static void
slice_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const walk_params *p = node->params;
  int64_t total = nn_tensor_numel (out[0]);
  int64_t idx[NN_MAX_DIMS] = { 0 }, off = 0;
  int64_t len = p->ndim ? p->oshape[p->ndim - 1] : 1;
  int64_t st = p->ndim ? p->step[p->ndim - 1] : 0;
  if (total == 0)
    return;
  for (int d = 0; d < p->ndim; d++)
    off += p->start[d];
  switch (nn_type_size (in[0]->type)) {
    case 8: WALK_LOOP (int64_t); break;
    case 4: WALK_LOOP (int32_t); break;
    default: WALK_LOOP (uint8_t); break;
  }
}

gboolean
nn_prepare_slice (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  if (!need_input (g, n, &x, error))
    return FALSE;
  int nd = x->t.ndim;
  int64_t *starts = NULL, *ends = NULL, *axes = NULL, *steps = NULL;
  int64_t ns = 0, ne = 0, na = -1, nst = -1;
  gboolean ok;
  if (g->opset < 10) {
    int64_t b1[NN_MAX_DIMS], b2[NN_MAX_DIMS], b3[NN_MAX_DIMS];
    ns = nn_attr_ints (n, "starts", b1, NN_MAX_DIMS);
    ne = nn_attr_ints (n, "ends", b2, NN_MAX_DIMS);
    na = nn_attr_ints (n, "axes", b3, NN_MAX_DIMS);
    starts = g_memdup2 (b1, sizeof b1);
    ends = g_memdup2 (b2, sizeof b2);
    axes = na >= 0 ? g_memdup2 (b3, sizeof b3) : NULL;
    ok = ns >= 0 && ns <= NN_MAX_DIMS;
  } else {
    ok = nn_const_ints (g, n, 1, &starts, &ns, error)
        && nn_const_ints (g, n, 2, &ends, &ne, error)
        && (!nn_in (g, n, 3) || nn_const_ints (g, n, 3, &axes, &na, error))
        && (!nn_in (g, n, 4) || nn_const_ints (g, n, 4, &steps, &nst,
            error));
    if (!ok)
      goto out;
  }
  ok = ok && ns == ne && (na < 0 || na == ns) && (nst < 0 || nst == ns);
  walk_params *p = g_new0 (walk_params, 1);
  n->params = p;
  p->ndim = nd;
  for (int d = 0; d < nd; d++) {
    p->oshape[d] = x->t.shape[d];
    p->step[d] = x->t.stride[d];
  }
  gboolean used[NN_MAX_DIMS] = { 0 };
  for (int64_t i = 0; ok && i < ns; i++) {
    int a;
    ok = nn_axis (axes ? axes[i] : i, nd, &a) && !used[a];
    if (!ok)
      break;
    used[a] = TRUE;
    int64_t dim = x->t.shape[a], step = steps ? steps[i] : 1;
    /* a step longer than the axis takes one element, as length + 1 does;
     * clamping keeps the arithmetic below from overflowing */
    step = CLAMP (step, -(dim + 1), dim + 1);
    int64_t s = starts[i], e = ends[i];
    ok = step != 0;
    if (!ok)
      break;
    if (s < 0)
      s += dim;
    if (e < 0)
      e += dim;
    /* clamp as the spec says: [0, dim] going forward, [-1, dim-1] back */
    if (step > 0) {
      s = CLAMP (s, 0, dim);
      e = CLAMP (e, 0, dim);
      p->oshape[a] = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = CLAMP (s, 0, dim - 1);
      e = CLAMP (e, -1, dim - 1);
      p->oshape[a] = s > e ? (s - e - step - 1) / -step : 0;
    }
    p->start[a] = s * x->t.stride[a];
    p->step[a] = step * x->t.stride[a];
  }
  if (ok) {
    nn_set_out (g, n, 0, x->t.type, nd, p->oshape);
    n->run = slice_kernel;
  } else {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "starts, ends, axes and steps do not fit the input");
  }
out:
  g_free (starts);
  g_free (ends);
  g_free (axes);
  g_free (steps);
  return ok;
}

gboolean
nn_prepare_expand (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  int64_t *sh, cnt;
  if (!need_input (g, n, &x, error)
      || !nn_const_ints (g, n, 1, &sh, &cnt, error))
    return FALSE;
  int nd;
  int64_t shape[NN_MAX_DIMS];
  gboolean ok = cnt <= NN_MAX_DIMS
      && nn_broadcast_shape (x->t.ndim, x->t.shape, (int) cnt, sh, &nd, shape);
  g_free (sh);
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "the input does not broadcast to the shape");
    return FALSE;
  }
  walk_params *p = g_new0 (walk_params, 1);
  n->params = p;
  p->ndim = nd;
  for (int d = 0; d < nd; d++) {
    int xd = d - (nd - x->t.ndim);
    p->oshape[d] = shape[d];
    p->step[d] = xd >= 0 && x->t.shape[xd] != 1 ? x->t.stride[xd] : 0;
  }
  nn_set_out (g, n, 0, x->t.type, nd, shape);
  n->run = slice_kernel;
  return TRUE;
}

/* Gather along one axis with int64 or int32 indices (negative allowed) */
typedef struct {
  int64_t outer, dim, inner, nidx;
} gather_params;

static void
gather_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const gather_params *p = node->params;
  size_t es = nn_type_size (in[0]->type), block = p->inner * es;
  const char *x = in[0]->data;
  char *y = out[0]->data;
  for (int64_t o = 0; o < p->outer; o++)
    for (int64_t i = 0; i < p->nidx; i++) {
      int64_t k = in[1]->type == NN_TYPE_INT64 ?
          ((const int64_t *) in[1]->data)[i] :
          ((const int32_t *) in[1]->data)[i];
      if (k < 0)
        k += p->dim;
      /* an index out of range reads zeros rather than memory we do not own */
      if (k < 0 || k >= p->dim)
        memset (y + (o * p->nidx + i) * block, 0, block);
      else
        memcpy (y + (o * p->nidx + i) * block,
            x + (o * p->dim + k) * block, block);
    }
}

gboolean
nn_prepare_gather (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x, *idx = nn_in (g, n, 1);
  int axis;
  if (!need_input (g, n, &x, error))
    return FALSE;
  if (!idx || (idx->t.type != NN_TYPE_INT64 && idx->t.type != NN_TYPE_INT32)
      || !nn_axis (nn_attr_int (n, "axis", 0), x->t.ndim, &axis)
      || x->t.ndim + idx->t.ndim - 1 > NN_MAX_DIMS) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "needs integer indices and a valid axis");
    return FALSE;
  }
  gather_params *p = g_new0 (gather_params, 1);
  n->params = p;
  p->outer = nn_shape_numel (axis, x->t.shape);
  p->dim = x->t.shape[axis];
  p->inner = nn_shape_numel (x->t.ndim - axis - 1, x->t.shape + axis + 1);
  p->nidx = nn_tensor_numel (&idx->t);
  if (idx->is_const) {
    for (int64_t i = 0; i < p->nidx; i++) {
      int64_t k = idx->t.type == NN_TYPE_INT64 ?
          ((const int64_t *) idx->t.data)[i] :
          ((const int32_t *) idx->t.data)[i];
      if (k < -p->dim || k >= p->dim) {
        nn_node_error (error, n, NN_ERROR_INVALID,
            "index %" G_GINT64_FORMAT " is out of range", k);
        return FALSE;
      }
    }
  }
  int64_t shape[NN_MAX_DIMS];
  int nd = 0;
  for (int d = 0; d < axis; d++)
    shape[nd++] = x->t.shape[d];
  for (int d = 0; d < idx->t.ndim; d++)
    shape[nd++] = idx->t.shape[d];
  for (int d = axis + 1; d < x->t.ndim; d++)
    shape[nd++] = x->t.shape[d];
  nn_set_out (g, n, 0, x->t.type, nd, shape);
  n->run = gather_kernel;
  return TRUE;
}

/* Pad, constant mode with non-negative pads: fill with the value, then
 * copy each input row into place */
static void
pad_constant_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const walk_params *p = node->params;
  size_t es = nn_type_size (in[0]->type);
  int64_t total = nn_tensor_numel (out[0]), inner = p->ishape[p->ndim - 1];
  char value[8] = { 0 };
  char *y = out[0]->data;
  const char *x = in[0]->data;
  if (node->n_in > 2 && in[2] && nn_tensor_numel (in[2]) > 0)
    memcpy (value, in[2]->data, es);
  if (es == 4) {
    float v;
    memcpy (&v, value, 4);
    for (int64_t i = 0; i < total; i++)
      ((float *) y)[i] = v;
  } else {
    for (int64_t i = 0; i < total; i++)
      memcpy (y + i * es, value, es);
  }
  int64_t rows = nn_tensor_numel (in[0]) / MAX (inner, 1);
  int64_t idx[NN_MAX_DIMS] = { 0 };
  for (int64_t r = 0; r < rows && inner > 0; r++) {
    int64_t o = p->before[p->ndim - 1], ostride = 1;
    for (int d = p->ndim - 1; d >= 0; d--) {
      if (d < p->ndim - 1)
        o += (idx[d] + p->before[d]) * ostride;
      ostride *= p->oshape[d];
    }
    memcpy (y + o * es, x + r * inner * es, inner * es);
    for (int d = p->ndim - 2; d >= 0; d--) {
      if (++idx[d] < p->ishape[d])
        break;
      idx[d] = 0;
    }
  }
}

/* Pad: constant, reflect and edge modes, any pads */
static void
pad_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const walk_params *p = node->params;
  size_t es = nn_type_size (in[0]->type);
  int64_t total = nn_tensor_numel (out[0]);
  int64_t idx[NN_MAX_DIMS] = { 0 };
  const char *x = in[0]->data;
  char *y = out[0]->data;
  char value[8] = { 0 };
  if (node->n_in > 2 && in[2] && nn_tensor_numel (in[2]) > 0)
    memcpy (value, in[2]->data, es);
  gboolean empty = nn_tensor_numel (in[0]) == 0;
  for (int64_t i = 0; i < total; i++) {
    int64_t off = 0;
    gboolean inside = !empty;
    for (int d = 0; d < p->ndim && inside; d++) {
      int64_t c = idx[d] - p->before[d], len = p->ishape[d];
      if (c < 0 || c >= len) {
        if (p->mode == 0) {
          inside = FALSE;
        } else if (p->mode == 2) {
          c = c < 0 ? 0 : len - 1;
        } else {
          /* reflect without repeating the edge, folding as often as needed */
          int64_t period = MAX (2 * (len - 1), 1);
          c = ((c % period) + period) % period;
          if (c >= len)
            c = period - c;
        }
      }
      off += c * p->istride[d];
    }
    memcpy (y + i * es, inside ? x + off * es : value, es);
    for (int d = p->ndim - 1; d >= 0; d--) {
      if (++idx[d] < p->oshape[d])
        break;
      idx[d] = 0;
    }
  }
}

gboolean
nn_prepare_pad (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x;
  if (!need_input (g, n, &x, error))
    return FALSE;
  int nd = x->t.ndim;
  int64_t *pads = NULL, np = 0, *axes = NULL, na = -1;
  int64_t buf[2 * NN_MAX_DIMS];
  if (g->opset < 11) {
    np = nn_attr_ints (n, "pads", buf, 2 * NN_MAX_DIMS);
    pads = g_memdup2 (buf, sizeof buf);
  } else if (!nn_const_ints (g, n, 1, &pads, &np, error)
      || (nn_in (g, n, 3) && !nn_const_ints (g, n, 3, &axes, &na, error))) {
    g_free (pads);
    return FALSE;
  }
  char mode_buf[16];
  const char *mode = nn_attr_string (n, "mode", mode_buf, sizeof mode_buf,
      "constant");
  walk_params *p = g_new0 (walk_params, 1);
  n->params = p;
  p->ndim = nd;
  p->mode = strcmp (mode, "reflect") == 0 ? 1 : strcmp (mode, "edge") == 0 ?
      2 : 0;
  int count = na >= 0 ? (int) na : nd;
  gboolean ok = np == 2 * count && (p->mode != 0
      || strcmp (mode, "constant") == 0);
  int64_t before[NN_MAX_DIMS] = { 0 }, after[NN_MAX_DIMS] = { 0 };
  for (int i = 0; ok && i < count; i++) {
    int a;
    ok = nn_axis (axes ? axes[i] : i, nd, &a)
        && ABS (pads[i]) <= NN_MAX_DIM && ABS (pads[i + count]) <= NN_MAX_DIM;
    if (ok) {
      before[a] = pads[i];
      after[a] = pads[i + count];
    }
  }
  g_free (pads);
  g_free (axes);
  for (int d = 0; ok && d < nd; d++) {
    p->ishape[d] = x->t.shape[d];
    p->istride[d] = x->t.stride[d];
    p->before[d] = before[d];
    p->oshape[d] = x->t.shape[d] + before[d] + after[d];
    /* negative pads crop; reflect needs room to reflect */
    ok = p->oshape[d] >= 0 && before[d] >= -x->t.shape[d]
        && (p->mode != 1 || (MAX (before[d], after[d]) < x->t.shape[d]
            || (before[d] <= 0 && after[d] <= 0)));
  }
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "pads, axes or mode '%s' do not fit the input", mode);
    return FALSE;
  }
  nn_set_out (g, n, 0, x->t.type, nd, p->oshape);
  gboolean cropping = FALSE;
  for (int d = 0; d < nd; d++)
    cropping = cropping || p->before[d] < 0 || p->oshape[d] < p->ishape[d];
  gboolean padding = FALSE;
  for (int d = 0; d < nd; d++)
    padding = padding || p->before[d] != 0 || p->oshape[d] != p->ishape[d];
  n->run = p->mode == 0 && !cropping && nd > 0 ? pad_constant_kernel :
      pad_kernel;
  /* all pads zero (PANNs exports them before each pool): one copy */
  if (!padding)
    n->run = copy_kernel;
  return TRUE;
}
