/* Load-time fusions: the elementwise work after a producer (Conv, Gemm,
 * MatMul) folded into the producer's epilogue, saving one pass over its
 * output per fused node:
 *   MatMul + Add(constant vector over the last axis)  -> bias
 *   producer + Add(tensor of the same shape)          -> residual
 *   producer + Relu/LeakyRelu/Clip/HardSigmoid/HardSwish/Sigmoid/Tanh
 *   producer + Sigmoid, Mul(x, Sigmoid(x))            -> SiLU
 *   producer + Div(√2), Erf, Add(1), Mul(x, ·), Mul(0.5) -> GELU
 * in that order (residual before activation, as y = act (y + b + r)).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <math.h>
#include <string.h>

typedef struct {
  nn_graph *g;
  int *avail;                   /* per value: step that produces it, or -1 */
} fuser;

static void
count_uses (fuser * f)
{
  nn_graph *g = f->g;
  for (guint v = 0; v < g->values->len; v++) {
    nn_val (g, v)->n_uses = 0;
    f->avail[v] = -1;
  }
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    if (n->dead)
      continue;
    for (int i = 0; i < n->n_in; i++)
      if (n->in[i] >= 0)
        nn_val (g, n->in[i])->n_uses++;
    for (int i = 0; i < n->n_out; i++)
      if (n->out[i] >= 0)
        f->avail[n->out[i]] = (int) s;
  }
  /* a graph output must keep its own buffer */
  for (guint i = 0; i < g->outputs->len; i++)
    nn_val (g, g_array_index (g->outputs, int, i))->n_uses += 2;
}

/* the k-th live consumer of value v (k from 0), or NULL. Consumers come
 * after the step that produces v, so the scan starts there: a chain of n
 * nodes is then fused in O(n), not O(n²). */
static nn_node *
consumer (fuser * f, int v, int k)
{
  nn_graph *g = f->g;
  for (guint s = (guint) (f->avail[v] + 1); s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    if (n->dead)
      continue;
    for (int i = 0; i < n->n_in; i++)
      if (n->in[i] == v) {
        if (k-- == 0)
          return n;
        break;
      }
  }
  return NULL;
}

/* the only live consumer of value v, or NULL */
static nn_node *
sole_consumer (fuser * f, int v)
{
  return nn_val (f->g, v)->n_uses == 1 ? consumer (f, v, 0) : NULL;
}

/* node c dies: its inputs lose one use each (kept exact as count_uses
 * would count, so no recount is needed after a fusion) */
static void
kill_node (fuser * f, nn_node * c)
{
  for (int i = 0; i < c->n_in; i++)
    if (c->in[i] >= 0)
      nn_val (f->g, c->in[i])->n_uses--;
  c->dead = TRUE;
}

/* `producer` takes over the output of `last`, which dies (the nodes
 * between were killed by the caller); the output is now made at the
 * producer's step */
static void
absorb (fuser * f, nn_node * producer, nn_node * last)
{
  int out = last->out[0];
  f->avail[out] = f->avail[producer->out[0]];
  producer->out[0] = out;
  nn_val (f->g, out)->producer = -1;
  kill_node (f, last);
}

/* the operand of binary node b that is not value v, or -1 */
static int
other_input (const nn_node * b, int v)
{
  if (b->n_in != 2)
    return -1;
  return b->in[0] == v ? b->in[1] : b->in[1] == v ? b->in[0] : -1;
}

static gboolean
same_shape (const nn_tensor * a, const nn_tensor * b)
{
  return a->ndim == b->ndim
      && memcmp (a->shape, b->shape, a->ndim * sizeof (int64_t)) == 0;
}

/* a constant float scalar (any rank, one element) equal to x */
static gboolean
is_scalar (nn_graph * g, int v, float x, float tol)
{
  nn_value *c = nn_val (g, v);
  return c && c->is_const && c->t.type == NN_TYPE_FLOAT
      && nn_tensor_numel (&c->t) == 1
      && fabsf (*(const float *) c->t.data - x) <= tol;
}

/* MatMul followed by Add of a constant vector over the last axis */
static gboolean
fuse_bias (fuser * f, nn_node * n)
{
  nn_graph *g = f->g;
  if (n->op != NN_OP_MATMUL || n->bias || !nn_epilogue_is_identity (&n->epi))
    return FALSE;
  nn_node *add = sole_consumer (f, n->out[0]);
  if (!add || add->op != NN_OP_ADD)
    return FALSE;
  int other = other_input (add, n->out[0]);
  nn_value *b = nn_val (g, other), *y = nn_val (g, n->out[0]);
  nn_value *sum = nn_val (g, add->out[0]);
  if (!b || !b->is_const || b->t.type != NN_TYPE_FLOAT || y->t.ndim < 1)
    return FALSE;
  int64_t last = y->t.shape[y->t.ndim - 1];
  if (nn_tensor_numel (&b->t) != last || b->t.ndim > y->t.ndim
      || b->t.shape[b->t.ndim - 1] != last)
    return FALSE;
  /* the sum must have the MatMul's shape, not a broadcast larger one */
  if (!same_shape (&sum->t, &y->t))
    return FALSE;
  n->bias = b->t.data;
  absorb (f, n, add);
  return TRUE;
}

/* producer + Add of another tensor of the output's shape, already
 * computed when the producer runs */
static gboolean
fuse_residual (fuser * f, nn_node * n, int step)
{
  nn_graph *g = f->g;
  if (n->epi.act != NN_ACT_NONE || n->epi.residual >= 0)
    return FALSE;
  nn_node *add = sole_consumer (f, n->out[0]);
  if (!add || add->op != NN_OP_ADD)
    return FALSE;
  int other = other_input (add, n->out[0]);
  nn_value *r = nn_val (g, other), *y = nn_val (g, n->out[0]);
  if (!r || other == n->out[0] || r->t.type != NN_TYPE_FLOAT
      || !same_shape (&r->t, &y->t) || f->avail[other] >= step)
    return FALSE;
  /* the residual becomes one more input, after the optional ones */
  int slot = MAX (n->n_in, n->op == NN_OP_MATMUL ? 2 : 3);
  n->in = g_renew (int, n->in, slot + 1);
  for (int i = n->n_in; i < slot; i++)
    n->in[i] = -1;
  n->in[slot] = other;
  n->n_in = slot + 1;
  n->epi.residual = slot;
  nn_val (g, other)->n_uses++;
  absorb (f, n, add);
  return TRUE;
}

static gboolean
fuse_activation (fuser * f, nn_node * n)
{
  nn_graph *g = f->g;
  nn_epilogue e = { 0 };
  if (n->epi.act != NN_ACT_NONE)
    return FALSE;
  nn_node *c = sole_consumer (f, n->out[0]);
  if (!c || !nn_op_has (c->op, NN_TRAIT_EPILOGUE)
      || !nn_unary_activation (g, c, &e))
    return FALSE;
  n->epi.act = e.act;
  n->epi.alpha = e.alpha;
  n->epi.beta = e.beta;
  absorb (f, n, c);
  return TRUE;
}

/* x * Sigmoid (x), the Mul taking its operands in either order */
static gboolean
fuse_silu (fuser * f, nn_node * n)
{
  nn_graph *g = f->g;
  int x = n->out[0];
  if (n->epi.act != NN_ACT_NONE || nn_val (g, x)->n_uses != 2)
    return FALSE;
  nn_node *a = consumer (f, x, 0), *b = consumer (f, x, 1);
  nn_node *sig = a && a->op == NN_OP_SIGMOID ? a : b;
  nn_node *mul = sig == a ? b : a;
  if (!sig || !mul || sig->op != NN_OP_SIGMOID || mul->op != NN_OP_MUL
      || other_input (mul, x) != sig->out[0]
      || nn_val (g, sig->out[0])->n_uses != 1)
    return FALSE;
  n->epi.act = NN_ACT_SILU;
  kill_node (f, sig);
  absorb (f, n, mul);
  return TRUE;
}

/* GELU as torch.onnx exports it: (x * (Erf (x / √2) + 1)) * 0.5 */
static gboolean
fuse_gelu (fuser * f, nn_node * n)
{
  nn_graph *g = f->g;
  int x = n->out[0];
  if (n->epi.act != NN_ACT_NONE || nn_val (g, x)->n_uses != 2)
    return FALSE;
  nn_node *a = consumer (f, x, 0), *b = consumer (f, x, 1);
  nn_node *div = a && a->op == NN_OP_DIV ? a : b;
  nn_node *mul = div == a ? b : a;
  if (!div || !mul || div->op != NN_OP_DIV || mul->op != NN_OP_MUL
      || div->in[0] != x || !is_scalar (g, div->in[1], 1.41421356f, 1e-5f))
    return FALSE;
  nn_node *erf = sole_consumer (f, div->out[0]);
  if (!erf || erf->op != NN_OP_ERF)
    return FALSE;
  nn_node *add = sole_consumer (f, erf->out[0]);
  if (!add || add->op != NN_OP_ADD
      || !is_scalar (g, other_input (add, erf->out[0]), 1.0f, 0.0f))
    return FALSE;
  if (other_input (mul, x) != add->out[0]
      || nn_val (g, add->out[0])->n_uses != 1)
    return FALSE;
  nn_node *half = sole_consumer (f, mul->out[0]);
  if (!half || half->op != NN_OP_MUL
      || !is_scalar (g, other_input (half, mul->out[0]), 0.5f, 0.0f)
      || !same_shape (&nn_val (g, half->out[0])->t, &nn_val (g, x)->t))
    return FALSE;
  n->epi.act = NN_ACT_GELU;
  kill_node (f, div);
  kill_node (f, erf);
  kill_node (f, add);
  kill_node (f, mul);
  absorb (f, n, half);
  return TRUE;
}

/* MatMul (Q, Kᵀ) whose only consumer is a Softmax over the last axis,
 * whose only consumer is MatMul (·, V): one node (ops/gemm.c) */
static gboolean
fuse_attention (fuser * f, nn_node * n)
{
  nn_graph *g = f->g;
  if (n->op != NN_OP_MATMUL || n->bias || !nn_epilogue_is_identity (&n->epi))
    return FALSE;
  nn_node *sm = sole_consumer (f, n->out[0]);
  if (!sm || sm->op != NN_OP_SOFTMAX || sm->in[0] != n->out[0])
    return FALSE;
  nn_node *m2 = sole_consumer (f, sm->out[0]);
  /* V becomes one more input of n: it must be computed before n runs */
  if (!m2 || m2->op != NN_OP_MATMUL || m2->bias || m2->n_in != 2
      || !nn_epilogue_is_identity (&m2->epi) || m2->in[1] < 0
      || f->avail[m2->in[1]] >= f->avail[n->out[0]]
      || !nn_matmul_fuse_attention (g, n, sm, m2))
    return FALSE;
  nn_val (g, m2->in[1])->n_uses++;
  kill_node (f, sm);
  absorb (f, n, m2);
  return TRUE;
}

void
nn_fuse (nn_graph * g)
{
  fuser f = {.g = g,.avail = g_new (int, MAX (g->values->len, 1)) };
  count_uses (&f);
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    if (n->dead || !nn_op_has (n->op, NN_TRAIT_PRODUCER)
        || nn_val (g, n->out[0])->t.type != NN_TYPE_FLOAT)
      continue;
    /* each fusion keeps the use counts exact (kill, absorb): no recount,
     * so a long chain fuses in linear time */
    fuse_attention (&f, n);
    fuse_bias (&f, n);
    fuse_residual (&f, n, (int) s);
    if (!fuse_activation (&f, n) && !fuse_silu (&f, n))
      fuse_gelu (&f, n);
  }
  g_free (f.avail);
  nn_drop_dead_steps (g);
}
