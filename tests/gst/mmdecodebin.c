/* mmdecodebin on files made here: video and audio, video only, audio only
 * (only the pads a stream has appear, and data flows on each), and a
 * corrupt file and a truncated one (an error naming the URI, or an early
 * end; no hang).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include "run-pipeline.h"

#include <string.h>

static gchar *dir;

/* Runs before the suite, in a child gst-launch-1.0: streaming threads made
 * in this process would be inherited, half-dead, by the tests the check
 * framework forks off. */
static gboolean
make_file (const char *name, gboolean video, gboolean audio)
{
  gchar *path = g_build_filename (dir, name, NULL);
  gchar *cmd = g_strdup_printf ("gst-launch-1.0 -q matroskamux name=m ! "
      "filesink location=%s %s %s", path,
      video ? "videotestsrc num-buffers=25 ! video/x-raw,width=160,height=120,"
      "framerate=25/1 ! jpegenc ! m." : "",
      audio ? "audiotestsrc num-buffers=50 samplesperbuffer=441 ! "
      "audio/x-raw,format=S16LE,rate=22050,channels=1 ! m." : "");
  /* without our plugin and in a registry of its own: in the sanitizer
   * build the plugin cannot load into an uninstrumented gst-launch */
  gchar **env = g_environ_unsetenv (g_get_environ (), "GST_PLUGIN_PATH");
  gchar *registry = g_build_filename (dir, "registry.bin", NULL);
  env = g_environ_setenv (env, "GST_REGISTRY", registry, TRUE);
  gchar **argv = NULL;
  gint status = 1;
  gboolean ok = g_shell_parse_argv (cmd, NULL, &argv, NULL)
      && g_spawn_sync (NULL, argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
      NULL, &status, NULL)
      && g_spawn_check_wait_status (status, NULL)
      && g_file_test (path, G_FILE_TEST_EXISTS);
  g_strfreev (argv);
  g_strfreev (env);
  g_free (registry);
  g_free (cmd);
  g_free (path);
  return ok;
}

typedef struct {
  GstElement *pipe;
  gint video_buffers, audio_buffers;
  gboolean video_pad, audio_pad;
} Run;

static GstPadProbeReturn
count (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  g_atomic_int_inc ((gint *) data);
  return GST_PAD_PROBE_OK;
}

static void
on_pad (GstElement * bin, GstPad * pad, Run * r)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (r->pipe), sink);
  gst_element_sync_state_with_parent (sink);
  GstPad *sp = gst_element_get_static_pad (sink, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sp), GST_PAD_LINK_OK);
  gst_object_unref (sp);
  gboolean video = strcmp (GST_PAD_NAME (pad), "video") == 0;
  if (video)
    r->video_pad = TRUE;
  else
    r->audio_pad = TRUE;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count,
      video ? &r->video_buffers : &r->audio_buffers, NULL);
}

/* decodes a file; returns NULL at EOS or the error message */
static gchar *
decode (const char *name, Run * r)
{
  gchar *path = g_build_filename (dir, name, NULL);
  memset (r, 0, sizeof *r);
  r->pipe = gst_pipeline_new (NULL);
  GstElement *d = gst_element_factory_make ("mmdecodebin", NULL);
  g_object_set (d, "uri", path, NULL);
  gst_bin_add (GST_BIN (r->pipe), d);
  g_signal_connect (d, "pad-added", G_CALLBACK (on_pad), r);
  gchar *error = run_pipeline_to_end (r->pipe, 20);
  gst_object_unref (r->pipe);
  g_free (path);
  return error;
}

/* both pads linked the way a user does it (delayed links by pad name) */
GST_START_TEST (test_video_and_audio)
{
  gchar *path = g_build_filename (dir, "av.mkv", NULL);
  gchar *desc = g_strdup_printf ("mmdecodebin uri=%s name=d d.video ! "
      "fakesink name=vs sync=false d.audio ! fakesink name=as sync=false",
      path);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  fail_unless (pipe != NULL);
  gint video = 0, audio = 0;
  const char *sinks[] = { "vs", "as" };
  for (gint i = 0; i < 2; i++) {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), sinks[i]);
    GstPad *pad = gst_element_get_static_pad (sink, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count,
        i == 0 ? &video : &audio, NULL);
    gst_object_unref (pad);
    gst_object_unref (sink);
  }
  gchar *error = run_pipeline_to_end (pipe, 20);
  fail_unless (error == NULL, "%s", error);
  fail_unless_equals_int (video, 25);
  fail_unless (audio > 0);
  gst_object_unref (pipe);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_video_only)
{
  Run r;
  gchar *err = decode ("video.mkv", &r);
  fail_unless (err == NULL, "%s", err);
  fail_unless (r.video_pad && !r.audio_pad);
  fail_unless_equals_int (r.video_buffers, 25);
}

GST_END_TEST;

GST_START_TEST (test_audio_only)
{
  Run r;
  gchar *err = decode ("audio.mkv", &r);
  fail_unless (err == NULL, "%s", err);
  fail_unless (!r.video_pad && r.audio_pad);
  fail_unless (r.audio_buffers > 0);
}

GST_END_TEST;

GST_START_TEST (test_corrupt_file)
{
  gchar *path = g_build_filename (dir, "corrupt.mkv", NULL);
  gchar junk[4096];
  for (gsize i = 0; i < sizeof junk; i++)
    junk[i] = (gchar) (i * 7919 % 251);
  fail_unless (g_file_set_contents (path, junk, sizeof junk, NULL));
  Run r;
  gchar *err = decode ("corrupt.mkv", &r);
  fail_unless (err != NULL, "a corrupt file decoded without error");
  fail_unless (strstr (err, "corrupt.mkv") != NULL, "%s", err);
  g_free (err);
  g_free (path);
}

GST_END_TEST;

/* a download cut short: cut inside the header it is an error naming the
 * file; cut half way it ends early, with fewer frames; never a hang */
GST_START_TEST (test_truncated_file)
{
  gchar *full = g_build_filename (dir, "av.mkv", NULL);
  gchar *data;
  gsize size;
  fail_unless (g_file_get_contents (full, &data, &size, NULL));
  gchar *head = g_build_filename (dir, "cut-header.mkv", NULL);
  gchar *half = g_build_filename (dir, "cut-half.mkv", NULL);
  fail_unless (g_file_set_contents (head, data, 200, NULL));
  fail_unless (g_file_set_contents (half, data, size * 6 / 10, NULL));

  Run r;
  gchar *err = decode ("cut-header.mkv", &r);
  fail_unless (err != NULL, "a file cut in its header decoded");
  fail_unless (strstr (err, "cut-header.mkv") != NULL, "%s", err);
  g_free (err);

  err = decode ("cut-half.mkv", &r);
  if (err) {
    fail_unless (strstr (err, "cut-half.mkv") != NULL, "%s", err);
    g_free (err);
  } else {
    fail_unless (r.video_buffers > 0 && r.video_buffers < 25,
        "%d frames from 60%% of a 25-frame file", r.video_buffers);
  }
  g_free (data);
  g_free (full);
  g_free (head);
  g_free (half);
}

GST_END_TEST;

/* the URI handler interface: protocols, URI in and out (a path becomes a
 * file:// URI), refusal of what is no URI; then a file decoded with the
 * URI set only through the interface */
GST_START_TEST (test_uri_handler)
{
  GstElement *d = gst_element_factory_make ("mmdecodebin", NULL);
  fail_unless (GST_IS_URI_HANDLER (d));
  GstURIHandler *h = GST_URI_HANDLER (d);
  fail_unless_equals_int (gst_uri_handler_get_uri_type (h), GST_URI_SRC);
  const gchar *const *protocols = gst_uri_handler_get_protocols (h);
  fail_unless (protocols && g_strv_contains (protocols, "file"));
  /* rtspsrc has rank none too: listing rtsp would let every application's
   * uridecodebin pick us for rtsp:// (the tie goes by name) */
  fail_if (g_strv_contains (protocols, "rtsp"));
  GstElement *picked = gst_element_make_from_uri (GST_URI_SRC,
      "rtsp://127.0.0.1:1/x", NULL, NULL);
  fail_unless (picked == NULL || g_strcmp0 (GST_OBJECT_NAME
          (gst_element_get_factory (picked)), "mmdecodebin") != 0);
  if (picked)
    gst_object_unref (picked);

  gchar *path = g_build_filename (dir, "av.mkv", NULL);
  gchar *uri = gst_filename_to_uri (path, NULL);
  GError *err = NULL;
  fail_unless (gst_uri_handler_set_uri (h, uri, &err));
  gchar *got = gst_uri_handler_get_uri (h);
  fail_unless_equals_string (got, uri);
  g_free (got);
  /* a plain path through the property comes back as the same URI */
  g_object_set (d, "uri", path, NULL);
  g_object_get (d, "uri", &got, NULL);
  fail_unless_equals_string (got, uri);
  g_free (got);
  fail_if (gst_uri_handler_set_uri (h, "no uri\n", &err));
  fail_unless (err != NULL);
  g_clear_error (&err);

  GstElement *pipe = gst_pipeline_new (NULL);
  GstElement *d2 = gst_element_factory_make ("mmdecodebin", NULL);
  fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (d2), uri, NULL));
  gst_bin_add (GST_BIN (pipe), d2);
  Run r;
  memset (&r, 0, sizeof r);
  r.pipe = pipe;
  g_signal_connect (d2, "pad-added", G_CALLBACK (on_pad), &r);
  gchar *error = run_pipeline_to_end (pipe, 20);
  fail_unless (error == NULL, "%s", error);
  fail_unless_equals_int (r.video_buffers, 25);
  gst_object_unref (pipe);
  gst_object_unref (d);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

static void
check_queue_limits (GstElement * bin, guint64 t, guint bytes, guint buffers,
    gint * n_queues)
{
  GstIterator *it = gst_bin_iterate_elements (GST_BIN (bin));
  GValue v = G_VALUE_INIT;
  *n_queues = 0;
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (e);
    if (f && g_str_equal (GST_OBJECT_NAME (f), "queue")) {
      guint64 qt;
      guint qbytes, qbuffers;
      g_object_get (e, "max-size-time", &qt, "max-size-bytes", &qbytes,
          "max-size-buffers", &qbuffers, NULL);
      fail_unless_equals_uint64 (qt, t);
      fail_unless_equals_int (qbytes, bytes);
      fail_unless_equals_int (qbuffers, buffers);
      (*n_queues)++;
    }
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
}

/* the queue properties reach both queues, at creation and when changed
 * while playing */
GST_START_TEST (test_queue_properties)
{
  gchar *path = g_build_filename (dir, "av.mkv", NULL);
  GstElement *pipe = gst_pipeline_new (NULL);
  GstElement *d = gst_element_factory_make ("mmdecodebin", NULL);
  guint64 t;
  g_object_get (d, "max-size-time", &t, NULL);
  fail_unless_equals_uint64 (t, 3 * GST_SECOND);
  g_object_set (d, "uri", path, "max-size-time", 2 * GST_SECOND,
      "max-size-buffers", 300, NULL);
  gst_bin_add (GST_BIN (pipe), d);
  Run r;
  memset (&r, 0, sizeof r);
  r.pipe = pipe;
  g_signal_connect (d, "pad-added", G_CALLBACK (on_pad), &r);
  fail_if (gst_element_set_state (pipe, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
          10 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  gint n;
  check_queue_limits (d, 2 * GST_SECOND, 0, 300, &n);
  fail_unless_equals_int (n, 2);
  g_object_set (d, "max-size-time", 5 * GST_SECOND, "max-size-bytes",
      1 << 20, NULL);
  check_queue_limits (d, 5 * GST_SECOND, 1 << 20, 300, &n);
  fail_unless_equals_int (n, 2);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  g_free (path);
}

GST_END_TEST;

static Suite *
decodebin_suite (void)
{
  Suite *s = suite_create ("mmdecodebin");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_video_and_audio);
  tcase_add_test (tc, test_video_only);
  tcase_add_test (tc, test_audio_only);
  tcase_add_test (tc, test_corrupt_file);
  tcase_add_test (tc, test_truncated_file);
  tcase_add_test (tc, test_uri_handler);
  tcase_add_test (tc, test_queue_properties);
  return s;
}

int
main (int argc, char **argv)
{
  gst_check_init (&argc, &argv);
  dir = g_dir_make_tmp ("mmdecodebin-XXXXXX", NULL);
  if (!make_file ("av.mkv", TRUE, TRUE) || !make_file ("video.mkv", TRUE,
          FALSE) || !make_file ("audio.mkv", FALSE, TRUE)) {
    g_printerr ("could not make the test files\n");
    return 1;
  }
  int ret = gst_check_run_suite (decodebin_suite (), "mmdecodebin",
      __FILE__);
  const char *names[] = { "av.mkv", "video.mkv", "audio.mkv", "corrupt.mkv",
    "cut-header.mkv", "cut-half.mkv", "registry.bin"
  };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *p = g_build_filename (dir, names[i], NULL);
    g_unlink (p);
    g_free (p);
  }
  g_rmdir (dir);
  g_free (dir);
  return ret;
}
