/* Binary elementwise ops with numpy broadcasting (Add, Sub, Mul, Div, Pow,
 * Equal) and the ternary Where.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * At load time the broadcast is collapsed: size-1 axes are dropped and
 * neighbouring axes merged wherever both inputs step through them alike, so
 * "same shape", "scalar", "per channel" and "per row" all become at most a
 * few axes whose innermost one has input strides 0 or 1. The kernel walks
 * the outer axes with counters and runs a contiguous inner loop the
 * compiler vectorizes.
 */
#include "../nn-private.h"

#include <math.h>
#include <string.h>

typedef enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_EQUAL } binop;

typedef struct {
  binop op;
  int ndim;                     /* after collapsing, >= 1 */
  int64_t shape[NN_MAX_DIMS];
  int64_t sa[NN_MAX_DIMS], sb[NN_MAX_DIMS], sc[NN_MAX_DIMS];
} bcast_params;

/* Strides of `t` read as broadcast to out_shape (0 on broadcast axes). */
static void
bcast_strides (const nn_tensor * t, int ndim, const int64_t * out_shape,
    int64_t * st)
{
  int off = ndim - t->ndim;
  int64_t s = 1;
  for (int i = ndim - 1; i >= 0; i--) {
    int64_t d = i >= off ? t->shape[i - off] : 1;
    st[i] = (d == 1 && out_shape[i] != 1) || i < off ? 0 : s;
    if (i >= off)
      s *= d;
  }
}

/* Drops size-1 axes and merges mergeable neighbours, for up to three
 * operands (sc may be NULL). */
static void
collapse (bcast_params * p, int ndim, const int64_t * shape,
    int64_t * sa, int64_t * sb, int64_t * sc)
{
  int n = 0;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] == 1)
      continue;
    if (n > 0 && sa[i] * shape[i] == p->sa[n - 1]
        && sb[i] * shape[i] == p->sb[n - 1]
        && (!sc || sc[i] * shape[i] == p->sc[n - 1])) {
      p->shape[n - 1] *= shape[i];
      p->sa[n - 1] = sa[i];
      p->sb[n - 1] = sb[i];
      if (sc)
        p->sc[n - 1] = sc[i];
      continue;
    }
    p->shape[n] = shape[i];
    p->sa[n] = sa[i];
    p->sb[n] = sb[i];
    p->sc[n] = sc ? sc[i] : 0;
    n++;
  }
  if (n == 0) {
    p->shape[0] = 1;
    p->sa[0] = p->sb[0] = p->sc[0] = 0;
    n = 1;
  }
  p->ndim = n;
}

/* Walks every outer position of a collapsed broadcast; calls body with
 * the element offsets of a, b and c, innermost axis excluded. */
#define BCAST_FOREACH(p, oa, ob, oc, o, ...) do { \
    int64_t idx_[NN_MAX_DIMS] = { 0 }; \
    int64_t inner_ = (p)->shape[(p)->ndim - 1]; \
    int64_t outer_ = 1; \
    for (int d_ = 0; d_ < (p)->ndim - 1; d_++) outer_ *= (p)->shape[d_]; \
    int64_t oa = 0, ob = 0, oc = 0, o = 0; \
    for (int64_t it_ = 0; it_ < outer_; it_++, o += inner_) { \
      __VA_ARGS__; \
      for (int d_ = (p)->ndim - 2; d_ >= 0; d_--) { \
        oa += (p)->sa[d_]; ob += (p)->sb[d_]; oc += (p)->sc[d_]; \
        if (++idx_[d_] < (p)->shape[d_]) break; \
        oa -= (p)->sa[d_] * (p)->shape[d_]; \
        ob -= (p)->sb[d_] * (p)->shape[d_]; \
        oc -= (p)->sc[d_] * (p)->shape[d_]; \
        idx_[d_] = 0; \
      } \
    } \
    (void) oc; \
  } while (0)

/* One inner loop per stride pattern, so each one vectorizes. */
#define INNER(T, R, EXPR) do { \
    const T *restrict A = a_; const T *restrict B = b_; R *restrict O = o_; \
    if (ia && ib) { for (int64_t i = 0; i < n; i++) { T x = A[i], y = B[i]; O[i] = (EXPR); } } \
    else if (ia) { T y = B[0]; for (int64_t i = 0; i < n; i++) { T x = A[i]; O[i] = (EXPR); } } \
    else if (ib) { T x = A[0]; for (int64_t i = 0; i < n; i++) { T y = B[i]; O[i] = (EXPR); } } \
    else { T x = A[0], y = B[0]; for (int64_t i = 0; i < n; i++) O[i] = (EXPR); } \
  } while (0)

NN_VECTORIZE static void
inner_f32 (binop op, const float *a_, int ia, const float *b_, int ib,
    void *o_, int64_t n)
{
  switch (op) {
    case OP_ADD:
      INNER (float, float, x + y);
      break;
    case OP_SUB:
      INNER (float, float, x - y);
      break;
    case OP_MUL:
      INNER (float, float, x * y);
      break;
    case OP_DIV:
      INNER (float, float, x / y);
      break;
    case OP_POW:
      INNER (float, float, powf (x, y));
      break;
    case OP_EQUAL:
      INNER (float, uint8_t, x == y);
      break;
  }
}

/* Integer ops wrap around on overflow, as other ONNX runtimes do: computed
 * in the unsigned type, where wrapping is defined (in the signed one it is
 * undefined behaviour). Division truncates; by zero gives 0; MIN / -1
 * wraps. Power saturates at the type's range. */
#define INT_INNER(NAME, T, U, LO, HI) \
static void \
NAME (binop op, const T *a_, int ia, const T *b_, int ib, void *o_, \
    int64_t n) \
{ \
  switch (op) { \
    case OP_ADD: INNER (T, T, (T) ((U) x + (U) y)); break; \
    case OP_SUB: INNER (T, T, (T) ((U) x - (U) y)); break; \
    case OP_MUL: INNER (T, T, (T) ((U) x * (U) y)); break; \
    case OP_DIV: \
      INNER (T, T, y == 0 ? 0 : (y == (T) -1 ? (T) ((U) 0 - (U) x) : x / y)); \
      break; \
    case OP_POW: INNER (T, T, saturate_##NAME (pow ((double) x, (double) y))); \
      break; \
    case OP_EQUAL: INNER (T, uint8_t, x == y); break; \
  } \
}

#define SATURATE(NAME, T, LO, HI) \
static inline T \
saturate_##NAME (double v) \
{ \
  return isnan (v) ? 0 : v <= (double) (LO) ? (LO) : v >= (double) (HI) ? \
      (HI) : (T) v; \
}
SATURATE (inner_i64, int64_t, INT64_MIN, INT64_MAX)
SATURATE (inner_i32, int32_t, INT32_MIN, INT32_MAX)
SATURATE (inner_u8, uint8_t, 0, UINT8_MAX)
INT_INNER (inner_i64, int64_t, uint64_t, INT64_MIN, INT64_MAX)
INT_INNER (inner_i32, int32_t, uint32_t, INT32_MIN, INT32_MAX)
INT_INNER (inner_u8, uint8_t, uint8_t, 0, UINT8_MAX)

typedef struct {
  const bcast_params *p;
  const char *a, *b;
  char *o;
  nn_type t;
  size_t es, os;
  int64_t parts, piece;         /* each row split in parts of piece */
} binary_job;

/* units [u0, u1): row u / parts of the broadcast walk, its part u % parts */
static void
binary_range (void *data, int64_t u0, int64_t u1, void *scratch)
{
  const binary_job *job = data;
  const bcast_params *p = job->p;
  const int nd = p->ndim;
  const int64_t inner = p->shape[nd - 1];
  int ia = p->sa[nd - 1] != 0, ib = p->sb[nd - 1] != 0;
  /* the offsets of the first row, then row by row as BCAST_FOREACH */
  int64_t idx[NN_MAX_DIMS] = { 0 };
  int64_t row = u0 / job->parts, oa = 0, ob = 0;
  for (int d = nd - 2; d >= 0; d--) {
    idx[d] = row % p->shape[d];
    row /= p->shape[d];
    oa += idx[d] * p->sa[d];
    ob += idx[d] * p->sb[d];
  }
  const int64_t parts = job->parts;
  for (int64_t u = u0; u < u1; u++) {
    int64_t part = parts == 1 ? 0 : u % parts;
    int64_t i0 = part * job->piece, i1 = MIN (inner, i0 + job->piece);
    int64_t oo = (parts == 1 ? u : u / parts) * inner;
    const void *pa = job->a + (oa + (ia ? i0 : 0)) * job->es;
    const void *pb = job->b + (ob + (ib ? i0 : 0)) * job->es;
    void *po = job->o + (oo + i0) * job->os;
    int64_t n = i1 - i0;
    switch (job->t) {
      case NN_TYPE_FLOAT:
        inner_f32 (p->op, pa, ia, pb, ib, po, n);
        break;
      case NN_TYPE_INT64:
        inner_i64 (p->op, pa, ia, pb, ib, po, n);
        break;
      case NN_TYPE_INT32:
        inner_i32 (p->op, pa, ia, pb, ib, po, n);
        break;
      default:
        inner_u8 (p->op, pa, ia, pb, ib, po, n);
        break;
    }
    if (part + 1 < parts)
      continue;
    for (int d = nd - 2; d >= 0; d--) {
      oa += p->sa[d];
      ob += p->sb[d];
      if (++idx[d] < p->shape[d])
        break;
      oa -= p->sa[d] * p->shape[d];
      ob -= p->sb[d] * p->shape[d];
      idx[d] = 0;
    }
  }
}

static void
binary_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const bcast_params *p = node->params;
  binary_job job = {.p = p,.a = in[0]->data,.b = in[1]->data,
    .o = out[0]->data,.t = in[0]->type,.es = nn_type_size (in[0]->type),
    .os = nn_type_size (out[0]->type)
  };
  int64_t inner = p->shape[p->ndim - 1], rows = 1;
  for (int d = 0; d < p->ndim - 1; d++)
    rows *= p->shape[d];
  /* few long rows (a plain elementwise op collapses to one): split them
   * in pieces of whole vectors */
  job.parts = rows >= 16 ? 1 : MAX (1, inner / 4096);
  job.piece = (inner + job.parts - 1) / job.parts;
  job.piece = job.parts > 1 ? (job.piece + 15) / 16 * 16 : inner;
  job.parts = (inner + job.piece - 1) / MAX (job.piece, 1);
  job.parts = MAX (job.parts, 1);
  int64_t units = rows * job.parts;
  /* work in multiply-adds of the same time: ~0.15 ns an element (Pow
   * much more, but rare) */
  nn_parallel_for (units, nn_parallel_grain (units, 10.0 * rows * inner),
      binary_range, &job, NULL);
}

/* Pow with a float base and an integer exponent: the exponent is
 * converted once per run into the scratch buffer. */
static void
pow_mixed_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  nn_tensor fexp = *in[1];
  int64_t n = nn_tensor_numel (in[1]);
  float *f = scratch;
  for (int64_t i = 0; i < n; i++)
    f[i] = in[1]->type == NN_TYPE_INT64 ? (float) ((int64_t *) in[1]->data)[i]
        : (float) ((int32_t *) in[1]->data)[i];
  fexp.type = NN_TYPE_FLOAT;
  fexp.data = f;
  nn_tensor *args[2] = { in[0], &fexp };
  binary_kernel (node, args, out, NULL);
}

gboolean
nn_prepare_binary (nn_graph * g, nn_node * n, GError ** error)
{
  static const char *names[] = { "Add", "Sub", "Mul", "Div", "Pow", "Equal" };
  nn_value *a = nn_in (g, n, 0), *b = nn_in (g, n, 1);
  if (n->n_in != 2 || !a || !b) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs two inputs");
    return FALSE;
  }
  bcast_params *p = g_new0 (bcast_params, 1);
  n->params = p;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (n->op_type, names[i]) == 0)
      p->op = i;

  gboolean mixed_pow = p->op == OP_POW && a->t.type == NN_TYPE_FLOAT
      && (b->t.type == NN_TYPE_INT64 || b->t.type == NN_TYPE_INT32);
  if (a->t.type != b->t.type && !mixed_pow) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "inputs have different types (%s and %s)", nn_type_name (a->t.type),
        nn_type_name (b->t.type));
    return FALSE;
  }
  if (a->t.type == NN_TYPE_BOOL && p->op != OP_EQUAL) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED, "bool inputs");
    return FALSE;
  }
  int ndim;
  int64_t shape[NN_MAX_DIMS], sa[NN_MAX_DIMS], sb[NN_MAX_DIMS];
  if (!nn_broadcast_shape (a->t.ndim, a->t.shape, b->t.ndim, b->t.shape,
          &ndim, shape)) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "shapes of '%s' and '%s' do not broadcast", a->name, b->name);
    return FALSE;
  }
  bcast_strides (&a->t, ndim, shape, sa);
  bcast_strides (&b->t, ndim, shape, sb);
  collapse (p, ndim, shape, sa, sb, NULL);
  nn_set_out (g, n, 0, p->op == OP_EQUAL ? NN_TYPE_BOOL : a->t.type, ndim,
      shape);
  if (mixed_pow) {
    n->run = pow_mixed_kernel;
    n->scratch_bytes = (size_t) nn_tensor_numel (&b->t) * sizeof (float);
  } else {
    n->run = binary_kernel;
  }
  return TRUE;
}

static void
where_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const bcast_params *p = node->params;
  size_t es = nn_type_size (out[0]->type);
  int64_t n = p->shape[p->ndim - 1];
  int64_t ic = p->sc[p->ndim - 1], ia = p->sa[p->ndim - 1];
  int64_t ib = p->sb[p->ndim - 1];
  const uint8_t *c = in[0]->data;
  const char *a = in[1]->data, *b = in[2]->data;
  char *o = out[0]->data;
  BCAST_FOREACH (p, oa, ob, oc, oo, {
        for (int64_t i = 0; i < n; i++) {
          const char *src = c[oc + i * ic] ? a + (oa + i * ia) * es :
              b + (ob + i * ib) * es;
          memcpy (o + (oo + i) * es, src, es);
        }
      });
}

gboolean
nn_prepare_where (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *c = nn_in (g, n, 0), *a = nn_in (g, n, 1), *b = nn_in (g, n, 2);
  if (!c || !a || !b || c->t.type != NN_TYPE_BOOL || a->t.type != b->t.type) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "needs a bool condition and two inputs of one type");
    return FALSE;
  }
  int ndim, nd2;
  int64_t s1[NN_MAX_DIMS], shape[NN_MAX_DIMS];
  if (!nn_broadcast_shape (a->t.ndim, a->t.shape, b->t.ndim, b->t.shape,
          &nd2, s1)
      || !nn_broadcast_shape (c->t.ndim, c->t.shape, nd2, s1, &ndim, shape)) {
    nn_node_error (error, n, NN_ERROR_SHAPE, "input shapes do not broadcast");
    return FALSE;
  }
  int64_t sa[NN_MAX_DIMS], sb[NN_MAX_DIMS], sc[NN_MAX_DIMS];
  bcast_strides (&a->t, ndim, shape, sa);
  bcast_strides (&b->t, ndim, shape, sb);
  bcast_strides (&c->t, ndim, shape, sc);
  bcast_params *p = g_new0 (bcast_params, 1);
  n->params = p;
  collapse (p, ndim, shape, sa, sb, sc);
  nn_set_out (g, n, 0, a->t.type, ndim, shape);
  n->run = where_kernel;
  return TRUE;
}
