/* Two RTSP servers for the tests, on 127.0.0.1: the first serves live
 * Motion JPEG video and raw audio (codecs of -good, cheap) until it is
 * killed; the second serves the same until the process gets SIGUSR1, then
 * goes away for good (no more listening, every connection closed), as a
 * camera that is unplugged. (A signal, not a time: the test cuts it once
 * results from it were seen, however slow the build.) Prints "PORT_KEPT
 * PORT_CUT" on the first line of stdout; the streams are at
 * rtsp://127.0.0.1:PORT/cam.
 *
 * usage: rtsp-cut
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct
{
  GstRTSPServer *server;
  guint source;
} Server;

static gboolean
start (Server * s)
{
  s->server = gst_rtsp_server_new ();
  gst_rtsp_server_set_address (s->server, "127.0.0.1");
  gst_rtsp_server_set_service (s->server, "0");
  GstRTSPMediaFactory *f = gst_rtsp_media_factory_new ();
  gst_rtsp_media_factory_set_launch (f, "( videotestsrc is-live=true ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=10/1 ! "
      "jpegenc ! "
      "rtpjpegpay name=pay0 pt=26 audiotestsrc is-live=true "
      "wave=pink-noise ! audio/x-raw,rate=16000,channels=1 ! audioconvert ! "
      "rtpL16pay name=pay1 pt=96 )");
  GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points (s->server);
  gst_rtsp_mount_points_add_factory (mounts, "/cam", f);
  g_object_unref (mounts);
  s->source = gst_rtsp_server_attach (s->server, NULL);
  return s->source != 0;
}

static GstRTSPFilterResult
drop_client (GstRTSPServer * server, GstRTSPClient * client, gpointer data)
{
  return GST_RTSP_FILTER_REMOVE;
}

static gboolean
cut (gpointer data)
{
  Server *s = data;
  g_source_remove (s->source);
  g_list_free (gst_rtsp_server_client_filter (s->server, drop_client, NULL));
  fprintf (stderr, "rtsp-cut: the second server is gone\n");
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc != 1) {
    fprintf (stderr, "usage: rtsp-cut\n");
    return 1;
  }
  Server kept = { 0 }, gone = { 0 };
  if (!start (&kept) || !start (&gone)) {
    fprintf (stderr, "rtsp-cut: cannot listen on 127.0.0.1\n");
    return 1;
  }
  printf ("%d %d\n", gst_rtsp_server_get_bound_port (kept.server),
      gst_rtsp_server_get_bound_port (gone.server));
  fflush (stdout);
  g_unix_signal_add (SIGUSR1, cut, &gone);
  g_main_loop_run (g_main_loop_new (NULL, FALSE));
  return 0;
}
