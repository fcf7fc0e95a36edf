/* libFuzzer target: mmfusion driven through GstHarness by random
 * sequences on both pads at once: buffers (any size, timestamps forward,
 * back, missing, duplicated), GAP events, caps changes, segments, flushes
 * and EOS, with fuzzed properties and one of the probe models. Each pad is
 * fed from its own thread, as upstream branches are; a crash, a GLib
 * critical or warning, a leak or a hang (libFuzzer's -timeout) is a
 * finding.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: 8 header bytes (model, properties, video caps), then operations
 * of 4 bytes [pad and opcode, a, b, c]; bit 7 of the first byte sends the
 * operation to the audio pad.
 */
#include <stdint.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "gstmmfusionelements.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

#define MAX_OPS 256
#define WLEN 1840               /* probe windows: (10 - 1) * 160 + 400 */

static const char *models[] = {
  "probe_s10", "probe_s3", "probe_clip4", "probe_audio_only",
  "probe_video_only",
};
static const char *formats[] = { "GRAY8", "RGB", "I420", "NV12" };

typedef struct {
  GstHarness *h;
  gboolean audio;
  const uint8_t *ops[MAX_OPS];
  guint n_ops;
  const uint8_t *payload;       /* bytes the buffers are filled from */
  gsize payload_size;
  /* video caps, changed by the operations */
  gint width, height, format, fps;
  GstCaps *audio_caps;
} Feeder;

static gsize
frame_size (const Feeder * f)
{
  GstVideoInfo info;
  gchar *s = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d",
      formats[f->format], f->width, f->height);
  GstCaps *caps = gst_caps_from_string (s);
  g_free (s);
  gsize n = 0;
  if (gst_video_info_from_caps (&info, caps))
    n = GST_VIDEO_INFO_SIZE (&info);
  gst_caps_unref (caps);
  return n;
}

static GstCaps *
current_caps (const Feeder * f)
{
  if (f->audio)
    return gst_caps_ref (f->audio_caps);
  gchar *s = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,"
      "framerate=%d/1", formats[f->format], f->width, f->height, f->fps);
  GstCaps *caps = gst_caps_from_string (s);
  g_free (s);
  return caps;
}

/* the first caps (GstHarness also sends stream-start and a segment) */
static void
set_caps (Feeder * f)
{
  gst_harness_set_src_caps (f->h, current_caps (f));
}

/* caps mid-stream: mmfusion may refuse them (an error, no crash), which
 * gst_harness_set_src_caps does not allow */
static void
push_caps (Feeder * f)
{
  GstCaps *caps = current_caps (f);
  gst_harness_push_event (f->h, gst_event_new_caps (caps));
  gst_caps_unref (caps);
}

static GstBuffer *
make_buffer (const Feeder * f, gsize size, guint8 seed)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, size, NULL);
  GstMapInfo map;
  if (size > 0 && gst_buffer_map (b, &map, GST_MAP_WRITE)) {
    /* from the input, repeated: NaN and huge floats included */
    for (gsize i = 0; i < map.size; i++)
      map.data[i] = f->payload_size ?
          f->payload[(i + seed) % f->payload_size] : seed;
    gst_buffer_unmap (b, &map);
  }
  return b;
}

static gpointer
feed (gpointer data)
{
  Feeder *f = data;
  GstClockTime pts = 0;
  GstBuffer *last = NULL;
  /* one buffer's nominal duration: a frame, or the window step */
  GstClockTime step = f->audio ? 100 * GST_MSECOND :
      (f->fps ? GST_SECOND / f->fps : 40 * GST_MSECOND);
  for (guint i = 0; i < f->n_ops; i++) {
    const uint8_t *op = f->ops[i];
    guint code = op[0] & 0x0f;
    guint8 a = op[1], b = op[2], c = op[3];
    if (code <= 5 || code == 12) {
      /* a buffer: normal size, or short, or empty */
      gsize full = f->audio ? WLEN * sizeof (gfloat) : frame_size (f);
      gsize size = (b & 3) == 0 ? full / (1 + b % 7) : full;
      if ((b & 0x0c) == 0x0c)
        size = 0;
      GstBuffer *buf = make_buffer (f, size, c);
      /* forward by a step mostly; sometimes jumps either way */
      if (a < 200)
        pts += step;
      else if (a < 228)
        pts += (GstClockTime) (a - 199) * 100 * GST_MSECOND;
      else
        pts = pts > (GstClockTime) (a - 227) * 50 * GST_MSECOND ?
            pts - (GstClockTime) (a - 227) * 50 * GST_MSECOND : 0;
      GST_BUFFER_PTS (buf) = code == 12 ? GST_CLOCK_TIME_NONE : pts;
      GST_BUFFER_DURATION (buf) = (b & 0x10) ? GST_CLOCK_TIME_NONE :
          (f->audio ? 115 * GST_MSECOND : step);
      if (b & 0x20)
        GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
      if (b & 0x40)
        GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_GAP);
      gst_clear_buffer (&last);
      last = gst_buffer_ref (buf);
      gst_harness_push (f->h, buf);
    } else if (code == 6) {
      GstClockTime d = (GstClockTime) a * 20 * GST_MSECOND;
      gst_harness_push_event (f->h, gst_event_new_gap (pts, b & 1 ?
              GST_CLOCK_TIME_NONE : d));
      pts += d;
    } else if (code == 7) {
      /* new caps: another size or format (video); the model's caps or
       * features the model was not trained with (audio) */
      if (f->audio) {
        GstCaps *caps = gst_caps_copy (f->audio_caps);
        if (a & 1)
          gst_caps_set_simple (caps, "stride", G_TYPE_INT, 1 + b % 50, NULL);
        gst_harness_push_event (f->h, gst_event_new_caps (caps));
        gst_caps_unref (caps);
      } else {
        f->width = 1 + a % 64;
        f->height = 1 + b % 64;
        f->format = c % G_N_ELEMENTS (formats);
        push_caps (f);
      }
    } else if (code == 8) {
      GstSegment seg;
      gst_segment_init (&seg, GST_FORMAT_TIME);
      static const gdouble rates[] = { 1.0, 2.0, 0.5, -1.0 };
      seg.rate = rates[a % 4];
      seg.base = (GstClockTime) b * 100 * GST_MSECOND;
      seg.start = (GstClockTime) c * 10 * GST_MSECOND;
      seg.time = seg.start;
      if (seg.rate < 0)
        seg.stop = seg.start + 10 * GST_SECOND;
      gst_harness_push_event (f->h, gst_event_new_segment (&seg));
    } else if (code == 9) {
      /* a flush of this pad, as after a seek upstream */
      gst_harness_push_event (f->h, gst_event_new_flush_start ());
      gst_harness_push_event (f->h, gst_event_new_flush_stop (a & 1));
      GstSegment seg;
      gst_segment_init (&seg, GST_FORMAT_TIME);
      gst_harness_push_event (f->h, gst_event_new_segment (&seg));
      pts = 0;
    } else if (code == 10) {
      gst_harness_push_event (f->h, gst_event_new_eos ());
    } else if (code == 11) {
      /* a new stream after EOS */
      gst_harness_push_event (f->h, gst_event_new_stream_start ("again"));
      push_caps (f);
      GstSegment seg;
      gst_segment_init (&seg, GST_FORMAT_TIME);
      gst_harness_push_event (f->h, gst_event_new_segment (&seg));
    } else if (code == 13 && last) {
      gst_harness_push (f->h, gst_buffer_copy (last));
    } else {
      g_thread_yield ();
    }
  }
  gst_clear_buffer (&last);
  gst_harness_push_event (f->h, gst_event_new_eos ());
  return NULL;
}

/* The feeders run on two threads that live as long as the process: a
 * thread that exits while LeakSanitizer stops the world can be caught
 * between clearing and freeing GLib's per-thread slice bookkeeping (a
 * 2 KiB "leak" now and then, none of it ours), so no thread may exit
 * during a run. */
static GThreadPool *feeders;
static GMutex feeders_lock;
static GCond feeders_done;
static guint n_feeding;

static void
feed_task (gpointer data, gpointer unused)
{
  feed (data);
  g_mutex_lock (&feeders_lock);
  n_feeding--;
  g_cond_signal (&feeders_done);
  g_mutex_unlock (&feeders_lock);
}

static void
fatal_log (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer data)
{
  g_printerr ("%s: %s\n", domain ? domain : "", message);
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static gboolean inited;
  if (!inited) {
    gst_init (NULL, NULL);
    /* GStreamer's task threads come from GLib's shared thread pool; one
     * that exits while LeakSanitizer stops the world can be caught between
     * clearing and freeing GSlice's per-thread bookkeeping (a 2 KiB "leak"
     * about once in 10,000 inputs, none of it ours). Idle pool threads
     * are kept instead, so none exits during a run. */
    g_thread_pool_set_max_unused_threads (-1);
    g_thread_pool_set_max_idle_time (0);
    feeders = g_thread_pool_new (feed_task, NULL, 2, TRUE, NULL);
    GST_ELEMENT_REGISTER (mmfusion, NULL);
    const gchar *domains[] = { "GLib", "GLib-GObject", "GStreamer", NULL };
    for (gint i = 0; domains[i]; i++)
      g_log_set_handler (domains[i], G_LOG_LEVEL_CRITICAL
          | G_LOG_LEVEL_WARNING, fatal_log, NULL);
    inited = TRUE;
  }
  if (size < 8)
    return 0;
  const char *model = models[data[0] % G_N_ELEMENTS (models)];
  gboolean has_video = strcmp (model, "probe_audio_only") != 0;
  gboolean has_audio = strcmp (model, "probe_video_only") != 0;

  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  gchar *path = g_strdup_printf ("%s/%s.onnx", MM_FUZZ_SYNC_DIR, model);
  static const char *missing[] = { "zeros", "last", "skip" };
  static const char *smoothing[] = { "none", "ema", "window" };
  /* thresholds for classes the model has (others fail the start, which
   * GstHarness does not allow) */
  const char *events[] = { NULL, "0.5", has_video ? "video=0.3" :
        "audio=0.3", "1e30"
  };
  /* a latency lets the pads queue what one feeder pushes before the other
   * catches up (the pipeline is not live, nothing waits on it) */
  g_object_set (e, "model", path, "latency", (guint64) 60 * GST_SECOND,
      "all-scores", (gboolean) (data[1] & 1), "top-k", 1 + data[2] % 32,
      "interval", (guint64) (data[2] >> 5) * 60 * GST_MSECOND, NULL);
  gst_util_set_object_arg (G_OBJECT (e), "missing", missing[(data[1] >> 1)
          % 3]);
  gst_util_set_object_arg (G_OBJECT (e), "smoothing", smoothing[(data[1] >> 3)
          % 3]);
  if (events[data[3] % 4])
    g_object_set (e, "event-on", events[data[3] % 4], NULL);
  g_free (path);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);

  Feeder fv = {.audio = FALSE, .width = 1 + data[5] % 64,
    .height = 1 + data[6] % 64, .format = data[4] % 4,
    .fps = (data[4] >> 2) % 4 == 3 ? 0 : 5 + (data[4] >> 2) % 60
  };
  Feeder fa = {.audio = TRUE };
  for (size_t at = 8; at + 4 <= size; at += 4) {
    Feeder *f = (data[at] & 0x80) && has_audio ? &fa : has_video ? &fv : &fa;
    if (f->n_ops < MAX_OPS)
      f->ops[f->n_ops++] = data + at;
  }
  fv.payload = fa.payload = data + 8;
  fv.payload_size = fa.payload_size = size - 8;

  GstHarness *out = NULL;
  if (has_video) {
    fv.h = gst_harness_new_with_element (e, "video", "src");
    out = fv.h;
  }
  if (has_audio) {
    fa.h = gst_harness_new_with_element (e, "audio", has_video ? NULL :
        "src");
    if (!out)
      out = fa.h;
    fa.audio_caps = gst_pad_peer_query_caps (fa.h->srcpad, NULL);
  }
  if (fv.h) {
    gst_harness_set_live (fv.h, FALSE);
    set_caps (&fv);
  }
  if (fa.h) {
    gst_harness_set_live (fa.h, FALSE);
    if (gst_caps_is_fixed (fa.audio_caps))
      set_caps (&fa);
  }
  g_mutex_lock (&feeders_lock);
  n_feeding = (fv.h != NULL) + (fa.h != NULL);
  g_mutex_unlock (&feeders_lock);
  if (fv.h)
    g_thread_pool_push (feeders, &fv, NULL);
  if (fa.h)
    g_thread_pool_push (feeders, &fa, NULL);
  g_mutex_lock (&feeders_lock);
  while (n_feeding > 0)
    g_cond_wait (&feeders_done, &feeders_lock);
  g_mutex_unlock (&feeders_lock);
  GstBuffer *b;
  while ((b = gst_harness_try_pull (out)))
    gst_buffer_unref (b);
  gst_clear_caps (&fa.audio_caps);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  if (fa.h)
    gst_harness_teardown (fa.h);
  if (fv.h)
    gst_harness_teardown (fv.h);
  gst_object_unref (e);
  return 0;
}
