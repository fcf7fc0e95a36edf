/* mmreport's thumbnails: the media's picture at given times, as JPEG in
 * base64, by a paused playbin seeked to each time.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "mmreport-private.h"

#define PLAY_FLAG_VIDEO (1 << 0)

/* waits for a state change or a seek to complete; FALSE on an error */
static gboolean
settle (GstElement * play)
{
  GstStateChangeReturn ret = gst_element_get_state (play, NULL, NULL,
      20 * GST_SECOND);
  return ret == GST_STATE_CHANGE_SUCCESS
      || ret == GST_STATE_CHANGE_NO_PREROLL;
}

gchar **
mm_thumbnails (const gchar * media, const gdouble * times, guint n,
    guint width)
{
  gchar **out = g_new0 (gchar *, n + 1);
  if (!media || n == 0)
    return out;
  gchar *uri = gst_uri_is_valid (media) ? g_strdup (media) :
      gst_filename_to_uri (media, NULL);
  GstElement *play = gst_element_factory_make ("playbin", NULL);
  GstElement *vsink = gst_element_factory_make ("fakesink", NULL);
  GstElement *asink = gst_element_factory_make ("fakesink", NULL);
  if (!uri || !play || !vsink || !asink) {
    g_message ("mmreport: no thumbnails: %s", uri ? "playbin or fakesink "
        "missing (gst-plugins-base)" : "bad media path");
    if (play)
      gst_object_unref (play);
    if (vsink)
      gst_object_unref (vsink);
    if (asink)
      gst_object_unref (asink);
    g_free (uri);
    return out;
  }
  /* video only, as fast as it decodes; never an audio device */
  g_object_set (vsink, "sync", FALSE, NULL);
  g_object_set (play, "uri", uri, "video-sink", vsink, "audio-sink", asink,
      "flags", PLAY_FLAG_VIDEO, NULL);
  GstCaps *caps = gst_caps_new_simple ("image/jpeg", "width", G_TYPE_INT,
      (gint) width, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  gst_element_set_state (play, GST_STATE_PAUSED);
  if (!settle (play)) {
    g_message ("mmreport: no thumbnails: cannot play %s", uri);
    n = 0;
  }
  for (guint i = 0; i < n; i++) {
    gint64 pos = (gint64) (MAX (times[i], 0.0) * GST_SECOND);
    if (!gst_element_seek_simple (play, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, pos)
        || !settle (play))
      continue;
    GstSample *sample = NULL;
    g_signal_emit_by_name (play, "convert-sample", caps, &sample);
    if (!sample)
      continue;
    GstBuffer *buf = gst_sample_get_buffer (sample);
    GstMapInfo map;
    if (buf && gst_buffer_map (buf, &map, GST_MAP_READ)) {
      out[i] = g_base64_encode (map.data, map.size);
      gst_buffer_unmap (buf, &map);
    }
    gst_sample_unref (sample);
  }
  gst_caps_unref (caps);
  gst_element_set_state (play, GST_STATE_NULL);
  gst_object_unref (play);
  g_free (uri);
  return out;
}
