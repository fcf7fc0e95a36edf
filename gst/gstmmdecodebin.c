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

enum {
  PROP_0,
  PROP_URI,
  PROP_MAX_SIZE_TIME,
  PROP_MAX_SIZE_BYTES,
  PROP_MAX_SIZE_BUFFERS,
};

struct _GstMmDecodebin {
  GstBin parent;
  GstElement *decoder;
  /* under the object lock */
  gchar *uri;
  guint64 max_size_time;
  guint max_size_bytes, max_size_buffers;
  GstElement *queues[2];        /* video, audio; owned by the bin */
  gboolean have_video, have_audio;
};

static void gst_mm_decodebin_uri_handler_init (gpointer iface, gpointer data);

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
  if (g_str_has_prefix (media, "video/x-raw") && !self->have_video) {
    self->have_video = TRUE;
    expose (self, pad, "video", video_chain);
  } else if (g_str_has_prefix (media, "audio/x-raw") && !self->have_audio) {
    self->have_audio = TRUE;
    expose (self, pad, "audio", audio_chain);
  } else {
    GST_INFO_OBJECT (self, "ignoring a %s stream", media);
  }
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
  gst_element_no_more_pads (GST_ELEMENT (self));
}

/* errors from inside come out again with the URI in the message */
static void
gst_mm_decodebin_handle_message (GstBin * bin, GstMessage * msg)
{
  GstMmDecodebin *self = GST_MM_DECODEBIN (bin);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR
      && GST_MESSAGE_SRC (msg) != GST_OBJECT (self)) {
    GError *err;
    gchar *dbg;
    gst_message_parse_error (msg, &err, &dbg);
    GST_OBJECT_LOCK (self);
    gchar *text = g_strdup_printf ("%s: %s", self->uri ? self->uri : "(no uri)",
        err->message);
    GST_OBJECT_UNLOCK (self);
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
  static const gchar *protocols[] = { "file", "http", "https", "rtsp",
    "rtsps", "rtspt", "rtmp", "srt", "udp", NULL
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
  g_free (GST_MM_DECODEBIN (object)->uri);
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
  gst_element_class_set_static_metadata (element_class,
      "Decoder for mmfusion", "Generic/Bin/Decoder",
      "Decodes a file or stream into one raw video and one raw audio pad, "
      "converted and queued for mmfusion and mmaudiowindow",
      "gst-mmfusion authors");
  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_add_static_pad_template (element_class, &audio_template);
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
  self->decoder = gst_element_factory_make ("uridecodebin", "decoder");
  if (!self->decoder)
    return;                     /* gst-plugins-base missing: fails later */
  gst_bin_add (GST_BIN (self), self->decoder);
  g_signal_connect (self->decoder, "pad-added", G_CALLBACK (on_pad_added),
      self);
  g_signal_connect (self->decoder, "no-more-pads",
      G_CALLBACK (on_no_more_pads), self);
}
