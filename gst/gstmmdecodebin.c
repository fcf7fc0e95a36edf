/* mmdecodebin: a file or stream to synchronized raw video and audio, ready
 * for mmfusion and mmaudiowindow.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-mmdecodebin
 * @title: mmdecodebin
 *
 * Decodes `uri` (a file, HTTP, RTSP: whatever uridecodebin takes) and
 * exposes at most one `video` and one `audio` sometimes-pad, each behind a
 * converter and a queue, so they link straight to mmfusion (video) and
 * mmaudiowindow (audio). A stream with only one of the two exposes only
 * that pad. Errors from the source or the decoders are posted again with
 * the URI in the message.
 *
 * The queues must hold at least one audio window's worth of video (the
 * first window is complete about a window's duration after the first
 * frame): `max-size-time` (3 s by default), `max-size-bytes` and
 * `max-size-buffers` set both queues' limits, as on `queue`.
 *
 * With #GstMmDecodebin:reconnect, a network source that fails (an error
 * or an end of stream from inside) or stalls (no data for
 * #GstMmDecodebin:stall-timeout) is not the end of the pipeline: the
 * element posts a warning naming the URI, removes the inner uridecodebin,
 * keeps its own pads, pushes GAP events on its video and audio pads while
 * the source is away (downstream's clock keeps going, and mmfusion finds
 * the inputs missing for that time), and makes a new uridecodebin
 * after #GstMmDecodebin:reconnect-delay, doubling the wait after each
 * failed attempt up to #GstMmDecodebin:reconnect-max-delay. After
 * #GstMmDecodebin:max-reconnects failed attempts in a row it posts an
 * error. The new source's data arrives under a new segment; a live source
 * timestamps it in the pipeline's running time, which went on meanwhile.
 * When data flows again the element posts an element message named
 * `mmdecodebin-reconnected` with `uri` (string), `down-time` (guint64 ns,
 * from the loss to the first new buffer) and `attempts` (int).
 *
 * It is a #GstURIHandler, so applications can make it from a URI
 * (gst_element_make_from_uri() with GST_URI_SRC, for the protocols it
 * lists) and set the URI through the interface as on playbin's sources.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 mmdecodebin uri=file:///path/clip.mkv name=d \
 *   d.video ! f.video d.audio ! mmaudiowindow ! f.audio \
 *   mmfusion name=f model=tests/golden/meta/good.onnx ! fakesink
 * ]|
 * |[
 * gst-launch-1.0 mmdecodebin uri=rtsp://192.168.1.20/stream reconnect=true \
 *   stall-timeout=3000000000 name=d d.video ! f.video \
 *   d.audio ! mmaudiowindow ! f.audio \
 *   mmfusion name=f model=tests/golden/meta/good.onnx ! fakesink
 * ]| A camera that drops out is made again, after 1, 2, 4... s.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmfusionelements.h"

#include <gst/gst.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (mm_decodebin_debug);
#define GST_CAT_DEFAULT mm_decodebin_debug

#define GST_TYPE_MM_DECODEBIN (gst_mm_decodebin_get_type ())
G_DECLARE_FINAL_TYPE (GstMmDecodebin, gst_mm_decodebin, GST, MM_DECODEBIN,
    GstBin)

/* up to 3 s: enough for the video branch to wait for a 1 s audio window
 * even when the demuxer interleaves audio late */
#define DEFAULT_MAX_SIZE_TIME (3 * GST_SECOND)
#define DEFAULT_MAX_SIZE_BYTES 0
#define DEFAULT_MAX_SIZE_BUFFERS 0
#define DEFAULT_RECONNECT FALSE
#define DEFAULT_RECONNECT_DELAY (1 * GST_SECOND)
#define DEFAULT_RECONNECT_MAX_DELAY (30 * GST_SECOND)
#define DEFAULT_MAX_RECONNECTS (-1)
#define DEFAULT_STALL_TIMEOUT (5 * GST_SECOND)
#define MIN_DELAY (10 * GST_MSECOND)
#define MAX_DELAY (3600 * GST_SECOND)
/* how often the reconnect worker looks at the clock: stall detection and
 * GAP events have this granularity */
#define WORKER_TICK_US (20 * G_TIME_SPAN_MILLISECOND)
/* GAP events span one video frame; this when the frame rate is unknown */
#define DEFAULT_GAP_DURATION (40 * GST_MSECOND)

enum {
  PROP_0,
  PROP_URI,
  PROP_MAX_SIZE_TIME,
  PROP_MAX_SIZE_BYTES,
  PROP_MAX_SIZE_BUFFERS,
  PROP_RECONNECT,
  PROP_RECONNECT_DELAY,
  PROP_RECONNECT_MAX_DELAY,
  PROP_MAX_RECONNECTS,
  PROP_STALL_TIMEOUT,
};

/* the source's state, as the reconnect worker sees it */
typedef enum {
  LINK_UP,                      /* a decoder, and data came (or first start) */
  LINK_WAITING,                 /* no decoder: waiting to try again */
  LINK_TRYING,                  /* a new decoder, no data from it yet */
} LinkState;

struct _GstMmDecodebin {
  GstBin parent;
  GstElement *decoder;
  /* under the object lock */
  gchar *uri;
  guint64 max_size_time;
  guint max_size_bytes, max_size_buffers;
  GstElement *queues[2];        /* video, audio; owned by the bin */
  gboolean have_video, have_audio, announced;
  gboolean reconnect;
  GstClockTime reconnect_delay, reconnect_max_delay, stall_timeout;
  gint max_reconnects;

  /* reconnection, under the object lock. heads[] are the sink pads of the
   * converter chains; they and the ghost pads outlive the decoders. */
  GstPad *heads[2];
  GstSegment segments[2];       /* the last segment seen on each head */
  GstClockTime gap_duration;    /* one video frame */
  GstClockTime data_end;        /* running time where the data stopped */
  GstClockTime gap_lag;         /* how far GAPs stay behind the clock */
  gint64 last_data;             /* monotonic µs of the last buffer */
  gint64 attempt_at;            /* monotonic µs: next try, or this try's start */
  gint64 down_since;            /* monotonic µs the source was lost */
  LinkState link;
  gboolean lost;                /* the worker is asked to reconnect */
  gchar *lost_reason;
  gint failures;                /* failed attempts in a row */
  gboolean given_up, stopping, eos_requested;
  GstElement *dying;            /* the decoder being dropped */
  GThread *worker;
  GCond cond;
  /* held while a GAP is sent into a head and while a decoder pad is
   * linked to it, so no GAP slips in after the new stream's start */
  GMutex gap_lock;
};

static void gst_mm_decodebin_uri_handler_init (gpointer iface, gpointer data);

/* Set while this thread starts one of our uridecodebins: it picks its
 * source with gst_element_make_from_uri(), and mmdecodebin, a URI handler
 * of the same rank as rtspsrc or udpsrc, must then refuse the URI (the
 * next handler is tried), or it would nest itself without end. */
static GPrivate making_source;

static void
begin_making_source (void)
{
  g_private_set (&making_source, GINT_TO_POINTER (GPOINTER_TO_INT
          (g_private_get (&making_source)) + 1));
}

static void
end_making_source (void)
{
  g_private_set (&making_source, GINT_TO_POINTER (GPOINTER_TO_INT
          (g_private_get (&making_source)) - 1));
}

G_DEFINE_TYPE_WITH_CODE (GstMmDecodebin, gst_mm_decodebin, GST_TYPE_BIN,
    G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_mm_decodebin_uri_handler_init));
GST_ELEMENT_REGISTER_DEFINE (mmdecodebin, "mmdecodebin", GST_RANK_NONE,
    GST_TYPE_MM_DECODEBIN);

static GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE ("video",
    GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS ("video/x-raw"));
static GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE ("audio",
    GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS ("audio/x-raw"));

static void
apply_queue_limits (GstMmDecodebin * self, GstElement * queue)
{
  GST_OBJECT_LOCK (self);
  guint64 t = self->max_size_time;
  guint bytes = self->max_size_bytes, buffers = self->max_size_buffers;
  GST_OBJECT_UNLOCK (self);
  g_object_set (queue, "max-size-time", t, "max-size-bytes", bytes,
      "max-size-buffers", buffers, NULL);
}

static GstPadProbeReturn watch_head (GstPad * pad, GstPadProbeInfo * info,
    gpointer data);

/* decoder pad -> converters -> queue -> ghost pad `name` */
static void
expose (GstMmDecodebin * self, GstPad * pad, const char *name,
    const char *const *chain)
{
  GstElement *prev = NULL, *first = NULL;
  for (gint i = 0; chain[i]; i++) {
    GstElement *e = gst_element_factory_make (chain[i], NULL);
    if (!e) {
      GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN, (NULL),
          ("element %s is missing", chain[i]));
      return;
    }
    if (g_str_equal (chain[i], "queue")) {
      apply_queue_limits (self, e);
      GST_OBJECT_LOCK (self);
      self->queues[g_str_equal (name, "audio")] = e;
      GST_OBJECT_UNLOCK (self);
    }
    gst_bin_add (GST_BIN (self), e);
    if (prev)
      gst_element_link (prev, e);
    else
      first = e;
    gst_element_sync_state_with_parent (e);
    prev = e;
  }
  GstPad *sink = gst_element_get_static_pad (first, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      watch_head, self, NULL);
  GST_OBJECT_LOCK (self);
  self->heads[g_str_equal (name, "audio")] = gst_object_ref (sink);
  GST_OBJECT_UNLOCK (self);
  gst_pad_link (pad, sink);
  gst_object_unref (sink);
  GstPad *src = gst_element_get_static_pad (prev, "src");
  GstPadTemplate *templ = gst_element_class_get_pad_template
      (GST_ELEMENT_GET_CLASS (self), name);
  GstPad *ghost = gst_ghost_pad_new_from_template (name, src, templ);
  gst_object_unref (src);
  gst_pad_set_active (ghost, TRUE);
  gst_element_add_pad (GST_ELEMENT (self), ghost);
}

static void
on_pad_added (GstElement * decoder, GstPad * pad, GstMmDecodebin * self)
{
  static const char *video_chain[] = { "videoconvert", "queue", NULL };
  static const char *audio_chain[] = { "audioconvert", "audioresample",
    "queue", NULL
  };
  GstCaps *caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  const char *media = gst_structure_get_name (gst_caps_get_structure (caps,
          0));
  gint i = g_str_has_prefix (media, "video/x-raw") ? 0 :
      g_str_has_prefix (media, "audio/x-raw") ? 1 : -1;
  if (i < 0) {
    GST_INFO_OBJECT (self, "ignoring a %s stream", media);
    gst_caps_unref (caps);
    return;
  }
  g_mutex_lock (&self->gap_lock);
  GST_OBJECT_LOCK (self);
  GstPad *head = self->heads[i] ? gst_object_ref (self->heads[i]) : NULL;
  gboolean *have = i == 0 ? &self->have_video : &self->have_audio;
  gboolean first = !*have;
  *have = TRUE;
  GST_OBJECT_UNLOCK (self);
  if (head && !gst_pad_is_linked (head)) {
    /* a reconnected source: the chain and the ghost pad are still there */
    GST_INFO_OBJECT (self, "relinking the %s stream", media);
    gst_pad_link (pad, head);
  } else if (first) {
    expose (self, pad, i == 0 ? "video" : "audio",
        i == 0 ? video_chain : audio_chain);
  } else {
    GST_INFO_OBJECT (self, "ignoring a second %s stream", media);
  }
  g_mutex_unlock (&self->gap_lock);
  if (head)
    gst_object_unref (head);
  gst_caps_unref (caps);
}

static void
on_no_more_pads (GstElement * decoder, GstMmDecodebin * self)
{
  if (!self->have_video && !self->have_audio) {
    GST_OBJECT_LOCK (self);
    gchar *uri = g_strdup (self->uri);
    GST_OBJECT_UNLOCK (self);
    GST_ELEMENT_ERROR (self, STREAM, WRONG_TYPE,
        ("%s has neither video nor audio", uri), (NULL));
    g_free (uri);
    return;
  }
  if (!self->announced) {
    self->announced = TRUE;
    gst_element_no_more_pads (GST_ELEMENT (self));
  }
}

static GstElement *
make_decoder (GstMmDecodebin * self)
{
  GstElement *decoder = gst_element_factory_make ("uridecodebin", "decoder");
  if (!decoder)
    return NULL;                /* gst-plugins-base missing: fails later */
  g_signal_connect (decoder, "pad-added", G_CALLBACK (on_pad_added), self);
  g_signal_connect (decoder, "no-more-pads", G_CALLBACK (on_no_more_pads),
      self);
  GST_OBJECT_LOCK (self);
  gchar *uri = g_strdup (self->uri);
  GST_OBJECT_UNLOCK (self);
  if (uri)
    g_object_set (decoder, "uri", uri, NULL);
  g_free (uri);
  return decoder;
}

/* Reconnection. Called with the object lock held: asks the worker to drop
 * the source and try again; the worker posts the warning. */
static void
ask_reconnect_locked (GstMmDecodebin * self, const gchar * reason)
{
  if (self->lost || self->link == LINK_WAITING || !self->worker)
    return;
  self->lost = TRUE;
  g_free (self->lost_reason);
  self->lost_reason = g_strdup (reason);
  g_cond_signal (&self->cond);
}

/* on each converter chain's sink pad: when data last came and where it
 * ended, the segment it came in, an end of stream from the source */
static GstPadProbeReturn
watch_head (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstMmDecodebin *self = data;
  GST_OBJECT_LOCK (self);
  gint i = pad == self->heads[1] ? 1 : 0;
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
    GstPadProbeReturn ret = GST_PAD_PROBE_OK;
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      gst_event_copy_segment (ev, &self->segments[i]);
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS && i == 0) {
      GstCaps *caps;
      gint n, d;
      gst_event_parse_caps (ev, &caps);
      if (gst_structure_get_fraction (gst_caps_get_structure (caps, 0),
              "framerate", &n, &d) && n > 0 && d > 0)
        self->gap_duration = MAX (gst_util_uint64_scale_int (GST_SECOND, d,
                n), GST_MSECOND);
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS && self->reconnect
        && !self->eos_requested && self->worker) {
      /* a camera does not end: its source went away */
      ask_reconnect_locked (self, "end of stream");
      ret = GST_PAD_PROBE_DROP;
    }
    GST_OBJECT_UNLOCK (self);
    return ret;
  }
  gint64 now = g_get_monotonic_time ();
  self->last_data = now;
  /* where the data ended: the video's, or the audio's in a stream without
   * video */
  if ((i == 0 || !self->heads[0]) && (info->type & GST_PAD_PROBE_TYPE_BUFFER)) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    if (GST_BUFFER_PTS_IS_VALID (buf)) {
      GstClockTime end = GST_BUFFER_PTS (buf) +
          (GST_BUFFER_DURATION_IS_VALID (buf) ? GST_BUFFER_DURATION (buf) : 0);
      GstClockTime rt = gst_segment_to_running_time (&self->segments[i],
          GST_FORMAT_TIME, end);
      if (GST_CLOCK_TIME_IS_VALID (rt))
        self->data_end = rt;
    }
  }
  gboolean back = self->link == LINK_TRYING;
  GstClockTime down = 0;
  gint attempts = self->failures + 1;
  gchar *uri = NULL;
  if (back) {
    self->link = LINK_UP;
    self->failures = 0;
    down = (now - self->down_since) * GST_USECOND;
    uri = g_strdup (self->uri);
  }
  GST_OBJECT_UNLOCK (self);
  if (back) {
    GST_INFO_OBJECT (self, "%s is back after %" GST_TIME_FORMAT, uri,
        GST_TIME_ARGS (down));
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self),
            gst_structure_new ("mmdecodebin-reconnected", "uri", G_TYPE_STRING,
                uri, "down-time", G_TYPE_UINT64, down, "attempts", G_TYPE_INT,
                attempts, NULL)));
    g_free (uri);
  }
  return GST_PAD_PROBE_OK;
}

/* While the source is away: GAP events on both chains from where the
 * data ended, following the clock's running time, one video frame each, so
 * that everything downstream sees time go on and that mmfusion finds no
 * audio window for the time of the hole instead of waiting for one (its
 * `missing` policy then decides; mmaudiowindow restarts its windows on a
 * GAP). Each chain only while no decoder pad is linked to it (a new
 * stream's start would otherwise race them). */
static void
push_gaps (GstMmDecodebin * self)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  if (!clock)
    return;
  GstClockTime now = gst_clock_get_time (clock);
  GstClockTime base = gst_element_get_base_time (GST_ELEMENT (self));
  gst_object_unref (clock);
  if (now < base)
    return;
  now -= base;
  g_mutex_lock (&self->gap_lock);
  GST_OBJECT_LOCK (self);
  GstPad *heads[2] = { NULL, NULL };
  GstSegment segs[2];
  gboolean any = FALSE;
  for (gint i = 0; i < 2; i++) {
    segs[i] = self->segments[i];
    if (self->heads[i] && !gst_pad_is_linked (self->heads[i])
        && segs[i].format == GST_FORMAT_TIME) {
      heads[i] = gst_object_ref (self->heads[i]);
      any = TRUE;
    }
  }
  GstClockTime start = self->data_end, dur = self->gap_duration;
  GST_OBJECT_UNLOCK (self);
  if (any) {
    /* The data ran this far behind the clock (the source's latency, plus
     * the time it took to notice the loss); the GAPs keep that distance,
     * so the new source's first buffers, as far behind, do not land
     * inside a GAP already sent. */
    GST_OBJECT_LOCK (self);
    if (!GST_CLOCK_TIME_IS_VALID (self->gap_lag))
      self->gap_lag = GST_CLOCK_TIME_IS_VALID (start) && start < now ?
          now - start : 0;
    GstClockTime lag = self->gap_lag;
    GST_OBJECT_UNLOCK (self);
    if (!GST_CLOCK_TIME_IS_VALID (start))
      start = now - lag;
    while (start + dur + lag <= now) {
      for (gint i = 0; i < 2; i++) {
        guint64 pos = heads[i] ? gst_segment_position_from_running_time
            (&segs[i], GST_FORMAT_TIME, start) : GST_CLOCK_TIME_NONE;
        if (GST_CLOCK_TIME_IS_VALID (pos))
          gst_pad_send_event (heads[i], gst_event_new_gap (pos, dur));
      }
      start += dur;
    }
    GST_OBJECT_LOCK (self);
    self->data_end = start;
    GST_OBJECT_UNLOCK (self);
  }
  g_mutex_unlock (&self->gap_lock);
  for (gint i = 0; i < 2; i++)
    gst_clear_object (&heads[i]);
}

static void
drop_decoder (GstMmDecodebin * self, GstElement * old)
{
  if (!old)
    return;
  gst_element_set_locked_state (old, TRUE);
  gst_element_set_state (old, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (self), old);
  GST_OBJECT_LOCK (self);
  self->dying = NULL;
  /* GstBin took our source flag with the decoder; without it the pipeline
   * would not send us an end of stream (send_event) during the outage */
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
  GST_OBJECT_UNLOCK (self);
}

static void
start_decoder (GstMmDecodebin * self)
{
  GstElement *decoder = make_decoder (self);
  if (!decoder) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN, (NULL),
        ("element uridecodebin is missing"));
    return;
  }
  gst_bin_add (GST_BIN (self), decoder);
  GST_OBJECT_LOCK (self);
  self->decoder = decoder;
  GST_OBJECT_UNLOCK (self);
  begin_making_source ();
  gboolean started = gst_element_sync_state_with_parent (decoder);
  end_making_source ();
  if (!started) {
    GST_OBJECT_LOCK (self);
    ask_reconnect_locked (self, "the source did not start");
    GST_OBJECT_UNLOCK (self);
  }
}

/* the wait before attempt n + 1 (n failed in a row): the delay doubled n
 * times, at most the maximum */
static GstClockTime
backoff (GstClockTime delay, GstClockTime max, gint n)
{
  for (gint i = 0; i < n && delay < max; i++)
    delay *= 2;
  return MIN (delay, max);
}

/* The reconnect worker: watches for stalls, drops a lost source, waits,
 * tries again, and keeps time going downstream meanwhile. Decoders are
 * made and removed only here (and in state changes while it is stopped),
 * never in a streaming thread. */
static gpointer
worker_main (gpointer data)
{
  GstMmDecodebin *self = data;
  GST_OBJECT_LOCK (self);
  while (!self->stopping) {
    /* idle without `reconnect`: setting it wakes the worker up */
    gint64 wait = self->reconnect ? WORKER_TICK_US : G_USEC_PER_SEC;
    g_cond_wait_until (&self->cond, GST_OBJECT_GET_LOCK (self),
        g_get_monotonic_time () + wait);
    if (self->stopping)
      break;
    if (!self->reconnect || self->given_up || self->eos_requested)
      continue;
    gint64 now = g_get_monotonic_time ();
    gboolean playing = GST_STATE (self) == GST_STATE_PLAYING;
    if (!self->lost && self->link != LINK_WAITING && playing
        && self->stall_timeout > 0) {
      gint64 since = self->last_data;
      if (self->link == LINK_TRYING)
        since = MAX (since, self->attempt_at);
      if (since == 0)
        since = self->last_data = now;  /* the first look since PLAYING */
      if ((GstClockTime) (now - since) * GST_USECOND > self->stall_timeout) {
        gchar *r = g_strdup_printf ("no data for %.1f s",
            (now - since) / (gdouble) G_USEC_PER_SEC);
        ask_reconnect_locked (self, r);
        g_free (r);
      }
    }
    if (self->lost) {
      self->lost = FALSE;
      gchar *reason = g_steal_pointer (&self->lost_reason);
      if (self->link == LINK_UP) {
        self->down_since = now;
        self->failures = 0;
        self->gap_lag = GST_CLOCK_TIME_NONE;
      } else {
        self->failures++;
      }
      gint n = self->failures;
      gboolean give_up = self->max_reconnects >= 0
          && n >= self->max_reconnects;
      GstClockTime delay = backoff (self->reconnect_delay,
          self->reconnect_max_delay, n);
      GstElement *old = self->decoder;
      self->decoder = NULL;
      self->dying = old;
      self->link = LINK_WAITING;
      self->attempt_at = now + delay / GST_USECOND;
      self->given_up = give_up;
      gchar *uri = g_strdup (self->uri);
      GST_OBJECT_UNLOCK (self);
      if (give_up) {
        GST_ELEMENT_ERROR (self, RESOURCE, READ,
            ("%s: %s; gave up after %d reconnection attempt%s", uri, reason,
                n, n == 1 ? "" : "s"), (NULL));
      } else if (n == 0) {
        GST_ELEMENT_WARNING (self, RESOURCE, READ,
            ("%s: %s; reconnecting in %.1f s", uri, reason,
                (gdouble) delay / GST_SECOND), (NULL));
      } else {
        GST_ELEMENT_WARNING (self, RESOURCE, READ,
            ("%s: %s; reconnection attempt %d failed, next in %.1f s", uri,
                reason, n, (gdouble) delay / GST_SECOND), (NULL));
      }
      g_free (uri);
      g_free (reason);
      drop_decoder (self, old);
      GST_OBJECT_LOCK (self);
      continue;
    }
    if (self->link == LINK_WAITING && now >= self->attempt_at) {
      self->link = LINK_TRYING;
      self->attempt_at = now;
      GST_OBJECT_UNLOCK (self);
      GST_INFO_OBJECT (self, "reconnecting");
      start_decoder (self);
      GST_OBJECT_LOCK (self);
      continue;
    }
    if (self->link != LINK_UP && playing) {
      GST_OBJECT_UNLOCK (self);
      push_gaps (self);
      GST_OBJECT_LOCK (self);
    }
  }
  GST_OBJECT_UNLOCK (self);
  return NULL;
}

static void stop_worker (GstMmDecodebin * self);

static void
start_worker (GstMmDecodebin * self)
{
  /* one worker at a time: a READY -> PAUSED that went async and failed
   * leaves the last one running without a PAUSED -> READY */
  stop_worker (self);
  GST_OBJECT_LOCK (self);
  self->link = LINK_UP;
  self->lost = FALSE;
  self->failures = 0;
  self->given_up = FALSE;
  self->stopping = FALSE;
  self->eos_requested = FALSE;
  self->last_data = 0;
  self->data_end = GST_CLOCK_TIME_NONE;
  self->gap_lag = GST_CLOCK_TIME_NONE;
  GST_OBJECT_UNLOCK (self);
  GThread *t = g_thread_new ("mmdecodebin", worker_main, self);
  GST_OBJECT_LOCK (self);
  self->worker = t;
  GST_OBJECT_UNLOCK (self);
}

static void
stop_worker (GstMmDecodebin * self)
{
  GST_OBJECT_LOCK (self);
  GThread *t = self->worker;
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  GST_OBJECT_UNLOCK (self);
  if (t)
    g_thread_join (t);
  GST_OBJECT_LOCK (self);
  self->worker = NULL;
  GST_OBJECT_UNLOCK (self);
}

static GstStateChangeReturn
gst_mm_decodebin_change_state (GstElement * element,
    GstStateChange transition)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (element);
  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!self->decoder) {
        /* the last run ended while waiting to reconnect */
        GstElement *decoder = make_decoder (self);
        if (decoder) {
          gst_bin_add (GST_BIN (self), decoder);
          self->decoder = decoder;
        }
      }
      start_worker (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      GST_OBJECT_LOCK (self);
      self->last_data = 0;      /* stalls count from now */
      GST_OBJECT_UNLOCK (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
    case GST_STATE_CHANGE_READY_TO_NULL:
      /* READY -> NULL too: after a failed async READY -> PAUSED the bin
       * goes down from READY, and the worker must not outlive the
       * element (valgrind saw it read a freed element) */
      stop_worker (self);
      break;
    default:
      break;
  }
  begin_making_source ();
  GstStateChangeReturn ret = GST_ELEMENT_CLASS
      (gst_mm_decodebin_parent_class)->change_state (element, transition);
  end_making_source ();
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED
      && ret == GST_STATE_CHANGE_FAILURE)
    stop_worker (self);
  return ret;
}

/* An end of stream sent to the pipeline (to drain it) is not a lost
 * source. While the source is away (waiting to reconnect, or a new one
 * not flowing yet) there is no source to pass it to, or one with no pads
 * yet: it goes into our own chains instead, so the pipeline still ends
 * (an application's Ctrl-C during an outage would otherwise wait for
 * ever); the worker stops reconnecting. */
static gboolean
gst_mm_decodebin_send_event (GstElement * element, GstEvent * event)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (element);
  if (GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    return GST_ELEMENT_CLASS (gst_mm_decodebin_parent_class)->send_event
        (element, event);
  g_mutex_lock (&self->gap_lock);
  GST_OBJECT_LOCK (self);
  self->eos_requested = TRUE;
  gboolean away = self->worker && self->link != LINK_UP;
  GstPad *heads[2] = { NULL, NULL };
  for (gint i = 0; away && i < 2; i++)
    if (self->heads[i])
      heads[i] = gst_object_ref (self->heads[i]);
  GST_OBJECT_UNLOCK (self);
  gboolean ok = TRUE;
  if (away) {
    GST_INFO_OBJECT (self, "end of stream while the source is away");
    for (gint i = 0; i < 2; i++) {
      if (heads[i])
        ok &= gst_pad_send_event (heads[i], gst_event_ref (event));
      gst_clear_object (&heads[i]);
    }
  }
  g_mutex_unlock (&self->gap_lock);
  if (away) {
    gst_event_unref (event);
    return ok;
  }
  return GST_ELEMENT_CLASS (gst_mm_decodebin_parent_class)->send_event
      (element, event);
}

/* Errors from inside come out again with the URI in the message; with
 * `reconnect`, those of the source's decoder make the worker reconnect
 * instead (it posts a warning), and those of a decoder being dropped are
 * its last words. */
static void
gst_mm_decodebin_handle_message (GstBin * bin, GstMessage * msg)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (bin);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR
      && GST_MESSAGE_SRC (msg) != GST_OBJECT (self)) {
    GError *err;
    gchar *dbg;
    gst_message_parse_error (msg, &err, &dbg);
    GstObject *src = GST_MESSAGE_SRC (msg);
    /* the ancestry is walked without our lock: it takes each parent's,
     * ours among them */
    GST_OBJECT_LOCK (self);
    GstObject *decoder = self->decoder ?
        gst_object_ref (GST_OBJECT (self->decoder)) : NULL;
    GstObject *dying = self->dying ?
        gst_object_ref (GST_OBJECT (self->dying)) : NULL;
    GST_OBJECT_UNLOCK (self);
    gboolean from_decoder = decoder && (src == decoder
        || gst_object_has_as_ancestor (src, decoder));
    gboolean from_dying = dying && (src == dying
        || gst_object_has_as_ancestor (src, dying));
    gst_clear_object (&decoder);
    gst_clear_object (&dying);
    GST_OBJECT_LOCK (self);
    gboolean retry = self->reconnect && self->worker && !self->given_up
        && from_decoder;
    if (retry && !from_dying)
      ask_reconnect_locked (self, err->message);
    gchar *text = g_strdup_printf ("%s: %s", self->uri ? self->uri : "(no uri)",
        err->message);
    GST_OBJECT_UNLOCK (self);
    if (retry || from_dying) {
      GST_INFO_OBJECT (self, "source error, reconnecting: %s (%s)", text,
          dbg ? dbg : "");
      g_free (text);
      g_free (dbg);
      g_error_free (err);
      gst_message_unref (msg);
      return;
    }
    GError *wrapped = g_error_new_literal (err->domain, err->code, text);
    GstMessage *m = gst_message_new_error (GST_OBJECT (self), wrapped, dbg);
    g_error_free (wrapped);
    g_error_free (err);
    g_free (text);
    g_free (dbg);
    gst_message_unref (msg);
    msg = m;
  }
  GST_BIN_CLASS (gst_mm_decodebin_parent_class)->handle_message (bin, msg);
}

/* a plain path is taken as a file; FALSE for anything else that is no URI */
static gboolean
set_uri (GstMmDecodebin * self, const gchar * value, GError ** error)
{
  gchar *uri = NULL;
  if (value && gst_uri_is_valid (value))
    uri = g_strdup (value);
  else if (value)
    uri = gst_filename_to_uri (value, NULL);
  if (value && !uri) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "'%s' is neither a URI nor a path", value);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  g_free (self->uri);
  self->uri = uri;
  GST_OBJECT_UNLOCK (self);
  if (self->decoder)
    g_object_set (self->decoder, "uri", uri, NULL);
  return TRUE;
}

static void
gst_mm_decodebin_set_property (GObject * object, guint id,
    const GValue * value, GParamSpec * pspec)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (object);
  switch (id) {
    case PROP_URI:{
      GError *err = NULL;
      if (GST_STATE (self) > GST_STATE_READY) {
        GST_WARNING_OBJECT (self, "the URI can only be changed in the NULL "
            "or READY state");
        return;
      }
      if (!set_uri (self, g_value_get_string (value), &err)) {
        GST_WARNING_OBJECT (self, "%s", err->message);
        g_error_free (err);
      }
      return;
    }
    case PROP_MAX_SIZE_TIME:
    case PROP_MAX_SIZE_BYTES:
    case PROP_MAX_SIZE_BUFFERS:
      break;
    case PROP_RECONNECT:
    case PROP_RECONNECT_DELAY:
    case PROP_RECONNECT_MAX_DELAY:
    case PROP_MAX_RECONNECTS:
    case PROP_STALL_TIMEOUT:
      /* read by the worker at each decision: take effect at once */
      GST_OBJECT_LOCK (self);
      if (id == PROP_RECONNECT)
        self->reconnect = g_value_get_boolean (value);
      else if (id == PROP_RECONNECT_DELAY)
        self->reconnect_delay = g_value_get_uint64 (value);
      else if (id == PROP_RECONNECT_MAX_DELAY)
        self->reconnect_max_delay = g_value_get_uint64 (value);
      else if (id == PROP_MAX_RECONNECTS)
        self->max_reconnects = g_value_get_int (value);
      else
        self->stall_timeout = g_value_get_uint64 (value);
      g_cond_signal (&self->cond);
      GST_OBJECT_UNLOCK (self);
      return;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      return;
  }
  GST_OBJECT_LOCK (self);
  if (id == PROP_MAX_SIZE_TIME)
    self->max_size_time = g_value_get_uint64 (value);
  else if (id == PROP_MAX_SIZE_BYTES)
    self->max_size_bytes = g_value_get_uint (value);
  else
    self->max_size_buffers = g_value_get_uint (value);
  GstElement *queues[2] = { NULL, NULL };
  for (gint i = 0; i < 2; i++)
    if (self->queues[i])
      queues[i] = gst_object_ref (self->queues[i]);
  GST_OBJECT_UNLOCK (self);
  /* queues already made take the new limit at once, as on `queue` */
  for (gint i = 0; i < 2; i++) {
    if (queues[i]) {
      apply_queue_limits (self, queues[i]);
      gst_object_unref (queues[i]);
    }
  }
}

static void
gst_mm_decodebin_get_property (GObject * object, guint id, GValue * value,
    GParamSpec * pspec)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (object);
  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_MAX_SIZE_TIME:
      g_value_set_uint64 (value, self->max_size_time);
      break;
    case PROP_MAX_SIZE_BYTES:
      g_value_set_uint (value, self->max_size_bytes);
      break;
    case PROP_MAX_SIZE_BUFFERS:
      g_value_set_uint (value, self->max_size_buffers);
      break;
    case PROP_RECONNECT:
      g_value_set_boolean (value, self->reconnect);
      break;
    case PROP_RECONNECT_DELAY:
      g_value_set_uint64 (value, self->reconnect_delay);
      break;
    case PROP_RECONNECT_MAX_DELAY:
      g_value_set_uint64 (value, self->reconnect_max_delay);
      break;
    case PROP_MAX_RECONNECTS:
      g_value_set_int (value, self->max_reconnects);
      break;
    case PROP_STALL_TIMEOUT:
      g_value_set_uint64 (value, self->stall_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* GstURIHandler: what uridecodebin's sources commonly take. Listed, not
 * looked up in the registry: the list is asked for while plugins are
 * still being registered. */
static GstURIType
uri_get_type (GType type)
{
  return GST_URI_SRC;
}

static const gchar *const *
uri_get_protocols (GType type)
{
  /* Only schemes whose usual source outranks us (filesrc, souphttpsrc,
   * rtmpsrc, srtsrc are primary): an application's uridecodebin or
   * playbin then never picks mmdecodebin by accident. rtsp is left out
   * because rtspsrc has rank none like us and would lose the tie by name;
   * udp because rtspsrc makes its RTP sources from udp:// URIs. The uri
   * property takes every scheme uridecodebin knows. */
  static const gchar *protocols[] = { "file", "http", "https", "rtmp",
    "srt", NULL
  };
  return protocols;
}

static gchar *
uri_get_uri (GstURIHandler * handler)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (handler);
  GST_OBJECT_LOCK (self);
  gchar *uri = g_strdup (self->uri);
  GST_OBJECT_UNLOCK (self);
  return uri;
}

static gboolean
uri_set_uri (GstURIHandler * handler, const gchar * uri, GError ** error)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (handler);
  if (g_private_get (&making_source)) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_UNSUPPORTED_PROTOCOL,
        "mmdecodebin is no source for its own uridecodebin");
    return FALSE;
  }
  if (GST_STATE (self) > GST_STATE_READY) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
        "the URI can only be changed in the NULL or READY state");
    return FALSE;
  }
  if (!set_uri (self, uri, error))
    return FALSE;
  g_object_notify (G_OBJECT (self), "uri");
  return TRUE;
}

static void
gst_mm_decodebin_uri_handler_init (gpointer iface, gpointer data)
{
  GstURIHandlerInterface *i = iface;
  i->get_type = uri_get_type;
  i->get_protocols = uri_get_protocols;
  i->get_uri = uri_get_uri;
  i->set_uri = uri_set_uri;
}

static void
gst_mm_decodebin_finalize (GObject * object)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (object);
  g_free (self->uri);
  g_free (self->lost_reason);
  for (gint i = 0; i < 2; i++)
    gst_clear_object (&self->heads[i]);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->gap_lock);
  G_OBJECT_CLASS (gst_mm_decodebin_parent_class)->finalize (object);
}

static void
gst_mm_decodebin_class_init (GstMmDecodebinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  gobject_class->set_property = gst_mm_decodebin_set_property;
  gobject_class->get_property = gst_mm_decodebin_get_property;
  gobject_class->finalize = gst_mm_decodebin_finalize;
  /**
   * GstMmDecodebin:uri:
   *
   * What to decode: a URI uridecodebin takes, or a plain path (made a
   * file:// URI).
   */
  g_object_class_install_property (gobject_class, PROP_URI,
      g_param_spec_string ("uri", "URI",
          "What to decode: a URI (file://, http://, rtsp://...) or a path",
          NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMmDecodebin:max-size-time:
   *
   * Longest stretch each branch's queue holds, in nanoseconds (0: no
   * limit). Must cover one audio window plus the demuxer's interleaving.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE_TIME,
      g_param_spec_uint64 ("max-size-time", "Max. size (ns)",
          "Most data each branch's queue holds, in nanoseconds (0 = no "
          "limit); at least one audio window, or the video branch stalls",
          0, G_MAXUINT64, DEFAULT_MAX_SIZE_TIME, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmDecodebin:max-size-bytes:
   *
   * Most bytes each branch's queue holds (0: no limit).
   */
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE_BYTES,
      g_param_spec_uint ("max-size-bytes", "Max. size (bytes)",
          "Most data each branch's queue holds, in bytes (0 = no limit)",
          0, G_MAXUINT, DEFAULT_MAX_SIZE_BYTES, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmDecodebin:max-size-buffers:
   *
   * Most buffers each branch's queue holds (0: no limit).
   */
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE_BUFFERS,
      g_param_spec_uint ("max-size-buffers", "Max. size (buffers)",
          "Most data each branch's queue holds, in buffers (0 = no limit)",
          0, G_MAXUINT, DEFAULT_MAX_SIZE_BUFFERS, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmDecodebin:reconnect:
   *
   * Whether a source that fails (an error or an end of stream from inside)
   * or stalls is made again, with a warning, instead of ending the
   * pipeline with an error. For live network sources: with it, a file's
   * end is taken for a lost source too.
   */
  g_object_class_install_property (gobject_class, PROP_RECONNECT,
      g_param_spec_boolean ("reconnect", "Reconnect",
          "Make a failed or stalled source again (with a warning) instead "
          "of posting an error; an end of stream counts as a failure",
          DEFAULT_RECONNECT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmDecodebin:reconnect-delay:
   *
   * Wait before the first attempt after a loss, in nanoseconds; doubled
   * after each failed attempt up to #GstMmDecodebin:reconnect-max-delay.
   */
  g_object_class_install_property (gobject_class, PROP_RECONNECT_DELAY,
      g_param_spec_uint64 ("reconnect-delay", "Reconnect delay (ns)",
          "Wait before the first attempt to reconnect, in nanoseconds; "
          "doubled after each failed attempt", MIN_DELAY, MAX_DELAY,
          DEFAULT_RECONNECT_DELAY, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmDecodebin:reconnect-max-delay:
   *
   * Longest wait between two attempts, in nanoseconds.
   */
  g_object_class_install_property (gobject_class, PROP_RECONNECT_MAX_DELAY,
      g_param_spec_uint64 ("reconnect-max-delay", "Reconnect max. delay (ns)",
          "Longest wait between two attempts to reconnect, in nanoseconds",
          MIN_DELAY, MAX_DELAY, DEFAULT_RECONNECT_MAX_DELAY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmDecodebin:max-reconnects:
   *
   * Failed attempts in a row after which the element gives up with an
   * error (-1: never; 0: a loss is an error at once). A source that
   * delivers data again resets the count.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_RECONNECTS,
      g_param_spec_int ("max-reconnects", "Max. reconnects",
          "Failed attempts to reconnect in a row before an error "
          "(-1 = no limit)", -1, G_MAXINT, DEFAULT_MAX_RECONNECTS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmDecodebin:stall-timeout:
   *
   * With #GstMmDecodebin:reconnect, a source that delivers no data for
   * this long while PLAYING (or a new attempt that delivers none) counts
   * as lost, in nanoseconds (0: errors only).
   */
  g_object_class_install_property (gobject_class, PROP_STALL_TIMEOUT,
      g_param_spec_uint64 ("stall-timeout", "Stall timeout (ns)",
          "With reconnect: no data for this long while PLAYING counts as a "
          "lost source, in nanoseconds (0 = errors only)", 0, MAX_DELAY,
          DEFAULT_STALL_TIMEOUT, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));
  gst_element_class_set_static_metadata (element_class,
      "Decoder for mmfusion", "Generic/Bin/Decoder",
      "Decodes a file or stream into one raw video and one raw audio pad, "
      "converted and queued for mmfusion and mmaudiowindow",
      "gst-mmfusion authors");
  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_add_static_pad_template (element_class, &audio_template);
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_mm_decodebin_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_mm_decodebin_send_event);
  GST_BIN_CLASS (klass)->handle_message =
      GST_DEBUG_FUNCPTR (gst_mm_decodebin_handle_message);
  GST_DEBUG_CATEGORY_INIT (mm_decodebin_debug, "mmdecodebin", 0,
      "mmfusion decoder bin");
}

static void
gst_mm_decodebin_init (GstMmDecodebin * self)
{
  self->max_size_time = DEFAULT_MAX_SIZE_TIME;
  self->max_size_bytes = DEFAULT_MAX_SIZE_BYTES;
  self->max_size_buffers = DEFAULT_MAX_SIZE_BUFFERS;
  self->reconnect = DEFAULT_RECONNECT;
  self->reconnect_delay = DEFAULT_RECONNECT_DELAY;
  self->reconnect_max_delay = DEFAULT_RECONNECT_MAX_DELAY;
  self->max_reconnects = DEFAULT_MAX_RECONNECTS;
  self->stall_timeout = DEFAULT_STALL_TIMEOUT;
  self->gap_duration = DEFAULT_GAP_DURATION;
  self->data_end = GST_CLOCK_TIME_NONE;
  for (gint i = 0; i < 2; i++)
    gst_segment_init (&self->segments[i], GST_FORMAT_UNDEFINED);
  g_cond_init (&self->cond);
  g_mutex_init (&self->gap_lock);
  self->decoder = make_decoder (self);
  if (self->decoder)
    gst_bin_add (GST_BIN (self), self->decoder);
}
