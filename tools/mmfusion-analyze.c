/* mmfusion-analyze: a file or stream through one audio-visual model, in one
 * command (DESIGN.md section 9).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * usage: mmfusion-analyze URI|PATH --model MODEL [--json FILE|-]
 *            [--overlay OUT.mkv] [--interval NS] [--top-k N]
 *
 * Progress on stderr, JSON Lines to --json, the video with the results
 * drawn on it to --overlay (Matroska), a summary at the end. Ctrl-C
 * ends the stream (EOS) so outputs are complete. Errors: exit status 1 and
 * one line "mmfusion-analyze: FILE: reason".
 */
#include <gst/gst.h>
#include <glib-unix.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "mmfusion-analyze";

typedef struct {
  GMainLoop *loop;
  GstElement *pipe;
  const char *input;
  gchar *error;                 /* first error, one line */
  guint64 results, events;
  gboolean tty;
  gint64 started;
} Run;

static int
fail (const char *file, const char *reason)
{
  fprintf (stderr, "%s: %s: %s\n", prog, file, reason);
  return 1;
}

static gboolean
on_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  Run *r = data;
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err;
      gst_message_parse_error (msg, &err, NULL);
      if (!r->error)
        r->error = g_strdup (err->message);
      g_error_free (err);
      g_main_loop_quit (r->loop);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (r->loop);
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "mmfusion"))
        r->results++;
      else if (gst_message_has_name (msg, "mmfusion-event"))
        r->events++;
      break;
    default:
      break;
  }
  return TRUE;
}

static gboolean
on_progress (gpointer data)
{
  Run *r = data;
  gint64 pos = 0, dur = 0;
  if (gst_element_query_position (r->pipe, GST_FORMAT_TIME, &pos)) {
    gst_element_query_duration (r->pipe, GST_FORMAT_TIME, &dur);
    if (dur > 0)
      fprintf (stderr, "\r%5.1f%%  %" GST_TIME_FORMAT " / %" GST_TIME_FORMAT
          "  %" G_GUINT64_FORMAT " results", 100.0 * pos / dur,
          GST_TIME_ARGS (pos), GST_TIME_ARGS (dur), r->results);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt (gpointer data)
{
  Run *r = data;
  /* end the stream so that every output is complete and valid */
  gst_element_send_event (r->pipe, gst_event_new_eos ());
  return G_SOURCE_REMOVE;
}

/* Where each decoder stream goes; NULL when the model has no such input,
 * and that stream then ends in a fakesink so it cannot stall the others. */
typedef struct
{
  GstPad *video;
  GstPad *audio;
  GstElement *bin;
  GstElement *fusion;
  GstPad *fusion_audio;         /* behind audio, through mmaudiowindow */
} Targets;

static void
on_decoder_pad (GstElement * dec, GstPad * pad, gpointer user_data)
{
  Targets *t = user_data;
  const gchar *name = GST_PAD_NAME (pad);
  GstPad *peer = g_str_equal (name, "video") ? t->video :
      g_str_equal (name, "audio") ? t->audio : NULL;
  GstElement *discard = NULL;
  if (!peer) {
    discard = gst_element_factory_make ("fakesink", NULL);
    g_object_set (discard, "sync", FALSE, "async", FALSE, NULL);
    gst_bin_add (GST_BIN (t->bin), discard);
    gst_element_sync_state_with_parent (discard);
    peer = gst_element_get_static_pad (discard, "sink");
  }
  GstPadLinkReturn linked = gst_pad_is_linked (peer) ? GST_PAD_LINK_WAS_LINKED
      : gst_pad_link (pad, peer);
  if (discard)
    gst_object_unref (peer);
  if (linked != GST_PAD_LINK_OK)
    GST_ELEMENT_ERROR (dec, CORE, NEGOTIATION,
        ("Cannot link the decoded %s stream to the model input.", name),
        (NULL));
}

/* The results drawn on the video, encoded into Matroska: H.264 when
 * x264enc is installed, else Motion JPEG (in -good, always there). */
static GstElement *
make_overlay_sink (const char *path)
{
  GstElementFactory *x264 = gst_element_factory_find ("x264enc");
  gchar *desc = g_strdup_printf ("mmoverlay ! videoconvert ! %s ! "
      "matroskamux ! filesink name=out", x264 ?
      "x264enc speed-preset=veryfast ! h264parse" : "jpegenc");
  GstElement *bin = gst_parse_bin_from_description (desc, TRUE, NULL);
  g_free (desc);
  if (x264)
    gst_object_unref (x264);
  if (!bin)
    return NULL;
  GstElement *out = gst_bin_get_by_name (GST_BIN (bin), "out");
  g_object_set (out, "location", path, NULL);
  gst_object_unref (out);
  return bin;
}

/* A model input the file has no stream for is released: mmfusion then
 * runs on what there is (the input marked missing) instead of waiting. */
static void
on_decoder_done (GstElement * dec, gpointer user_data)
{
  Targets *t = user_data;
  if (t->video && !gst_pad_is_linked (t->video))
    gst_element_release_request_pad (t->fusion, t->video);
  if (t->audio && !gst_pad_is_linked (t->audio))
    gst_element_release_request_pad (t->fusion, t->fusion_audio);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  const char *input = NULL, *model = NULL, *json = NULL, *overlay = NULL;
  guint64 interval = 0;
  guint top_k = 5;
  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "--model") == 0 && i + 1 < argc)
      model = argv[++i];
    else if (strcmp (argv[i], "--json") == 0 && i + 1 < argc)
      json = argv[++i];
    else if (strcmp (argv[i], "--overlay") == 0 && i + 1 < argc)
      overlay = argv[++i];
    else if (strcmp (argv[i], "--interval") == 0 && i + 1 < argc)
      interval = g_ascii_strtoull (argv[++i], NULL, 10);
    else if (strcmp (argv[i], "--top-k") == 0 && i + 1 < argc)
      top_k = (guint) atoi (argv[++i]);
    else if (argv[i][0] != '-' && !input)
      input = argv[i];
    else
      return fail (argv[i], "unknown argument (usage: mmfusion-analyze "
          "URI|PATH --model MODEL [--json FILE|-] [--overlay OUT.mkv] "
          "[--interval NS] "
          "[--top-k N])");
  }
  if (!input || !model)
    return fail (input ? input : "(input)", "need a URI or path and "
        "--model MODEL");
  if (!gst_uri_is_valid (input) && !g_file_test (input, G_FILE_TEST_EXISTS))
    return fail (input, "no such file");
  if (!g_file_test (model, G_FILE_TEST_EXISTS))
    return fail (model, "no such file");
  if (top_k < 1 || top_k > 32)
    return fail (input, "--top-k must be 1 to 32");
  /* mmpublish appends (logs may be shared); one run here is one file */
  if (json && strcmp (json, "-") != 0) {
    FILE *f = fopen (json, "w");
    if (!f)
      return fail (json, g_strerror (errno));
    fclose (f);
  }

  GstElement *pipe = gst_pipeline_new ("analyze");
  GstElement *dec = gst_element_factory_make ("mmdecodebin", "d");
  GstElement *win = gst_element_factory_make ("mmaudiowindow", NULL);
  GstElement *fus = gst_element_factory_make ("mmfusion", "f");
  GstElement *pub = json ? gst_element_factory_make ("mmpublish", NULL) : NULL;
  GstElement *sink = overlay ? make_overlay_sink (overlay) :
      gst_element_factory_make ("fakesink", NULL);
  if (!pipe || !dec || !win || !fus || !sink || (json && !pub))
    return fail (input, "the mmfusion plugin is not found (set "
        "GST_PLUGIN_PATH to the build directory)");
  g_object_set (dec, "uri", input, NULL);
  g_object_set (fus, "model", model, "interval", interval, "top-k", top_k,
      NULL);
  if (!overlay)
    g_object_set (sink, "sync", FALSE, NULL);
  if (pub)
    g_object_set (pub, "location", json, NULL);
  gst_bin_add_many (GST_BIN (pipe), dec, win, fus, sink, NULL);
  if (pub)
    gst_bin_add (GST_BIN (pipe), pub);

  /* the model decides which inputs exist; the decoder which streams */
  GstPad *vpad = gst_element_request_pad_simple (fus, "video");
  GstPad *apad = gst_element_request_pad_simple (fus, "audio");
  /* mmfusion says why a pad was refused in a warning on the bus: a model
   * with one modality refuses the other (expected, dropped), a model that
   * does not load refuses both (the reason is the error) */
  GstBus *bus = gst_element_get_bus (pipe);
  gchar *refusal = NULL;
  GstMessage *warning;
  while ((warning = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    GError *err = NULL;
    gst_message_parse_warning (warning, &err, NULL);
    if (!refusal)
      refusal = g_strdup (err->message);
    g_error_free (err);
    gst_message_unref (warning);
  }
  if (!vpad && !apad) {
    int status = fail (model, refusal ? refusal : "not a usable model");
    g_free (refusal);
  if (overlay && !vpad) {
    if (apad)
      gst_object_unref (apad);
    gst_object_unref (bus);
    gst_object_unref (pipe);
    return fail (model, "--overlay needs a model with a video input");
  }
    gst_object_unref (bus);
    gst_object_unref (pipe);
    return status;
  }
  g_free (refusal);
  if (overlay && !vpad) {
    if (apad)
      gst_object_unref (apad);
    gst_object_unref (bus);
    gst_object_unref (pipe);
    return fail (model, "--overlay needs a model with a video input");
  }
  gboolean ok = pub ? gst_element_link_many (fus, pub, sink, NULL) :
      gst_element_link (fus, sink);
  if (apad) {
    GstPad *wsrc = gst_element_get_static_pad (win, "src");
    ok = ok && gst_pad_link (wsrc, apad) == GST_PAD_LINK_OK;
    gst_object_unref (wsrc);
  }
  /* decoder pads appear once the streams are known */
  Targets targets = { vpad, NULL, pipe, fus, apad };
  if (apad)
    targets.audio = gst_element_get_static_pad (win, "sink");
  g_signal_connect (dec, "pad-added", G_CALLBACK (on_decoder_pad), &targets);
  g_signal_connect (dec, "no-more-pads", G_CALLBACK (on_decoder_done),
      &targets);
  if (!ok) {
    gst_object_unref (pipe);
    return fail (input, "cannot build the pipeline");
  }

  Run r = { 0 };
  r.loop = g_main_loop_new (NULL, FALSE);
  r.pipe = pipe;
  r.input = input;
  r.tty = isatty (2);
  gst_bus_add_watch (bus, on_message, &r);
  /* progress only for a person watching: logs and tests get the summary */
  guint progress = r.tty ? g_timeout_add (500, on_progress, &r) : 0;
  g_unix_signal_add (SIGINT, on_interrupt, &r);
  r.started = g_get_monotonic_time ();
  if (gst_element_set_state (pipe, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE && !r.error)
    r.error = g_strdup ("cannot start the pipeline");
  if (!r.error)
    g_main_loop_run (r.loop);
  if (progress)
    g_source_remove (progress);
  gint64 pos = 0;
  gst_element_query_position (pipe, GST_FORMAT_TIME, &pos);
  GstStructure *stats = NULL;
  g_object_get (fus, "stats", &stats, NULL);
  gst_element_set_state (pipe, GST_STATE_NULL);
  if (r.tty)
    fputc ('\n', stderr);

  int status = 0;
  if (r.error) {
    status = fail (input, r.error);
  } else {
    gdouble wall = (g_get_monotonic_time () - r.started) / 1e6, mean = 0.0;
    guint64 inferences = 0;
    if (stats) {
      gst_structure_get_double (stats, "mean-inference-ms", &mean);
      gst_structure_get_uint64 (stats, "inferences", &inferences);
    }
    fprintf (stderr, "%s: %" G_GUINT64_FORMAT " results, %" G_GUINT64_FORMAT
        " events, %" G_GUINT64_FORMAT " inferences (mean %.3f ms), %.1f s of "
        "media in %.1f s (%.1fx real time)\n", prog, r.results, r.events,
        inferences, mean, pos / 1e9, wall, wall > 0 ? pos / 1e9 / wall : 0.0);
  }
  if (stats)
    gst_structure_free (stats);
  if (targets.audio)
    gst_object_unref (targets.audio);
  if (vpad)
    gst_object_unref (vpad);
  if (apad)
    gst_object_unref (apad);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_main_loop_unref (r.loop);
  g_free (r.error);
  return status;
}
