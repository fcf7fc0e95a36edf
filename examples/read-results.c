/* Reading mmfusion results in an application: run a pipeline, and print
 * each fresh result from the GstMmFusionMeta of the frames as they leave
 * mmfusion (a pad probe). Build against the installed library:
 *
 *   cc read-results.c $(pkg-config --cflags --libs gstreamer-1.0 mmfusion-1.0)
 *
 * usage: read-results MODEL [FRAMES]
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <mmfusion/mmfusionmeta.h>

#include <stdio.h>
#include <stdlib.h>

static gint results;

static GstPadProbeReturn
print_result (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (buf);
  if (!m || !m->fresh)
    return GST_PAD_PROBE_OK;
  printf ("%" GST_TIME_FORMAT, GST_TIME_ARGS (m->pts));
  for (gsize i = 0; i < gst_mm_fusion_meta_get_length (m); i++)
    printf ("  %s %.3f", g_quark_to_string (gst_mm_fusion_meta_get_quark (m,
                i)), gst_mm_fusion_meta_get_level (m, i));
  const GstMmFusionInputSpan *audio = gst_mm_fusion_meta_get_input (m,
      "audio");
  if (audio && audio->missing)
    printf ("  (no audio)");
  printf ("\n");
  results++;
  return GST_PAD_PROBE_OK;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc < 2) {
    fprintf (stderr, "usage: %s MODEL [FRAMES]\n", argv[0]);
    return 1;
  }
  int frames = argc > 2 ? atoi (argv[2]) : 25;
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=%d ! "
      "video/x-raw,framerate=25/1 ! f.video audiotestsrc num-buffers=%d ! "
      "audioconvert ! audioresample ! mmaudiowindow ! f.audio "
      "mmfusion name=f model=%s top-k=2 ! fakesink", frames, frames * 2,
      argv[1]);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  g_free (desc);
  if (!pipe) {
    fprintf (stderr, "%s: %s\n", argv[0], err->message);
    return 1;
  }
  GstElement *f = gst_bin_get_by_name (GST_BIN (pipe), "f");
  GstPad *src = gst_element_get_static_pad (f, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, print_result, NULL,
      NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  int status = 0;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    fprintf (stderr, "%s: %s\n", argv[0], err->message);
    g_error_free (err);
    status = 1;
  }
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  /* one fresh result per frame: the model runs on every frame here */
  printf ("%d results\n", results);
  if (status == 0 && results != frames)
    status = 1;
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (f);
  gst_object_unref (pipe);
  return status;
}
