/* The memory plan: every non-constant tensor gets an offset in one arena,
 * chosen so that tensors alive at the same time never overlap. Placed
 * largest first at the lowest free offset (a greedy best-fit that comes
 * close to the peak live size on the chain-like graphs CNNs make).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#define NN_ALIGN 64

static size_t
align_up (size_t x)
{
  return (x + NN_ALIGN - 1) & ~(size_t) (NN_ALIGN - 1);
}

static int
by_size_desc (gconstpointer a, gconstpointer b, gpointer user)
{
  nn_graph *g = user;
  size_t sa = nn_val (g, *(const int *) a)->nbytes;
  size_t sb = nn_val (g, *(const int *) b)->nbytes;
  return sa < sb ? 1 : sa > sb ? -1 : (*(const int *) a - *(const int *) b);
}

void
nn_plan (nn_graph * g)
{
  int end = (int) g->steps->len;
  for (guint v = 0; v < g->values->len; v++)
    nn_val (g, v)->first_step = nn_val (g, v)->last_step = -1;

  /* graph inputs live across the whole run, so one fill serves many runs */
  for (guint i = 0; i < g->inputs->len; i++) {
    nn_value *v = nn_val (g, g_array_index (g->inputs, int, i));
    v->first_step = 0;
    v->last_step = end;
  }
  for (int s = 0; s < end; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    for (int i = 0; i < n->n_in; i++) {
      nn_value *v = nn_val (g, n->in[i]);
      if (v && !v->is_const)
        v->last_step = MAX (v->last_step, s);
    }
    for (int i = 0; i < n->n_out; i++) {
      nn_value *v = nn_val (g, n->out[i]);
      if (v && v->first_step < 0) {
        v->first_step = s;
        v->last_step = MAX (v->last_step, s);
      }
    }
    g->scratch_size = MAX (g->scratch_size, align_up (n->scratch_bytes));
  }
  for (guint i = 0; i < g->outputs->len; i++) {
    nn_value *v = nn_val (g, g_array_index (g->outputs, int, i));
    if (!v->is_const)
      v->last_step = end;
  }

  GArray *order = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint v = 0; v < g->values->len; v++)
    if (!nn_val (g, v)->is_const && nn_val (g, v)->first_step >= 0)
      g_array_append_val (order, v);
  g_array_sort_with_data (order, by_size_desc, g);

  GArray *placed = g_array_new (FALSE, FALSE, sizeof (int));
  size_t total = 0;
  for (guint k = 0; k < order->len; k++) {
    nn_value *v = nn_val (g, g_array_index (order, int, k));
    size_t size = align_up (MAX (v->nbytes, 1));
    size_t offset = 0;
    /* move past every placed, time-overlapping block that collides; the
     * list is scanned again after each move, since moving may create a
     * collision with a block checked earlier */
    gboolean moved = TRUE;
    while (moved) {
      moved = FALSE;
      for (guint j = 0; j < placed->len; j++) {
        nn_value *p = nn_val (g, g_array_index (placed, int, j));
        size_t psize = align_up (MAX (p->nbytes, 1));
        gboolean time_overlap = v->first_step <= p->last_step
            && p->first_step <= v->last_step;
        if (time_overlap && offset < p->offset + psize
            && p->offset < offset + size) {
          offset = p->offset + psize;
          moved = TRUE;
        }
      }
    }
    v->offset = offset;
    total = MAX (total, offset + size);
    g_array_append_val (placed, g_array_index (order, int, k));
  }
  g->arena_size = total;
  g_array_unref (order);
  g_array_unref (placed);
}
