/* mmaudiowindow tests: golden features against the numpy reference, and
 * sample-exact timing (an hour in random buffer sizes, DISCONT, flushing
 * seek, non-zero segment base), latency, negotiation and errors.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/audio/audio.h>
#include <mmfusion/nn.h>

#include <math.h>
#include <string.h>

static const char *golden_dir;

#define FEATURE_CAPS "audio/x-mmfusion-features"

static GstCaps *
raw_caps (const char *format, gint rate, gint channels)
{
  return gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, format,
      "layout", G_TYPE_STRING, "interleaved", "rate", G_TYPE_INT, rate,
      "channels", G_TYPE_INT, channels, NULL);
}

/* buffer of `n` frames of silence (or a ramp) with exact timestamps */
static GstBuffer *
audio_buffer (gsize n, gint rate, gint channels, guint64 first_sample,
    GstClockTime origin)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, n * channels * 4, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  gfloat *d = (gfloat *) map.data;
  for (gsize i = 0; i < n * channels; i++)
    d[i] = (gfloat) sin (0.001 * (first_sample * channels + i));
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = origin + gst_util_uint64_scale_int_round
      (first_sample, GST_SECOND, rate);
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int_round (first_sample +
      n, GST_SECOND, rate) - gst_util_uint64_scale_int_round (first_sample,
      GST_SECOND, rate);
  return buf;
}

/* the PTS and duration a window starting at sample `start` must have */
static void
expected_times (guint64 start, guint64 length, gint rate, GstClockTime origin,
    GstClockTime * pts, GstClockTime * duration)
{
  GstClockTime a = gst_util_uint64_scale_int_round (start, GST_SECOND, rate);
  GstClockTime b = gst_util_uint64_scale_int_round (start + length,
      GST_SECOND, rate);
  *pts = origin + a;
  *duration = b - a;
}

static GstHarness *
window_harness (const char *props)
{
  gchar *desc = g_strdup_printf ("mmaudiowindow %s", props);
  GstHarness *h = gst_harness_new_parse (desc);
  g_free (desc);
  return h;
}

/* golden features */

/* chunk 0: random buffer sizes from one frame to 3000; otherwise the
 * whole clip in one buffer (several seconds) */
static void
run_golden (const char *name, gboolean one_buffer)
{
  gchar *dir = g_build_filename (golden_dir, name, NULL);
  gchar *ini_path = g_build_filename (dir, "params.ini", NULL);
  GKeyFile *ini = g_key_file_new ();
  fail_unless (g_key_file_load_from_file (ini, ini_path, 0, NULL));
  const char *keys[] = { "kind", "rate", "n-fft", "win-length", "hop-length",
    "n-mels", "fmin", "fmax", "log-offset", "frames", "stride"
  };
  GString *props = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++) {
    gchar *v = g_key_file_get_string (ini, "features", keys[i], NULL);
    if (v)
      g_string_append_printf (props, "%s=%s ", keys[i], v);
    g_free (v);
  }
  gchar *format = g_key_file_get_string (ini, "features", "format", NULL);
  gint rate = g_key_file_get_integer (ini, "features", "rate", NULL);
  gint channels = g_key_file_get_integer (ini, "features", "channels", NULL);
  gint bpf = channels * (strcmp (format, "S16LE") == 0 ? 2 : 4);

  gchar *raw_path = g_build_filename (dir, "input.raw", NULL);
  gchar *raw;
  gsize raw_len;
  fail_unless (g_file_get_contents (raw_path, &raw, &raw_len, NULL));
  gchar *exp_path = g_build_filename (dir, "expected.npy", NULL);
  nn_tensor expected;
  fail_unless (nn_npy_load (exp_path, &expected, NULL));
  gint64 n_windows = expected.shape[0];
  gint64 per_window = nn_tensor_numel (&expected) / MAX (n_windows, 1);

  GstHarness *h = window_harness (props->str);
  gst_harness_set_src_caps (h, raw_caps (format, rate, channels));
  /* random buffer sizes, from one frame to a few thousand */
  GRand *r = g_rand_new_with_seed (99);
  gsize frames_total = raw_len / bpf, at = 0;
  while (at < frames_total) {
    /* drawn first: MIN evaluates its arguments twice */
    gsize draw = one_buffer ? frames_total : (gsize) g_rand_int_range (r, 1,
        3000);
    gsize n = MIN (draw, frames_total - at);
    GstBuffer *b = gst_buffer_new_memdup (raw + at * bpf, n * bpf);
    GST_BUFFER_PTS (b) = gst_util_uint64_scale_int_round (at, GST_SECOND,
        rate);
    fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
    at += n;
  }
  g_rand_free (r);

  fail_unless_equals_int (gst_harness_buffers_in_queue (h), n_windows);
  double worst = 0.0;
  for (gint64 w = 0; w < n_windows; w++) {
    GstBuffer *out = gst_harness_pull (h);
    GstMapInfo map;
    gst_buffer_map (out, &map, GST_MAP_READ);
    fail_unless_equals_int (map.size, per_window * 4);
    const gfloat *got = (const gfloat *) map.data;
    const gfloat *want = (const gfloat *) expected.data + w * per_window;
    for (gint64 k = 0; k < per_window; k++)
      worst = MAX (worst, fabs ((double) got[k] - want[k]));
    gst_buffer_unmap (out, &map);
    gst_buffer_unref (out);
  }
  GST_INFO ("%s: %" G_GINT64_FORMAT " windows, max abs error %.3g", name,
      n_windows, worst);
  fail_unless (worst <= 1e-4, "%s: max abs error %g > 1e-4", name, worst);

  gst_harness_teardown (h);
  g_free (expected.data);
  g_free (raw);
  g_free (raw_path);
  g_free (exp_path);
  g_free (format);
  g_string_free (props, TRUE);
  g_key_file_unref (ini);
  g_free (ini_path);
  g_free (dir);
}

static const char *golden_cases[] = {
  "sweep_f32_mono_16k", "noise_s16_stereo_16k", "speech_f32_stereo_48k",
  "speech_s16_mono_16k_gaps", "noise_f32_mono_48k", "sweep_s16_stereo_48k",
  "speech_s16_stereo_16k_waveform",
};

GST_START_TEST (test_golden)
{
  run_golden (golden_cases[__i__], FALSE);
}

GST_END_TEST;

GST_START_TEST (test_golden_one_buffer)
{
  run_golden (golden_cases[__i__], TRUE);
}

GST_END_TEST;

/* timing */

typedef struct {
  gint rate, hop, win, frames, stride;
} timing_params;

/* Pulls every queued window and checks it against the sample arithmetic. */
static guint64
check_windows (GstHarness * h, const timing_params * p, GstClockTime origin,
    guint64 first_window, guint64 first_offset)
{
  guint64 k = first_window, off = first_offset;
  guint64 len = (guint64) (p->frames - 1) * p->hop + p->win;
  GstBuffer *out;
  while ((out = gst_harness_try_pull (h))) {
    GstClockTime pts, dur;
    expected_times (k * p->stride * p->hop, len, p->rate, origin, &pts, &dur);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), pts);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), dur);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (out), off);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (out), off + 1);
    fail_unless (out->pool != NULL, "window buffers come from a pool");
    gst_buffer_unref (out);
    k++;
    off++;
  }
  return k - first_window;
}

/* pushes samples [from, to) in buffers of `size` on the time line that
 * starts at `origin`, checking every window as it comes; returns the new
 * window count (windows counted from `origin`, offsets from `offset0`) */
static guint64
push_checked (GstHarness * h, const timing_params * p, guint64 from,
    guint64 to, gsize size, GstClockTime origin, guint64 windows,
    guint64 offset0)
{
  for (guint64 at = from; at < to; at += size) {
    fail_unless_equals_int (gst_harness_push (h, audio_buffer (size, p->rate,
                1, at, origin)), GST_FLOW_OK);
    windows += check_windows (h, p, origin, windows, offset0 + windows);
  }
  return windows;
}

static GstHarness *
timing_harness (const timing_params * p, const char *extra)
{
  gchar *props = g_strdup_printf ("rate=%d hop-length=%d win-length=%d "
      "n-fft=%d frames=%d stride=%d n-mels=16 %s", p->rate, p->hop, p->win,
      p->win + p->win % 2, p->frames, p->stride, extra ? extra : "");
  GstHarness *h = window_harness (props);
  g_free (props);
  gst_harness_set_src_caps (h, raw_caps ("F32LE", p->rate, 1));
  return h;
}

GST_START_TEST (test_hour_random_buffers)
{
  /* one hour at 16 kHz in buffers of 1 to 20000 samples: every window's
   * PTS, duration and offset exact */
  timing_params p = { 16000, 160, 400, 100, 10 };
  GstHarness *h = timing_harness (&p, NULL);
  GRand *r = g_rand_new_with_seed (2024);
  guint64 total = (guint64) p.rate * 3600, at = 0, windows = 0;
  while (at < total) {
    guint64 draw = (guint64) g_rand_int_range (r, 1, 20001);
    gsize n = (gsize) MIN (draw, total - at);
    fail_unless_equals_int (gst_harness_push (h, audio_buffer (n, p.rate, 1,
                at, 0)), GST_FLOW_OK);
    at += n;
    windows += check_windows (h, &p, 0, windows, windows);
  }
  g_rand_free (r);
  guint64 len = (guint64) (p.frames - 1) * p.hop + p.win;
  fail_unless_equals_uint64 (windows, (total - len) / (p.stride * p.hop) + 1);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_discont_realigns)
{
  timing_params p = { 16000, 160, 400, 20, 5 };
  GstHarness *h = timing_harness (&p, NULL);
  guint64 windows = push_checked (h, &p, 0, 32000, 1000, 0, 0, 0);
  /* a DISCONT buffer 5.123 s later: windows restart at its PTS, offsets
   * continue, and the first new window carries DISCONT */
  GstClockTime origin = 7 * GST_SECOND + 123 * GST_MSECOND;
  guint64 before = windows;
  GstBuffer *b = audio_buffer (16000, p.rate, 1, 0, origin);
  GST_BUFFER_FLAG_SET (b, GST_BUFFER_FLAG_DISCONT);
  gst_harness_push (h, b);
  /* not named `first`: gst-check's equality macros declare that name */
  GstBuffer *head = gst_harness_pull (h);
  fail_unless (GST_BUFFER_FLAG_IS_SET (head, GST_BUFFER_FLAG_DISCONT));
  fail_unless_equals_uint64 (GST_BUFFER_PTS (head), origin);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (head), before);
  gst_buffer_unref (head);
  windows += 1 + check_windows (h, &p, origin, 1, before + 1);
  /* (16000 - 3440) / 800 + 1 windows fit in the new second of audio */
  fail_unless_equals_uint64 (windows - before, 16);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_timestamp_jump_realigns)
{
  /* no DISCONT flag, but timestamps 300 ms off the sample count: past the
   * alignment threshold, so windowing restarts at the new position */
  timing_params p = { 16000, 160, 400, 10, 10 };
  GstHarness *h = timing_harness (&p, "alignment-threshold=20000000");
  guint64 windows = push_checked (h, &p, 0, 16000, 800, 0, 0, 0);
  GstClockTime origin = GST_SECOND + 300 * GST_MSECOND;
  guint64 before = windows;
  guint64 after = push_checked (h, &p, 0, 16000, 800, origin, 0, before);
  fail_unless (after > 5);

  /* jitter below the threshold changes nothing: timestamps up to 5 ms off,
   * windows still on the sample-count time line */
  guint64 at = 16000;
  GRand *r = g_rand_new_with_seed (3);
  for (int i = 0; i < 40; i++, at += 800) {
    GstBuffer *b = audio_buffer (800, p.rate, 1, at, origin);
    GST_BUFFER_PTS (b) += g_rand_int_range (r, 0, 10 * GST_MSECOND)
        - 5 * GST_MSECOND;
    gst_harness_push (h, b);
    after += check_windows (h, &p, origin, after, before + after);
  }
  g_rand_free (r);
  /* 48000 samples since the jump: (48000 - 1840) / 1600 + 1 windows */
  fail_unless_equals_uint64 (after, 29);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_flushing_seek_resets)
{
  timing_params p = { 16000, 160, 400, 10, 4 };
  GstHarness *h = timing_harness (&p, NULL);
  guint64 windows = push_checked (h, &p, 0, 16000, 1234, 0, 0, 0);
  fail_unless (windows > 0);
  /* seek to 42 s: flush, a new segment, audio from there */
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = seg.time = seg.position = 42 * GST_SECOND;
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  /* offsets restart after the flush */
  windows = push_checked (h, &p, 0, 8000, 999, 42 * GST_SECOND, 0, 0);
  fail_unless (windows > 0);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_segment_base)
{
  /* a segment with non-zero base and start: windows keep stream PTS, the
   * segment passes unchanged, so running time = base + pts - start */
  timing_params p = { 16000, 160, 400, 10, 10 };
  GstHarness *h = timing_harness (&p, NULL);
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.base = 3 * GST_SECOND;
  seg.start = seg.time = seg.position = 10 * GST_SECOND;
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  guint64 windows = push_checked (h, &p, 0, 16000, 700, 10 * GST_SECOND, 0,
      0);
  fail_unless (windows > 5);
  /* the segment downstream sees */
  /* the last segment downstream saw (the harness sent its own first) */
  GstEvent *ev, *last = NULL;
  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT)
      gst_event_replace (&last, ev);
    gst_event_unref (ev);
  }
  fail_unless (last != NULL);
  const GstSegment *out_seg;
  gst_event_parse_segment (last, &out_seg);
  fail_unless_equals_uint64 (out_seg->base, 3 * GST_SECOND);
  fail_unless_equals_uint64 (out_seg->start, 10 * GST_SECOND);
  fail_unless_equals_uint64 (gst_segment_to_running_time (out_seg,
          GST_FORMAT_TIME, 10 * GST_SECOND + 100 * GST_MSECOND),
      3 * GST_SECOND + 100 * GST_MSECOND);
  gst_event_unref (last);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_latency_adds_window)
{
  timing_params p = { 16000, 160, 400, 100, 10 };
  GstHarness *h = timing_harness (&p, NULL);
  gst_harness_set_upstream_latency (h, 10 * GST_MSECOND);
  gst_harness_play (h);
  /* (99 * 160 + 400) samples at 16 kHz = 1.015 s */
  fail_unless_equals_uint64 (gst_harness_query_latency (h),
      10 * GST_MSECOND + 1015 * GST_MSECOND);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_pad_end)
{
  timing_params p = { 16000, 160, 400, 10, 10 };
  GstHarness *h = timing_harness (&p, "pad-end=true");
  /* 1.05 s: windows start every 0.1 s and last 0.1025 s; the last full one
   * starts at 0.9 s, and audio reaches into the one at 1.0 s */
  guint64 windows = 0;
  gst_harness_push (h, audio_buffer (16800, p.rate, 1, 0, 0));
  windows += check_windows (h, &p, 0, windows, windows);
  fail_unless_equals_uint64 (windows, 10);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  windows += check_windows (h, &p, 0, windows, windows);
  fail_unless_equals_uint64 (windows, 11);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_downstream_decides)
{
  /* downstream demands 40 mels and 30 frames: the properties yield */
  GstHarness *h = window_harness ("n-mels=64 frames=100");
  gst_harness_set_sink_caps_str (h, FEATURE_CAPS ", n-mels=(int)40, "
      "frames=(int)30, rate=(int)16000");
  gst_harness_set_src_caps (h, raw_caps ("F32LE", 16000, 1));
  gst_harness_push (h, audio_buffer (16000, 16000, 1, 0, 0));
  GstBuffer *out = gst_harness_pull (h);
  fail_unless_equals_int (gst_buffer_get_size (out), 40 * 30 * 4);
  gst_buffer_unref (out);
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  gint v;
  fail_unless (gst_structure_get_int (gst_caps_get_structure (caps, 0),
          "n-mels", &v) && v == 40);
  gst_caps_unref (caps);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_rate_negotiated_upstream)
{
  /* the sink pad asks upstream for the rate downstream wants */
  GstHarness *h = window_harness ("rate=22050");
  GstCaps *caps = gst_pad_peer_query_caps (h->srcpad, NULL);
  gint rate = 0;
  fail_unless (gst_structure_get_int (gst_caps_get_structure (caps, 0),
          "rate", &rate));
  fail_unless_equals_int (rate, 22050);
  gst_caps_unref (caps);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* impossible parameters: negotiation fails with the parameter named */
static void
expect_negotiation_error (const char *props, gint rate, const char *word)
{
  GstHarness *h = window_harness (props);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_play (h);
  /* a sticky caps event is stored even when refused; the refusal shows as
   * an error message and as not-negotiated on the first buffer */
  gst_harness_set_src_caps (h, raw_caps ("F32LE", rate, 1));
  fail_unless_equals_int (gst_harness_push (h, audio_buffer (100, rate, 1, 0,
              0)), GST_FLOW_NOT_NEGOTIATED);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  GError *err;
  gchar *dbg;
  gst_message_parse_error (msg, &err, &dbg);
  GST_INFO ("error: %s (%s)", err->message, dbg);
  fail_unless (strstr (err->message, word) != NULL, "'%s' not in '%s'", word,
      err->message);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_START_TEST (test_impossible_parameters)
{
  expect_negotiation_error ("win-length=600 n-fft=512", 16000, "win-length");
  expect_negotiation_error ("fmax=9000 rate=16000", 16000, "fmax");
  expect_negotiation_error ("fmin=5000 fmax=4000", 16000, "fmin");
  expect_negotiation_error ("n-fft=511 win-length=400", 16000, "n-fft");
}

GST_END_TEST;

/* sizes are checked against the memory budget before anything is
 * allocated: from properties, and from downstream's caps (a model) */
GST_START_TEST (test_memory_budget)
{
  expect_negotiation_error ("n-mels=4096 frames=65536", 16000,
      "n-mels=4096 × frames=65536");
  expect_negotiation_error ("kind=waveform frames=65536 hop-length=65536",
      16000, "frames=65536 × hop-length=65536");

  GstHarness *h = window_harness ("");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_sink_caps_str (h, FEATURE_CAPS ", n-mels=(int)4096, "
      "frames=(int)1073741823, rate=(int)16000");
  gst_harness_set_src_caps (h, raw_caps ("F32LE", 16000, 1));
  fail_unless_equals_int (gst_harness_push (h, audio_buffer (100, 16000, 1,
              0, 0)), GST_FLOW_NOT_NEGOTIATED);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  GError *err;
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "frames=1073741823")
      && strstr (err->message, "budget"), "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* out-of-range values are refused (GLib says so), never taken */
GST_START_TEST (test_out_of_range_refused)
{
  GstElement *e = gst_element_factory_make ("mmaudiowindow", NULL);
  ASSERT_WARNING (g_object_set (e, "n-mels", -5, NULL));
  ASSERT_WARNING (g_object_set (e, "fmax", -1.0, NULL));
  ASSERT_WARNING (g_object_set (e, "frames", 1073741823, NULL));
  gint n_mels, frames;
  gdouble fmax;
  g_object_get (e, "n-mels", &n_mels, "fmax", &fmax, "frames", &frames, NULL);
  fail_unless_equals_int (n_mels, 64);
  fail_unless_equals_float (fmax, 0.0);
  fail_unless_equals_int (frames, 100);
  gst_object_unref (e);
}

GST_END_TEST;

/* the LATENCY query, from another thread, while caps changes reconfigure
 * the element (a race ThreadSanitizer finds in scripts/test-tsan) */
static gpointer
ask_latency (gpointer data)
{
  GstPad *src = data;
  for (gint i = 0; i < 300; i++) {
    GstQuery *q = gst_query_new_latency ();
    gst_pad_query (src, q);
    gst_query_unref (q);
  }
  return NULL;
}

GST_START_TEST (test_latency_while_configuring)
{
  GstHarness *h = window_harness ("frames=10 stride=5");
  gst_harness_set_upstream_latency (h, 0);
  gst_harness_play (h);
  GstPad *src = gst_element_get_static_pad (h->element, "src");
  GThread *t = g_thread_new ("latency", ask_latency, src);
  for (gint i = 0; i < 40; i++) {
    gint rate = i % 2 ? 16000 : 8000;
    gst_harness_set_src_caps (h, raw_caps ("F32LE", rate, 1));
    gst_harness_push (h, audio_buffer (160, rate, 1, 0, 0));
  }
  g_thread_join (t);
  gst_object_unref (src);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
mmaudiowindow_suite (void)
{
  Suite *s = suite_create ("mmaudiowindow");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_golden, 0, G_N_ELEMENTS (golden_cases));
  tcase_add_loop_test (tc, test_golden_one_buffer, 0,
      G_N_ELEMENTS (golden_cases));
  tcase_add_test (tc, test_hour_random_buffers);
  tcase_add_test (tc, test_discont_realigns);
  tcase_add_test (tc, test_timestamp_jump_realigns);
  tcase_add_test (tc, test_flushing_seek_resets);
  tcase_add_test (tc, test_segment_base);
  tcase_add_test (tc, test_latency_adds_window);
  tcase_add_test (tc, test_pad_end);
  tcase_add_test (tc, test_downstream_decides);
  tcase_add_test (tc, test_rate_negotiated_upstream);
  tcase_add_test (tc, test_impossible_parameters);
  tcase_add_test (tc, test_memory_budget);
  tcase_add_test (tc, test_out_of_range_refused);
  tcase_add_test (tc, test_latency_while_configuring);
  return s;
}

int
main (int argc, char **argv)
{
  golden_dir = g_getenv ("MM_GOLDEN_AUDIO");
  if (!golden_dir)
    golden_dir = "tests/golden/audio";
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (mmaudiowindow_suite (), "mmaudiowindow",
      __FILE__);
}
