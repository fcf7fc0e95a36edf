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

typedef struct {
  size_t start, end;
} offset_range;

static int
by_start (gconstpointer a, gconstpointer b)
{
  size_t x = ((const offset_range *) a)->start;
  size_t y = ((const offset_range *) b)->start;
  return x < y ? -1 : x > y;
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

  /* placed values by the steps they live in, so that finding the blocks
   * a value may collide with costs its lifetime, not the whole graph */
  GArray **alive = g_new0 (GArray *, end + 1);
  guint *seen = g_new0 (guint, MAX (g->values->len, 1));
  GArray *cands = g_array_new (FALSE, FALSE, sizeof (offset_range));
  size_t total = 0;
  for (guint k = 0; k < order->len; k++) {
    int vi = g_array_index (order, int, k);
    nn_value *v = nn_val (g, vi);
    size_t size = align_up (MAX (v->nbytes, 1));
    int first = CLAMP (v->first_step, 0, end), last = CLAMP (v->last_step,
        first, end);
    g_array_set_size (cands, 0);
    for (int s = first; s <= last; s++) {
      for (guint j = 0; alive[s] && j < alive[s]->len; j++) {
        int pi = g_array_index (alive[s], int, j);
        if (seen[pi] == k + 1)
          continue;
        seen[pi] = k + 1;
        nn_value *p = nn_val (g, pi);
        offset_range r = { p->offset, p->offset + align_up (MAX (p->nbytes,
                    1)) };
        g_array_append_val (cands, r);
      }
    }
    /* the lowest offset where the value fits between the blocks that
     * overlap it in time */
    g_array_sort (cands, by_start);
    size_t offset = 0;
    for (guint j = 0; j < cands->len; j++) {
      const offset_range *r = &g_array_index (cands, offset_range, j);
      if (r->start >= offset + size)
        break;
      offset = MAX (offset, r->end);
    }
    v->offset = offset;
    total = MAX (total, offset + size);
    for (int s = first; s <= last; s++) {
      if (!alive[s])
        alive[s] = g_array_new (FALSE, FALSE, sizeof (int));
      g_array_append_val (alive[s], vi);
    }
  }
  for (int s = 0; s <= end; s++)
    if (alive[s])
      g_array_unref (alive[s]);
  g_free (alive);
  g_free (seen);
  g_array_unref (cands);
  g->arena_size = total;
  g_array_unref (order);
}
