/* Scoring: activation, smoothing, top-k with threshold, per-class events
 * with hysteresis, threshold parsing. Expected values are worked out by
 * hand in the comments.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>

#include "mmresults.h"

#include <math.h>

GST_START_TEST (test_softmax_and_top_k)
{
  MmResults *r = mm_results_new (4, MM_ACTIVATION_SOFTMAX);
  MmEventChange ch[4];
  gfloat raw[4] = { 0.0f, logf (2.0f), logf (3.0f), logf (4.0f) };
  mm_results_update (r, raw, ch);
  /* softmax of log(1..4): 1/10 .. 4/10 */
  const gfloat *s = mm_results_scores (r);
  for (gint i = 0; i < 4; i++)
    fail_unless (fabsf (s[i] - (i + 1) / 10.0f) < 1e-6f);
  gint ids[4];
  gfloat sc[4];
  fail_unless_equals_int (mm_results_top (r, 3, 0.0f, ids, sc), 3);
  fail_unless (ids[0] == 3 && ids[1] == 2 && ids[2] == 1);
  /* threshold 0.25: only 0.4 and 0.3 qualify */
  fail_unless_equals_int (mm_results_top (r, 4, 0.25f, ids, sc), 2);
  mm_results_free (r);
}

GST_END_TEST;

GST_START_TEST (test_sigmoid)
{
  MmResults *r = mm_results_new (2, MM_ACTIVATION_SIGMOID);
  MmEventChange ch[2];
  gfloat raw[2] = { 0.0f, 100.0f };
  mm_results_update (r, raw, ch);
  fail_unless (fabsf (mm_results_scores (r)[0] - 0.5f) < 1e-6f);
  fail_unless (fabsf (mm_results_scores (r)[1] - 1.0f) < 1e-6f);
  mm_results_free (r);
}

GST_END_TEST;

GST_START_TEST (test_smoothing)
{
  MmEventChange ch[1];
  gfloat a = 1.0f, b = 0.0f;
  /* EMA, alpha 0.25: 1, then 0.25*0 + 0.75*1 = 0.75, then 0.5625 */
  MmResults *r = mm_results_new (1, MM_ACTIVATION_NONE);
  mm_results_set_smoothing (r, MM_SMOOTHING_EMA, 0.25, 1);
  mm_results_update (r, &a, ch);
  fail_unless_equals_float (mm_results_scores (r)[0], 1.0f);
  mm_results_update (r, &b, ch);
  fail_unless_equals_float (mm_results_scores (r)[0], 0.75f);
  mm_results_update (r, &b, ch);
  fail_unless (fabsf (mm_results_scores (r)[0] - 0.5625f) < 1e-6f);
  mm_results_free (r);
  /* window of 3: 1, 1/2, 1/3, then (0+0+0)/3 once 1 has left */
  r = mm_results_new (1, MM_ACTIVATION_NONE);
  mm_results_set_smoothing (r, MM_SMOOTHING_WINDOW, 0.0, 3);
  mm_results_update (r, &a, ch);
  fail_unless_equals_float (mm_results_scores (r)[0], 1.0f);
  mm_results_update (r, &b, ch);
  fail_unless_equals_float (mm_results_scores (r)[0], 0.5f);
  mm_results_update (r, &b, ch);
  fail_unless (fabsf (mm_results_scores (r)[0] - 1.0f / 3.0f) < 1e-6f);
  mm_results_update (r, &b, ch);
  fail_unless_equals_float (mm_results_scores (r)[0], 0.0f);
  mm_results_free (r);
}

GST_END_TEST;

GST_START_TEST (test_events_hysteresis)
{
  MmResults *r = mm_results_new (2, MM_ACTIVATION_NONE);
  gfloat on[2] = { 0.8f, NAN }, off[2] = { 0.5f, NAN };
  mm_results_set_events (r, on, off);
  MmEventChange ch[2];
  /* class 0 scores: 0.7 (nothing), 0.85 (start), 0.6 (still on: above
   * off), 0.4 (end), 0.79 (nothing); class 1 never has events */
  const gfloat seq[5] = { 0.7f, 0.85f, 0.6f, 0.4f, 0.79f };
  const gint changes[5] = { 0, 1, 0, 1, 0 };
  const gint active[5] = { -1, 0, 0, -1, -1 };
  for (gint i = 0; i < 5; i++) {
    gfloat raw[2] = { seq[i], 0.99f };
    guint n = mm_results_update (r, raw, ch);
    fail_unless_equals_int (n, changes[i]);
    if (n) {
      fail_unless_equals_int (ch[0].class_id, 0);
      fail_unless_equals_int (ch[0].start, i == 1);
      fail_unless_equals_float (ch[0].score, seq[i]);
    }
    fail_unless_equals_int (mm_results_active_event (r), active[i]);
  }
  mm_results_free (r);
}

GST_END_TEST;

GST_START_TEST (test_parse_thresholds)
{
  gchar *labels[] = { (gchar *) "cat", (gchar *) "dog", NULL };
  MmModelOutput out = {.kind = MM_OUTPUT_CLASSES,.n = 2,.labels = labels };
  MmModel m = {.outputs = &out,.n_outputs = 1 };
  gfloat v[2];
  gfloat *vs[] = { v };
  GError *err = NULL;
  fail_unless (mm_results_parse_thresholds_outputs ("0.7", &m, vs, &err));
  fail_unless (v[0] == 0.7f && v[1] == 0.7f);
  fail_unless (mm_results_parse_thresholds_outputs ("dog=0.6", &m, vs, &err));
  fail_unless (isnan (v[0]) && v[1] == 0.6f);
  fail_unless (mm_results_parse_thresholds_outputs (NULL, &m, vs, &err));
  fail_unless (isnan (v[0]) && isnan (v[1]));
  fail_if (mm_results_parse_thresholds_outputs ("bird=0.5", &m, vs, &err));
  fail_unless (g_strrstr (err->message, "bird") != NULL);
  g_clear_error (&err);
  fail_if (mm_results_parse_thresholds_outputs ("cat=high", &m, vs, &err));
  g_clear_error (&err);
}

GST_END_TEST;

static Suite *
results_suite (void)
{
  Suite *s = suite_create ("mmresults");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_softmax_and_top_k);
  tcase_add_test (tc, test_sigmoid);
  tcase_add_test (tc, test_smoothing);
  tcase_add_test (tc, test_events_hysteresis);
  tcase_add_test (tc, test_parse_thresholds);
  return s;
}

GST_CHECK_MAIN (results);
