/* Load-time fusions that pay for themselves: an activation or a bias add
 * folded into the GEMM-based op before it saves one pass over its output.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <string.h>

static void
count_uses (nn_graph * g)
{
  for (guint v = 0; v < g->values->len; v++)
    nn_val (g, v)->n_uses = 0;
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    for (int i = 0; i < n->n_in; i++)
      if (n->in[i] >= 0)
        nn_val (g, n->in[i])->n_uses++;
  }
  /* a graph output must keep its own buffer */
  for (guint i = 0; i < g->outputs->len; i++)
    nn_val (g, g_array_index (g->outputs, int, i))->n_uses += 2;
}

/* the only live consumer of value v, or NULL */
static nn_node *
sole_consumer (nn_graph * g, int v)
{
  if (nn_val (g, v)->n_uses != 1)
    return NULL;
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    if (n->dead)
      continue;
    for (int i = 0; i < n->n_in; i++)
      if (n->in[i] == v)
        return n;
  }
  return NULL;
}

/* `producer` takes over the output of `consumer`, which disappears */
static void
absorb (nn_graph * g, nn_node * producer, nn_node * consumer)
{
  int out = consumer->out[0];
  producer->out[0] = out;
  nn_val (g, out)->producer = -1;
  consumer->dead = TRUE;
}

static gboolean
is_gemm_like (const nn_node * n)
{
  return strcmp (n->op_type, "Conv") == 0 || strcmp (n->op_type, "Gemm") == 0
      || strcmp (n->op_type, "MatMul") == 0;
}

/* MatMul followed by Add of a constant vector over the last axis */
static void
fuse_bias (nn_graph * g, nn_node * n)
{
  if (strcmp (n->op_type, "MatMul") != 0 || n->bias || n->act != NN_ACT_NONE)
    return;
  nn_node *add = sole_consumer (g, n->out[0]);
  if (!add || strcmp (add->op_type, "Add") != 0 || add->n_in != 2)
    return;
  int other = add->in[0] == n->out[0] ? add->in[1] : add->in[0];
  nn_value *b = nn_val (g, other), *y = nn_val (g, n->out[0]);
  nn_value *sum = nn_val (g, add->out[0]);
  if (!b || !b->is_const || b->t.type != NN_TYPE_FLOAT || y->t.ndim < 1)
    return;
  int64_t last = y->t.shape[y->t.ndim - 1];
  if (nn_tensor_numel (&b->t) != last || b->t.ndim > y->t.ndim
      || b->t.shape[b->t.ndim - 1] != last)
    return;
  /* the sum must have the MatMul's shape, not a broadcast larger one */
  if (sum->t.ndim != y->t.ndim || nn_tensor_numel (&sum->t)
      != nn_tensor_numel (&y->t))
    return;
  n->bias = b->t.data;
  absorb (g, n, add);
}

static void
fuse_relu (nn_graph * g, nn_node * n)
{
  if (!is_gemm_like (n) || n->act != NN_ACT_NONE)
    return;
  nn_node *relu = sole_consumer (g, n->out[0]);
  if (!relu || strcmp (relu->op_type, "Relu") != 0)
    return;
  n->act = NN_ACT_RELU;
  absorb (g, n, relu);
}

void
nn_fuse (nn_graph * g)
{
  count_uses (g);
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    if (n->dead)
      continue;
    fuse_bias (g, n);
    fuse_relu (g, n);
  }
  nn_drop_dead_steps (g);
}
