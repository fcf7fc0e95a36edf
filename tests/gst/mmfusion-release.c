/* mmfusion's pads released while the aggregator is still working on their
 * queued buffers: the leading video pad, then the audio pad, each from the
 * application's thread (GstHarness teardown does exactly that), while the
 * source thread peeks and pops them.
 *
 * GStreamer 1.22.0's GstAggregator drops a released pad's peeked buffer
 * without the pad lock; without mmfusion's own guard (release_pad waits
 * for the part of a tick that touches queued buffers) the fuzzer found a
 * frame freed under aggregate(). The window is a few instructions wide, so
 * this test repeats the release 2000 times a case over deep queues: with
 * the guard taken out, 3000 rounds hit it in each of five runs here
 * (`gst_buffer_get_size: assertion 'GST_IS_BUFFER (buffer)' failed` from
 * the make_writable in aggregate_frame, a fatal critical in gst-check).
 * Each round also checks that every frame that came out before the
 * release carries a result.
 *
 * GstHarness's own pad functions read the harness, and its teardown frees
 * the harness while a query already inside one of them goes on: releasing
 * the video pad makes the aggregator's source thread ask the remaining
 * pads for their latency again, and tearing down the audio harness at that
 * moment crashed under AddressSanitizer in gst_harness_src_query. So the
 * feeding pads answer queries with functions that keep no state.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <mmfusion/mmfusionmeta.h>

#define WLEN ((10 - 1) * 160 + 400)     /* probe windows: 10 frames */
#define ROUNDS 2000
#define FRAMES 40

static const char *sync_dir;

typedef struct {
  GstHarness *h;
  gboolean audio;
} Feeder;

/* what GstHarness answers (a live source without latency, its own caps),
 * without reading the harness, which teardown frees under a running query */
static gboolean
stateless_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_LATENCY:
      gst_query_set_latency (query, TRUE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    case GST_QUERY_CAPS:{
      GstCaps *caps = gst_pad_get_current_caps (pad);
      GstCaps *filter = NULL;
      if (caps == NULL)
        caps = gst_caps_new_any ();
      gst_query_parse_caps (query, &filter);
      if (filter != NULL)
        gst_caps_take (&caps, gst_caps_intersect_full (filter, caps,
                GST_CAPS_INTERSECT_FIRST));
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static gpointer
feed (gpointer data)
{
  Feeder *f = data;
  for (guint i = 0; i < FRAMES; i++) {
    GstBuffer *b;
    if (f->audio) {
      b = gst_buffer_new_allocate (NULL, WLEN * sizeof (gfloat), NULL);
      gst_buffer_memset (b, 0, 0, WLEN * sizeof (gfloat));
      GST_BUFFER_PTS (b) = i * 100 * GST_MSECOND;
      GST_BUFFER_DURATION (b) = 115 * GST_MSECOND;
    } else {
      b = gst_buffer_new_allocate (NULL, 8, NULL);      /* 2x2 GRAY8 */
      gst_buffer_memset (b, 0, (guint8) i, 8);
      GST_BUFFER_PTS (b) = i * 40 * GST_MSECOND;
      GST_BUFFER_DURATION (b) = 40 * GST_MSECOND;
    }
    gst_harness_push (f->h, b);
  }
  return NULL;
}

static void
release_while_working (gboolean video_first)
{
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  gchar *path = g_strdup_printf ("%s/probe_s10.onnx", sync_dir);
  /* a long latency: the queues hold everything pushed, and the aggregator
   * is still working through them when the pads go */
  g_object_set (e, "model", path, "latency", (guint64) 60 * GST_SECOND,
      NULL);
  g_free (path);
  Feeder v = {.h = gst_harness_new_with_element (e, "video", "src") };
  Feeder a = {.h = gst_harness_new_with_element (e, "audio", NULL),
    .audio = TRUE
  };
  gst_object_unref (e);
  gst_harness_set_src_caps_str (v.h, "video/x-raw, format=GRAY8, width=2, "
      "height=2, framerate=25/1");
  gst_harness_set_src_caps (a.h, gst_pad_peer_query_caps (a.h->srcpad,
          NULL));
  gst_pad_set_query_function (v.h->srcpad, stateless_src_query);
  gst_pad_set_query_function (a.h->srcpad, stateless_src_query);
  GThread *tv = g_thread_new ("video", feed, &v);
  GThread *ta = g_thread_new ("audio", feed, &a);
  g_thread_join (tv);
  g_thread_join (ta);
  gst_harness_push_event (a.h, gst_event_new_eos ());

  /* whatever came out so far was inferred (no missing input before the
   * release: the audio covers every frame) */
  GstBuffer *out;
  while ((out = gst_harness_try_pull (v.h))) {
    GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (out);
    fail_unless (m != NULL, "a frame without a result before the release");
    gst_buffer_unref (out);
  }
  /* the release: from this thread, while the source thread works */
  if (video_first) {
    gst_harness_teardown (v.h);
    gst_harness_teardown (a.h);
  } else {
    gst_harness_teardown (a.h);
    gst_harness_teardown (v.h);
  }
}

/* MM_RELEASE_ROUNDS=N runs more rounds, to hunt the race by hand */
static guint
rounds (void)
{
  const gchar *n = g_getenv ("MM_RELEASE_ROUNDS");
  return n ? (guint) g_ascii_strtoull (n, NULL, 10) : ROUNDS;
}

GST_START_TEST (test_release_leading_pad_while_working)
{
  for (guint i = 0; i < rounds (); i++)
    release_while_working (TRUE);
}

GST_END_TEST;

GST_START_TEST (test_release_audio_pad_while_working)
{
  for (guint i = 0; i < rounds (); i++)
    release_while_working (FALSE);
}

GST_END_TEST;

static Suite *
mmfusion_release_suite (void)
{
  Suite *s = suite_create ("mmfusion-release");
  TCase *tc = tcase_create ("release");
  sync_dir = g_getenv ("MM_GOLDEN_SYNC");
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_release_leading_pad_while_working);
  tcase_add_test (tc, test_release_audio_pad_while_working);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (mmfusion_release);
