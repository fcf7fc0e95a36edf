/* mmfusion synchronization (docs/synchronization.md), proven with probe models
 * (tests/golden/sync/make_probe_models.py) whose outputs are the mean of
 * the video input and the mean of the audio input: frames are filled with
 * their index, audio windows with theirs, so every result says which frame
 * and which window the model was given.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <mmfusion/mmfusionmeta.h>

#include <math.h>
#include <string.h>

#define RATE 16000
#define HOP 160
#define WLEN ((10 - 1) * HOP + 400)     /* probe windows: 10 frames, win 400 */

static const char *sync_dir;

typedef struct {
  GstHarness *v, *a;
  gint stride;
  gint fps_n, fps_d;
} Fusion;

static GstClockTime
frame_pts (const Fusion * f, guint64 i)
{
  return gst_util_uint64_scale (i * GST_SECOND, f->fps_d, f->fps_n);
}

static GstClockTime
window_pts (const Fusion * f, guint64 k)
{
  return gst_util_uint64_scale_int_round (k * f->stride * HOP, GST_SECOND,
      RATE);
}

static GstClockTime
window_end (const Fusion * f, guint64 k)
{
  return gst_util_uint64_scale_int_round (k * f->stride * HOP + WLEN,
      GST_SECOND, RATE);
}

/* the window docs/synchronization.md picks for a frame ending at `end`, or -1 */
static gint64
expected_window (const Fusion * f, GstClockTime end, guint64 n_windows)
{
  GstClockTime step = gst_util_uint64_scale_int (GST_SECOND,
      f->stride * HOP, RATE);
  GstClockTime lo = end > step / 2 ? end - step / 2 : 0, hi = end + step / 2;
  for (guint64 k = 0; k < n_windows; k++) {
    GstClockTime e = window_end (f, k);
    if (e > lo && e <= hi)
      return (gint64) k;
  }
  return -1;
}

static Fusion
fusion_new (const char *model, gint stride, gint fps_n, gint fps_d,
    gboolean live, const char *prop, const char *value)
{
  Fusion f = { 0 };
  f.stride = stride;
  f.fps_n = fps_n;
  f.fps_d = fps_d;
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  gchar *path = g_strdup_printf ("%s/%s.onnx", sync_dir, model);
  /* a generous latency lets the pad queues hold a whole test's worth of
   * buffers whatever order they are pushed in */
  g_object_set (e, "model", path, "all-scores", TRUE, "top-k", 2,
      "latency", live ? (guint64) 0 : (guint64) 30 * GST_SECOND, NULL);
  if (prop)
    gst_util_set_object_arg (G_OBJECT (e), prop, value);
  g_free (path);
  f.v = gst_harness_new_with_element (e, "video", "src");
  f.a = gst_harness_new_with_element (e, "audio", NULL);
  gst_object_unref (e);
  gst_harness_set_live (f.v, live);
  gst_harness_set_live (f.a, live);
  gchar *vcaps = g_strdup_printf ("video/x-raw, format=GRAY8, width=2, "
      "height=2, framerate=%d/%d", fps_n, fps_d);
  gst_harness_set_src_caps_str (f.v, vcaps);
  g_free (vcaps);
  /* the audio pad tells which features it wants */
  GstCaps *acaps = gst_pad_peer_query_caps (f.a->srcpad, NULL);
  fail_unless (gst_caps_is_fixed (acaps), "audio pad caps not fixed");
  gst_harness_set_src_caps (f.a, acaps);
  if (live) {
    /* the aggregator schedules deadlines once it knows the latency */
    gst_harness_set_upstream_latency (f.v, 0);
    gst_harness_set_upstream_latency (f.a, 0);
    gst_harness_query_latency (f.v);
  }
  return f;
}

static void
fusion_free (Fusion * f)
{
  gst_harness_teardown (f->a);
  gst_harness_teardown (f->v);
}

static GstBuffer *
video_frame (const Fusion * f, guint64 i, GstClockTimeDiff jitter)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, 8, NULL);   /* 2x2, stride 4 */
  gst_buffer_memset (b, 0, (guint8) (i % 256), 8);
  GstClockTime pts = frame_pts (f, i);
  GST_BUFFER_PTS (b) = (GstClockTime) ((GstClockTimeDiff) pts + jitter);
  GST_BUFFER_DURATION (b) = frame_pts (f, i + 1) - pts;
  return b;
}

static GstBuffer *
audio_window (const Fusion * f, guint64 k)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, WLEN * sizeof (gfloat), NULL);
  GstMapInfo map;
  gst_buffer_map (b, &map, GST_MAP_WRITE);
  for (gint i = 0; i < WLEN; i++)
    ((gfloat *) map.data)[i] = (gfloat) k;
  gst_buffer_unmap (b, &map);
  GST_BUFFER_PTS (b) = window_pts (f, k);
  GST_BUFFER_DURATION (b) = window_end (f, k) - window_pts (f, k);
  return b;
}

/* windows [from, to) and frames [from, to), in order */
static void
push_windows (const Fusion * f, guint64 from, guint64 to)
{
  for (guint64 k = from; k < to; k++)
    fail_unless_equals_int (gst_harness_push (f->a, audio_window (f, k)),
        GST_FLOW_OK);
}

static void
push_frames (const Fusion * f, guint64 from, guint64 to)
{
  for (guint64 i = from; i < to; i++)
    fail_unless_equals_int (gst_harness_push (f->v, video_frame (f, i, 0)),
        GST_FLOW_OK);
}

typedef enum { AUDIO_FIRST, VIDEO_FIRST, INTERLEAVED } Order;

/* Pushes n_frames and every window that ends before the last frame ends
 * (plus one), in the given order, then EOS; checks every output frame. */
static void
check_sync (const char *model, gint stride, gint fps_n, gint fps_d,
    guint n_frames, Order order, GstClockTime jitter)
{
  Fusion f = fusion_new (model, stride, fps_n, fps_d, FALSE, NULL, NULL);
  GstClockTime last_end = frame_pts (&f, n_frames);
  guint64 n_windows = 0;
  while (window_end (&f, n_windows) <= last_end + GST_SECOND)
    n_windows++;
  GRand *r = g_rand_new_with_seed (11);
  GstClockTimeDiff *jit = g_new0 (GstClockTimeDiff, n_frames);
  for (guint i = 1; i < n_frames && jitter; i++)
    jit[i] = g_rand_int_range (r, -(gint32) (jitter / 1000),
        (gint32) (jitter / 1000) + 1) * 1000;
  g_rand_free (r);

  if (order == AUDIO_FIRST) {
    for (guint64 k = 0; k < n_windows; k++)
      fail_unless_equals_int (gst_harness_push (f.a, audio_window (&f, k)),
          GST_FLOW_OK);
    gst_harness_push_event (f.a, gst_event_new_eos ());
  }
  guint64 k = 0;
  for (guint64 i = 0; i < n_frames; i++) {
    fail_unless_equals_int (gst_harness_push (f.v, video_frame (&f, i,
                jit[i])), GST_FLOW_OK);
    if (order == INTERLEAVED)
      while (k < n_windows && window_pts (&f, k) <= frame_pts (&f, i))
        gst_harness_push (f.a, audio_window (&f, k++));
  }
  if (order != AUDIO_FIRST) {
    for (; k < n_windows; k++)
      gst_harness_push (f.a, audio_window (&f, k));
    gst_harness_push_event (f.a, gst_event_new_eos ());
  }
  gst_harness_push_event (f.v, gst_event_new_eos ());

  for (guint64 i = 0; i < n_frames; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    fail_unless (out != NULL, "frame %" G_GUINT64_FORMAT " missing", i);
    GstClockTime t = (GstClockTime) ((GstClockTimeDiff) frame_pts (&f, i)
        + jit[i]);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), t);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m != NULL && m->fresh, "frame %" G_GUINT64_FORMAT, i);
    fail_unless_equals_int (m->n_all, 2);
    /* the frame itself */
    fail_unless (fabs (m->all_scores[0] * 255.0 - (double) (i % 256)) < 1e-3,
        "frame %" G_GUINT64_FORMAT " saw frame %f", i,
        m->all_scores[0] * 255.0);
    /* the window: to the nanosecond */
    gint64 want = expected_window (&f, t + GST_BUFFER_DURATION (out),
        n_windows);
    const GstMmFusionInputSpan *span = gst_mm_fusion_meta_get_input (m,
        "audio");
    fail_unless (span != NULL);
    if (want < 0) {
      fail_unless (span->missing, "frame %" G_GUINT64_FORMAT " had no "
          "window but got %f", i, m->all_scores[1]);
      fail_unless_equals_float (m->all_scores[1], 0.0f);
    } else {
      fail_unless (!span->missing, "frame %" G_GUINT64_FORMAT " (end %"
          GST_TIME_FORMAT ") should see window %" G_GINT64_FORMAT, i,
          GST_TIME_ARGS (t + GST_BUFFER_DURATION (out)), want);
      fail_unless_equals_float (m->all_scores[1], (gfloat) want);
      fail_unless_equals_uint64 (span->start, window_pts (&f, want));
      fail_unless_equals_uint64 (span->end, window_end (&f, want));
    }
    const GstMmFusionInputSpan *vs = gst_mm_fusion_meta_get_input (m,
        "video");
    fail_unless_equals_uint64 (vs->start, t);
    gst_buffer_unref (out);
  }
  g_free (jit);
  fusion_free (&f);
}

GST_START_TEST (test_sync_25fps)
{
  check_sync ("probe_s10", 10, 25, 1, 100, INTERLEAVED, 0);
}

GST_END_TEST;

GST_START_TEST (test_sync_ntsc)
{
  check_sync ("probe_s10", 10, 30000, 1001, 120, INTERLEAVED, 0);
  check_sync ("probe_s3", 3, 30000, 1001, 120, INTERLEAVED, 0);
}

GST_END_TEST;

GST_START_TEST (test_sync_60fps)
{
  check_sync ("probe_s25", 25, 60, 1, 150, INTERLEAVED, 0);
  check_sync ("probe_s3", 3, 60, 1, 150, INTERLEAVED, 0);
}

GST_END_TEST;

GST_START_TEST (test_sync_jitter)
{
  /* timestamps off by up to 3 ms: the rule follows the real timestamps */
  check_sync ("probe_s10", 10, 25, 1, 100, INTERLEAVED, 3 * GST_MSECOND);
}

GST_END_TEST;

GST_START_TEST (test_sync_audio_early_or_late)
{
  check_sync ("probe_s10", 10, 25, 1, 80, AUDIO_FIRST, 0);
  check_sync ("probe_s10", 10, 25, 1, 80, VIDEO_FIRST, 0);
}

GST_END_TEST;

/* the missing policies, under a live deadline */
static GstMmFusionMeta *
live_frame_without_audio (Fusion * f, guint64 i, GstBuffer ** out)
{
  gst_harness_push (f->v, video_frame (f, i, 0));
  /* nothing on the audio pad: the aggregator waits for its deadline */
  gst_harness_crank_single_clock_wait (f->v);
  *out = gst_harness_pull (f->v);
  fail_unless (*out != NULL);
  return gst_buffer_get_mm_fusion_meta (*out);
}

GST_START_TEST (test_missing_zeros)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, TRUE, "missing", "zeros");
  GstBuffer *out;
  GstMmFusionMeta *m = live_frame_without_audio (&f, 0, &out);
  fail_unless (m && m->fresh);
  fail_unless (gst_mm_fusion_meta_get_input (m, "audio")->missing);
  fail_unless_equals_float (m->all_scores[1], 0.0f);
  gst_buffer_unref (out);
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_missing_last)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, TRUE, "missing", "last");
  /* window 7 arrives, then time passes it by: it becomes `last` */
  gst_harness_push (f.a, audio_window (&f, 7));
  GstBuffer *out;
  guint64 i = 40;               /* 1.6 s: far past window 7 (0.7-0.815 s) */
  gst_harness_push (f.v, video_frame (&f, i, 0));
  gst_harness_crank_single_clock_wait (f.v);
  out = gst_harness_pull (f.v);
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
  fail_unless (m && m->fresh);
  const GstMmFusionInputSpan *s = gst_mm_fusion_meta_get_input (m, "audio");
  fail_unless (s->missing);
  fail_unless_equals_float (m->all_scores[1], 7.0f);
  fail_unless_equals_uint64 (s->start, window_pts (&f, 7));
  gst_buffer_unref (out);
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_missing_skip)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, TRUE, "missing", "skip");
  GstBuffer *out;
  GstMmFusionMeta *m = live_frame_without_audio (&f, 0, &out);
  /* the frame still leaves, with no result */
  fail_unless (m == NULL);
  gst_buffer_unref (out);
  GstStructure *stats;
  g_object_get (f.v->element, "stats", &stats, NULL);
  guint64 inferences = 1, missing = 0;
  gst_structure_get_uint64 (stats, "inferences", &inferences);
  gst_structure_get_uint64 (stats, "missing-inputs", &missing);
  fail_unless_equals_uint64 (inferences, 0);
  fail_unless_equals_uint64 (missing, 1);
  gst_structure_free (stats);
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_qos_skips_late_ticks)
{
  /* live, and the clock already 10 s past the frame's deadline: the tick
   * is skipped and counted, the frame still leaves at once */
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, TRUE, NULL, NULL);
  gst_harness_set_time (f.v, 10 * GST_SECOND);
  gst_harness_push (f.a, audio_window (&f, 0));
  gst_harness_push (f.a, audio_window (&f, 1));
  gst_harness_push (f.v, video_frame (&f, 1, 0));
  GstBuffer *out = gst_harness_pull (f.v);
  fail_unless (out != NULL);
  fail_unless (gst_buffer_get_mm_fusion_meta (out) == NULL);
  gst_buffer_unref (out);
  GstStructure *stats;
  g_object_get (f.v->element, "stats", &stats, NULL);
  guint64 skipped = 0, inferences = 1;
  gst_structure_get_uint64 (stats, "skipped-ticks", &skipped);
  gst_structure_get_uint64 (stats, "inferences", &inferences);
  fail_unless_equals_uint64 (skipped, 1);
  fail_unless_equals_uint64 (inferences, 0);
  gst_structure_free (stats);
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_events)
{
  /* the audio score is the window index, which only grows: with
   * event-on audio=3 one event starts when window 3 is used, and stays on */
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, "event-on",
      "audio=3");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (f.v->element, bus);
  push_windows (&f, 0, 10);
  gint first_active = -1;
  for (guint64 i = 0; i < 20; i++) {
    gst_harness_push (f.v, video_frame (&f, i, 0));
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    gboolean on = m->all_scores[1] >= 3.0f;
    fail_unless_equals_int (m->event_class, on ? 1 : -1);
    if (on && first_active < 0)
      first_active = (gint) i;
    gst_buffer_unref (out);
  }
  fail_unless (first_active > 0);
  /* exactly one start message, for label "audio" */
  gint starts = 0;
  GstMessage *msg;
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    if (gst_message_has_name (msg, "mmfusion-event")) {
      const GstStructure *st = gst_message_get_structure (msg);
      fail_unless_equals_string (gst_structure_get_string (st, "state"),
          "start");
      fail_unless_equals_string (gst_structure_get_string (st, "label"),
          "audio");
      starts++;
    }
    gst_message_unref (msg);
  }
  fail_unless_equals_int (starts, 1);
  gst_element_set_bus (f.v->element, NULL);
  gst_object_unref (bus);
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_audio_eos_video_goes_on)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  push_windows (&f, 0, 5);
  gst_harness_push_event (f.a, gst_event_new_eos ());
  push_frames (&f, 0, 50);
  for (guint64 i = 0; i < 50; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh);
    gint64 want = expected_window (&f, frame_pts (&f, i + 1), 5);
    fail_unless_equals_int (gst_mm_fusion_meta_get_input (m,
            "audio")->missing, want < 0);
    gst_buffer_unref (out);
  }
  fusion_free (&f);
}

GST_END_TEST;

/* element warnings posted on a bus the test gives the element */
static guint
count_warnings (GstBus * bus, const gchar * containing)
{
  guint n = 0;
  GstMessage *msg;
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    GError *err;
    gchar *dbg;
    gst_message_parse_warning (msg, &err, &dbg);
    if (!containing || strstr (dbg ? dbg : "", containing))
      n++;
    g_error_free (err);
    g_free (dbg);
    gst_message_unref (msg);
  }
  return n;
}

/* A GAP event on the audio pad (a microphone dropping packets): the base
 * class queues it as an empty buffer. The ticks whose window lies in the
 * gap follow the `missing` policy, flagged; the others use their window.
 * Also a window too short for the model and one without a timestamp:
 * missing and dropped, each told once. (This crashed: the empty buffer's
 * NULL data was copied into the model input.) */
static void
check_audio_gap (const char *policy)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, "missing", policy);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (f.v->element, bus);
  push_windows (&f, 0, 10);
  /* windows 10 to 39 (a 3 s hole, 1 s to 4 s) never come: a gap instead */
  gst_harness_push_event (f.a, gst_event_new_gap (window_pts (&f, 10),
          window_pts (&f, 40) - window_pts (&f, 10)));
  push_windows (&f, 40, 45);
  GstBuffer *bad = audio_window (&f, 45);
  gst_buffer_resize (bad, 0, 8);
  gst_harness_push (f.a, bad);
  push_windows (&f, 46, 50);
  GstBuffer *nopts = audio_window (&f, 50);
  GST_BUFFER_PTS (nopts) = GST_CLOCK_TIME_NONE;
  gst_harness_push (f.a, nopts);
  push_windows (&f, 51, 60);
  gst_harness_push_event (f.a, gst_event_new_eos ());
  push_frames (&f, 0, 145);
  gboolean last = strcmp (policy, "last") == 0;
  gint64 last_good = -1;
  for (guint64 i = 0; i < 145; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    fail_unless (out != NULL);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh, "frame %" G_GUINT64_FORMAT, i);
    const GstMmFusionInputSpan *a = gst_mm_fusion_meta_get_input (m, "audio");
    gint64 want = expected_window (&f, frame_pts (&f, i + 1), 60);
    gboolean absent = want < 0 || (want >= 10 && want < 40) || want == 45
        || want == 50;
    fail_unless_equals_int (a->missing, absent);
    if (!absent) {
      fail_unless_equals_float (m->all_scores[1], (gfloat) want);
      last_good = want;
    } else if (last && last_good >= 0) {
      fail_unless_equals_float (m->all_scores[1], (gfloat) last_good);
    } else {
      fail_unless_equals_float (m->all_scores[1], 0.0f);
    }
    gst_buffer_unref (out);
  }
  fail_unless_equals_int (count_warnings (bus, "a window of 8 bytes"), 1);
  fail_unless_equals_int (count_warnings (bus, NULL), 0);
  gst_element_set_bus (f.v->element, NULL);
  gst_object_unref (bus);
  fusion_free (&f);
}

GST_START_TEST (test_audio_gap_is_missing)
{
  check_audio_gap ("zeros");
  check_audio_gap ("last");
}

GST_END_TEST;

/* A GAP on the video pad is no frame: no buffer and no tick, the gap goes
 * on downstream as an event; the frames around it are inferred as usual. */
GST_START_TEST (test_video_gap_forwarded)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  push_windows (&f, 0, 20);
  push_frames (&f, 0, 5);
  gst_harness_push_event (f.v, gst_event_new_gap (frame_pts (&f, 5),
          frame_pts (&f, 10) - frame_pts (&f, 5)));
  push_frames (&f, 10, 15);
  for (guint64 i = 0; i < 10; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    guint64 want = i < 5 ? i : i + 5;
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), frame_pts (&f, want));
    fail_unless (m && m->fresh);
    gst_buffer_unref (out);
  }
  fail_unless_equals_int (gst_harness_buffers_in_queue (f.v), 0);
  GstEvent *ev;
  gboolean gap = FALSE;
  while ((ev = gst_harness_try_pull_event (f.v))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_GAP) {
      GstClockTime pts, dur;
      gst_event_parse_gap (ev, &pts, &dur);
      fail_unless_equals_uint64 (pts, frame_pts (&f, 5));
      gap = TRUE;
    }
    gst_event_unref (ev);
  }
  fail_unless (gap);
  fusion_free (&f);
}

GST_END_TEST;

/* Frames without timestamps (an image sequence without a framerate):
 * each is still a tick the model sees, the audio, which cannot be paired
 * with it, missing; one warning says so. */
GST_START_TEST (test_frames_without_timestamps)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (f.v->element, bus);
  push_windows (&f, 0, 3);
  for (guint64 i = 0; i < 5; i++) {
    GstBuffer *b = video_frame (&f, i + 7, 0);
    GST_BUFFER_PTS (b) = GST_BUFFER_DURATION (b) = GST_CLOCK_TIME_NONE;
    gst_harness_push (f.v, b);
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh);
    fail_unless (fabs (m->all_scores[0] * 255.0 - (double) (i + 7)) < 1e-3);
    fail_if (gst_mm_fusion_meta_get_input (m, "video")->missing);
    fail_unless (gst_mm_fusion_meta_get_input (m, "audio")->missing);
    gst_buffer_unref (out);
  }
  fail_unless_equals_int (count_warnings (bus, "without timestamps"), 1);
  gst_element_set_bus (f.v->element, NULL);
  gst_object_unref (bus);
  fusion_free (&f);
}

GST_END_TEST;

/* A pad with a segment in another format than time (found by the fuzzer:
 * a frame without timestamp then hit a critical converting it to stream
 * time; a GAP one in GstAggregator's clipping): frames pass through
 * without a tick, GAPs are dropped. */
GST_START_TEST (test_bytes_segment)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  push_windows (&f, 0, 3);
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_BYTES);
  gst_harness_push_event (f.a, gst_event_new_segment (&seg));
  gst_harness_push_event (f.a, gst_event_new_gap (0, GST_SECOND));
  gst_harness_push_event (f.v, gst_event_new_segment (&seg));
  gst_harness_push_event (f.v, gst_event_new_gap (0, GST_SECOND));
  for (guint64 i = 0; i < 3; i++) {
    GstBuffer *b = video_frame (&f, i, 0);
    if (i == 1)
      GST_BUFFER_PTS (b) = GST_CLOCK_TIME_NONE;
    gst_harness_push (f.v, b);
    GstBuffer *out = gst_harness_pull (f.v);
    fail_unless (out != NULL);
    gst_buffer_unref (out);
  }
  fusion_free (&f);
}

GST_END_TEST;

/* Live, with a clock that wakes a little after each deadline, as a real
 * one does: when the aggregator waits for audio until a frame's deadline,
 * the clock is set 3 ms past it before the wait ends. The deadline passing
 * while waiting for audio must not make the tick "late": the missing
 * policy runs. Returns the next output. */
static GstBuffer *
pull_past_deadlines (GstHarness * h)
{
  GstTestClock *clock = gst_harness_get_testclock (h);
  GstBuffer *out;
  gint64 give_up = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!(out = gst_harness_try_pull (h))
      && g_get_monotonic_time () < give_up) {
    GstClockID id;
    if (!gst_test_clock_peek_next_pending_id (clock, &id)) {
      g_usleep (100);
      continue;
    }
    GstClockTime at = gst_clock_id_get_time (id) + 3 * GST_MSECOND;
    if (at > gst_clock_get_time (GST_CLOCK (clock)))
      gst_test_clock_set_time (clock, at);
    GstClockID done = gst_test_clock_process_next_clock_id (clock);
    if (done)
      gst_clock_id_unref (done);
    gst_clock_id_unref (id);
  }
  gst_object_unref (clock);
  return out;
}

/* frames [from, to) with the windows they need pushed alongside (none
 * when `audio` is FALSE; k is the next window), each checked for a fresh
 * result whose audio flag says whether its window was there */
static guint64
live_frames (Fusion * f, guint64 from, guint64 to, gboolean audio,
    guint64 k, gboolean last, const char *what)
{
  for (guint64 i = from; i < to; i++) {
    if (audio) {
      while (window_pts (f, k) <= frame_pts (f, i))
        gst_harness_push (f->a, audio_window (f, k++));
    }
    gst_harness_push (f->v, video_frame (f, i, 0));
    gboolean absent = expected_window (f, frame_pts (f, i + 1), k) < 0;
    GstBuffer *out = pull_past_deadlines (f->v);
    fail_unless (out != NULL, "%s: frame %" G_GUINT64_FORMAT " never left",
        what, i);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh, "%s: frame %" G_GUINT64_FORMAT " has no "
        "fresh result", what, i);
    fail_unless_equals_int (gst_mm_fusion_meta_get_input (m,
            "audio")->missing, absent);
    /* `last`: one of the two latest windows (both have passed by) */
    if (absent && last && k > 1)
      fail_unless (m->all_scores[1] >= k - 2 && m->all_scores[1] <= k - 1,
          "%s: frame %" G_GUINT64_FORMAT ": %f", what, i, m->all_scores[1]);
    else if (absent)
      fail_unless_equals_float (m->all_scores[1], 0.0f);
    gst_buffer_unref (out);
  }
  return k;
}

GST_START_TEST (test_live_audio_late_and_stalled)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, TRUE, "missing", "zeros");
  /* audio starts 10 s late: results from the first tick, flagged */
  live_frames (&f, 0, 250, FALSE, 0, FALSE, "audio not started");
  guint64 k = live_frames (&f, 250, 300, TRUE, 99, FALSE, "audio started");
  /* audio stalls for 6 s, then comes back */
  live_frames (&f, 300, 450, FALSE, k, FALSE, "audio stalled");
  live_frames (&f, 450, 475, TRUE, 179, FALSE, "audio back");
  GstStructure *stats;
  g_object_get (f.v->element, "stats", &stats, NULL);
  guint64 skipped = 1;
  gst_structure_get_uint64 (stats, "skipped-ticks", &skipped);
  fail_unless_equals_uint64 (skipped, 0);
  gst_structure_free (stats);
  fusion_free (&f);
}

GST_END_TEST;

/* The same with `last`: the stalled ticks reuse the last window. */
GST_START_TEST (test_live_stall_last)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, TRUE, "missing", "last");
  guint64 k = live_frames (&f, 0, 50, TRUE, 0, TRUE, "audio");
  live_frames (&f, 50, 100, FALSE, k, TRUE, "audio stalled");
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_video_eos_ends)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  push_windows (&f, 0, 3);
  gst_harness_push (f.v, video_frame (&f, 0, 0));
  gst_harness_push_event (f.v, gst_event_new_eos ());
  GstBuffer *out = gst_harness_pull (f.v);
  gst_buffer_unref (out);
  /* EOS reaches downstream though the audio pad never ended */
  GstEvent *ev;
  gboolean eos = FALSE;
  for (gint tries = 0; tries < 100 && !eos; tries++) {
    while ((ev = gst_harness_try_pull_event (f.v))) {
      eos = eos || GST_EVENT_TYPE (ev) == GST_EVENT_EOS;
      gst_event_unref (ev);
    }
    if (!eos)
      g_usleep (10000);
  }
  fail_unless (eos);
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_interval)
{
  /* interval 200 ms at 25 fps: every fifth frame is fresh, the others carry
   * its result */
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, "interval",
      "200000000");
  push_windows (&f, 0, 30);
  push_frames (&f, 0, 50);
  for (guint64 i = 0; i < 50; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m != NULL);
    fail_unless_equals_int (m->fresh, i % 5 == 0);
    /* a carried result is the one of the last tick */
    fail_unless (fabs (m->all_scores[0] * 255.0 - (double) (i - i % 5)) <
        1e-3);
    fail_unless_equals_uint64 (m->running_time, frame_pts (&f, i - i % 5));
    gst_buffer_unref (out);
  }
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_resolution_change)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  push_windows (&f, 0, 20);
  push_frames (&f, 0, 10);
  /* now 8x6 frames (stride 8): the model still sees the frame's value */
  gst_harness_set_src_caps_str (f.v, "video/x-raw, format=GRAY8, width=8, "
      "height=6, framerate=25/1");
  for (guint64 i = 10; i < 20; i++) {
    GstBuffer *b = gst_buffer_new_allocate (NULL, 48, NULL);
    gst_buffer_memset (b, 0, (guint8) i, 48);
    GST_BUFFER_PTS (b) = frame_pts (&f, i);
    GST_BUFFER_DURATION (b) = frame_pts (&f, i + 1) - frame_pts (&f, i);
    gst_harness_push (f.v, b);
  }
  for (guint64 i = 0; i < 20; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh);
    fail_unless (fabs (m->all_scores[0] * 255.0 - (double) i) < 1e-3);
    fail_unless_equals_int (gst_buffer_get_size (out), i < 10 ? 8 : 48);
    gst_buffer_unref (out);
  }
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_segment_base)
{
  /* both pads in a segment with base 5 s and start 2 s: decisions and the
   * meta are in running time (base + pts - start) */
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.base = 5 * GST_SECOND;
  seg.start = seg.time = 2 * GST_SECOND;
  gst_harness_push_event (f.v, gst_event_new_segment (&seg));
  gst_harness_push_event (f.a, gst_event_new_segment (&seg));
  push_windows (&f, 20, 60);
  push_frames (&f, 50, 100);
  for (guint64 i = 50; i < 100; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh);
    GstClockTime rt = 5 * GST_SECOND + frame_pts (&f, i) - 2 * GST_SECOND;
    fail_unless_equals_uint64 (m->running_time, rt);
    gint64 want = expected_window (&f, frame_pts (&f, i + 1), 60);
    const GstMmFusionInputSpan *s = gst_mm_fusion_meta_get_input (m, "audio");
    if (want >= 20) {
      fail_unless_equals_float (m->all_scores[1], (gfloat) want);
      fail_unless_equals_uint64 (s->start, 5 * GST_SECOND
          + window_pts (&f, want) - 2 * GST_SECOND);
    }
    gst_buffer_unref (out);
  }
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_segment_rate_and_offset)
{
  /* rate 2 and an offset on both pads: running time runs at twice the
   * speed, so the rule picks the same windows as in stream time */
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.rate = 2.0;
  seg.base = GST_SECOND;
  seg.offset = 0;
  gst_harness_push_event (f.v, gst_event_new_segment (&seg));
  gst_harness_push_event (f.a, gst_event_new_segment (&seg));
  push_windows (&f, 0, 30);
  push_frames (&f, 0, 60);
  for (guint64 i = 0; i < 60; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh);
    fail_unless_equals_uint64 (m->running_time, GST_SECOND
        + frame_pts (&f, i) / 2);
    gint64 want = expected_window (&f, frame_pts (&f, i + 1), 30);
    const GstMmFusionInputSpan *sp = gst_mm_fusion_meta_get_input (m,
        "audio");
    if (want < 0) {
      fail_unless (sp->missing);
    } else {
      fail_unless_equals_float (m->all_scores[1], (gfloat) want);
      fail_unless_equals_uint64 (sp->end, GST_SECOND + window_end (&f,
              want) / 2);
    }
    gst_buffer_unref (out);
  }
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_flushing_seek)
{
  Fusion f = fusion_new ("probe_s10", 10, 25, 1, FALSE, NULL, NULL);
  push_windows (&f, 0, 10);
  push_frames (&f, 0, 10);
  for (guint64 i = 0; i < 10; i++)
    gst_buffer_unref (gst_harness_pull (f.v));
  /* a flushing seek to 3 s on both pads */
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = seg.time = 3 * GST_SECOND;
  for (gint p = 0; p < 2; p++) {
    GstHarness *h = p ? f.a : f.v;
    gst_harness_push_event (h, gst_event_new_flush_start ());
    gst_harness_push_event (h, gst_event_new_flush_stop (TRUE));
    gst_harness_push_event (h, gst_event_new_segment (&seg));
  }
  push_windows (&f, 28, 45);
  push_frames (&f, 75, 100);
  for (guint64 i = 75; i < 100; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh);
    fail_unless (fabs (m->all_scores[0] * 255.0 - (double) i) < 1e-3);
    gint64 want = expected_window (&f, frame_pts (&f, i + 1), 45);
    if (want >= 28)
      fail_unless_equals_float (m->all_scores[1], (gfloat) want);
    gst_buffer_unref (out);
  }
  fusion_free (&f);
}

GST_END_TEST;

GST_START_TEST (test_audio_only)
{
  /* an audio-only model outputs one buffer per window, each with its
   * result */
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  gchar *path = g_strdup_printf ("%s/probe_audio_only.onnx", sync_dir);
  g_object_set (e, "model", path, "all-scores", TRUE, NULL);
  g_free (path);
  GstHarness *h = gst_harness_new_with_element (e, "audio", "src");
  gst_object_unref (e);
  gst_harness_set_live (h, FALSE);
  GstCaps *caps = gst_pad_peer_query_caps (h->srcpad, NULL);
  gst_harness_set_src_caps (h, caps);
  Fusion f = {.stride = 10 };
  for (guint64 k = 0; k < 8; k++)
    gst_harness_push (h, audio_window (&f, k));
  for (guint64 k = 0; k < 8; k++) {
    GstBuffer *out = gst_harness_pull (h);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh);
    fail_unless_equals_float (m->all_scores[0], (gfloat) k);
    fail_unless_equals_uint64 (m->running_time, window_pts (&f, k));
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

/* An audio-only model fed a window too short for it (found by the mmfusion
 * fuzzer: the short buffer was read past its end): its output carries a
 * result with the input missing, the windows around it are unaffected. */
GST_START_TEST (test_audio_only_short_window)
{
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  gchar *path = g_strdup_printf ("%s/probe_audio_only.onnx", sync_dir);
  g_object_set (e, "model", path, "all-scores", TRUE, NULL);
  g_free (path);
  GstHarness *h = gst_harness_new_with_element (e, "audio", "src");
  gst_object_unref (e);
  gst_harness_set_live (h, FALSE);
  gst_harness_set_src_caps (h, gst_pad_peer_query_caps (h->srcpad, NULL));
  Fusion f = {.stride = 10 };
  for (guint64 k = 0; k < 3; k++) {
    GstBuffer *b = audio_window (&f, k + 1);
    if (k == 1)
      gst_buffer_resize (b, 0, 8);
    gst_harness_push (h, b);
  }
  for (guint64 k = 0; k < 3; k++) {
    GstBuffer *out = gst_harness_pull (h);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m && m->fresh);
    fail_unless_equals_int (gst_mm_fusion_meta_get_input (m,
            "audio")->missing, k == 1);
    fail_unless_equals_float (m->all_scores[0], k == 1 ? 0.0f : k + 1.0f);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_clip_of_frames)
{
  /* a clip model sees the 4 most recent frames: mean = mean of indices */
  Fusion f = fusion_new ("probe_clip4", 10, 25, 1, FALSE, NULL, NULL);
  push_windows (&f, 0, 20);
  push_frames (&f, 0, 20);
  for (guint64 i = 0; i < 20; i++) {
    GstBuffer *out = gst_harness_pull (f.v);
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    /* before 4 frames exist the oldest repeats */
    double sum = 0.0;
    for (gint t = 0; t < 4; t++)
      sum += (double) MAX ((gint64) i - 3 + t, 0);
    fail_unless (fabs (m->all_scores[0] * 255.0 - sum / 4.0) < 1e-3,
        "frame %" G_GUINT64_FORMAT ": %f", i, m->all_scores[0] * 255.0);
    gst_buffer_unref (out);
  }
  fusion_free (&f);
}

GST_END_TEST;

/* the first error on the bus, its message and debug text joined */
static gchar *
pop_error (GstBus * bus)
{
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error message");
  GError *err;
  gchar *dbg;
  gst_message_parse_error (msg, &err, &dbg);
  gchar *text = g_strdup_printf ("%s | %s", err->message, dbg ? dbg : "");
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
  return text;
}

/* An element with the given model and requested pads: does READY to PAUSED
 * fail, and with which error? */
static gchar *
start_error_props (const char *model, const char *const *pads,
    const char *prop, const char *value)
{
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  g_object_set (e, "model", model, NULL);
  if (prop)
    gst_util_set_object_arg (G_OBJECT (e), prop, value);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);
  for (gint i = 0; pads[i]; i++) {
    GstPad *pad = gst_element_request_pad_simple (e, pads[i]);
    fail_unless (pad != NULL, "no pad '%s'", pads[i]);
    gst_object_unref (pad);
  }
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  gchar *text = pop_error (bus);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
  return text;
}

static gchar *
start_error (const char *model, const char *const *pads)
{
  return start_error_props (model, pads, NULL, NULL);
}

GST_START_TEST (test_bad_model)
{
  /* a model that cannot be loaded: the pads are made (gst-launch links
   * them), the start fails with an error naming the file and the reason in
   * its message, not "pad problem" or "could not link" */
  const char *pads[] = { "video", "audio", NULL };
  gchar *text = start_error ("/nonexistent/model.onnx", pads);
  fail_unless (strstr (text, "Could not load the model: "
          "/nonexistent/model.onnx") != NULL, "%s", text);
  g_free (text);
  gchar *path = g_strdup_printf ("%s/../meta/zero_classes.onnx", sync_dir);
  text = start_error (path, pads);
  fail_unless (strstr (text, "has 0 classes") != NULL, "%s", text);
  g_free (text);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_unknown_pad)
{
  gchar *path = g_strdup_printf ("%s/probe_s10.onnx", sync_dir);
  /* a typo: the pad is made, the start lists the model's inputs */
  const char *typo[] = { "vidoe", NULL };
  gchar *text = start_error (path, typo);
  fail_unless (strstr (text, "has no input 'vidoe'; its inputs: video, "
          "audio (") != NULL, "%s", text);
  g_free (text);
  /* a pad requested twice: refused, no reference leaked (the sanitizer
   * build checks that) */
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  g_object_set (e, "model", path, NULL);
  GstPad *pad = gst_element_request_pad_simple (e, "audio");
  fail_unless (pad != NULL);
  GstPad *again = NULL;
  /* GstElement complains (undefined behaviour), then asks us anyway */
  ASSERT_CRITICAL (again = gst_element_request_pad (e,
          gst_element_get_pad_template (e, "%s"), "audio", NULL));
  fail_unless (again == NULL);
  gst_element_release_request_pad (e, pad);
  gst_object_unref (pad);
  gst_object_unref (e);
  /* a modality the model does not have: refused (applications probe
   * models that way), with a warning that lists the inputs */
  gchar *video_only = g_strdup_printf ("%s/probe_video_only.onnx", sync_dir);
  e = gst_element_factory_make ("mmfusion", NULL);
  g_object_set (e, "model", video_only, NULL);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);
  fail_unless (gst_element_request_pad_simple (e, "audio") == NULL);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  GError *err;
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless (strstr (err->message, "has no input 'audio'; its inputs: "
          "video") != NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
  g_free (video_only);
  g_free (path);
}

GST_END_TEST;

/* Values the property specs let through but that mean nothing: refused
 * with a warning (threshold NaN), or an error at start naming the value
 * (event-on=nan). */
GST_START_TEST (test_nan_properties)
{
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  g_object_set (e, "threshold", 0.25, NULL);
  ASSERT_WARNING (g_object_set (e, "threshold", NAN, NULL));
  gdouble v;
  g_object_get (e, "threshold", &v, NULL);
  fail_unless_equals_float (v, 0.25);
  gst_object_unref (e);

  gchar *path = g_strdup_printf ("%s/probe_s10.onnx", sync_dir);
  const char *pads[] = { "video", NULL };
  gchar *text = start_error_props (path, pads, "event-on", "nan");
  fail_unless (strstr (text, "'nan' is not a threshold") != NULL, "%s", text);
  g_free (text);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_state_cycles)
{
  /* 200 NULL -> PLAYING -> NULL cycles with both pads linked */
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=2 ! "
      "video/x-raw,format=GRAY8,width=2,height=2 ! f.video "
      "audiotestsrc num-buffers=2 ! mmaudiowindow kind=waveform frames=10 "
      "win-length=400 hop-length=160 ! f.audio mmfusion name=f "
      "model=%s/probe_s10.onnx ! fakesink", sync_dir);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  fail_unless (pipe != NULL);
  for (gint i = 0; i < 200; i++) {
    fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_get_state (pipe, NULL, NULL,
            5 * GST_SECOND) != GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_set_state (pipe, GST_STATE_NULL) ==
        GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
mmfusion_suite (void)
{
  Suite *s = suite_create ("mmfusion");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_sync_25fps);
  tcase_add_test (tc, test_sync_ntsc);
  tcase_add_test (tc, test_sync_60fps);
  tcase_add_test (tc, test_sync_jitter);
  tcase_add_test (tc, test_sync_audio_early_or_late);
  tcase_add_test (tc, test_missing_zeros);
  tcase_add_test (tc, test_missing_last);
  tcase_add_test (tc, test_missing_skip);
  tcase_add_test (tc, test_qos_skips_late_ticks);
  tcase_add_test (tc, test_events);
  tcase_add_test (tc, test_audio_eos_video_goes_on);
  tcase_add_test (tc, test_video_eos_ends);
  tcase_add_test (tc, test_audio_gap_is_missing);
  tcase_add_test (tc, test_video_gap_forwarded);
  tcase_add_test (tc, test_frames_without_timestamps);
  tcase_add_test (tc, test_bytes_segment);
  tcase_add_test (tc, test_live_audio_late_and_stalled);
  tcase_add_test (tc, test_live_stall_last);
  tcase_add_test (tc, test_interval);
  tcase_add_test (tc, test_resolution_change);
  tcase_add_test (tc, test_segment_base);
  tcase_add_test (tc, test_segment_rate_and_offset);
  tcase_add_test (tc, test_flushing_seek);
  tcase_add_test (tc, test_audio_only);
  tcase_add_test (tc, test_audio_only_short_window);
  tcase_add_test (tc, test_clip_of_frames);
  tcase_add_test (tc, test_bad_model);
  tcase_add_test (tc, test_unknown_pad);
  tcase_add_test (tc, test_nan_properties);
  tcase_add_test (tc, test_state_cycles);
  return s;
}

int
main (int argc, char **argv)
{
  sync_dir = g_getenv ("MM_GOLDEN_SYNC");
  if (!sync_dir)
    sync_dir = "tests/golden/sync";
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (mmfusion_suite (), "mmfusion", __FILE__);
}
