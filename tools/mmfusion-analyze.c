/* mmfusion-analyze: a file or stream through one audio-visual model, in one
 * command (docs/tools.md).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * usage: mmfusion-analyze URI|PATH|--live[=test] --model MODEL
 *            [--video-device PATH] [--audio-device NAME]
 *            [--json FILE|-] [--overlay OUT.mkv] [--interval NS] [--top-k N]
 *            [--event-on SPEC [--event-off SPEC]] [--report OUT.html]
 *            [--record DIR [--pre S] [--post S]] [--mqtt HOST[:PORT]]
 *        mmfusion-analyze URI|PATH... [--inputs LIST] --model MODEL
 *            [--json DIR/|PATTERN|-] [--mqtt HOST[:PORT]] [--max-reconnects N]
 *            [--batch N] ...          (several inputs: analyze-multi.c)
 *        mmfusion-analyze --help | --version
 *
 * --live takes the camera and/or the microphone, only those the model has
 * inputs for (--video-device, --audio-device pick them), --live=test live
 * test sources. Progress on stderr (on a terminal), JSON Lines to --json, the
 * video with the results drawn on it and the original audio to --overlay
 * (Matroska), a summary at the end. --event-on makes mmfusion's events,
 * --record a clip around each (mmrecord, the encoded streams kept as they
 * are), --report a page of the results (tools/mmreport.h). Ctrl-C, SIGTERM or SIGHUP ends the
 * stream (EOS) so outputs are complete; a second one stops at once. Errors: exit status 1 and
 * one line "mmfusion-analyze: FILE: reason".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "analyze-graph.h"
#include "analyze-multi.h"
#include "mmreport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "mmfusion-analyze";

typedef struct {
  GMainLoop *loop;
  GstElement *pipe;
  gchar *error;                 /* first error, one line */
  const char *error_file;       /* what it is about; NULL: the input */
  /* the elements that write the output files, and those files */
  GstElement *json_writer, *overlay_writer;
  const char *json, *overlay;
  GstElement *source;           /* mmdecodebin, or the live sources */
  gboolean devices;             /* --live: a camera and/or a microphone */
  const char *video_device, *audio_device;      /* NULL: the default */
  GstElement *recorder;         /* mmrecord (--record) */
  const char *record_dir;
  int clip_fd;                  /* --json FILE opened for appending, or -1 */
  gboolean clip_stdout;         /* --json -: clip lines through stdout */
  MmReport *report;             /* --report */
  const char *event_on;
  gchar *report_error;
  guint64 results, events, clips;
  gboolean tty;
  guint interrupted;
  gint64 started;
} Run;

static int
fail (const char *file, const char *reason)
{
  fprintf (stderr, "%s: %s: %s\n", prog, file, reason);
  return 1;
}

/* decodebin goes on without a stream it has no decoder for: the model
 * input then reads as missing, which the user must hear about */
static void
warn_missing_plugin (GstMessage * msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  GstCaps *caps = NULL;
  gst_structure_get (s, "detail", GST_TYPE_CAPS, &caps, NULL);
  gchar *what = caps && !gst_caps_is_empty (caps) && !gst_caps_is_any (caps) ?
      g_strdup (gst_structure_get_name (gst_caps_get_structure (caps, 0))) :
      g_strdup (gst_structure_get_string (s, "name"));
  fprintf (stderr, "%s: warning: no GStreamer element for %s (install "
      "gstreamer1.0-libav or the -bad/-ugly plugins); that stream is "
      "treated as missing\n", prog, what ? what : "a stream");
  g_free (what);
  gst_clear_caps (&caps);
}

/* An error writing an output file is about that file, not the input:
 * named by it, with the system's reason (a full disk, a read-only
 * folder) that GStreamer keeps in the debug text. */
static void
output_error (Run * r, GstObject * src, const GError * err,
    const char *debug)
{
  const char *file = NULL;
  if (r->json_writer && src == GST_OBJECT (r->json_writer))
    file = r->json;
  else if (r->overlay_writer && src == GST_OBJECT (r->overlay_writer))
    file = r->overlay;
  if (!file)
    return;
  const char *system = debug ? strstr (debug, "system error: ") : NULL;
  r->error_file = file;
  if (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NO_SPACE_LEFT))
    r->error = g_strdup_printf ("cannot write: %s", g_strerror (ENOSPC));
  else if (system)
    r->error = g_strdup_printf ("cannot write: %s",
        system + strlen ("system error: "));
  else
    r->error = g_strdup (err->message);
}

/* The input's error, said for this line: mmdecodebin puts its URI first,
 * which the line already names; GStreamer's "Internal data stream error"
 * (a source that stopped with an error of no name: an HTTP server that
 * went away, say) says nothing a user can act on. */
static void
input_error (Run * r, GstObject * src, const GError * err)
{
  const char *text = err->message;
  gchar *uri = NULL;
  if (r->source && src == GST_OBJECT (r->source)
      && g_object_class_find_property (G_OBJECT_GET_CLASS (r->source), "uri"))
    g_object_get (r->source, "uri", &uri, NULL);
  if (uri && g_str_has_prefix (text, uri)
      && g_str_has_prefix (text + strlen (uri), ": "))
    text += strlen (uri) + 2;
  if (g_error_matches (err, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED))
    r->error = g_strdup_printf ("reading the input failed part-way (%s): "
        "the connection was lost or the data is damaged", text);
  else
    r->error = g_strdup (text);
  g_free (uri);
}

/* whether `src` is the live bin's element `name` or inside it */
static gboolean
from_live (Run * r, GstObject * src, const char *name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (r->source), name);
  gboolean in = e && (src == GST_OBJECT (e)
      || gst_object_has_as_ancestor (src, GST_OBJECT (e)));
  g_clear_object (&e);
  return in;
}

/* A capture device that cannot be opened (or fails later): named, with
 * GStreamer's reason and what to try */
static void
device_error (Run * r, GstObject * src, const GError * err)
{
  if (!r->devices || err->domain != GST_RESOURCE_ERROR)
    return;
  gboolean camera = from_live (r, src, "camera");
  if (!camera && !from_live (r, src, "microphone"))
    return;
  gchar *reason = g_strdup (err->message);
  g_strchomp (reason);
  gsize n = strlen (reason);
  if (n && reason[n - 1] == '.')
    reason[n - 1] = '\0';
  if (camera) {
    r->error_file = r->video_device ? r->video_device : "/dev/video0";
    r->error = g_strdup_printf ("cannot use the camera (%s): check the "
        "path (ls /dev/video*) and the permissions (the video group), or "
        "pick another with --video-device PATH", reason);
  } else {
    r->error_file = r->audio_device ? r->audio_device :
        "the default microphone";
    r->error = g_strdup_printf ("cannot use the microphone (%s): list the "
        "sources with 'pactl list short sources' (PulseAudio) or "
        "'arecord -L' (ALSA) and pick one with --audio-device NAME", reason);
  }
  g_free (reason);
}

/* A threshold naming a class the model lacks is refused by mmfusion when
 * it starts: said as an error of the option, not of the input. */
static void
fusion_error (Run * r, GstObject * src, const GError * err, const char *spec)
{
  if (!spec || !GST_IS_ELEMENT (src)
      || !g_error_matches (err, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS)
      || g_strcmp0 (G_OBJECT_TYPE_NAME (src), "GstMmFusion") != 0)
    return;
  r->error_file = "--event-on/--event-off";
  r->error = g_strdup (err->message);
}

static void
json_string (GString * out, const char *s)
{
  g_string_append_c (out, '"');
  for (; s && *s; s++) {
    guchar c = *s;
    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c < 0x20)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, c);
  }
  g_string_append_c (out, '"');
}

/* A finished clip: a line on stderr, a "clip" record in the JSON stream,
 * a link on the report page. mmpublish writes the results from a
 * streaming thread, each record with one fwrite+fflush on a file opened
 * for appending (or on stdout); the clip line goes in with one write() on
 * an O_APPEND descriptor (or one fwrite on the same locked stdout), so
 * whole lines never interleave. */
static void
on_clip (Run * r, const GstStructure * s)
{
  const char *path = gst_structure_get_string (s, "path");
  const char *classes = gst_structure_get_string (s, "class");
  guint64 start = GST_CLOCK_TIME_NONE, end = GST_CLOCK_TIME_NONE;
  gst_structure_get_uint64 (s, "start", &start);
  gst_structure_get_uint64 (s, "end", &end);
  if (!path)
    return;
  r->clips++;
  fprintf (stderr, "%s%s: clip %s (%s, %.2f s to %.2f s)\n", r->tty ? "\n" :
      "", prog, path, classes ? classes : "", start / 1e9, end / 1e9);
  if (r->report)
    mm_report_add_clip (r->report, path, start, end, classes);
  if (r->clip_fd < 0 && !r->clip_stdout)
    return;
  GString *line = g_string_new ("{\"schema\":\"mmfusion/2\",\"type\":\"clip\","
      "\"path\":");
  json_string (line, path);
  g_string_append_printf (line, ",\"start\":%" G_GUINT64_FORMAT
      ",\"end\":%" G_GUINT64_FORMAT ",\"class\":", start, end);
  json_string (line, classes);
  g_string_append (line, "}\n");
  if (r->clip_stdout) {
    fwrite (line->str, 1, line->len, stdout);
    fflush (stdout);
  } else if (write (r->clip_fd, line->str, line->len) != (gssize) line->len) {
    fprintf (stderr, "%s: warning: cannot add the clip to the JSON file: "
        "%s\n", prog, g_strerror (errno));
  }
  g_string_free (line, TRUE);
}

/* mmrecord says itself when a clip cannot be written (and once only until
 * one could): passed on as one warning line, the run goes on */
static void
on_warning (Run * r, GstMessage * msg)
{
  if (!r->recorder || GST_MESSAGE_SRC (msg) != GST_OBJECT (r->recorder))
    return;
  GError *err = NULL;
  gst_message_parse_warning (msg, &err, NULL);
  fprintf (stderr, "%s%s: warning: %s: %s\n", r->tty ? "\n" : "", prog,
      r->record_dir, err->message);
  g_error_free (err);
}

static gboolean
on_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  Run *r = data;
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err;
      gchar *debug = NULL;
      gst_message_parse_error (msg, &err, &debug);
      if (!r->error)
        output_error (r, GST_MESSAGE_SRC (msg), err, debug);
      if (!r->error)
        device_error (r, GST_MESSAGE_SRC (msg), err);
      if (!r->error)
        fusion_error (r, GST_MESSAGE_SRC (msg), err, r->event_on);
      if (!r->error)
        input_error (r, GST_MESSAGE_SRC (msg), err);
      g_error_free (err);
      g_free (debug);
      g_main_loop_quit (r->loop);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (r->loop);
      break;
    case GST_MESSAGE_WARNING:
      on_warning (r, msg);
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "mmfusion"))
        r->results++;
      else if (gst_message_has_name (msg, "mmfusion-event"))
        r->events++;
      else if (gst_message_has_name (msg, "missing-plugin"))
        warn_missing_plugin (msg);
      else if (gst_message_has_name (msg, "mmrecord-clip"))
        on_clip (r, gst_message_get_structure (msg));
      break;
    default:
      break;
  }
  return TRUE;
}

/* The run's records into the page (the clip lines we appended to them are
 * left out: the clips came in as messages), then the page written. */
static gboolean
write_report (Run * r, const char *records, const char *html)
{
  gchar *text = NULL;
  gsize len = 0;
  GError *err = NULL;
  gboolean ok = g_file_get_contents (records, &text, &len, &err);
  for (gchar * line = text; ok && line && line < text + len;) {
    gchar *nl = memchr (line, '\n', text + len - line);
    gsize n = nl ? (gsize) (nl - line) : (gsize) (text + len - line);
    /* a line cut by a stop at once (a second Ctrl-C) is left out */
    if (n > 0 && nl && !g_strstr_len (line, n, "\"type\":\"clip\""))
      ok = mm_report_add_line (r->report, line, n, &err);
    line += n + 1;
  }
  g_free (text);
  ok = ok && mm_report_write (r->report, html, &err);
  if (ok)
    fprintf (stderr, "%s: %s: %u results, %u events, %u thumbnails\n", prog,
        html, mm_report_n_results (r->report), mm_report_n_events (r->report),
        mm_report_n_thumbnails (r->report));
  else
    r->report_error = g_strdup (err->message);
  g_clear_error (&err);
  return ok;
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
  /* the first ends the stream so that every output is complete and valid;
   * a second one, if that hangs, stops at once */
  if (r->interrupted++)
    g_main_loop_quit (r->loop);
  else
    gst_element_send_event (r->pipe, gst_event_new_eos ());
  return G_SOURCE_CONTINUE;
}

void
analyze_on_decoder_pad (GstElement * dec, GstPad * pad, gpointer user_data)
{
  Graph *g = user_data;
  const gchar *name = GST_PAD_NAME (pad);
  g->has_video |= g_str_equal (name, "video");
  g->has_audio |= g_str_equal (name, "audio");
  GstPad *peer = g_str_equal (name, "video") ? g->video_in :
      g_str_equal (name, "audio") ? g->audio_in : NULL;
  GstElement *discard = NULL;
  if (!peer) {
    /* a stream nobody needs ends here, so it cannot stall the others */
    discard = gst_element_factory_make ("fakesink", NULL);
    g_object_set (discard, "sync", FALSE, "async", FALSE, NULL);
    gst_bin_add (GST_BIN (g->pipe), discard);
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

/* A model input the file has no stream for is released: mmfusion then
 * runs on what there is (the input marked missing) instead of waiting;
 * likewise the overlay file gets no audio track. */
void
analyze_on_decoder_done (GstElement * dec, gpointer user_data)
{
  Graph *g = user_data;
  /* with no input left mmfusion would wait for ever: nothing to analyze */
  if (!(g->fusion_video && gst_pad_is_linked (g->video_in)) &&
      !(g->fusion_audio && gst_pad_is_linked (g->audio_in))) {
    const char *needs = !g->fusion_audio ? "video" : !g->fusion_video ?
        "audio" : "video or audio";
    const char *has = g->has_video ? "only video" : g->has_audio ?
        "only audio" : "no audio or video";
    GST_ELEMENT_ERROR (dec, STREAM, WRONG_TYPE,
        ("no stream for the model: it needs %s, the input has %s", needs,
            has), (NULL));
    return;
  }
  if (g->fusion_video && !gst_pad_is_linked (g->video_in))
    gst_element_release_request_pad (g->fusion, g->fusion_video);
  if (g->audio_in && !gst_pad_is_linked (g->audio_in)) {
    if (g->fusion_audio)
      gst_element_release_request_pad (g->fusion, g->fusion_audio);
    if (g->mux_audio) {
      GstPad *peer = gst_pad_get_peer (g->mux_audio);
      if (peer) {
        gst_pad_unlink (peer, g->mux_audio);
        gst_object_unref (peer);
      }
      gst_element_release_request_pad (g->mux, g->mux_audio);
    }
  }
}

/* The file's audio queue answers allocation queries itself. Until the
 * first drawn frame reaches the muxer, the muxer holds that queue's audio;
 * the frame needs an audio window, so a serialized query that renegotiation
 * sends down the audio path (mmaudiowindow taking the model's stride
 * makes audioresample ask) would wait in the queue behind audio that
 * cannot move: the pipeline would stall. The encoder needs no pool. */
static GstPadProbeReturn
answer_allocation (GstPad * pad, GstPadProbeInfo * info, gpointer unused)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  return GST_QUERY_TYPE (query) == GST_QUERY_ALLOCATION ?
      GST_PAD_PROBE_HANDLED : GST_PAD_PROBE_OK;
}

/* mmfusion's output drawn on and encoded (H.264 when x264enc is installed,
 * else Motion JPEG, in -good), with the original audio, into Matroska. */
static gboolean
build_overlay (Graph * g, GstElement * results, const char *path)
{
  GstElementFactory *x264 = gst_element_factory_find ("x264enc");
  GstElement *draw = add (g, "mmoverlay"), *conv = add (g, "videoconvert");
  GstElement *enc = add (g, x264 ? "x264enc" : "jpegenc");
  /* h264parse (-bad) is optional: matroskamux takes x264enc's output */
  GstElementFactory *parser = x264 ? gst_element_factory_find ("h264parse")
      : NULL;
  GstElement *parse = parser ? add (g, "h264parse") : NULL;
  if (parser)
    gst_object_unref (parser);
  GstElement *file = add (g, "filesink");
  g->mux = add (g, "matroskamux");
  if (x264) {
    /* no lookahead: frames held in the encoder hold back the muxer, which
     * then stops the audio that mmfusion needs for the next frames */
    gst_util_set_object_arg (G_OBJECT (enc), "speed-preset", "veryfast");
    gst_util_set_object_arg (G_OBJECT (enc), "tune", "zerolatency");
    gst_object_unref (x264);
  }
  if (!draw || !conv || !enc || (parser && !parse) || !file || !g->mux)
    return FALSE;
  g_object_set (file, "location", path, NULL);
  g->overlay_writer = file;
  gboolean ok = gst_element_link_many (results, draw, conv, enc, NULL) &&
      (parse ? gst_element_link_many (enc, parse, g->mux, NULL) :
      gst_element_link (enc, g->mux)) && gst_element_link (g->mux, file);

  /* the decoded audio feeds both the model and the file */
  GstElement *tee = add (g, "tee"), *q = add (g, "queue");
  GstElement *aconv = add (g, "audioconvert"), *aenc = add (g, "vorbisenc");
  if (!ok || !tee || !q || !aconv || !aenc ||
      !gst_element_link_many (tee, q, aconv, aenc, NULL))
    return FALSE;
  /* the file's audio runs ahead of the drawn video by up to the model's
   * audio window (mmfusion waits for it); the queue holds that much */
  g_object_set (q, "max-size-time", (guint64) 5 * GST_SECOND,
      "max-size-buffers", 0, "max-size-bytes", 0, NULL);
  GstPad *qsink = gst_element_get_static_pad (q, "sink");
  gst_pad_add_probe (qsink, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      answer_allocation, NULL, NULL);
  gst_object_unref (qsink);
  g->mux_audio = gst_element_request_pad_simple (g->mux, "audio_%u");
  GstPad *encoded = gst_element_get_static_pad (aenc, "src");
  ok = g->mux_audio && gst_pad_link (encoded, g->mux_audio) == GST_PAD_LINK_OK;
  gst_object_unref (encoded);
  if (g->fusion_audio) {
    /* mmaudiowindow now hangs off the tee instead of the decoder */
    GstElement *q2 = add (g, "queue");
    ok = ok && q2 && gst_element_link (tee, q2);
    GstPad *qsrc = q2 ? gst_element_get_static_pad (q2, "src") : NULL;
    ok = ok && qsrc && gst_pad_link (qsrc, g->audio_in) == GST_PAD_LINK_OK;
    if (qsrc)
      gst_object_unref (qsrc);
  }
  g_clear_object (&g->audio_in);
  g->audio_in = gst_element_get_static_pad (tee, "sink");
  return ok;
}

/* --live=test: live test sources for both inputs, as a bin with the same
 * "video" and "audio" pads as mmdecodebin */
static GstElement *
make_test_source (void)
{
  const char *desc =
      "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,"
      "height=480,framerate=30/1 ! videoconvert name=v "
      "audiotestsrc is-live=true wave=ticks ! audioconvert ! "
      "audioresample name=a";
  GstElement *bin = gst_parse_bin_from_description (desc, FALSE, NULL);
  if (!bin)
    return NULL;
  const char *names[] = { "v", "video", "a", "audio" };
  for (int i = 0; i < 4; i += 2) {
    GstElement *last = gst_bin_get_by_name (GST_BIN (bin), names[i]);
    GstPad *src = gst_element_get_static_pad (last, "src");
    gst_element_add_pad (bin, gst_ghost_pad_new (names[i + 1], src));
    gst_object_unref (src);
    gst_object_unref (last);
  }
  return bin;
}

/* ALSA device names (hw:1,0, plughw:CARD=x, default) go to alsasrc; any
 * other name is a PulseAudio source (pactl list short sources) */
static gboolean
is_alsa_device (const char *name)
{
  return g_str_has_prefix (name, "hw:") || g_str_has_prefix (name, "plughw:")
      || g_str_equal (name, "default");
}

/* src ! conv [! resample], its end a ghost pad `pad` of the bin; FALSE
 * with *missing the first element GStreamer does not have */
static gboolean
add_live_branch (GstBin * bin, const char *factories[], const char *name,
    const char *device, const char *pad, const char **missing)
{
  GstElement *prev = NULL;
  for (guint i = 0; factories[i]; i++) {
    GstElement *e = gst_element_factory_make (factories[i], i ? NULL : name);
    if (!e) {
      *missing = factories[i];
      return FALSE;
    }
    gst_bin_add (bin, e);
    if (!i && device)
      g_object_set (e, "device", device, NULL);
    if (prev && !gst_element_link (prev, e))
      return FALSE;
    prev = e;
  }
  GstPad *src = gst_element_get_static_pad (prev, "src");
  gst_element_add_pad (GST_ELEMENT (bin), gst_ghost_pad_new (pad, src));
  gst_object_unref (src);
  return TRUE;
}

/* --live: the devices the model has inputs for, and only those (a model
 * with no video input needs no camera), as a bin with a "video" and/or an
 * "audio" pad like mmdecodebin's. The capture elements are named "camera"
 * and "microphone" so that their errors can be told apart (device_error).
 * NULL with *missing the element GStreamer lacks. */
static GstElement *
make_live_source (gboolean video, const char *video_device, gboolean audio,
    const char *audio_device, const char **missing)
{
  GstElement *bin = gst_bin_new ("live");
  const char *camera[] = { "v4l2src", "videoconvert", NULL };
  const char *microphone[] = { !audio_device ? "autoaudiosrc" :
        is_alsa_device (audio_device) ? "alsasrc" : "pulsesrc",
    "audioconvert", "audioresample", NULL
  };
  gboolean ok = (!video || add_live_branch (GST_BIN (bin), camera, "camera",
          video_device, "video", missing))
      && (!audio || add_live_branch (GST_BIN (bin), microphone,
          "microphone", audio_device, "audio", missing));
  if (!ok)
    gst_object_unref (gst_object_ref_sink (bin));
  return ok ? bin : NULL;
}

typedef struct
{
  gchar *input, *model, *json, *overlay;
  const char *live;             /* "device", "test" or NULL */
  gchar *video_device, *audio_device;   /* --live: NULL, the default */
  guint64 interval;
  guint top_k;
  gchar *event_on, *event_off, *report, *record;
  guint64 pre, post;            /* ns */
  gchar *inputs_file;           /* --inputs */
  GArray *inputs;               /* several inputs: AnalyzeInput, else NULL */
  gchar *mqtt_host, *mqtt_topic;
  gint mqtt_port, max_reconnects, batch;
} Options;

static void
options_clear (Options * o)
{
  g_free (o->input);
  g_free (o->model);
  g_free (o->json);
  g_free (o->overlay);
  g_free (o->event_on);
  g_free (o->event_off);
  g_free (o->report);
  g_free (o->record);
  g_free (o->video_device);
  g_free (o->audio_device);
  g_free (o->inputs_file);
  g_free (o->mqtt_host);
  g_free (o->mqtt_topic);
  if (o->inputs)
    analyze_inputs_free (o->inputs);
}

/* the option callbacks: strict numbers, named values */
static gboolean
take_interval (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *o = data;
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &o->interval,
          NULL))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "%s takes a whole number of nanoseconds (0: every frame), not '%s'",
      name, value);
  return FALSE;
}

static gboolean
take_top_k (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *o = data;
  guint64 v;
  if (g_ascii_string_to_unsigned (value, 10, 1, 32, &v, NULL)) {
    o->top_k = (guint) v;
    return TRUE;
  }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "%s must be 1 to 32, not '%s'", name, value);
  return FALSE;
}

/* mmfusion's own form, "0.8" or "label=0.8,label2=0.6"; the labels are
 * checked against the model by mmfusion when it starts */
static gboolean
take_threshold (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *o = data;
  gchar **parts = g_strsplit (value, ",", -1);
  gboolean ok = parts[0] != NULL;
  for (gchar ** p = parts; ok && *p; p++) {
    const char *eq = strchr (*p, '=');
    const char *num = eq ? eq + 1 : *p;
    char *end;
    g_ascii_strtod (num, &end);
    ok = end != num && *end == '\0' && (!eq || eq > *p);
  }
  g_strfreev (parts);
  if (!ok) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "%s takes a score (0.8) or scores per class (label=0.8,label2=0.6), "
        "not '%s'", name, value);
    return FALSE;
  }
  gchar **slot = g_str_equal (name, "--event-on") ? &o->event_on :
      &o->event_off;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

static gboolean
take_seconds (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *o = data;
  char *end;
  gdouble v = g_ascii_strtod (value, &end);
  if (end != value && *end == '\0' && v >= 0 && v <= 3600) {
    *(g_str_equal (name, "--pre") ? &o->pre : &o->post) =
        (guint64) (v * GST_SECOND + 0.5);
    return TRUE;
  }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "%s takes seconds, 0 to 3600, not '%s'", name, value);
  return FALSE;
}

/* --mqtt HOST[:PORT] */
static gboolean
take_mqtt (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *o = data;
  const char *colon = strrchr (value, ':');
  guint64 port = 1883;
  if (colon && !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port,
          NULL)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "%s takes HOST or HOST:PORT (port 1 to 65535), not '%s'", name,
        value);
    return FALSE;
  }
  if (colon == value || !*value) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "%s takes HOST or HOST:PORT, not '%s'", name, value);
    return FALSE;
  }
  g_free (o->mqtt_host);
  o->mqtt_host = colon ? g_strndup (value, colon - value) : g_strdup (value);
  o->mqtt_port = (gint) port;
  return TRUE;
}

/* --max-reconnects N (-1: for ever), --batch N (1 to 64) */
static gboolean
take_count (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *o = data;
  gboolean batch = g_str_equal (name, "--batch");
  gint64 v;
  if (g_ascii_string_to_signed (value, 10, batch ? 1 : -1, batch ? 64 : 1000,
          &v, NULL)) {
    *(batch ? &o->batch : &o->max_reconnects) = (gint) v;
    return TRUE;
  }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      batch ? "%s must be 1 to 64, not '%s'" : "%s must be -1 (for ever) to "
      "1000, not '%s'", name, value);
  return FALSE;
}

static gboolean
take_live (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  Options *o = data;
  if (!value || g_str_equal (value, "device"))
    o->live = "device";
  else if (g_str_equal (value, "test"))
    o->live = "test";
  else {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "%s takes device (the default: camera and microphone) or test, "
        "not '%s'", name, value);
    return FALSE;
  }
  return TRUE;
}

/* Whether two names (paths or URIs) are one existing local file, by
 * device and inode: another path or a link to a file is the same file. */
gboolean
analyze_same_file (const char *a, const char *b)
{
  struct stat sa, sb;
  gboolean same = FALSE;
  GFile *fa = g_file_new_for_commandline_arg (a);
  GFile *fb = g_file_new_for_commandline_arg (b);
  gchar *pa = g_file_get_path (fa), *pb = g_file_get_path (fb);
  if (pa && pb && stat (pa, &sa) == 0 && stat (pb, &sb) == 0)
    same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  else
    same = g_file_equal (fa, fb);       /* not there yet: by name */
  g_free (pa);
  g_free (pb);
  g_object_unref (fa);
  g_object_unref (fb);
  return same;
}

/* An output that names a file we read would be truncated before it is
 * read: refused before anything is opened for writing. */
static int
check_outputs (const Options * o)
{
  const char *outputs[] = { o->json, o->overlay, o->report };
  const char *inputs[] = { o->live ? NULL : o->input, o->model };
  const char *what[] = { "the input file", "the model file" };
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++) {
    if (!outputs[i] || g_str_equal (outputs[i], "-"))
      continue;
    for (guint j = 0; j < G_N_ELEMENTS (inputs); j++) {
      if (inputs[j] && analyze_same_file (outputs[i], inputs[j])) {
        gchar *why = g_strdup_printf ("is %s; refusing to overwrite it",
            what[j]);
        fail (outputs[i], why);
        g_free (why);
        return 1;
      }
    }
  }
  if (o->json && o->overlay && analyze_same_file (o->json, o->overlay))
    return fail (o->overlay, "--json and --overlay name the same file");
  if (o->report && ((o->json && analyze_same_file (o->json, o->report))
          || (o->overlay && analyze_same_file (o->overlay, o->report))))
    return fail (o->report, "--report names the file of another output");
  return 0;
}

/* several inputs: the options that take one refused, the inputs named */
static int
parse_several (Options * o, gchar ** rest)
{
  const char *single = o->live ? "--live" : o->overlay ? "--overlay" :
      o->report ? "--report" : o->record ? "--record" : o->video_device ?
      "--video-device" : o->audio_device ? "--audio-device" : NULL;
  if (single) {
    gchar *why = g_strdup_printf ("%s takes one input, not several", single);
    fail ("command line", why);
    g_free (why);
    return 1;
  }
  if (o->event_off && !o->event_on)
    return fail ("command line", "--event-off needs --event-on");
  o->inputs = g_array_new (FALSE, FALSE, sizeof (AnalyzeInput));
  gchar *why = NULL;
  if (o->inputs_file && !analyze_read_inputs (o->inputs_file, o->inputs,
          &why)) {
    fail (o->inputs_file, why);
    g_free (why);
    return 1;
  }
  for (guint i = 0; rest && rest[i]; i++)
    analyze_add_input (o->inputs, rest[i]);
  if (!o->model)
    return fail ("command line", "no --model (see --help)");
  if (!g_file_test (o->model, G_FILE_TEST_EXISTS))
    return fail (o->model, "no such file");
  AnalyzeMultiOptions m = {.json = o->json,.model = o->model };
  return analyze_multi_check (o->inputs, &m);
}

/* The command line, with GLib's option parser (--help describes every
 * option; GStreamer's own options are under --help-gst); it also
 * initializes GStreamer. Returns 0, -1 after --version, or 1 after
 * printing the one error line. */
static int
parse_options (int argc, char **argv, Options * o)
{
  *o = (Options) {
  .top_k = 5,.pre = 5 * GST_SECOND,.post = 5 * GST_SECOND,.mqtt_port = 1883,
        .max_reconnects = 10};
  gboolean version = FALSE;
  gchar **rest = NULL;
  const GOptionEntry entries[] = {
    {"model", 0, 0, G_OPTION_ARG_FILENAME, &o->model,
        "The model: an ONNX file (required)", "MODEL"},
    {"json", 0, 0, G_OPTION_ARG_FILENAME, &o->json,
          "Write one JSON line per result (schema mmfusion/2) to FILE, "
          "replacing it; - for standard output; with several inputs a "
          "folder DIR/ or a name with {source}", "FILE|-"},
    {"overlay", 0, 0, G_OPTION_ARG_FILENAME, &o->overlay,
          "Write the video with the results drawn on it, and the original "
          "audio, to OUT.mkv (Matroska)", "OUT.mkv"},
    {"interval", 0, 0, G_OPTION_ARG_CALLBACK, take_interval,
          "Run the model on the first frame at or after every NS "
          "nanoseconds (default 0: every frame)", "NS"},
    {"top-k", 0, 0, G_OPTION_ARG_CALLBACK, take_top_k,
        "Classes per result, 1 to 32 (default 5)", "N"},
    {"live", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, take_live,
          "Analyze the camera and the default microphone instead of a file "
          "(--live=test: live test sources), until Ctrl-C; only the "
          "devices the model has inputs for are opened", "device|test"},
    {"video-device", 0, 0, G_OPTION_ARG_FILENAME, &o->video_device,
          "--live: the camera, a V4L2 device (default /dev/video0)", "PATH"},
    {"audio-device", 0, 0, G_OPTION_ARG_STRING, &o->audio_device,
          "--live: the microphone, a PulseAudio source name (pactl list "
          "short sources) or an ALSA device hw:..., plughw:... or default "
          "(arecord -L) (default: the system's default input)", "NAME"},
    {"event-on", 0, 0, G_OPTION_ARG_CALLBACK, take_threshold,
          "Events: a class's event starts when its score reaches SPEC, "
          "one score (0.8) or per class (label=0.8,label2=0.6), as "
          "mmfusion's event-on", "SPEC"},
    {"event-off", 0, 0, G_OPTION_ARG_CALLBACK, take_threshold,
          "An event ends when the score falls below SPEC (same form; "
          "default: the --event-on values)", "SPEC"},
    {"report", 0, 0, G_OPTION_ARG_FILENAME, &o->report,
          "Write a page of the results to OUT.html: score timelines, "
          "events, a picture at each event's peak, the clips", "OUT.html"},
    {"record", 0, 0, G_OPTION_ARG_FILENAME, &o->record,
          "Record a clip (Matroska, video and audio as they are encoded) "
          "around each event into the folder DIR (needs --event-on)", "DIR"},
    {"pre", 0, 0, G_OPTION_ARG_CALLBACK, take_seconds,
        "Seconds recorded before an event (default 5)", "S"},
    {"post", 0, 0, G_OPTION_ARG_CALLBACK, take_seconds,
        "Seconds recorded after an event (default 5)", "S"},
    {"inputs", 0, 0, G_OPTION_ARG_FILENAME, &o->inputs_file,
          "Analyze the inputs listed in FILE, one 'NAME URI' a line (# "
          "comments), with any given on the command line: all in this "
          "process, one model for all, each its own JSON and MQTT stream "
          "(see Several inputs below)", "FILE"},
    {"mqtt", 0, 0, G_OPTION_ARG_CALLBACK, take_mqtt,
          "Also publish each result to the MQTT broker HOST (port 1883 or "
          "PORT)", "HOST[:PORT]"},
    {"mqtt-topic", 0, 0, G_OPTION_ARG_STRING, &o->mqtt_topic,
          "The results' topic, {source} the input's name (default "
          "mmfusion/results; with several inputs mmfusion/{source}/results)",
          "TOPIC"},
    {"max-reconnects", 0, 0, G_OPTION_ARG_CALLBACK, take_count,
          "Several inputs: a live network stream (rtsp, rtmp, srt, udp) "
          "that drops is reconnected (1 s, doubling to 30 s); after N "
          "failed attempts in a row it has failed for good (default 10; "
          "-1: for ever; 0: no reconnection)", "N"},
    {"batch", 0, 0, G_OPTION_ARG_CALLBACK, take_count,
          "Several inputs: the shared model's batch size, 1 to 64, where "
          "mmfusion batches (default: the number of inputs)", "N"},
    {"version", 0, 0, G_OPTION_ARG_NONE, &version,
        "Print the version and exit", NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL,
        NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("URI|PATH...");
  GOptionGroup *main_group = g_option_group_new (NULL, NULL, NULL, o, NULL);
  g_option_group_add_entries (main_group, entries);
  g_option_context_set_main_group (ctx, main_group);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  g_option_context_set_summary (ctx, "Runs a file, a stream (URI) or a "
      "camera and microphone through an audio-visual model: progress on "
      "standard error, results as JSON Lines, the video with the results "
      "drawn on it, events (--event-on), a clip around each event "
      "(--record), a report page (--report), a summary at the end.");
  g_option_context_set_description (ctx, "Several inputs (more than one "
      "URI|PATH, or --inputs FILE): each runs in its own pipeline in this "
      "process, all with one shared model (mmfusion's model-instance, "
      "batched up to --batch), each named (from --inputs, else its file "
      "name or its URI's host and path) and that name is its JSON lines' "
      "\"stream\" and {source} in --json and --mqtt-topic. --json then "
      "takes a folder (DIR/: DIR/NAME.jsonl each), a name with {source} "
      "(out/{source}.jsonl), or - (every line to standard output). An input "
      "that fails for good is said on one line \"mmfusion-analyze: NAME: "
      "URI: reason\"; the others go on, and the exit status is 1 at the "
      "end. --overlay, --report, --record and --live take one input.\n\n"
      "Ctrl-C, SIGTERM and SIGHUP end "
      "the stream cleanly (every output complete); a second one stops at "
      "once.\nErrors: exit status 1 and one line "
      "\"mmfusion-analyze: FILE: reason\" on standard error.\n");
  GError *err = NULL;
  gboolean parsed = g_option_context_parse (ctx, &argc, &argv, &err);
  g_option_context_free (ctx);
  if (!parsed) {
    gchar *why = g_strdup_printf ("%s (see --help)", err->message);
    fail ("command line", why);
    g_free (why);
    g_error_free (err);
    g_strfreev (rest);
    return 1;
  }
  if (version) {
    g_strfreev (rest);
    printf ("%s %s\n", prog, VERSION);
    return -1;
  }
  guint n_rest = rest ? g_strv_length (rest) : 0;
  if (n_rest > 1 || o->inputs_file) {
    int status = parse_several (o, rest);
    g_strfreev (rest);
    return status;
  }
  if (n_rest == 1 && o->live) {
    gchar *why = g_strdup_printf ("one input only (%s)", o->live ?
        "--live takes none" : "see --help");
    fail (rest[o->live ? 0 : 1], why);
    g_free (why);
    g_strfreev (rest);
    return 1;
  }
  if (n_rest == 1)
    o->input = g_strdup (rest[0]);
  g_strfreev (rest);
  if (o->live)
    o->input = g_strdup (o->live);
  if (!o->input)
    return fail ("command line", "no input: a file, a URI or --live (see "
        "--help)");
  if (!o->model)
    return fail (o->input, "no --model (see --help)");
  if (!o->live && !gst_uri_is_valid (o->input) &&
      !g_file_test (o->input, G_FILE_TEST_EXISTS))
    return fail (o->input, "no such file");
  if (!g_file_test (o->model, G_FILE_TEST_EXISTS))
    return fail (o->model, "no such file");
  if (check_outputs (o))
    return 1;
  if ((o->video_device || o->audio_device)
      && g_strcmp0 (o->live, "device") != 0)
    return fail ("command line", o->video_device ? "--video-device is for "
        "--live (a camera), not a file or --live=test" : "--audio-device is "
        "for --live (a microphone), not a file or --live=test");
  if ((o->video_device && !*o->video_device)
      || (o->audio_device && !*o->audio_device))
    return fail ("command line", "an empty device name");
  if (o->event_off && !o->event_on)
    return fail ("command line", "--event-off needs --event-on");
  if (o->record && !o->event_on)
    return fail ("command line", "--record needs --event-on (the events "
        "that make the clips)");
  /* mmpublish appends (logs may be shared); one run here is one file */
  if (o->json && !g_str_equal (o->json, "-")) {
    FILE *f = fopen (o->json, "w");
    if (!f)
      return fail (o->json, g_strerror (errno));
    fclose (f);
  }
  return 0;
}

gboolean
analyze_link_inputs (Graph * g, GstElement * win)
{
  gboolean ok = TRUE;
  if (g->fusion_video)
    g->video_in = gst_object_ref (g->fusion_video);
  if (g->fusion_audio) {
    GstPad *features = gst_element_get_static_pad (win, "src");
    ok = gst_pad_link (features, g->fusion_audio) == GST_PAD_LINK_OK;
    gst_object_unref (features);
    g->audio_in = gst_element_get_static_pad (win, "sink");
  }
  return ok;
}

gchar *
analyze_take_refusal (GstBus * bus)
{
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
  return refusal;
}

void
analyze_graph_clear (Graph * g)
{
  g_clear_object (&g->fusion_video);
  g_clear_object (&g->fusion_audio);
  g_clear_object (&g->video_in);
  g_clear_object (&g->audio_in);
  g_clear_object (&g->mux_audio);
  g_clear_object (&g->pipe);
  if (g->records_tmp)
    g_unlink (g->records);
  g_clear_pointer (&g->records, g_free);
}

/* --report reads the records of the run: the --json file, or one of ours
 * that a second mmpublish writes */
static gboolean
add_publishers (Graph * g, const Options * o, GstElement ** results)
{
  gboolean ok = TRUE;
  if (o->json || o->mqtt_host) {
    GstElement *pub = add (g, "mmpublish");
    ok = pub && gst_element_link (*results, pub);
    if (pub && o->json)
      g_object_set (pub, "location", o->json, NULL);
    if (pub && o->mqtt_host) {
      gchar *name = o->live ? g_strdup ("live") : analyze_input_name
          (o->input);
      g_object_set (pub, "mqtt-host", o->mqtt_host, "mqtt-port",
          o->mqtt_port, "stream", name, NULL);
      if (o->mqtt_topic)
        g_object_set (pub, "mqtt-topic", o->mqtt_topic, NULL);
      g_free (name);
    }
    if (o->json)
      g->json_writer = pub;
    *results = pub;
  }
  if (!o->report)
    return ok;
  if (o->json && !g_str_equal (o->json, "-")) {
    g->records = g_strdup (o->json);
    return ok;
  }
  int fd = g_file_open_tmp ("mmfusion-analyze-XXXXXX.jsonl", &g->records,
      NULL);
  if (fd < 0)
    return FALSE;
  close (fd);
  g->records_tmp = TRUE;
  GstElement *pub = add (g, "mmpublish");
  ok = ok && pub && gst_element_link (*results, pub);
  if (pub)
    g_object_set (pub, "location", g->records, NULL);
  *results = pub;
  return ok;
}

/* builds everything but the decoded streams' links; 0 or 1 (reported) */
static int
build (Graph * g, const Options * o, GstElement ** source)
{
  g->pipe = gst_pipeline_new ("analyze");
  /* --record on a file or URI: parsed, not decoded, so that mmrecord
   * stores the streams as they are */
  gboolean parse = o->record && !o->live;
  /* the live devices wait for the model's inputs, known below */
  GstElement *src = !o->live ? gst_element_factory_make (parse ?
      "urisourcebin" : "mmdecodebin", NULL) : g_str_equal (o->live, "test") ?
      make_test_source () : NULL;
  if (parse)
    g->parser = add (g, "parsebin");
  GstElement *win = add (g, "mmaudiowindow");
  g->fusion = add (g, "mmfusion");
  if (!win || !g->fusion || (parse && !g->parser) || (!src && !o->live))
    return fail (o->input, "the mmfusion plugin is not found (set "
        "GST_PLUGIN_PATH to the build directory)");
  if (!src && g_str_equal (o->live, "test"))
    return fail (o->input, "cannot make the live test sources (is "
        "gst-plugins-base installed?)");
  if (src)
    gst_bin_add (GST_BIN (g->pipe), src);
  *source = src;
  if (parse) {
    gchar *uri = gst_uri_is_valid (o->input) ? g_strdup (o->input) :
        gst_filename_to_uri (o->input, NULL);
    g_object_set (src, "uri", uri, NULL);
    g_free (uri);
  } else if (!o->live) {
    g_object_set (src, "uri", o->input, NULL);
  }
  g_object_set (g->fusion, "model", o->model, "interval", o->interval,
      "top-k", o->top_k, "event-on", o->event_on, "event-off", o->event_off,
      NULL);

  /* the model decides which inputs exist */
  g->fusion_video = gst_element_request_pad_simple (g->fusion, "video");
  g->fusion_audio = gst_element_request_pad_simple (g->fusion, "audio");
  GstBus *bus = gst_element_get_bus (g->pipe);
  gchar *refusal = analyze_take_refusal (bus);
  gst_object_unref (bus);
  int status = 0;
  if (!g->fusion_video && !g->fusion_audio)
    status = fail (o->model, refusal ? refusal : "not a usable model");
  else if (o->overlay && !g->fusion_video)
    status = fail (o->model, "--overlay needs a model with a video input");
  g_free (refusal);
  if (status)
    return status;

  if (!src) {
    /* --live: the devices the model has inputs for */
    const char *missing = NULL;
    src = make_live_source (g->fusion_video != NULL, o->video_device,
        g->fusion_audio != NULL, o->audio_device, &missing);
    if (!src) {
      gchar *why = g_strdup_printf ("cannot make the live sources: no %s "
          "element (install %s)", missing ? missing : "capture",
          !g_strcmp0 (missing, "pulsesrc") ? "gstreamer1.0-pulseaudio" :
          !g_strcmp0 (missing, "alsasrc") ? "gstreamer1.0-alsa" :
          "gstreamer1.0-plugins-good and -base");
      gboolean mic = !g_strcmp0 (missing, "pulsesrc")
          || !g_strcmp0 (missing, "alsasrc");
      fail (mic && o->audio_device ? o->audio_device : o->input, why);
      g_free (why);
      return 1;
    }
    gst_bin_add (GST_BIN (g->pipe), src);
    *source = src;
    if (o->video_device && !g->fusion_video)
      fprintf (stderr, "%s: warning: the model has no video input; "
          "--video-device %s is not opened\n", prog, o->video_device);
    if (o->audio_device && !g->fusion_audio)
      fprintf (stderr, "%s: warning: the model has no audio input; "
          "--audio-device %s is not opened\n", prog, o->audio_device);
  }

  gboolean ok = analyze_link_inputs (g, win);
  GstElement *results = g->fusion;
  ok = ok && add_publishers (g, o, &results);
  if (o->overlay) {
    ok = ok && build_overlay (g, results, o->overlay);
  } else {
    GstElement *sink = add (g, "fakesink");
    ok = ok && sink && gst_element_link (results, sink);
    if (sink)
      g_object_set (sink, "sync", o->live != NULL, NULL);
  }
  if (ok && o->record)
    g->recorder = analyze_make_recorder (g, o->record, o->live ? "live" :
        o->input, o->pre, o->post);
  /* each live stream there is goes to the clips too */
  if (ok && g->recorder && o->live) {
    GstPad *v = gst_element_get_static_pad (src, "video");
    GstPad *a = gst_element_get_static_pad (src, "audio");
    ok = (!v || analyze_record_live_stream (g, TRUE, &g->video_in))
        && (!a || analyze_record_live_stream (g, FALSE, &g->audio_in));
    g_clear_object (&v);
    g_clear_object (&a);
  }
  if (!ok)
    return fail (o->input, o->record ? "cannot build the pipeline (are "
        "gst-plugins-base, -good and -ugly (x264enc) installed?)" :
        "cannot build the pipeline (are gst-plugins-base and -good "
        "installed?)");
  return 0;
}

int
main (int argc, char **argv)
{
  Options o;
  int parsed = parse_options (argc, argv, &o);
  if (parsed) {
    options_clear (&o);
    return parsed < 0 ? 0 : 1;
  }
  if (o.inputs) {
    AnalyzeMultiOptions m = {.model = o.model,.json = o.json,
      .interval = o.interval,.top_k = o.top_k,.event_on = o.event_on,
      .event_off = o.event_off,.mqtt_host = o.mqtt_host,
      .mqtt_port = o.mqtt_port,.mqtt_topic = o.mqtt_topic ? o.mqtt_topic :
          "mmfusion/{source}/results",.max_reconnects = o.max_reconnects,
      .batch = o.batch
    };
    int status = analyze_multi_run (o.inputs, &m);
    options_clear (&o);
    return status;
  }

  /* Ctrl-C, and SIGTERM and SIGHUP (what systemd, docker and a closed
   * terminal send), are caught from here on: one that comes while the
   * pipeline is still being built ends it at once, as cleanly as one that
   * comes later */
  Run r = { 0 };
  const int signals[] = { SIGINT, SIGTERM, SIGHUP };
  guint interrupt[G_N_ELEMENTS (signals)];
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    interrupt[i] = g_unix_signal_add (signals[i], on_interrupt, &r);
  Graph g = { 0 };
  GstElement *source = NULL;
  if (build (&g, &o, &source)) {
    for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
      g_source_remove (interrupt[i]);
    analyze_graph_clear (&g);
    options_clear (&o);
    return 1;
  }
  if (o.live) {
    /* live sources have their pads already: those the model has inputs
     * for (devices) or both (test sources); the overlay file's audio track
     * goes when there is no microphone, as for a file without audio */
    const char *names[] = { "video", "audio" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
      GstPad *pad = gst_element_get_static_pad (source, names[i]);
      if (pad)
        analyze_on_decoder_pad (source, pad, &g);
      g_clear_object (&pad);
    }
    analyze_on_decoder_done (source, &g);
  } else if (g.parser) {
    g_signal_connect (source, "pad-added", G_CALLBACK (analyze_on_source_pad),
        g.parser);
    g_signal_connect (g.parser, "pad-added", G_CALLBACK (analyze_on_parsed_pad), &g);
    g_signal_connect (g.parser, "no-more-pads", G_CALLBACK (analyze_on_decoder_done),
        &g);
  } else {
    g_signal_connect (source, "pad-added", G_CALLBACK (analyze_on_decoder_pad), &g);
    g_signal_connect (source, "no-more-pads", G_CALLBACK (analyze_on_decoder_done),
        &g);
  }

  r.loop = g_main_loop_new (NULL, FALSE);
  r.pipe = g.pipe;
  r.json_writer = g.json_writer;
  r.overlay_writer = g.overlay_writer;
  r.json = o.json;
  r.overlay = o.overlay;
  r.source = source;
  r.devices = !g_strcmp0 (o.live, "device");
  r.video_device = o.video_device;
  r.audio_device = o.audio_device;
  r.recorder = g.recorder;
  r.record_dir = o.record;
  r.event_on = o.event_on;
  r.clip_fd = -1;
  if (g.recorder && o.json && g_str_equal (o.json, "-"))
    r.clip_stdout = TRUE;
  else if (g.recorder && o.json)
    r.clip_fd = open (o.json, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (o.report) {
    r.report = mm_report_new ();
    /* checked when the options were read */
    mm_report_set_thresholds (r.report, o.event_on, o.event_off, NULL);
    if (!o.live)
      mm_report_set_media (r.report, o.input);
  }
  r.tty = isatty (2);
  GstBus *bus = gst_element_get_bus (g.pipe);
  gst_bus_add_watch (bus, on_message, &r);
  /* progress only for a person watching: logs and tests get the summary */
  guint progress = r.tty ? g_timeout_add (500, on_progress, &r) : 0;
  r.started = g_get_monotonic_time ();
  if (gst_element_set_state (g.pipe, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    /* the element that refused to start said why on the bus */
    GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    GError *err = NULL;
    gchar *debug = NULL;
    if (m) {
      gst_message_parse_error (m, &err, &debug);
      output_error (&r, GST_MESSAGE_SRC (m), err, debug);
      if (!r.error)
        device_error (&r, GST_MESSAGE_SRC (m), err);
      if (!r.error)
        fusion_error (&r, GST_MESSAGE_SRC (m), err, r.event_on);
      if (!r.error)
        input_error (&r, GST_MESSAGE_SRC (m), err);
    }
    if (!r.error)
      r.error = g_strdup ("cannot start the pipeline");
    g_clear_error (&err);
    g_free (debug);
    g_clear_pointer (&m, gst_message_unref);
  }
  if (!r.error)
    g_main_loop_run (r.loop);
  if (progress)
    g_source_remove (progress);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (interrupt[i]);
  gint64 pos = 0;
  gst_element_query_position (g.pipe, GST_FORMAT_TIME, &pos);
  GstStructure *stats = NULL;
  g_object_get (g.fusion, "stats", &stats, NULL);
  gst_element_set_state (g.pipe, GST_STATE_NULL);
  if (r.tty)
    fputc ('\n', stderr);

  int status = 0;
  /* the page also after an interruption or an error part-way (what was
   * analysed until then), not when nothing ran */
  if (r.report && (!r.error || r.results > 0)
      && !write_report (&r, g.records, o.report) && !r.error) {
    r.error_file = o.report;
    r.error = g_strdup (r.report_error);
  }
  if (r.error) {
    status = fail (r.error_file ? r.error_file : o.input, r.error);
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
  gst_object_unref (bus);
  analyze_graph_clear (&g);
  g_main_loop_unref (r.loop);
  if (r.clip_fd >= 0)
    close (r.clip_fd);
  if (r.report)
    mm_report_free (r.report);
  g_free (r.report_error);
  g_free (r.error);
  options_clear (&o);
  return status;
}
