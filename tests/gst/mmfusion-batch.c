/* Shared models and cross-stream batching (model-instance, batch-size,
 * batch-timeout): 8 mmfusion elements sharing one batched model give
 * what each gives alone, score for score; an instance is loaded once
 * and freed with its last user; sharing elements must name the same file.
 *
 * The model is AV-digits' concat fusion net (models/avdigits), a video
 * CNN and a log-mel CNN: its file has a batch axis fixed at 1, so the test
 * writes a copy with a symbolic one (the ONNX protobuf edited with
 * protobuf-c) and checks that the runtime takes it for batches.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <mmfusion/mmfusionmeta.h>
#include <mmfusion/nn.h>

#include "batch-model.h"

#include <math.h>
#include <string.h>

#define N_STREAMS 8
#define N_FRAMES 12
#define SIDE 32
#define FRAME_NS (100 * GST_MSECOND)
#define START (2 * GST_SECOND)  /* after the first window's length */

static gchar *batch_model, *fixed_model;

typedef struct {
  GstElement *e;
  GstHarness *v, *a;
} Stream;

static Stream
stream_new (const gchar * model, const gchar * instance, guint batch,
    GstClockTime timeout)
{
  Stream s;
  s.e = gst_element_factory_make ("mmfusion", NULL);
  g_object_set (s.e, "model", model, "all-scores", TRUE, "top-k", 3,
      "latency", (guint64) 30 * GST_SECOND, NULL);
  if (instance)
    g_object_set (s.e, "model-instance", instance, "batch-size", batch,
        "batch-timeout", timeout, NULL);
  s.v = gst_harness_new_with_element (s.e, "video", "src");
  s.a = gst_harness_new_with_element (s.e, "audio", NULL);
  gst_harness_set_src_caps_str (s.v, "video/x-raw, format=GRAY8, "
      "width=32, height=32, framerate=10/1");
  GstCaps *acaps = gst_pad_peer_query_caps (s.a->srcpad, NULL);
  fail_unless (gst_caps_is_fixed (acaps));
  gst_harness_set_src_caps (s.a, acaps);
  return s;
}

static void
stream_free (Stream * s)
{
  gst_harness_teardown (s->a);
  gst_harness_teardown (s->v);
  gst_object_unref (s->e);
}

/* frame i of stream k: pseudo-random pixels, its own for every pair */
static GstBuffer *
frame (guint k, guint i)
{
  GRand *r = g_rand_new_with_seed (1000 * k + i);
  guint8 *d = g_malloc (SIDE * SIDE);
  for (gsize p = 0; p < SIDE * SIDE; p++)
    d[p] = (guint8) g_rand_int_range (r, 0, 256);
  g_rand_free (r);
  GstBuffer *b = gst_buffer_new_wrapped (d, SIDE * SIDE);
  GST_BUFFER_PTS (b) = START + i * FRAME_NS;
  GST_BUFFER_DURATION (b) = FRAME_NS;
  return b;
}

/* the window for frame i of stream k: ends with the frame */
static GstBuffer *
window (guint k, guint i, gsize floats, GstClockTime length)
{
  GRand *r = g_rand_new_with_seed (7777 + 1000 * k + i);
  gfloat *d = g_new (gfloat, floats);
  for (gsize p = 0; p < floats; p++)
    d[p] = (gfloat) g_rand_double_range (r, -4.0, 2.0);
  g_rand_free (r);
  GstBuffer *b = gst_buffer_new_wrapped (d, floats * sizeof (gfloat));
  GstClockTime end = START + (i + 1) * FRAME_NS;
  GST_BUFFER_PTS (b) = end - length;
  GST_BUFFER_DURATION (b) = length;
  return b;
}

static void
window_shape (Stream * s, gsize * floats, GstClockTime * length)
{
  GstCaps *caps = gst_pad_get_current_caps (s->a->srcpad);
  GstStructure *st = gst_caps_get_structure (caps, 0);
  gint n_mels, frames, rate, hop, win;
  fail_unless (gst_structure_get_int (st, "n-mels", &n_mels)
      && gst_structure_get_int (st, "frames", &frames)
      && gst_structure_get_int (st, "rate", &rate)
      && gst_structure_get_int (st, "hop-length", &hop)
      && gst_structure_get_int (st, "win-length", &win), "%" GST_PTR_FORMAT,
      caps);
  gst_caps_unref (caps);
  *floats = (gsize) n_mels * frames;
  *length = gst_util_uint64_scale_int (GST_SECOND, (frames - 1) * hop + win,
      rate);
}

typedef struct {
  GstClockTime pts[N_FRAMES], rt[N_FRAMES];
  gint top[N_FRAMES];
  guint n_all;
  gfloat all[N_FRAMES][10];
} Results;

static void
push_all (Stream * s, guint k)
{
  gsize floats;
  GstClockTime length;
  window_shape (s, &floats, &length);
  for (guint i = 0; i < N_FRAMES; i++)
    fail_unless_equals_int (gst_harness_push (s->a, window (k, i, floats,
                length)), GST_FLOW_OK);
  gst_harness_push_event (s->a, gst_event_new_eos ());
  for (guint i = 0; i < N_FRAMES; i++)
    fail_unless_equals_int (gst_harness_push (s->v, frame (k, i)),
        GST_FLOW_OK);
  gst_harness_push_event (s->v, gst_event_new_eos ());
}

static void
pull_all (Stream * s, Results * r)
{
  for (guint i = 0; i < N_FRAMES; i++) {
    GstBuffer *out = gst_harness_pull (s->v);
    fail_unless (out != NULL, "frame %u", i);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh, "frame %u has no fresh result", i);
    for (guint j = 0; j < m->n_inputs; j++)
      fail_if (m->inputs[j].missing, "frame %u: an input missing", i);
    r->pts[i] = m->pts;
    r->rt[i] = m->running_time;
    r->top[i] = m->ids[0];
    fail_unless_equals_int (m->n_all, 10);
    r->n_all = m->n_all;
    memcpy (r->all[i], m->all_scores, 10 * sizeof (gfloat));
    gst_buffer_unref (out);
  }
}

GST_START_TEST (test_batched_equals_alone)
{
  /* the runtime takes the edited model for batches of 8 */
  GError *err = NULL;
  nn_load_options opts = {.batch = N_STREAMS };
  nn_model *nn = nn_model_load_file (batch_model, &opts, &err);
  fail_unless (nn != NULL, "%s", err ? err->message : "");
  fail_unless_equals_int (nn_model_batch (nn), N_STREAMS);
  nn_model_free (nn);

  static Results alone[N_STREAMS], batched[N_STREAMS];
  for (guint k = 0; k < N_STREAMS; k++) {
    Stream s = stream_new (batch_model, NULL, 1, 0);
    push_all (&s, k);
    pull_all (&s, &alone[k]);
    stream_free (&s);
  }

  Stream s[N_STREAMS];
  for (guint k = 0; k < N_STREAMS; k++)
    s[k] = stream_new (batch_model, "shared", N_STREAMS, GST_SECOND / 5);
  for (guint k = 0; k < N_STREAMS; k++)
    push_all (&s[k], k);
  for (guint k = 0; k < N_STREAMS; k++)
    pull_all (&s[k], &batched[k]);

  guint64 max_batch = 0;
  for (guint k = 0; k < N_STREAMS; k++) {
    GstStructure *st;
    g_object_get (s[k].e, "stats", &st, NULL);
    guint64 inferences, mb;
    gdouble mean;
    fail_unless (gst_structure_get_uint64 (st, "inferences", &inferences)
        && gst_structure_get_uint64 (st, "max-batch-size", &mb)
        && gst_structure_get_double (st, "mean-batch-size", &mean));
    fail_unless_equals_uint64 (inferences, N_FRAMES);
    fail_unless (mean >= 1.0 && mean <= N_STREAMS);
    max_batch = MAX (max_batch, mb);
    gst_structure_free (st);
  }
  /* the ticks did run together, else this proves nothing */
  fail_unless (max_batch > 1, "no batch of more than one tick ran");

  for (guint k = 0; k < N_STREAMS; k++)
    for (guint i = 0; i < N_FRAMES; i++) {
      fail_unless_equals_uint64 (batched[k].pts[i], alone[k].pts[i]);
      fail_unless_equals_uint64 (batched[k].rt[i], alone[k].rt[i]);
      fail_unless_equals_int (batched[k].top[i], alone[k].top[i]);
      for (guint c = 0; c < 10; c++)
        fail_unless (fabsf (batched[k].all[i][c] - alone[k].all[i][c])
            <= 1e-5f, "stream %u frame %u class %u: %g batched, %g alone",
            k, i, c, batched[k].all[i][c], alone[k].all[i][c]);
    }
  /* and the streams differ: a batch that mixed rows up would show */
  fail_if (memcmp (alone[0].all, alone[1].all, sizeof alone[0].all) == 0);
  for (guint k = 0; k < N_STREAMS; k++)
    stream_free (&s[k]);
}

GST_END_TEST;

/* elements naming one instance share one model; it needs the same file */
GST_START_TEST (test_shared_model_checks)
{
  GstElement *p = gst_pipeline_new (NULL);
  GstElement *a = gst_element_factory_make ("mmfusion", "a");
  GstElement *b = gst_element_factory_make ("mmfusion", "b");
  g_object_set (a, "model", batch_model, "model-instance", "x", NULL);
  g_object_set (b, "model", fixed_model, "model-instance", "x", NULL);
  gst_bin_add_many (GST_BIN (p), a, b, NULL);
  GstPad *pa = gst_element_request_pad_simple (a, "video");
  fail_unless (pa != NULL);
  /* b's pad is made unbound: its model is not the instance's */
  GstPad *pb = gst_element_request_pad_simple (b, "video");
  fail_unless (pb != NULL);
  gst_element_set_state (p, GST_STATE_PAUSED);
  GstBus *bus = gst_element_get_bus (p);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  GError *err;
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "same model file") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, "model-instance 'x'") != NULL);
  g_error_free (err);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (pa);
  gst_object_unref (pb);
  gst_object_unref (p);
}

GST_END_TEST;

/* the latency mmfusion reports includes batch-timeout, for batched
 * instances only: the live deadline leaves room for the wait */
static GstClockTime
reported_latency (const gchar * model, guint batch, GstClockTime timeout)
{
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  g_object_set (e, "model", model, "model-instance", "lat",
      "batch-size", batch, "batch-timeout", timeout, NULL);
  GstHarness *v = gst_harness_new_with_element (e, "video", "src");
  GstHarness *a = gst_harness_new_with_element (e, "audio", NULL);
  gst_harness_set_live (v, TRUE);
  gst_harness_set_live (a, TRUE);
  gst_harness_set_upstream_latency (v, 10 * GST_MSECOND);
  gst_harness_set_upstream_latency (a, 10 * GST_MSECOND);
  GstClockTime latency = gst_harness_query_latency (v);
  gst_harness_teardown (a);
  gst_harness_teardown (v);
  gst_object_unref (e);
  return latency;
}

GST_START_TEST (test_latency_includes_timeout)
{
  fail_unless_equals_uint64 (reported_latency (batch_model, 4,
          40 * GST_MSECOND), 50 * GST_MSECOND);
  fail_unless_equals_uint64 (reported_latency (batch_model, 1,
          40 * GST_MSECOND), 10 * GST_MSECOND);
  /* a fixed batch axis: no batches, no wait */
  fail_unless_equals_uint64 (reported_latency (fixed_model, 4,
          40 * GST_MSECOND), 10 * GST_MSECOND);
}

GST_END_TEST;

static Suite *
batch_suite (void)
{
  Suite *s = suite_create ("mmfusion-batch");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_batched_equals_alone);
  tcase_add_test (tc, test_shared_model_checks);
  tcase_add_test (tc, test_latency_includes_timeout);
  return s;
}

int
main (int argc, char **argv)
{
  return batch_model_main (argc, argv, batch_suite, &fixed_model, &batch_model);
}
