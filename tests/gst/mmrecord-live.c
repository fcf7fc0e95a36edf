/* mmrecord live: 20 s of live test video (encoded once by x264enc
 * tune=zerolatency) and audio (opusenc), analysed by a probe model whose
 * score is the picture's brightness; two events painted in. The analysed
 * branch, synchronized to the clock, renders every frame and drops none;
 * the recorder receives every encoded frame; both clips play to the end
 * with video and audio.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

static const char *sync_dir;
static gint produced, encoded_in, rendered;

#define FRAME (40 * GST_MSECOND)
#define N_FRAMES 500

static GstPadProbeReturn
paint_frame (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  /* running time = PTS here: the live source starts at 0 */
  guint n = GST_BUFFER_PTS (buf) / FRAME;
  guint luma = (n >= 100 && n < 150) || (n >= 300 && n < 340) ? 255 : 0;
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  memset (map.data, luma, 160 * 120);
  memset (map.data + 160 * 120, 128, map.size - 160 * 120);
  gst_buffer_unmap (buf, &map);
  g_atomic_int_inc (&produced);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  g_atomic_int_inc ((gint *) data);
  return GST_PAD_PROBE_OK;
}

static gboolean
plays_to_end (const gchar * path, guint * video, guint * audio)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! decodebin name=d "
      "d. ! videoconvert ! fakesink name=vs "
      "d. ! audioconvert ! fakesink name=as", path);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  GstElement *vs = gst_bin_get_by_name (GST_BIN (pipe), "vs");
  GstElement *as = gst_bin_get_by_name (GST_BIN (pipe), "as");
  GstPad *vp = gst_element_get_static_pad (vs, "sink");
  GstPad *ap = gst_element_get_static_pad (as, "sink");
  gint v = 0, a = 0;
  gst_pad_add_probe (vp, GST_PAD_PROBE_TYPE_BUFFER, count, &v, NULL);
  gst_pad_add_probe (ap, GST_PAD_PROBE_TYPE_BUFFER, count, &a, NULL);
  GstBus *bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gboolean ok = msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (msg)
    gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  *video = v;
  *audio = a;
  gst_object_unref (vp);
  gst_object_unref (ap);
  gst_object_unref (vs);
  gst_object_unref (as);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  return ok;
}

GST_START_TEST (test_live_twenty_seconds)
{
  gchar *dir = g_dir_make_tmp ("mmrecord-live-XXXXXX", NULL);
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true name=v "
      "num-buffers=%d ! video/x-raw,format=I420,width=160,height=120,"
      "framerate=25/1 ! tee name=t "
      "t. ! queue ! x264enc tune=zerolatency speed-preset=ultrafast "
      "key-int-max=25 ! r.video "
      "audiotestsrc is-live=true num-buffers=%d samplesperbuffer=960 ! "
      "audio/x-raw,rate=48000,channels=1 ! opusenc ! r.audio "
      "t. ! queue ! videoconvert ! f.video "
      "mmfusion name=f model=%s/probe_video_only.onnx event-on=0.5 ! "
      "fakesink name=s sync=true max-lateness=%" G_GUINT64_FORMAT " "
      "mmrecord name=r fusion=f directory=%s pre=%" G_GUINT64_FORMAT
      " post=%" G_GUINT64_FORMAT, N_FRAMES, N_FRAMES * 2, sync_dir,
      20 * GST_MSECOND, dir, GST_SECOND, GST_SECOND);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  g_free (desc);
  fail_unless (pipe != NULL, "%s", err ? err->message : "");

  GstElement *v = gst_bin_get_by_name (GST_BIN (pipe), "v");
  GstPad *pad = gst_element_get_static_pad (v, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, paint_frame, NULL, NULL);
  gst_object_unref (pad);
  gst_object_unref (v);
  GstElement *s = gst_bin_get_by_name (GST_BIN (pipe), "s");
  pad = gst_element_get_static_pad (s, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count, &rendered, NULL);
  gst_object_unref (pad);
  GstElement *r = gst_bin_get_by_name (GST_BIN (pipe), "r");
  pad = gst_element_get_static_pad (r, "video");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count, &encoded_in,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (r);

  GstBus *bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GstMessage *msg;
  gboolean done = FALSE;
  while (!done && (msg = gst_bus_timed_pop (bus, 40 * GST_SECOND))) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
      done = TRUE;
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR);
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING);
    const GstStructure *st = gst_message_get_structure (msg);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (st, "mmrecord-clip"))
      g_ptr_array_add (paths, g_strdup (gst_structure_get_string (st,
                  "path")));
    gst_message_unref (msg);
  }
  fail_unless (done, "no EOS");
  GstStructure *stats;
  g_object_get (s, "stats", &stats, NULL);
  guint64 dropped = 1;
  fail_unless (gst_structure_get_uint64 (stats, "dropped", &dropped));
  gst_structure_free (stats);
  gst_element_set_state (pipe, GST_STATE_NULL);

  /* nothing lost on either branch */
  fail_unless_equals_int (produced, N_FRAMES);
  fail_unless_equals_int (rendered, N_FRAMES);
  fail_unless_equals_uint64 (dropped, 0);
  fail_unless_equals_int (encoded_in, N_FRAMES);

  /* events at 4–6 s and 12–13.6 s: two clips of about 4 and 3.6 s */
  fail_unless_equals_int (paths->len, 2);
  for (guint i = 0; i < paths->len; i++) {
    guint nv, na;
    fail_unless (plays_to_end (g_ptr_array_index (paths, i), &nv, &na));
    GST_INFO ("%s: %u frames, %u audio buffers",
        (gchar *) g_ptr_array_index (paths, i), nv, na);
    fail_unless (nv >= (i == 0 ? 100 : 90), "%u frames", nv);
    fail_unless (na > 0);
    g_unlink (g_ptr_array_index (paths, i));
  }
  g_rmdir (dir);
  g_free (dir);
  g_ptr_array_unref (paths);
  gst_object_unref (s);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

GST_END_TEST;

static Suite *
live_suite (void)
{
  Suite *s = suite_create ("mmrecord-live");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_live_twenty_seconds);
  return s;
}

int
main (int argc, char **argv)
{
  sync_dir = g_getenv ("MM_GOLDEN_SYNC");
  if (!sync_dir)
    sync_dir = "tests/golden/sync";
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (live_suite (), "mmrecord-live", __FILE__);
}
