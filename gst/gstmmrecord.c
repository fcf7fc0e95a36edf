/* mmrecord: clips of encoded video and audio around events.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-mmrecord
 * @title: mmrecord
 *
 * Keeps the last #GstMmRecord:buffer-duration of *encoded* video and audio
 * (request pads `video` and `audio`; nothing is decoded or re-encoded) and
 * writes a clip from #GstMmRecord:pre before an event's start to
 * #GstMmRecord:post after its end, in Matroska or MP4 (by the file name's
 * extension, or #GstMmRecord:container). The memory holds whole GOPs: a
 * clip begins at the last keyframe at or before `start − pre`. An event that
 * starts before the current clip would end joins it; a clip longer than
 * #GstMmRecord:max-duration is cut at the next keyframe and a new one goes
 * on while the event lasts.
 *
 * Events come from the mmfusion element named by #GstMmRecord:fusion (its
 * `mmfusion-event` bus messages, read synchronously as they are posted), or
 * from the application through the action signals `start`, `stop` and
 * `trigger`. Running times are the pipeline's, so the encoded branch and
 * the analysed branch agree whatever their latencies.
 *
 * Each clip is muxed and written by a small pipeline of its own, so a slow
 * disk never holds up the live pipeline. A finished clip is announced with
 * an element message `mmrecord-clip`: `path` (string), `start`, `end`
 * (guint64, running time of the clip's first and last media), `event-start`,
 * `event-end` (guint64), `class` (string, labels joined by commas), `utc`
 * (string). A clip that cannot be written (folder missing or read-only, disk
 * full) gives one warning and is dropped; the pipeline goes on, and the next
 * failure is reported again only after a clip succeeded.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m videotestsrc is-live=true pattern=ball ! \
 *   video/x-raw,width=320,height=240,framerate=25/1 ! tee name=t \
 *   t. ! queue ! x264enc tune=zerolatency key-int-max=25 ! r.video \
 *   audiotestsrc is-live=true ! audioconvert ! opusenc ! r.audio \
 *   t. ! queue ! videoconvert ! f.video \
 *   mmfusion name=f model=tests/golden/sync/probe_video_only.onnx event-on=0.5 ! fakesink \
 *   mmrecord name=r fusion=f directory=/tmp pre=2000000000 post=2000000000
 * ]| A raw live source encoded once (x264enc), recorded around mmfusion's
 * events.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmrecord-private.h"
#include "gstmmfusionelements.h"

#include <string.h>

GST_DEBUG_CATEGORY (mm_record_debug);
#define GST_CAT_DEFAULT mm_record_debug

#define DEFAULT_DIRECTORY "."
#define DEFAULT_FILE_TEMPLATE "{source}-{class}-{utc}.mkv"
#define DEFAULT_PRE (5 * GST_SECOND)
#define DEFAULT_POST (5 * GST_SECOND)
#define DEFAULT_BUFFER_DURATION (15 * GST_SECOND)
#define DEFAULT_MAX_DURATION (300 * GST_SECOND)
#define DEFAULT_CONTAINER GST_MM_RECORD_CONTAINER_AUTO
#define MAX_SPAN (3600 * GST_SECOND)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_FILE_TEMPLATE,
  PROP_PRE,
  PROP_POST,
  PROP_BUFFER_DURATION,
  PROP_MAX_DURATION,
  PROP_CONTAINER,
  PROP_FUSION,
  PROP_SOURCE,
  PROP_CLIPS,
};

enum {
  SIGNAL_START,
  SIGNAL_STOP,
  SIGNAL_TRIGGER,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

#define GST_TYPE_MM_RECORD_CONTAINER (gst_mm_record_container_get_type ())
static GType
gst_mm_record_container_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_MM_RECORD_CONTAINER_AUTO, "From the file name: .mp4, .m4v, .mov "
          "MP4, else Matroska", "auto"},
    {GST_MM_RECORD_CONTAINER_MATROSKA, "Matroska (matroskamux)", "matroska"},
    {GST_MM_RECORD_CONTAINER_MP4, "MP4 (mp4mux)", "mp4"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstMmRecordContainer", values));
  return type;
}

G_DEFINE_TYPE (GstMmRecord, gst_mm_record, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (mmrecord, "mmrecord", GST_RANK_NONE,
    GST_TYPE_MM_RECORD);

/* encoded media only: raw media would have to be encoded per clip */
#define VIDEO_CAPS \
  "video/x-h264, stream-format = (string) { avc, avc3, byte-stream }, " \
  "alignment = (string) au; " \
  "video/x-h265, stream-format = (string) { hvc1, hev1, byte-stream }, " \
  "alignment = (string) au; " \
  "video/x-vp8; video/x-vp9; video/x-av1; image/jpeg"
#define AUDIO_CAPS \
  "audio/mpeg, mpegversion = (int) 1; " \
  "audio/mpeg, mpegversion = (int) { 2, 4 }; " \
  "audio/x-opus; audio/x-vorbis; audio/x-flac; audio/x-ac3; audio/x-alac"

static GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE ("video",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS (VIDEO_CAPS));
static GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE ("audio",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS (AUDIO_CAPS));

/* ---- events: the action signals and the followed element ---- */

static void
handle_start (GstMmRecord * self, const gchar * label, guint64 t)
{
  if (!label)
    label = "event";
  g_mutex_lock (&self->lock);
  if (!GST_CLOCK_TIME_IS_VALID (t))
    t = mm_record_now (self);
  if (!g_hash_table_contains (self->active, label)) {
    g_hash_table_add (self->active, g_strdup (label));
    if (self->finisher)
      mm_record_event_start (self, label, t, TRUE);
  }
  g_mutex_unlock (&self->lock);
  mm_record_post_warning (self);
}

static void
handle_stop (GstMmRecord * self, const gchar * label, guint64 t)
{
  if (!label)
    label = "event";
  g_mutex_lock (&self->lock);
  if (!GST_CLOCK_TIME_IS_VALID (t))
    t = mm_record_now (self);
  if (g_hash_table_remove (self->active, label) && self->finisher)
    mm_record_event_end (self, label, t);
  g_mutex_unlock (&self->lock);
  mm_record_post_warning (self);
}

static void
handle_trigger (GstMmRecord * self, const gchar * label, guint64 start,
    guint64 end)
{
  if (!label)
    label = "event";
  g_mutex_lock (&self->lock);
  if (!GST_CLOCK_TIME_IS_VALID (start))
    start = mm_record_now (self);
  if (!GST_CLOCK_TIME_IS_VALID (end) || end < start)
    end = start;
  if (self->finisher) {
    GST_OBJECT_LOCK (self);
    GstClockTime post = self->post;
    GST_OBJECT_UNLOCK (self);
    mm_record_event_start (self, label, start, FALSE);
    MmClip *c = self->current;
    if (c) {
      if (!GST_CLOCK_TIME_IS_VALID (c->event_end) || end > c->event_end)
        c->event_end = end;
      c->trigger_stop = GST_CLOCK_TIME_IS_VALID (c->trigger_stop) ?
          MAX (c->trigger_stop, end + post) : end + post;
      if (c->active == 0)
        mm_record_clip_set_stop (self, c, c->trigger_stop);
    }
  }
  g_mutex_unlock (&self->lock);
  mm_record_post_warning (self);
}

/* mmfusion's event messages, in the thread that posts them */
static void
on_sync_message (GstBus * bus, GstMessage * msg, GstMmRecord * self)
{
  if (GST_MESSAGE_SRC (msg) != GST_OBJECT (self->fusion_element))
    return;
  const GstStructure *s = gst_message_get_structure (msg);
  guint64 at;
  if (s && gst_structure_has_name (s, "mmfusion")
      && gst_structure_get_uint64 (s, "running-time", &at)) {
    /* how far the analysis got: clips that no event can join any more
     * are closed */
    g_mutex_lock (&self->lock);
    self->analysis_rt = at;
    if (self->finisher)
      mm_record_check_all (self);
    g_mutex_unlock (&self->lock);
    mm_record_post_warning (self);
    return;
  }
  if (!s || !gst_structure_has_name (s, "mmfusion-event"))
    return;
  const gchar *state = gst_structure_get_string (s, "state");
  const gchar *label = gst_structure_get_string (s, "label");
  guint64 t = GST_CLOCK_TIME_NONE;
  gst_structure_get_uint64 (s, "running-time", &t);
  if (!state || !label)
    return;
  if (!g_strcmp0 (state, "start"))
    handle_start (self, label, t);
  else if (!g_strcmp0 (state, "end"))
    handle_stop (self, label, t);
}

/* ---- streaming ---- */

static MmStream *
stream_of (GstMmRecord * self, GstPad * pad, guint * index)
{
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++)
    if (self->streams[i].pad == pad) {
      *index = i;
      return &self->streams[i];
    }
  return NULL;
}

static GstFlowReturn
gst_mm_record_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstMmRecord *self = GST_MM_RECORD (parent);
  g_mutex_lock (&self->lock);
  guint i = 0;
  MmStream *s = stream_of (self, pad, &i);
  if (!s || !self->finisher || s->segment.format != GST_FORMAT_TIME) {
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  MmRingEntry e;
  GstClockTime ts = GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf) :
      GST_BUFFER_DTS (buf);
  e.rt = gst_segment_to_running_time (&s->segment, GST_FORMAT_TIME, ts);
  e.dts = GST_BUFFER_DTS_IS_VALID (buf) ?
      gst_segment_to_running_time (&s->segment, GST_FORMAT_TIME,
      GST_BUFFER_DTS (buf)) : GST_CLOCK_TIME_NONE;
  if (!GST_CLOCK_TIME_IS_VALID (e.rt)) {
    /* untimed, or outside the segment: cannot be placed in a clip */
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  e.end = GST_BUFFER_DURATION_IS_VALID (buf) ?
      e.rt + GST_BUFFER_DURATION (buf) : e.rt;
  e.key = !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  e.buf = buf;
  guint k = mm_record_key_stream (self);

  /* a clip longer than max-duration ends before this keyframe; while its
   * event lasts, a new clip goes on from it */
  if (i == k && e.key) {
    GST_OBJECT_LOCK (self);
    GstClockTime max = self->max_duration;
    GST_OBJECT_UNLOCK (self);
    for (GList * l = self->clips; l; l = l->next) {
      MmClip *c = l->data;
      if (!c->open || e.rt < c->start + max
          || (GST_CLOCK_TIME_IS_VALID (c->stop) && e.rt >= c->stop))
        continue;
      if (c == self->current) {
        MmClip *n = mm_record_clip_new (self, e.rt);
        /* named after the events still on */
        GHashTableIter it;
        gpointer label;
        g_hash_table_iter_init (&it, self->active);
        while (g_hash_table_iter_next (&it, &label, NULL))
          mm_record_clip_add_class (n, label);
        if (!n->classes->len)
          g_string_assign (n->classes, c->classes->str);
        n->active = c->active;
        n->stop = c->stop;
        n->trigger_stop = c->trigger_stop;
        n->event_start = c->event_start;
        n->event_end = c->event_end;
        self->current = n;
        c->active = 0;
      }
      GST_DEBUG_OBJECT (self, "clip %s reached max-duration", c->path);
      c->stop = e.rt;
    }
  }

  for (GList * l = self->clips; l; l = l->next) {
    MmClip *c = l->data;
    if (c->open)
      mm_record_clip_feed (c, i, &e);
  }
  /* the key stream keeps only what follows its first keyframe */
  if (i != k || e.key || s->ring.len)
    mm_ring_push (&s->ring, &e);
  else
    gst_buffer_unref (buf);
  if (!GST_CLOCK_TIME_IS_VALID (s->newest) || e.rt > s->newest)
    s->newest = e.rt;
  if (i == k)
    mm_record_open_ready (self);
  mm_record_trim (self);
  mm_record_check_all (self);
  g_mutex_unlock (&self->lock);
  mm_record_post_warning (self);
  return GST_FLOW_OK;
}

static gboolean
gst_mm_record_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstMmRecord *self = GST_MM_RECORD (parent);
  gboolean post_eos = FALSE;
  g_mutex_lock (&self->lock);
  guint i = 0;
  MmStream *s = stream_of (self, pad, &i);
  if (s) {
    switch (GST_EVENT_TYPE (event)) {
      case GST_EVENT_CAPS:{
        GstCaps *caps;
        gst_event_parse_caps (event, &caps);
        gst_caps_replace (&s->caps, caps);
        break;
      }
      case GST_EVENT_SEGMENT:
        gst_event_copy_segment (event, &s->segment);
        break;
      case GST_EVENT_FLUSH_STOP:
        /* a seek: what is remembered no longer follows on */
        mm_record_close_all (self);
        for (guint j = 0; j < MM_CLIP_N_STREAMS; j++) {
          mm_ring_clear (&self->streams[j].ring);
          self->streams[j].newest = GST_CLOCK_TIME_NONE;
        }
        self->analysis_rt = GST_CLOCK_TIME_NONE;
        self->eos_waiting = FALSE;
        gst_segment_init (&s->segment, GST_FORMAT_UNDEFINED);
        s->eos = FALSE;
        break;
      case GST_EVENT_STREAM_START:
        s->eos = FALSE;
        break;
      case GST_EVENT_EOS:{
        s->eos = TRUE;
        gboolean all = TRUE;
        for (guint j = 0; j < MM_CLIP_N_STREAMS; j++)
          if (self->streams[j].pad && !self->streams[j].eos)
            all = FALSE;
        if (all && self->finisher && self->fusion_element
            && !self->fusion_eos) {
          /* the analysis lags: its last events may still open or extend
           * clips from the memory; end when it ends */
          self->eos_waiting = TRUE;
          self->eos_seqnum = gst_event_get_seqnum (event);
          mm_record_check_all (self);
        } else if (all && self->finisher) {
          /* the pipeline ends once every clip is on disk */
          mm_record_close_all (self);
          mm_record_wait_finished (self);
          post_eos = TRUE;
        } else {
          mm_record_check_all (self);
        }
        break;
      }
      default:
        break;
    }
  }
  g_mutex_unlock (&self->lock);
  mm_record_post_warning (self);
  if (post_eos) {
    GstMessage *m = gst_message_new_eos (GST_OBJECT (self));
    gst_message_set_seqnum (m, gst_event_get_seqnum (event));
    gst_element_post_message (GST_ELEMENT (self), m);
  }
  /* a sink: events end here, except what every pad must answer */
  gboolean ret = TRUE;
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS
      || GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT
      || GST_EVENT_TYPE (event) == GST_EVENT_EOS
      || GST_EVENT_TYPE (event) == GST_EVENT_STREAM_START
      || GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP
      || GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START)
    gst_event_unref (event);
  else
    ret = gst_pad_event_default (pad, parent, event);
  return ret;
}

/* ---- pads and states ---- */

static GstPad *
gst_mm_record_request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  GstMmRecord *self = GST_MM_RECORD (element);
  guint i = g_str_equal (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ), "video") ?
      MM_CLIP_VIDEO : MM_CLIP_AUDIO;
  g_mutex_lock (&self->lock);
  if (self->streams[i].pad) {
    g_mutex_unlock (&self->lock);
    GST_WARNING_OBJECT (self, "there is already a %s pad",
        GST_PAD_TEMPLATE_NAME_TEMPLATE (templ));
    return NULL;
  }
  GstPad *pad = gst_pad_new_from_template (templ,
      GST_PAD_TEMPLATE_NAME_TEMPLATE (templ));
  gst_pad_set_chain_function (pad, GST_DEBUG_FUNCPTR (gst_mm_record_chain));
  gst_pad_set_event_function (pad,
      GST_DEBUG_FUNCPTR (gst_mm_record_sink_event));
  self->streams[i].pad = pad;
  g_mutex_unlock (&self->lock);
  gst_pad_set_active (pad, GST_STATE (self) > GST_STATE_READY);
  gst_element_add_pad (element, pad);
  return pad;
}

static void
gst_mm_record_release_pad (GstElement * element, GstPad * pad)
{
  GstMmRecord *self = GST_MM_RECORD (element);
  g_mutex_lock (&self->lock);
  guint i = 0;
  MmStream *s = stream_of (self, pad, &i);
  if (s) {
    mm_ring_clear (&s->ring);
    gst_caps_replace (&s->caps, NULL);
    s->pad = NULL;
  }
  g_mutex_unlock (&self->lock);
  gst_element_remove_pad (element, pad);
}

static void
reset_streams (GstMmRecord * self)
{
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++) {
    MmStream *s = &self->streams[i];
    mm_ring_clear (&s->ring);
    gst_segment_init (&s->segment, GST_FORMAT_UNDEFINED);
    s->newest = GST_CLOCK_TIME_NONE;
    s->eos = FALSE;
  }
  g_hash_table_remove_all (self->active);
  self->analysis_rt = GST_CLOCK_TIME_NONE;
  self->fusion_eos = self->eos_waiting = FALSE;
}

static GstObject *
top_level (GstMmRecord * self)
{
  GstObject *top = gst_object_ref (GST_OBJECT (self));
  GstObject *p;
  while ((p = gst_object_get_parent (top))) {
    gst_object_unref (top);
    top = p;
  }
  return top;
}

/* the followed element's EOS: no event can come any more */
static GstPadProbeReturn
on_fusion_event (GstPad * pad, GstPadProbeInfo * info, GstMmRecord * self)
{
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
  gboolean post_eos = FALSE;
  g_mutex_lock (&self->lock);
  if (GST_EVENT_TYPE (ev) == GST_EVENT_FLUSH_STOP) {
    self->fusion_eos = FALSE;
  } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS) {
    self->fusion_eos = TRUE;
    if (self->eos_waiting && self->finisher) {
      self->eos_waiting = FALSE;
      mm_record_close_all (self);
      mm_record_wait_finished (self);
      post_eos = TRUE;
    }
  }
  guint32 seqnum = self->eos_seqnum;
  g_mutex_unlock (&self->lock);
  mm_record_post_warning (self);
  if (post_eos) {
    GstMessage *m = gst_message_new_eos (GST_OBJECT (self));
    gst_message_set_seqnum (m, seqnum);
    gst_element_post_message (GST_ELEMENT (self), m);
  }
  return GST_PAD_PROBE_OK;
}

/* finds the mmfusion element to follow and listens to its messages as they
 * are posted: no main loop needed, and no latency added */
static gboolean
follow_fusion (GstMmRecord * self)
{
  GST_OBJECT_LOCK (self);
  gchar *name = g_strdup (self->fusion);
  GST_OBJECT_UNLOCK (self);
  if (!name || !*name) {
    g_free (name);
    return TRUE;
  }
  GstObject *top = top_level (self);
  GstElement *f = GST_IS_BIN (top) ?
      gst_bin_get_by_name (GST_BIN (top), name) : NULL;
  if (!f) {
    GST_ELEMENT_ERROR (self, CORE, FAILED,
        ("No element named '%s' to follow (property fusion)", name),
        ("name the mmfusion element of this pipeline, e.g. fusion=f for "
            "'mmfusion name=f'"));
    gst_object_unref (top);
    g_free (name);
    return FALSE;
  }
  self->fusion_element = f;
  self->fusion_pad = gst_element_get_static_pad (f, "src");
  if (self->fusion_pad)
    self->fusion_probe = gst_pad_add_probe (self->fusion_pad,
        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
        (GstPadProbeCallback) on_fusion_event, self, NULL);
  gst_object_unref (f);         /* same pipeline: lives as long as we do */
  self->bus = gst_element_get_bus (GST_ELEMENT (top));
  if (self->bus) {
    gst_bus_enable_sync_message_emission (self->bus);
    self->bus_handler = g_signal_connect (self->bus, "sync-message::element",
        G_CALLBACK (on_sync_message), self);
  }
  gst_object_unref (top);
  g_free (name);
  return TRUE;
}

static void
unfollow_fusion (GstMmRecord * self)
{
  if (self->bus) {
    g_signal_handler_disconnect (self->bus, self->bus_handler);
    gst_bus_disable_sync_message_emission (self->bus);
    gst_object_unref (self->bus);
    self->bus = NULL;
  }
  if (self->fusion_pad) {
    gst_pad_remove_probe (self->fusion_pad, self->fusion_probe);
    gst_object_unref (self->fusion_pad);
    self->fusion_pad = NULL;
  }
  self->fusion_element = NULL;
}

static GstStateChangeReturn
gst_mm_record_change_state (GstElement * element, GstStateChange transition)
{
  GstMmRecord *self = GST_MM_RECORD (element);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    g_mutex_lock (&self->lock);
    reset_streams (self);
    self->failing = FALSE;
    self->finisher = g_thread_pool_new (mm_record_finish_clip, NULL, 1, FALSE, NULL);
    /* without inputs it never sees EOS: then the pipeline must not wait
     * for its EOS either */
    if (self->streams[MM_CLIP_VIDEO].pad || self->streams[MM_CLIP_AUDIO].pad)
      GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
    else
      GST_OBJECT_FLAG_UNSET (self, GST_ELEMENT_FLAG_SINK);
    g_mutex_unlock (&self->lock);
    if (!follow_fusion (self))
      return GST_STATE_CHANGE_FAILURE;
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS (gst_mm_record_parent_class)->change_state (element,
      transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY
      || (transition == GST_STATE_CHANGE_READY_TO_PAUSED
          && ret == GST_STATE_CHANGE_FAILURE)) {
    unfollow_fusion (self);
    g_mutex_lock (&self->lock);
    mm_record_close_all (self);
    mm_record_wait_finished (self);
    GThreadPool *pool = self->finisher;
    self->finisher = NULL;
    reset_streams (self);
    g_mutex_unlock (&self->lock);
    if (pool)
      g_thread_pool_free (pool, FALSE, TRUE);
    mm_record_post_warning (self);
  }
  return ret;
}

/* ---- properties ---- */

static void
gst_mm_record_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstMmRecord *self = GST_MM_RECORD (object);
  if ((pspec->flags & GST_PARAM_MUTABLE_READY)
      && GST_STATE (self) > GST_STATE_READY) {
    g_warning ("mmrecord: property '%s' can only be changed in the NULL or "
        "READY state", pspec->name);
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DIRECTORY:
      g_free (self->directory);
      self->directory = g_value_dup_string (value);
      if (!self->directory)
        self->directory = g_strdup (DEFAULT_DIRECTORY);
      break;
    case PROP_FILE_TEMPLATE:
      g_free (self->file_template);
      self->file_template = g_value_dup_string (value);
      if (!self->file_template || !*self->file_template) {
        g_free (self->file_template);
        self->file_template = g_strdup (DEFAULT_FILE_TEMPLATE);
      }
      break;
    case PROP_PRE:
      self->pre = g_value_get_uint64 (value);
      break;
    case PROP_POST:
      self->post = g_value_get_uint64 (value);
      break;
    case PROP_BUFFER_DURATION:
      self->buffer_duration = g_value_get_uint64 (value);
      break;
    case PROP_MAX_DURATION:
      self->max_duration = g_value_get_uint64 (value);
      break;
    case PROP_CONTAINER:
      self->container = g_value_get_enum (value);
      break;
    case PROP_FUSION:
      g_free (self->fusion);
      self->fusion = g_value_dup_string (value);
      break;
    case PROP_SOURCE:
      g_free (self->source);
      self->source = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_record_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstMmRecord *self = GST_MM_RECORD (object);
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;
    case PROP_FILE_TEMPLATE:
      g_value_set_string (value, self->file_template);
      break;
    case PROP_PRE:
      g_value_set_uint64 (value, self->pre);
      break;
    case PROP_POST:
      g_value_set_uint64 (value, self->post);
      break;
    case PROP_BUFFER_DURATION:
      g_value_set_uint64 (value, self->buffer_duration);
      break;
    case PROP_MAX_DURATION:
      g_value_set_uint64 (value, self->max_duration);
      break;
    case PROP_CONTAINER:
      g_value_set_enum (value, self->container);
      break;
    case PROP_FUSION:
      g_value_set_string (value, self->fusion);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_CLIPS:
      g_value_set_uint (value, self->clips_written);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_record_dispose (GObject * object)
{
  unfollow_fusion (GST_MM_RECORD (object));
  G_OBJECT_CLASS (gst_mm_record_parent_class)->dispose (object);
}

static void
gst_mm_record_finalize (GObject * object)
{
  GstMmRecord *self = GST_MM_RECORD (object);
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++) {
    mm_ring_free (&self->streams[i].ring);
    gst_caps_replace (&self->streams[i].caps, NULL);
  }
  g_hash_table_unref (self->active);
  g_free (self->warning);
  g_free (self->directory);
  g_free (self->file_template);
  g_free (self->fusion);
  g_free (self->source);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->finished);
  G_OBJECT_CLASS (gst_mm_record_parent_class)->finalize (object);
}

static void
gst_mm_record_class_init (GstMmRecordClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  gobject_class->set_property = gst_mm_record_set_property;
  gobject_class->get_property = gst_mm_record_get_property;
  gobject_class->dispose = gst_mm_record_dispose;
  gobject_class->finalize = gst_mm_record_finalize;

#define RW (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)
  /**
   * GstMmRecord:directory:
   * Folder the clips are written to; it must exist and be writable.
   */
  g_object_class_install_property (gobject_class, PROP_DIRECTORY,
      g_param_spec_string ("directory", "Directory",
          "Folder the clips are written to", DEFAULT_DIRECTORY,
          RW | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmRecord:file-template:
   * Clip file name: {source}, {class} (labels joined by +), {utc} (when the
   * event began, 20261202T120307.123Z) and {n} (a counter) are replaced.
   * The extension chooses the container when #GstMmRecord:container is auto.
   */
  g_object_class_install_property (gobject_class, PROP_FILE_TEMPLATE,
      g_param_spec_string ("file-template", "File name template",
          "Clip file name; {source}, {class}, {utc} and {n} are replaced",
          DEFAULT_FILE_TEMPLATE, RW | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmRecord:pre:
   * How much before an event's start a clip begins (it begins at the last
   * keyframe at or before that point).
   */
  g_object_class_install_property (gobject_class, PROP_PRE,
      g_param_spec_uint64 ("pre", "Pre-event time",
          "Nanoseconds recorded before an event starts (0 to 1 h)", 0,
          MAX_SPAN, DEFAULT_PRE, RW | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmRecord:post:
   * How much after an event's end a clip goes on.
   */
  g_object_class_install_property (gobject_class, PROP_POST,
      g_param_spec_uint64 ("post", "Post-event time",
          "Nanoseconds recorded after an event ends (0 to 1 h)", 0,
          MAX_SPAN, DEFAULT_POST, RW | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmRecord:buffer-duration:
   * How much encoded media is remembered (at least #GstMmRecord:pre). Make
   * it cover `pre` plus the time the analysis lags behind the encoded
   * branch, plus one GOP.
   */
  g_object_class_install_property (gobject_class, PROP_BUFFER_DURATION,
      g_param_spec_uint64 ("buffer-duration", "Buffer duration",
          "Nanoseconds of encoded media remembered for the pre-event part "
          "(1 ms to 1 h; at least pre)", GST_MSECOND, MAX_SPAN,
          DEFAULT_BUFFER_DURATION, RW | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmRecord:max-duration:
   * Longest clip: a longer one ends at the next keyframe and, while its
   * event is still on, the next clip begins there.
   */
  g_object_class_install_property (gobject_class, PROP_MAX_DURATION,
      g_param_spec_uint64 ("max-duration", "Maximum duration",
          "Nanoseconds a clip may last at most (1 s to 24 h); overlapping "
          "events extend one clip up to this", GST_SECOND,
          24 * MAX_SPAN, DEFAULT_MAX_DURATION,
          RW | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_CONTAINER,
      g_param_spec_enum ("container", "Container",
          "File format of the clips", GST_TYPE_MM_RECORD_CONTAINER,
          DEFAULT_CONTAINER, RW | GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmRecord:fusion:
   * Name of the mmfusion element (in the same pipeline) whose events start
   * and stop clips. Unset: only the action signals do.
   */
  g_object_class_install_property (gobject_class, PROP_FUSION,
      g_param_spec_string ("fusion", "Fusion element",
          "Name of the mmfusion element whose events trigger clips (unset: "
          "only the start/stop/trigger action signals)", NULL,
          RW | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_SOURCE,
      g_param_spec_string ("source", "Source name",
          "{source} in file names (unset: the followed element's 'source' "
          "property or name, else this element's name)", NULL,
          RW | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_CLIPS,
      g_param_spec_uint ("clips", "Clips", "Clips written since creation",
          0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstMmRecord::start:
   * @label: the event's class
   * @running_time: when it began; GST_CLOCK_TIME_NONE: now
   *
   * An event began: a clip opens from `pre` before it (or an open clip is
   * extended).
   */
  signals[SIGNAL_START] = g_signal_new_class_handler ("start",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (handle_start), NULL, NULL, NULL, G_TYPE_NONE, 2,
      G_TYPE_STRING, G_TYPE_UINT64);
  /**
   * GstMmRecord::stop:
   * @label: the event's class
   * @running_time: when it ended; GST_CLOCK_TIME_NONE: now
   *
   * An event ended: once no event is on, the clip ends `post` later.
   */
  signals[SIGNAL_STOP] = g_signal_new_class_handler ("stop",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (handle_stop), NULL, NULL, NULL, G_TYPE_NONE, 2,
      G_TYPE_STRING, G_TYPE_UINT64);
  /**
   * GstMmRecord::trigger:
   * @label: the event's class
   * @start: running time it began (GST_CLOCK_TIME_NONE: now)
   * @end: running time it ended
   *
   * One event with known bounds: the clip [start − pre, end + post].
   */
  signals[SIGNAL_TRIGGER] = g_signal_new_class_handler ("trigger",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (handle_trigger), NULL, NULL, NULL, G_TYPE_NONE, 3,
      G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64);

  gst_element_class_set_static_metadata (element_class,
      "Event clip recorder", "Sink/Muxer/Recorder",
      "Keeps the last seconds of encoded video and audio and writes a clip "
      "(Matroska or MP4) around each event", "gst-mmfusion authors");
  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_add_static_pad_template (element_class, &audio_template);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_mm_record_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_mm_record_release_pad);
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_mm_record_change_state);
  gst_type_mark_as_plugin_api (GST_TYPE_MM_RECORD_CONTAINER, 0);
  GST_DEBUG_CATEGORY_INIT (mm_record_debug, "mmrecord", 0,
      "mmfusion event clip recorder");
}

static void
gst_mm_record_init (GstMmRecord * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->finished);
  self->directory = g_strdup (DEFAULT_DIRECTORY);
  self->file_template = g_strdup (DEFAULT_FILE_TEMPLATE);
  self->pre = DEFAULT_PRE;
  self->post = DEFAULT_POST;
  self->buffer_duration = DEFAULT_BUFFER_DURATION;
  self->max_duration = DEFAULT_MAX_DURATION;
  self->container = DEFAULT_CONTAINER;
  self->active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++) {
    gst_segment_init (&self->streams[i].segment, GST_FORMAT_UNDEFINED);
    self->streams[i].newest = GST_CLOCK_TIME_NONE;
  }
  /* the pipeline's EOS waits for ours, posted once every clip is written */
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
}
