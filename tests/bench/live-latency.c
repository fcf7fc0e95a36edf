/* Live latency and memory: live test sources through mmaudiowindow and
 * mmfusion to a synchronizing sink for N seconds. Reports the latency the
 * pipeline configures (from the LATENCY query), how long after capture each
 * frame reaches the sink (clock time at the sink minus the frame's running
 * time: median, 99th percentile, max), frames in and out, and peak RSS.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * usage: live-latency MODEL [SECONDS]
 */
#include <gst/gst.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static GArray *delays;          /* ms */
static GstElement *pipe;

static GstPadProbeReturn
at_sink (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClock *clock = gst_element_get_clock (pipe);
  if (!clock)
    return GST_PAD_PROBE_OK;
  GstClockTime now = gst_clock_get_time (clock) -
      gst_element_get_base_time (pipe);
  gst_object_unref (clock);
  GstSegment *seg = data;
  GstEvent *ev = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  if (ev) {
    const GstSegment *s;
    gst_event_parse_segment (ev, &s);
    *seg = *s;
    gst_event_unref (ev);
  }
  GstClockTime rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME,
      GST_BUFFER_PTS (buf));
  if (GST_CLOCK_TIME_IS_VALID (rt)) {
    double ms = ((gint64) now - (gint64) rt) / 1e6;
    g_array_append_val (delays, ms);
  }
  return GST_PAD_PROBE_OK;
}

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc < 2) {
    fprintf (stderr, "usage: live-latency MODEL [SECONDS]\n");
    return 1;
  }
  int seconds = argc > 2 ? atoi (argv[2]) : 10;
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true ! "
      "video/x-raw,format=I420,width=1280,height=720,framerate=25/1 ! f.video "
      "audiotestsrc is-live=true wave=pink-noise ! audioconvert ! "
      "audioresample ! mmaudiowindow ! f.audio mmfusion name=f model=%s ! "
      "fakesink name=s sync=true", argv[1]);
  GError *err = NULL;
  pipe = gst_parse_launch (desc, &err);
  g_free (desc);
  if (!pipe) {
    fprintf (stderr, "live-latency: %s\n", err->message);
    return 1;
  }
  delays = g_array_new (FALSE, FALSE, sizeof (double));
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_TIME);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "s");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, at_sink, &seg, NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  g_usleep ((gulong) seconds * G_USEC_PER_SEC);

  GstQuery *q = gst_query_new_latency ();
  gboolean live = FALSE;
  GstClockTime min = 0, max = 0;
  if (gst_element_query (pipe, q))
    gst_query_parse_latency (q, &live, &min, &max);
  gst_query_unref (q);
  GstStructure *stats;
  g_object_get (gst_bin_get_by_name (GST_BIN (pipe), "f"), "stats", &stats,
      NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);

  g_array_sort (delays, cmp);
  guint n = delays->len;
  double *d = (double *) delays->data;
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  printf ("live %d s, 1280x720 25 fps + 44.1 kHz audio -> 16 kHz windows\n",
      seconds);
  printf ("pipeline latency (query): min %.1f ms\n", min / 1e6);
  if (n > 0)
    printf ("frame reaches the sink after capture: median %.1f ms, p99 %.1f "
        "ms, max %.1f ms (%u frames)\n", d[n / 2], d[(n * 99) / 100],
        d[n - 1], n);
  gchar *s = gst_structure_to_string (stats);
  printf ("mmfusion stats: %s\n", s);
  printf ("peak RSS: %ld KiB\n", ru.ru_maxrss);
  g_free (s);
  gst_structure_free (stats);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipe);
  return 0;
}
