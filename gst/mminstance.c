/* Shared models and their batch worker: see mminstance.h.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mminstance.h"

#include <glib/gstdio.h>
#include <string.h>

struct _MmInstance {
  gchar *name, *path, *labels;
  guint asked_batch;            /* the batch-size it was asked for */
  MmModel *model;
  gint refs;                    /* under registry_lock */
  guint batch;                  /* samples a run */
  gboolean fixed_batch;
  /* the worker (batch > 1 only) */
  GThread *thread;
  GMutex lock;
  GCond cond;
  GQueue queue;                 /* MmTick, waiting for a batch */
  gboolean quit;
  nn_session *session;
  gint64 run_estimate;          /* µs, a running mean */
  gsize *in_floats, *out_floats;        /* one sample of each */
};

static GMutex registry_lock;
static GHashTable *registry;    /* name -> MmInstance */

/* the same file: the same inode on the same device, or (when it cannot
 * be read, and loading will tell) the same path */
static gboolean
same_file (const gchar * a, const gchar * b)
{
  GStatBuf sa, sb;
  if (g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  return g_strcmp0 (a, b) == 0;
}

static gsize
sample_floats (const nn_tensor * t, gint64 batch)
{
  return (gsize) (nn_tensor_numel (t) / MAX (batch, 1));
}

/* copies each queued tick into its row, runs, copies the rows back */
static void
run_batch (MmInstance * inst, MmTick ** ticks, guint n)
{
  nn_model *nn = inst->model->nn;
  gsize n_in = nn_model_n_inputs (nn), n_out = nn_model_n_outputs (nn);
  for (gsize i = 0; i < n_in; i++) {
    gfloat *x = nn_session_input (inst->session, i)->data;
    for (guint r = 0; r < n; r++)
      memcpy (x + r * inst->in_floats[i], ticks[r]->inputs[i],
          inst->in_floats[i] * sizeof (gfloat));
    /* the rows no tick fills keep what they held: samples do not mix */
  }
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = nn_session_run (inst->session, NULL);
  gint64 t1 = g_get_monotonic_time ();
  for (gsize o = 0; o < n_out; o++) {
    const gfloat *y = nn_session_output (inst->session, o)->data;
    for (guint r = 0; r < n; r++)
      memcpy (ticks[r]->outputs[o], y + r * inst->out_floats[o],
          inst->out_floats[o] * sizeof (gfloat));
  }
  for (guint r = 0; r < n; r++) {
    ticks[r]->batch_size = n;
    ticks[r]->wait_ms = (t0 - ticks[r]->queued_at) / 1000.0;
    ticks[r]->run_ms = (t1 - t0) / 1000.0;
    ticks[r]->ok = ok;
  }
}

static gpointer
worker (gpointer data)
{
  MmInstance *inst = data;
  MmTick **ticks = g_new (MmTick *, inst->batch);
  g_mutex_lock (&inst->lock);
  while (!inst->quit) {
    guint n = g_queue_get_length (&inst->queue);
    if (n == 0) {
      g_cond_wait (&inst->cond, &inst->lock);
      continue;
    }
    if (n < inst->batch) {
      /* not full: wait for more until the earliest tick's bound */
      gint64 until = G_MAXINT64;
      for (GList * l = inst->queue.head; l; l = l->next)
        until = MIN (until, ((MmTick *) l->data)->run_by);
      if (g_get_monotonic_time () < until) {
        g_cond_wait_until (&inst->cond, &inst->lock, until);
        continue;
      }
    }
    n = MIN (n, inst->batch);
    for (guint i = 0; i < n; i++)
      ticks[i] = g_queue_pop_head_link (&inst->queue)->data;
    g_mutex_unlock (&inst->lock);
    run_batch (inst, ticks, n);
    g_mutex_lock (&inst->lock);
    gint64 took = (gint64) (ticks[0]->run_ms * 1000.0);
    inst->run_estimate = inst->run_estimate ?
        (3 * inst->run_estimate + took) / 4 : took;
    for (guint i = 0; i < n; i++)
      ticks[i]->done = TRUE;
    g_cond_broadcast (&inst->cond);
  }
  g_mutex_unlock (&inst->lock);
  g_free (ticks);
  return NULL;
}

static void
instance_free (MmInstance * inst)
{
  if (inst->thread) {
    g_mutex_lock (&inst->lock);
    inst->quit = TRUE;
    g_cond_broadcast (&inst->cond);
    g_mutex_unlock (&inst->lock);
    g_thread_join (inst->thread);
  }
  g_clear_pointer (&inst->session, nn_session_free);
  mm_model_free (inst->model);
  g_mutex_clear (&inst->lock);
  g_cond_clear (&inst->cond);
  g_free (inst->in_floats);
  g_free (inst->out_floats);
  g_free (inst->name);
  g_free (inst->path);
  g_free (inst->labels);
  g_free (inst);
}

static MmModel *
load (const gchar * path, const gchar * labels, gint64 batch,
    GError ** error)
{
  MmModel *m = batch ? mm_model_load_batch (path, batch, error) :
      mm_model_load (path, error);
  if (m && labels && !mm_model_set_labels_file (m, labels, error))
    g_clear_pointer (&m, mm_model_free);
  return m;
}

static MmInstance *
instance_new (const gchar * name, const gchar * path, const gchar * labels,
    guint batch, gint threads, GError ** error)
{
  MmModel *m = load (path, labels, 0, error);
  if (!m)
    return NULL;
  gboolean fixed = batch > 1 && !mm_model_batch_symbolic (m);
  if (batch > 1 && !fixed) {
    /* loaded again for the batch: one copy of the weights in the end */
    mm_model_free (m);
    if (!(m = load (path, labels, batch, error)))
      return NULL;
  }
  MmInstance *inst = g_new0 (MmInstance, 1);
  inst->name = g_strdup (name);
  inst->path = g_strdup (path);
  inst->labels = g_strdup (labels);
  inst->asked_batch = batch;
  inst->model = m;
  inst->fixed_batch = fixed;
  inst->batch = (guint) nn_model_batch (m->nn);
  g_mutex_init (&inst->lock);
  g_cond_init (&inst->cond);
  g_queue_init (&inst->queue);
  if (inst->batch > 1) {
    nn_model *nn = m->nn;
    inst->in_floats = g_new (gsize, nn_model_n_inputs (nn));
    inst->out_floats = g_new (gsize, MAX (nn_model_n_outputs (nn), 1));
    for (gsize i = 0; i < nn_model_n_inputs (nn); i++)
      inst->in_floats[i] = sample_floats (nn_model_input (nn, i), inst->batch);
    for (gsize o = 0; o < nn_model_n_outputs (nn); o++)
      inst->out_floats[o] = sample_floats (nn_model_output (nn, o),
          inst->batch);
    nn_session_options opts = {.threads = MAX (threads, 1) };
    inst->session = nn_session_new (nn, &opts, error);
    if (!inst->session) {
      instance_free (inst);
      return NULL;
    }
    gchar *tname = g_strdup_printf ("mmbatch-%s", name);
    inst->thread = g_thread_new (tname, worker, inst);
    g_free (tname);
  }
  return inst;
}

MmInstance *
mm_instance_acquire (const gchar * name, const gchar * path,
    const gchar * labels, guint batch, gint threads, GError ** error)
{
  g_mutex_lock (&registry_lock);
  if (!registry)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  MmInstance *inst = g_hash_table_lookup (registry, name);
  if (inst) {
    if (!same_file (inst->path, path)) {
      g_set_error (error, MM_MODEL_ERROR, 0, "model-instance '%s' is the "
          "model %s; this element's model is %s: elements sharing an "
          "instance need the same model file", name, inst->path, path);
      inst = NULL;
    } else if (g_strcmp0 (inst->labels, labels) != 0) {
      g_set_error (error, MM_MODEL_ERROR, 0, "model-instance '%s' has the "
          "labels %s; this element asks for %s: elements sharing an "
          "instance need the same labels", name,
          inst->labels ? inst->labels : "of the model",
          labels ? labels : "of the model");
      inst = NULL;
    } else if (inst->asked_batch != batch) {
      g_set_error (error, MM_MODEL_ERROR, 0, "model-instance '%s' runs "
          "batches of %u; this element asks for batch-size %u: elements "
          "sharing an instance need the same batch-size", name,
          inst->asked_batch, batch);
      inst = NULL;
    } else {
      inst->refs++;
    }
  } else if ((inst = instance_new (name, path, labels, batch, threads,
              error))) {
    inst->refs = 1;
    g_hash_table_insert (registry, inst->name, inst);
  }
  g_mutex_unlock (&registry_lock);
  return inst;
}

void
mm_instance_release (MmInstance * inst)
{
  if (!inst)
    return;
  g_mutex_lock (&registry_lock);
  gboolean last = --inst->refs == 0;
  if (last)
    g_hash_table_remove (registry, inst->name);
  g_mutex_unlock (&registry_lock);
  if (last)
    instance_free (inst);
}

MmModel *
mm_instance_model (MmInstance * inst)
{
  return inst->model;
}

guint
mm_instance_batch (MmInstance * inst)
{
  return inst->batch;
}

gboolean
mm_instance_fixed_batch (MmInstance * inst)
{
  return inst->fixed_batch;
}

gint64
mm_instance_run_estimate (MmInstance * inst)
{
  g_mutex_lock (&inst->lock);
  gint64 e = inst->run_estimate;
  g_mutex_unlock (&inst->lock);
  return e;
}

guint
mm_instance_count (void)
{
  g_mutex_lock (&registry_lock);
  guint n = registry ? g_hash_table_size (registry) : 0;
  g_mutex_unlock (&registry_lock);
  return n;
}

MmTick *
mm_tick_new (MmInstance * inst)
{
  nn_model *nn = inst->model->nn;
  gint64 b = nn_model_batch (nn);
  gsize n_in = nn_model_n_inputs (nn), n_out = nn_model_n_outputs (nn);
  MmTick *t = g_new0 (MmTick, 1);
  /* NULL-terminated */
  t->inputs = g_new0 (gfloat *, n_in + 1);
  t->outputs = g_new0 (gfloat *, n_out + 1);
  for (gsize i = 0; i < n_in; i++)
    t->inputs[i] = g_new0 (gfloat, sample_floats (nn_model_input (nn, i), b));
  for (gsize o = 0; o < n_out; o++)
    t->outputs[o] = g_new0 (gfloat, sample_floats (nn_model_output (nn, o),
            b));
  t->link.data = t;
  return t;
}

void
mm_tick_free (MmTick * t)
{
  if (!t)
    return;
  for (gsize i = 0; t->inputs[i]; i++)
    g_free (t->inputs[i]);
  for (gsize o = 0; t->outputs[o]; o++)
    g_free (t->outputs[o]);
  g_free (t->inputs);
  g_free (t->outputs);
  g_free (t);
}

gboolean
mm_instance_run (MmInstance * inst, MmTick * tick)
{
  g_mutex_lock (&inst->lock);
  tick->done = FALSE;
  tick->queued_at = g_get_monotonic_time ();
  /* the tick's own link: no allocation per tick */
  g_queue_push_tail_link (&inst->queue, &tick->link);
  g_cond_broadcast (&inst->cond);
  while (!tick->done)
    g_cond_wait (&inst->cond, &inst->lock);
  g_mutex_unlock (&inst->lock);
  return tick->ok;
}
