/* Stress: 1000 state-change cycles, a model file replaced between runs,
 * pads released and requested while streaming, audio stalling for 5 s in a
 * live pipeline, and random flushing seeks during 60 s of playback.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include "run-pipeline.h"
#include <glib/gstdio.h>
#include <mmfusion/mmfusionmeta.h>

#include <string.h>

#define WLEN 1840               /* probe windows: (10 - 1) * 160 + 400 */

static const char *sync_dir;

static gchar *
probe (const char *name)
{
  return g_strdup_printf ("%s/%s.onnx", sync_dir, name);
}

static GstElement *
fusion_pipeline (const char *model, gint video_buffers)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=%d ! "
      "video/x-raw,format=GRAY8,width=2,height=2,framerate=25/1 ! f.video "
      "audiotestsrc num-buffers=%d ! mmaudiowindow kind=waveform frames=10 "
      "win-length=400 hop-length=160 ! f.audio mmfusion name=f model=%s ! "
      "fakesink", video_buffers, video_buffers * 2, model);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  fail_unless (pipe != NULL);
  return pipe;
}

GST_START_TEST (test_1000_state_cycles)
{
  gchar *model = probe ("probe_s10");
  GstElement *pipe = fusion_pipeline (model, 2);
  for (gint i = 0; i < 1000; i++) {
    fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_get_state (pipe, NULL, NULL, 5 * GST_SECOND) !=
        GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_set_state (pipe, GST_STATE_NULL) ==
        GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref (pipe);
  g_free (model);
}

GST_END_TEST;

static guint64
fusion_stat (GstElement * pipe, const char *field)
{
  GstElement *f = gst_bin_get_by_name (GST_BIN (pipe), "f");
  GstStructure *s;
  g_object_get (f, "stats", &s, NULL);
  guint64 v = 0;
  gst_structure_get_uint64 (s, field, &v);
  gst_structure_free (s);
  gst_object_unref (f);
  return v;
}

static void
copy_file (const char *from, const char *to)
{
  gchar *data;
  gsize len;
  fail_unless (g_file_get_contents (from, &data, &len, NULL));
  fail_unless (g_file_set_contents (to, data, len, NULL));
  g_free (data);
}

GST_START_TEST (test_model_replaced_between_runs)
{
  gchar *dir = g_dir_make_tmp ("mmfusion-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "model.onnx", NULL);
  gchar *s10 = probe ("probe_s10"), *s3 = probe ("probe_s3");
  gchar *audio_only = probe ("probe_audio_only");
  copy_file (s10, path);
  GstElement *pipe = fusion_pipeline (path, 25);
  gchar *err = run_pipeline_to_end (pipe, 30);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_uint64 (fusion_stat (pipe, "inferences"), 25);

  /* another model in the same file, with other audio features: the audio
   * pad renegotiates mmaudiowindow's stride */
  copy_file (s3, path);
  err = run_pipeline_to_end (pipe, 30);
  fail_unless (err == NULL, "%s", err);
  fail_unless_equals_uint64 (fusion_stat (pipe, "inferences"), 25);

  /* a model without the video input the pipeline feeds: a clear error */
  copy_file (audio_only, path);
  err = run_pipeline_to_end (pipe, 30);
  fail_unless (err != NULL);
  fail_unless (strstr (err, "no input 'video'") != NULL, "%s", err);
  g_free (err);

  /* and back: the element recovers */
  copy_file (s10, path);
  err = run_pipeline_to_end (pipe, 30);
  fail_unless (err == NULL, "%s", err);
  gst_object_unref (pipe);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_free (s10);
  g_free (s3);
  g_free (audio_only);
}

GST_END_TEST;

static GstClockTime
frame_pts (guint64 i)
{
  return i * GST_SECOND / 25;
}

static GstClockTime
window_pts (guint64 k)
{
  return gst_util_uint64_scale_int_round (k * 1600, GST_SECOND, 16000);
}

static GstBuffer *
frame (guint64 i)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, 8, NULL);
  gst_buffer_memset (b, 0, (guint8) i, 8);
  GST_BUFFER_PTS (b) = frame_pts (i);
  GST_BUFFER_DURATION (b) = GST_SECOND / 25;
  return b;
}

static GstBuffer *
window (guint64 k)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, WLEN * 4, NULL);
  GstMapInfo map;
  gst_buffer_map (b, &map, GST_MAP_WRITE);
  for (gint i = 0; i < WLEN; i++)
    ((gfloat *) map.data)[i] = (gfloat) k;
  gst_buffer_unmap (b, &map);
  GST_BUFFER_PTS (b) = window_pts (k);
  GST_BUFFER_DURATION (b) = gst_util_uint64_scale_int_round (k * 1600 + WLEN,
      GST_SECOND, 16000) - GST_BUFFER_PTS (b);
  return b;
}

static GstHarness *
audio_harness (GstElement * element)
{
  GstHarness *a = gst_harness_new_with_element (element, "audio", NULL);
  gst_harness_set_live (a, FALSE);
  gst_harness_set_src_caps (a, gst_pad_peer_query_caps (a->srcpad, NULL));
  return a;
}

static gboolean
audio_missing (GstBuffer * out)
{
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
  fail_unless (m && m->fresh);
  const GstMmFusionInputSpan *s = gst_mm_fusion_meta_get_input (m, "audio");
  return s == NULL || s->missing;
}

GST_START_TEST (test_pads_released_and_requested_while_playing)
{
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  gchar *model = probe ("probe_s10");
  g_object_set (e, "model", model, "latency", 30 * GST_SECOND, NULL);
  g_free (model);
  GstHarness *v = gst_harness_new_with_element (e, "video", "src");
  gst_harness_set_live (v, FALSE);
  gst_harness_set_src_caps_str (v, "video/x-raw,format=GRAY8,width=2,"
      "height=2,framerate=25/1");
  GstHarness *a = audio_harness (e);
  for (guint64 k = 0; k < 20; k++)
    gst_harness_push (a, window (k));
  for (guint64 i = 0; i < 25; i++) {
    gst_harness_push (v, frame (i));
    GstBuffer *out = gst_harness_pull (v);
    if (i > 2)
      fail_if (audio_missing (out));
    gst_buffer_unref (out);
  }
  /* the audio pad goes away while video flows: frames keep coming, the
   * audio input is missing */
  gst_harness_teardown (a);
  for (guint64 i = 25; i < 50; i++) {
    gst_harness_push (v, frame (i));
    GstBuffer *out = gst_harness_pull (v);
    fail_unless (audio_missing (out));
    gst_buffer_unref (out);
  }
  /* and comes back: windows from 1.9 s on (frames 50 to 99 are 2 to 4 s) */
  a = audio_harness (e);
  for (guint64 k = 19; k < 45; k++)
    gst_harness_push (a, window (k));
  for (guint64 i = 50; i < 100; i++) {
    gst_harness_push (v, frame (i));
    GstBuffer *out = gst_harness_pull (v);
    if (i > 60)
      fail_if (audio_missing (out), "frame %" G_GUINT64_FORMAT, i);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (a);
  gst_harness_teardown (v);
  gst_object_unref (e);
}

GST_END_TEST;

GST_START_TEST (test_audio_stall_live)
{
  /* live: 5 s of video with no audio; every frame still leaves on its
   * deadline, flagged; when audio returns, results use it again */
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  gchar *model = probe ("probe_s10");
  g_object_set (e, "model", model, NULL);
  g_free (model);
  GstHarness *v = gst_harness_new_with_element (e, "video", "src");
  GstHarness *a = gst_harness_new_with_element (e, "audio", NULL);
  gst_harness_set_src_caps_str (v, "video/x-raw,format=GRAY8,width=2,"
      "height=2,framerate=25/1");
  gst_harness_set_src_caps (a, gst_pad_peer_query_caps (a->srcpad, NULL));
  gst_harness_set_upstream_latency (v, 0);
  gst_harness_set_upstream_latency (a, 0);
  gst_harness_query_latency (v);
  for (guint64 i = 0; i < 125; i++) {
    gst_harness_push (v, frame (i));
    gst_harness_crank_single_clock_wait (v);
    GstBuffer *out = gst_harness_pull (v);
    fail_unless (audio_missing (out));
    gst_buffer_unref (out);
  }
  /* audio returns, interleaved as two live sources would deliver it (a
   * live pad holds two buffers, and this test has one thread) */
  guint64 k = 49;               /* the window frame 125 needs */
  for (guint64 i = 125; i < 140; i++) {
    while (window_pts (k) <= frame_pts (i))
      gst_harness_push (a, window (k++));
    gst_harness_push (v, frame (i));
    GstBuffer *out = gst_harness_pull (v);
    fail_if (audio_missing (out), "frame %" G_GUINT64_FORMAT, i);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (a);
  gst_harness_teardown (v);
  gst_object_unref (e);
}

GST_END_TEST;

static gint rendered;

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer d)
{
  g_atomic_int_inc (&rendered);
}

GST_START_TEST (test_random_seeks)
{
  gchar *model = probe ("probe_s10");
  gchar *desc = g_strdup_printf ("videotestsrc ! video/x-raw,format=GRAY8,"
      "width=64,height=48,framerate=25/1 ! queue ! f.video audiotestsrc "
      "wave=pink-noise ! mmaudiowindow kind=waveform frames=10 win-length=400 "
      "hop-length=160 ! queue ! f.audio mmfusion name=f model=%s ! fakesink "
      "name=s sync=true signal-handoffs=true", model);
  g_free (model);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "s");
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), NULL);
  GstBus *bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (pipe, NULL, NULL, 10 * GST_SECOND) ==
      GST_STATE_CHANGE_SUCCESS);
  GRand *r = g_rand_new_with_seed (17);
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint seeks = 0;
  while (g_get_monotonic_time () < end) {
    gint before = g_atomic_int_get (&rendered);
    g_usleep (g_rand_int_range (r, 50, 300) * 1000);
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg == NULL, "error during the seeks");
    gint64 pos = g_rand_int_range (r, 0, 20000) * GST_MSECOND;
    fail_unless (gst_element_seek_simple (pipe, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH, pos));
    fail_unless (gst_element_get_state (pipe, NULL, NULL, 10 * GST_SECOND)
        == GST_STATE_CHANGE_SUCCESS, "stuck after seek %d", seeks);
    seeks++;
    (void) before;
  }
  /* still alive: frames flow after the last seek */
  gint before = g_atomic_int_get (&rendered);
  g_usleep (500 * 1000);
  fail_unless (g_atomic_int_get (&rendered) > before, "no frames after %d "
      "seeks", seeks);
  GST_INFO ("%d seeks, %d frames rendered", seeks, rendered);
  g_rand_free (r);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
stress_suite (void)
{
  Suite *s = suite_create ("stress");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_1000_state_cycles);
  tcase_add_test (tc, test_model_replaced_between_runs);
  tcase_add_test (tc, test_pads_released_and_requested_while_playing);
  tcase_add_test (tc, test_audio_stall_live);
  tcase_add_test (tc, test_random_seeks);
  return s;
}

int
main (int argc, char **argv)
{
  sync_dir = g_getenv ("MM_GOLDEN_SYNC");
  if (!sync_dir)
    sync_dir = "tests/golden/sync";
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (stress_suite (), "stress", __FILE__);
}
