/* One clip file being written by a pipeline of its own.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmclipwriter.h"

#include <gst/app/gstappsrc.h>
#include <glib/gstdio.h>
#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (mm_record_debug);
#define GST_CAT_DEFAULT mm_record_debug

struct _MmClipWriter {
  gchar *path;
  GstElement *pipeline;
  GstElement *src[MM_CLIP_N_STREAMS];
  gint failed;                  /* atomic */
  GMutex lock;
  GError *error;                /* the first error, under lock */
};

MmContainer
mm_container_from_path (const gchar * path)
{
  const gchar *dot = strrchr (path, '.');
  if (dot && (!g_ascii_strcasecmp (dot, ".mp4")
          || !g_ascii_strcasecmp (dot, ".m4v")
          || !g_ascii_strcasecmp (dot, ".mov")))
    return MM_CONTAINER_MP4;
  return MM_CONTAINER_MATROSKA;
}

/* runs in whichever thread of the writing pipeline fails: only note it, so
 * that the recorder stops feeding this writer */
static GstBusSyncReply
on_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  MmClipWriter *w = data;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gst_message_parse_error (msg, &err, NULL);
    g_mutex_lock (&w->lock);
    if (!w->error)
      w->error = g_error_copy (err);
    g_mutex_unlock (&w->lock);
    g_error_free (err);
    g_atomic_int_set (&w->failed, 1);
  }
  return GST_BUS_PASS;
}

/* a parser turning caps into something the muxer pad takes (H.264
 * byte-stream into avc, ADTS AAC into raw), or NULL */
static GstElement *
find_parser (GstCaps * caps)
{
  GList *all = gst_element_factory_list_get_elements
      (GST_ELEMENT_FACTORY_TYPE_PARSER, GST_RANK_MARGINAL);
  GList *fit = gst_element_factory_list_filter (all, caps, GST_PAD_SINK,
      FALSE);
  GstElement *e = NULL;
  if (fit) {
    fit = g_list_sort (fit, gst_plugin_feature_rank_compare_func);
    e = gst_element_factory_create (fit->data, NULL);
  }
  gst_plugin_feature_list_free (fit);
  gst_plugin_feature_list_free (all);
  return e;
}

static gboolean
add_stream (MmClipWriter * w, GstElement * mux, guint stream, GstCaps * caps,
    GError ** error)
{
  const gchar *tmpl = stream == MM_CLIP_VIDEO ? "video_%u" : "audio_%u";
  GstPad *sink = gst_element_request_pad_simple (mux, tmpl);
  if (!sink) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "%s takes no %s stream", GST_OBJECT_NAME (mux),
        stream == MM_CLIP_VIDEO ? "video" : "audio");
    return FALSE;
  }
  GstElement *src = gst_element_factory_make ("appsrc", NULL);
  /* never block the recorder, never drop: the clip's length bounds what
   * can queue here */
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME,
      "is-live", FALSE, "block", FALSE, "max-bytes", (guint64) 0,
      "max-buffers", (guint64) 0, "max-time", (guint64) 0, NULL);
  gst_bin_add (GST_BIN (w->pipeline), src);
  w->src[stream] = src;

  GstCaps *accepted = gst_pad_query_caps (sink, NULL);
  gboolean direct = gst_caps_can_intersect (caps, accepted);
  gst_caps_unref (accepted);
  GstElement *from = src;
  if (!direct) {
    GstElement *parser = find_parser (caps);
    if (!parser) {
      gchar *s = gst_caps_to_string (caps);
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
          "%s cannot store %s and no parser converts it", GST_OBJECT_NAME
          (mux), s);
      g_free (s);
      gst_element_release_request_pad (mux, sink);
      gst_object_unref (sink);
      return FALSE;
    }
    gst_bin_add (GST_BIN (w->pipeline), parser);
    gst_element_link (src, parser);
    from = parser;
  }
  GstPad *srcpad = gst_element_get_static_pad (from, "src");
  GstPadLinkReturn r = gst_pad_link (srcpad, sink);
  gst_object_unref (srcpad);
  gst_object_unref (sink);
  if (r != GST_PAD_LINK_OK) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "cannot link the %s stream to %s",
        stream == MM_CLIP_VIDEO ? "video" : "audio", GST_OBJECT_NAME (mux));
    return FALSE;
  }
  return TRUE;
}

static void
writer_free (MmClipWriter * w)
{
  if (w->pipeline) {
    gst_element_set_state (w->pipeline, GST_STATE_NULL);
    GstBus *bus = gst_element_get_bus (w->pipeline);
    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    gst_object_unref (bus);
    gst_object_unref (w->pipeline);
  }
  g_clear_error (&w->error);
  g_mutex_clear (&w->lock);
  g_free (w->path);
  g_free (w);
}

MmClipWriter *
mm_clip_writer_new (const gchar * path, MmContainer container,
    GstCaps * caps[MM_CLIP_N_STREAMS], GError ** error)
{
  MmClipWriter *w = g_new0 (MmClipWriter, 1);
  g_mutex_init (&w->lock);
  w->path = g_strdup (path);
  w->pipeline = gst_pipeline_new ("mmrecord-clip");
  /* nothing here is live: write as fast as the disk allows */
  gst_pipeline_use_clock (GST_PIPELINE (w->pipeline), NULL);
  GstBus *bus = gst_element_get_bus (w->pipeline);
  gst_bus_set_sync_handler (bus, on_message, w, NULL);

  const gchar *mux_name = container == MM_CONTAINER_MP4 ?
      "mp4mux" : "matroskamux";
  GstElement *mux = gst_element_factory_make (mux_name, NULL);
  GstElement *sink = gst_element_factory_make ("filesink", NULL);
  if (!mux || !sink) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "element %s is missing (gst-plugins-good)", mux ? "filesink" :
        mux_name);
    if (mux)
      gst_object_unref (mux);
    if (sink)
      gst_object_unref (sink);
    gst_object_unref (bus);
    writer_free (w);
    return NULL;
  }
  g_object_set (sink, "location", path, NULL);
  gst_bin_add_many (GST_BIN (w->pipeline), mux, sink, NULL);
  gst_element_link (mux, sink);

  gboolean ok = TRUE;
  for (guint i = 0; ok && i < MM_CLIP_N_STREAMS; i++)
    if (caps[i])
      ok = add_stream (w, mux, i, caps[i], error);
  if (ok && gst_element_set_state (w->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    /* the reason is on the bus: typically the file cannot be opened */
    g_mutex_lock (&w->lock);
    if (w->error)
      g_propagate_error (error, g_error_copy (w->error));
    else
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE,
          "cannot start writing");
    g_mutex_unlock (&w->lock);
    ok = FALSE;
  }
  gst_object_unref (bus);
  if (!ok) {
    writer_free (w);
    g_unlink (path);
    return NULL;
  }
  return w;
}

gboolean
mm_clip_writer_failed (MmClipWriter * w)
{
  return g_atomic_int_get (&w->failed) != 0;
}

gboolean
mm_clip_writer_has_stream (MmClipWriter * w, guint stream)
{
  return w->src[stream] != NULL;
}

gboolean
mm_clip_writer_push (MmClipWriter * w, guint stream, GstBuffer * buf)
{
  if (!w->src[stream] || mm_clip_writer_failed (w)) {
    gst_buffer_unref (buf);
    return FALSE;
  }
  return gst_app_src_push_buffer (GST_APP_SRC (w->src[stream]), buf)
      == GST_FLOW_OK;
}

void
mm_clip_writer_end (MmClipWriter * w)
{
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++)
    if (w->src[i])
      gst_app_src_end_of_stream (GST_APP_SRC (w->src[i]));
}

gboolean
mm_clip_writer_finish (MmClipWriter * w, GstClockTime timeout,
    GError ** error)
{
  GstBus *bus = gst_element_get_bus (w->pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_object_unref (bus);
  gboolean ok = msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS
      && !mm_clip_writer_failed (w);
  if (msg)
    gst_message_unref (msg);
  if (!ok) {
    g_mutex_lock (&w->lock);
    if (w->error)
      g_propagate_error (error, g_error_copy (w->error));
    else
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
          "the clip was not complete after %" GST_TIME_FORMAT,
          GST_TIME_ARGS (timeout));
    g_mutex_unlock (&w->lock);
  }
  gchar *path = g_strdup (w->path);
  writer_free (w);
  /* a clip cut short by a full disk is of no use and takes space */
  if (!ok)
    g_unlink (path);
  g_free (path);
  return ok;
}
