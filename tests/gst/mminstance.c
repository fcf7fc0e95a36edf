/* Shared model instances (gst/mminstance.c) alone: one model per name,
 * refcounted and freed with the last user; the same file, labels and
 * batch required; the batch worker runs full batches at once, a lone tick
 * at its bound, and gives each tick its own row; a model with a fixed
 * batch axis falls back to one sample a run.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "mminstance.h"
#include "batch-model.h"

#include <math.h>
#include <string.h>

static gchar *fixed_model, *batch_model;

GST_START_TEST (test_shared_and_freed)
{
  GError *err = NULL;
  fail_unless_equals_int (mm_instance_count (), 0);
  MmInstance *a = mm_instance_acquire ("cam", fixed_model, NULL, 1, 1, &err);
  fail_unless (a != NULL, "%s", err ? err->message : "");
  /* the same file by another path is the same model */
  gchar *dir = g_path_get_dirname (fixed_model);
  gchar *base = g_path_get_basename (fixed_model);
  gchar *other = g_strdup_printf ("%s/../avdigits/%s", dir, base);
  MmInstance *b = mm_instance_acquire ("cam", other, NULL, 1, 1, &err);
  fail_unless (b == a);
  fail_unless (mm_instance_model (b) == mm_instance_model (a));
  fail_unless_equals_int (mm_instance_count (), 1);
  /* another name, another model */
  MmInstance *c = mm_instance_acquire ("other", fixed_model, NULL, 1, 1, &err);
  fail_unless (c != NULL && c != a);
  fail_unless (mm_instance_model (c) != mm_instance_model (a));
  fail_unless_equals_int (mm_instance_count (), 2);
  mm_instance_release (c);
  mm_instance_release (a);
  fail_unless_equals_int (mm_instance_count (), 1);
  mm_instance_release (b);
  fail_unless_equals_int (mm_instance_count (), 0);
  g_free (dir);
  g_free (base);
  g_free (other);
}

GST_END_TEST;

GST_START_TEST (test_must_match)
{
  GError *err = NULL;
  MmInstance *a = mm_instance_acquire ("cam", fixed_model, NULL, 1, 1, &err);
  fail_unless (a != NULL);
  fail_if (mm_instance_acquire ("cam", batch_model, NULL, 1, 1, &err));
  fail_unless (strstr (err->message, "same model file") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, batch_model) != NULL);
  g_clear_error (&err);
  fail_if (mm_instance_acquire ("cam", fixed_model, "/dev/null", 1, 1, &err));
  fail_unless (strstr (err->message, "same labels") != NULL, "%s",
      err->message);
  g_clear_error (&err);
  fail_if (mm_instance_acquire ("cam", fixed_model, NULL, 4, 1, &err));
  fail_unless (strstr (err->message, "same batch-size") != NULL, "%s",
      err->message);
  g_clear_error (&err);
  /* a file that does not load: no instance is left behind */
  fail_if (mm_instance_acquire ("bad", "/nonexistent.onnx", NULL, 1, 1, &err));
  fail_unless (strstr (err->message, "/nonexistent.onnx") != NULL);
  g_clear_error (&err);
  fail_unless_equals_int (mm_instance_count (), 1);
  mm_instance_release (a);
  fail_unless_equals_int (mm_instance_count (), 0);
}

GST_END_TEST;

GST_START_TEST (test_fixed_batch_falls_back)
{
  GError *err = NULL;
  MmInstance *a = mm_instance_acquire ("cam", fixed_model, NULL, 8, 1, &err);
  fail_unless (a != NULL, "%s", err ? err->message : "");
  fail_unless (mm_instance_fixed_batch (a));
  fail_unless_equals_int (mm_instance_batch (a), 1);
  mm_instance_release (a);
  MmInstance *b = mm_instance_acquire ("cam", batch_model, NULL, 8, 1, &err);
  fail_unless (b != NULL, "%s", err ? err->message : "");
  fail_if (mm_instance_fixed_batch (b));
  fail_unless_equals_int (mm_instance_batch (b), 8);
  fail_unless_equals_int (nn_model_batch (mm_instance_model (b)->nn), 8);
  mm_instance_release (b);
}

GST_END_TEST;

/* inputs of tick k: pseudo-random, its own */
static void
fill_tick (MmInstance * inst, MmTick * t, guint k)
{
  nn_model *nn = mm_instance_model (inst)->nn;
  GRand *r = g_rand_new_with_seed (k + 1);
  for (gsize i = 0; i < nn_model_n_inputs (nn); i++) {
    gsize n = nn_tensor_numel (nn_model_input (nn, i)) / nn_model_batch (nn);
    for (gsize j = 0; j < n; j++)
      t->inputs[i][j] = (gfloat) g_rand_double_range (r, -1, 1);
  }
  g_rand_free (r);
}

typedef struct {
  MmInstance *inst;
  MmTick *tick;
} Job;

static gpointer
run_job (gpointer data)
{
  Job *j = data;
  fail_unless (mm_instance_run (j->inst, j->tick));
  return NULL;
}

/* a full batch runs at once (the bound is far); every tick gets its own
 * row: the scores of a run alone, on an unbatched session */
GST_START_TEST (test_worker_rows)
{
  GError *err = NULL;
  const guint B = 4;
  MmInstance *inst = mm_instance_acquire ("cam", batch_model, NULL, B, 1, &err);
  fail_unless (inst != NULL);
  MmModel *alone = mm_model_load (batch_model, &err);
  nn_session *s = nn_session_new (alone->nn, NULL, &err);
  Job jobs[4];
  GThread *threads[4];
  for (guint k = 0; k < B; k++) {
    jobs[k].inst = inst;
    jobs[k].tick = mm_tick_new (inst);
    fill_tick (inst, jobs[k].tick, k);
    jobs[k].tick->run_by = g_get_monotonic_time () + (gint64) 3600 * G_USEC_PER_SEC;
    threads[k] = g_thread_new ("tick", run_job, &jobs[k]);
  }
  gsize n_out = nn_tensor_numel (nn_model_output (alone->nn, 0));
  for (guint k = 0; k < B; k++) {
    g_thread_join (threads[k]);
    fail_unless_equals_int (jobs[k].tick->batch_size, B);
    for (gsize i = 0; i < nn_model_n_inputs (alone->nn); i++)
      memcpy (nn_session_input (s, i)->data, jobs[k].tick->inputs[i],
          nn_tensor_numel (nn_session_input (s, i)) * sizeof (gfloat));
    fail_unless (nn_session_run (s, NULL));
    const gfloat *y = nn_session_output (s, 0)->data;
    for (gsize c = 0; c < n_out; c++)
      fail_unless (fabsf (y[c] - jobs[k].tick->outputs[0][c]) <= 1e-5f,
          "tick %u class %zu", k, c);
    mm_tick_free (jobs[k].tick);
  }
  /* a lone tick whose bound has come runs alone, at once */
  MmTick *t = mm_tick_new (inst);
  fill_tick (inst, t, 9);
  t->run_by = g_get_monotonic_time ();
  fail_unless (mm_instance_run (inst, t));
  fail_unless_equals_int (t->batch_size, 1);
  mm_tick_free (t);
  nn_session_free (s);
  mm_model_free (alone);
  mm_instance_release (inst);
  fail_unless_equals_int (mm_instance_count (), 0);
}

GST_END_TEST;

static Suite *
instance_suite (void)
{
  Suite *s = suite_create ("mminstance");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_shared_and_freed);
  tcase_add_test (tc, test_must_match);
  tcase_add_test (tc, test_fixed_batch_falls_back);
  tcase_add_test (tc, test_worker_rows);
  return s;
}

int
main (int argc, char **argv)
{
  return batch_model_main (argc, argv, instance_suite, &fixed_model,
      &batch_model);
}
