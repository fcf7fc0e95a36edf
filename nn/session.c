/* A session: one arena bound to a loaded model, and the loop that runs it.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct nn_session {
  nn_graph *g;
  void *arena;
  void *scratch;
  nn_tensor *tensors;           /* one per graph value */
  nn_tensor ***in_args;         /* per step: pointers into tensors */
  nn_tensor ***out_args;
  int threads;
  nn_pool *pool;                /* NULL with one thread */
  size_t scratch_stride;        /* per worker */
  gint64 *profile;              /* NN_PROFILE set: nanoseconds per step, */
  gint64 *profile_min;          /* summed over runs and the fastest run */
  guint64 runs;
};

nn_session *
nn_session_new (const nn_model * model, const nn_session_options * opts,
    GError ** error)
{
  nn_graph *g = (nn_graph *) model;
  nn_blas_single_threaded ();
  nn_session *s = g_new0 (nn_session, 1);
  s->g = g;
  s->threads = opts ? opts->threads : 1;
  if (s->threads <= 0)
    s->threads = (int) g_get_num_processors ();
  s->threads = CLAMP (s->threads, 1, 256);
  /* every worker gets its own scratch slice */
  s->scratch_stride = (g->scratch_size + 63) & ~(size_t) 63;
  size_t total = g->arena_size + s->scratch_stride * s->threads;
  if (posix_memalign (&s->arena, 64, MAX (total, 64)) != 0) {
    g_set_error (error, NN_ERROR, NN_ERROR_IO,
        "cannot allocate a %zu-byte arena", total);
    g_free (s);
    return NULL;
  }
  /* zeroed so that inputs the caller never fills read as zeros */
  memset (s->arena, 0, MAX (total, 64));
  s->scratch = (char *) s->arena + g->arena_size;
  /* NN_SCRATCH_POISON=1 (the kernel tests set it): the workers' scratch
   * starts as NaNs, so a kernel that reads scratch it never wrote (a
   * padding border assumed zero) fails its test; in a real run the
   * layer before has left its own data there */
  if (g_getenv ("NN_SCRATCH_POISON"))
    memset (s->scratch, 0xff, s->scratch_stride * s->threads);

  s->tensors = g_new0 (nn_tensor, g->values->len);
  for (guint v = 0; v < g->values->len; v++) {
    nn_value *val = nn_val (g, v);
    s->tensors[v] = val->t;
    if (!val->is_const)
      s->tensors[v].data = (char *) s->arena + val->offset;
  }
  s->in_args = g_new0 (nn_tensor **, g->steps->len);
  s->out_args = g_new0 (nn_tensor **, g->steps->len);
  for (guint k = 0; k < g->steps->len; k++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, k));
    s->in_args[k] = g_new0 (nn_tensor *, n->n_in + 1);
    s->out_args[k] = g_new0 (nn_tensor *, n->n_out + 1);
    for (int i = 0; i < n->n_in; i++)
      s->in_args[k][i] = n->in[i] >= 0 ? &s->tensors[n->in[i]] : NULL;
    for (int i = 0; i < n->n_out; i++)
      s->out_args[k][i] = n->out[i] >= 0 ? &s->tensors[n->out[i]] : NULL;
  }
  if (s->threads > 1)
    s->pool = nn_pool_new (s->threads);
  if (g_getenv ("NN_PROFILE")) {
    s->profile = g_new0 (gint64, MAX (g->steps->len, 1));
    s->profile_min = g_new0 (gint64, MAX (g->steps->len, 1));
  }
  return s;
}

/* NN_PROFILE=1: per-step mean and fastest times on stderr when the
 * session ends; the share is of the fastest times, which a busy machine
 * disturbs least */
static void
print_profile (nn_session * s)
{
  gint64 total = 0;
  for (guint k = 0; k < s->g->steps->len; k++)
    total += s->profile_min[k];
  for (guint k = 0; k < s->g->steps->len; k++) {
    nn_node *n = nn_nod (s->g, g_array_index (s->g->steps, int, k));
    /* the shapes of the first two inputs and of the output: enough to
     * tell which kernel a Conv or MatMul took */
    GString *shapes = g_string_new (NULL);
    for (int i = 0; i < MIN (n->n_in, 2) + 1; i++) {
      int v = i < MIN (n->n_in, 2) ? n->in[i] : n->out[0];
      if (v < 0)
        continue;
      const nn_tensor *t = &nn_val (s->g, v)->t;
      g_string_append (shapes, i == MIN (n->n_in, 2) ? " -> " : " ");
      for (int d = 0; d < t->ndim; d++)
        g_string_append_printf (shapes, "%s%" G_GINT64_FORMAT, d ? "x" : "",
            t->shape[d]);
    }
    g_printerr ("%8.2f us (min %8.2f) %5.1f%%  %s %s%s%s%s %s\n",
        (double) s->profile[k] / MAX (s->runs, 1) / 1e3,
        s->profile_min[k] / 1e3, 100.0 * s->profile_min[k] / MAX (total, 1),
        n->op_type, n->name,
        n->epi.residual >= 0 ? " +Add" : "", n->epi.act ? " +" : "",
        nn_activation_name (n->epi.act), shapes->str);
    g_string_free (shapes, TRUE);
  }
}

void
nn_session_free (nn_session * s)
{
  if (!s)
    return;
  nn_pool_free (s->pool);
  if (s->profile) {
    print_profile (s);
    g_free (s->profile);
    g_free (s->profile_min);
  }
  for (guint k = 0; k < s->g->steps->len; k++) {
    g_free (s->in_args[k]);
    g_free (s->out_args[k]);
  }
  g_free (s->in_args);
  g_free (s->out_args);
  g_free (s->tensors);
  free (s->arena);
  g_free (s);
}

nn_tensor *
nn_session_input (nn_session * s, size_t i)
{
  g_return_val_if_fail (i < s->g->inputs->len, NULL);
  return &s->tensors[g_array_index (s->g->inputs, int, i)];
}

const nn_tensor *
nn_session_output (nn_session * s, size_t i)
{
  g_return_val_if_fail (i < s->g->outputs->len, NULL);
  return &s->tensors[g_array_index (s->g->outputs, int, i)];
}

static gint64
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

gboolean
nn_session_run (nn_session * s, GError ** error)
{
  nn_pool_enter (s->pool, s->scratch_stride);
  for (guint k = 0; k < s->g->steps->len; k++) {
    nn_node *n = nn_nod (s->g, g_array_index (s->g->steps, int, k));
    gint64 t0 = s->profile ? now_ns () : 0;
    n->run (n, s->in_args[k], s->out_args[k], s->scratch);
    if (s->profile) {
      gint64 dt = now_ns () - t0;
      s->profile[k] += dt;
      if (s->runs == 0 || dt < s->profile_min[k])
        s->profile_min[k] = dt;
    }
  }
  nn_pool_leave ();
  s->runs++;
  return TRUE;
}

int64_t
nn_session_batch (const nn_session * s)
{
  return nn_model_batch (s->g);
}
