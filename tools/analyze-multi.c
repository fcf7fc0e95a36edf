/* mmfusion-analyze with several inputs: every camera or file in this one
 * process, one model for all (docs/tools.md, "Several inputs").
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One pipeline per input, all in this process, not one pipeline holding
 * every input: a pipeline changes state as a whole, so in a shared one an
 * input that fails before it prerolls would hold every other one in
 * PAUSED, an input that fails later would have to be cut out of a running
 * bin by hand, and the pipeline's end of stream would wait for the failed
 * branch's sink that never gets one; live cameras and files would also
 * share one clock and base time. Separate pipelines start, end and fail on
 * their own. What the inputs share lives outside the pipelines: the model
 * (mmfusion's `model-instance`: elements of one process with the same value
 * share one loaded model and its inference worker, which batches their
 * ticks) and this process' main loop, which watches every bus.
 *
 * Properties that not every mmfusion has (`model-instance`, `batch-size`,
 * `source`) are set only when the element has them, so the tool runs on
 * either side of their arrival; the summary says whether the model was
 * shared.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "analyze-multi.h"
#include "analyze-graph.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* the value every mmfusion of the run shares its model under */
#define MODEL_INSTANCE "mmfusion-analyze"

static const char *prog = "mmfusion-analyze";

typedef struct Multi Multi;

typedef struct
{
  Multi *m;
  const gchar *name, *uri;      /* the input's; not owned */
  gchar *json;                  /* its JSON Lines file, or "-", or NULL */
  Graph g;
  GstElement *decoder;          /* not owned */
  guint watch;
  gboolean running, failed;
  guint64 results, events, inferences;
  gdouble mean_ms;
  gint64 position;              /* ns of media, at its end */
} Stream;

struct Multi
{
  GMainLoop *loop;
  Stream *streams;
  guint n, running, failed, interrupted;
  guint grace;                  /* the timeout after the first Ctrl-C */
  gboolean shared;              /* model-instance was set */
};

static int
fail (const char *what, const char *reason)
{
  fprintf (stderr, "%s: %s: %s\n", prog, what, reason);
  return 1;
}

/* names become file names and MQTT topic levels: a safe alphabet */
static gboolean
name_char_ok (gchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.';
}

static gboolean
name_ok (const gchar * name)
{
  if (!*name || name[0] == '.')
    return FALSE;
  for (const gchar * p = name; *p; p++)
    if (!name_char_ok (*p))
      return FALSE;
  return TRUE;
}

static gboolean
name_taken (GArray * inputs, const gchar * name)
{
  for (guint i = 0; i < inputs->len; i++)
    if (g_str_equal (g_array_index (inputs, AnalyzeInput, i).name, name))
      return TRUE;
  return FALSE;
}

gboolean
analyze_read_inputs (const gchar * file, GArray * inputs, gchar ** why)
{
  gchar *text = NULL;
  GError *err = NULL;
  if (!g_file_get_contents (file, &text, NULL, &err)) {
    *why = g_strdup (err->code == G_FILE_ERROR_NOENT ? "no such file" :
        err->message);
    g_error_free (err);
    return FALSE;
  }
  gchar **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  gboolean ok = TRUE;
  guint before = inputs->len;
  for (guint i = 0; ok && lines[i]; i++) {
    gchar *line = g_strstrip (lines[i]);
    if (!*line || line[0] == '#')
      continue;
    gchar *space = line + strcspn (line, " \t");
    if (!*space) {
      *why = g_strdup_printf ("line %u: expected 'NAME URI', got '%s'",
          i + 1, line);
      ok = FALSE;
      break;
    }
    *space = '\0';
    gchar *uri = g_strchug (space + 1);
    if (!name_ok (line)) {
      *why = g_strdup_printf ("line %u: the name '%s' may only have letters, "
          "digits, '-', '_' and '.' (it names files and MQTT topics)", i + 1,
          line);
      ok = FALSE;
    } else if (name_taken (inputs, line)) {
      *why = g_strdup_printf ("line %u: the name '%s' is used twice", i + 1,
          line);
      ok = FALSE;
    } else {
      AnalyzeInput in = { g_strdup (line), g_strdup (uri) };
      g_array_append_val (inputs, in);
    }
  }
  g_strfreev (lines);
  if (ok && inputs->len == before) {
    *why = g_strdup ("no inputs in it (lines 'NAME URI')");
    ok = FALSE;
  }
  return ok;
}

/* a file's base name without extension; a URI's host, port and path */
static gchar *
name_for (const gchar * what)
{
  gchar *base = NULL;
  gchar *path = gst_uri_is_valid (what) ? (g_str_has_prefix (what, "file:") ?
      g_filename_from_uri (what, NULL, NULL) : NULL) : g_strdup (what);
  if (path) {
    base = g_path_get_basename (path);
    gchar *dot = strrchr (base, '.');
    if (dot && dot != base)
      *dot = '\0';
  } else {
    GstUri *u = gst_uri_from_string (what);
    const gchar *host = u ? gst_uri_get_host (u) : NULL;
    gchar *p = u ? gst_uri_get_path (u) : NULL;
    guint port = u ? gst_uri_get_port (u) : GST_URI_NO_PORT;
    gchar *ports = port != GST_URI_NO_PORT ? g_strdup_printf ("-%u", port) :
        g_strdup ("");
    base = g_strdup_printf ("%s%s%s", host ? host : "input", ports,
        p ? p : "");
    g_free (ports);
    g_free (p);
    if (u)
      gst_uri_unref (u);
  }
  g_free (path);
  for (gchar * c = base; *c; c++)
    if (!name_char_ok (*c))
      *c = '-';
  /* no trailing separators from a path ending in / */
  gsize n = strlen (base);
  while (n > 1 && base[n - 1] == '-')
    base[--n] = '\0';
  if (!name_ok (base)) {
    g_free (base);
    base = g_strdup ("input");
  }
  return base;
}

gchar *
analyze_input_name (const gchar * what)
{
  return name_for (what);
}

void
analyze_add_input (GArray * inputs, const gchar * what)
{
  gchar *base = name_for (what);
  gchar *name = g_strdup (base);
  for (guint k = 2; name_taken (inputs, name); k++) {
    g_free (name);
    name = g_strdup_printf ("%s-%u", base, k);
  }
  g_free (base);
  AnalyzeInput in = { name, g_strdup (what) };
  g_array_append_val (inputs, in);
}

void
analyze_inputs_free (GArray * inputs)
{
  for (guint i = 0; i < inputs->len; i++) {
    AnalyzeInput *in = &g_array_index (inputs, AnalyzeInput, i);
    g_free (in->name);
    g_free (in->uri);
  }
  g_array_free (inputs, TRUE);
}

/* --json for input `name`: "-" as it is, {source} replaced by the name, a
 * folder (named with a trailing / or existing) holding NAME.jsonl; NULL
 * when the form fits none */
static gchar *
json_path (const gchar * json, const gchar * name)
{
  if (!json)
    return NULL;
  if (g_str_equal (json, "-"))
    return g_strdup ("-");
  if (strstr (json, "{source}")) {
    gchar **parts = g_strsplit (json, "{source}", -1);
    gchar *path = g_strjoinv (name, parts);
    g_strfreev (parts);
    return path;
  }
  if (g_str_has_suffix (json, "/") || g_file_test (json, G_FILE_TEST_IS_DIR)) {
    gchar *file = g_strconcat (name, ".jsonl", NULL);
    gchar *path = g_build_filename (json, file, NULL);
    g_free (file);
    return path;
  }
  return NULL;
}

int
analyze_multi_check (GArray * inputs, const AnalyzeMultiOptions * o)
{
  for (guint i = 0; i < inputs->len; i++) {
    AnalyzeInput *in = &g_array_index (inputs, AnalyzeInput, i);
    if (!gst_uri_is_valid (in->uri)
        && !g_file_test (in->uri, G_FILE_TEST_EXISTS)) {
      gchar *why = g_strdup_printf ("%s: no such file", in->uri);
      fail (in->name, why);
      g_free (why);
      return 1;
    }
  }
  if (!o->json)
    return 0;
  gchar *first = json_path (o->json, "x");
  g_free (first);
  if (!first)
    return fail (o->json, "with several inputs --json takes a folder "
        "(DIR/: one DIR/NAME.jsonl each), a file name with {source} in it, "
        "or - (standard output, each line's \"stream\" the input's name)");
  if (g_str_equal (o->json, "-"))
    return 0;
  /* the folder, or the folder of the template's files when it has none
   * of {source} itself */
  gchar *dir = strstr (o->json, "{source}") ? g_path_get_dirname (o->json) :
      g_strdup (o->json);
  int made = strstr (dir, "{source}") ? 0 : g_mkdir_with_parents (dir, 0777);
  g_free (dir);
  if (made) {
    gchar *why = g_strdup_printf ("cannot make the folder: %s",
        g_strerror (errno));
    fail (o->json, why);
    g_free (why);
    return 1;
  }
  /* mmpublish appends (logs may be shared); one run here is one file each */
  for (guint i = 0; i < inputs->len; i++) {
    AnalyzeInput *in = &g_array_index (inputs, AnalyzeInput, i);
    gchar *path = json_path (o->json, in->name);
    int status = 0;
    if (analyze_same_file (path, in->uri) || analyze_same_file (path,
            o->model)) {
      status = fail (path, "is an input or the model; refusing to "
          "overwrite it");
    } else {
      FILE *f = fopen (path, "w");
      if (f)
        fclose (f);
      else
        status = fail (path, g_strerror (errno));
    }
    g_free (path);
    if (status)
      return status;
  }
  return 0;
}

/* a property some mmfusion builds lack: set from its text form when there;
 * whether it was */
static gboolean
set_if_there (GstElement * e, const gchar * name, const gchar * value)
{
  if (!g_object_class_find_property (G_OBJECT_GET_CLASS (e), name))
    return FALSE;
  gst_util_set_object_arg (G_OBJECT (e), name, value);
  return TRUE;
}

/* a camera or a live network stream: reconnected when it drops, as long
 * as --max-reconnects allows. Files and HTTP (which end) are not. */
static gboolean
is_live_uri (const gchar * uri)
{
  static const char *live[] = { "rtsp", "rtsps", "rtspt", "rtspu", "rtmp",
    "rtmps", "srt", "udp", "rtp", NULL
  };
  gchar *scheme = gst_uri_is_valid (uri) ? gst_uri_get_protocol (uri) : NULL;
  gboolean is = scheme && g_strv_contains (live, scheme);
  g_free (scheme);
  return is;
}

/* the input's pipeline: mmdecodebin, mmaudiowindow for an audio input,
 * mmfusion, mmpublish (JSON and/or MQTT), a sink; 0 or 1 (said) */
static int
build_stream (Stream * s, const AnalyzeMultiOptions * o, guint n)
{
  Graph *g = &s->g;
  gchar *pname = g_strconcat ("analyze-", s->name, NULL);
  g->pipe = gst_pipeline_new (pname);
  g_free (pname);
  s->decoder = add (g, "mmdecodebin");
  GstElement *win = add (g, "mmaudiowindow");
  g->fusion = add (g, "mmfusion");
  if (!s->decoder || !win || !g->fusion)
    return fail (s->name, "the mmfusion plugin is not found (set "
        "GST_PLUGIN_PATH to the build directory)");
  g_object_set (s->decoder, "uri", s->uri, NULL);
  if (is_live_uri (s->uri) && o->max_reconnects != 0)
    g_object_set (s->decoder, "reconnect", TRUE, "max-reconnects",
        o->max_reconnects, NULL);

  /* shared before the model is set, so the model is loaded once */
  s->m->shared = set_if_there (g->fusion, "model-instance", MODEL_INSTANCE);
  if (s->m->shared) {
    /* at most what the element takes */
    gint64 want = o->batch > 0 ? o->batch : (gint64) n;
    GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS
        (g->fusion), "batch-size");
    if (p && G_IS_PARAM_SPEC_UINT (p))
      want = MIN (want, (gint64) G_PARAM_SPEC_UINT (p)->maximum);
    else if (p && G_IS_PARAM_SPEC_INT (p))
      want = MIN (want, (gint64) G_PARAM_SPEC_INT (p)->maximum);
    gchar *batch = g_strdup_printf ("%" G_GINT64_FORMAT, want);
    set_if_there (g->fusion, "batch-size", batch);
    g_free (batch);
  }
  set_if_there (g->fusion, "source", s->name);
  g_object_set (g->fusion, "model", o->model, "interval", o->interval,
      "top-k", o->top_k, "event-on", o->event_on, "event-off", o->event_off,
      NULL);
  g->fusion_video = gst_element_request_pad_simple (g->fusion, "video");
  g->fusion_audio = gst_element_request_pad_simple (g->fusion, "audio");
  if (!g->fusion_video && !g->fusion_audio) {
    GstBus *bus = gst_element_get_bus (g->pipe);
    gchar *why = analyze_take_refusal (bus);
    gst_object_unref (bus);
    fail (o->model, why ? why : "not a usable model");
    g_free (why);
    return 1;
  }
  gboolean ok = analyze_link_inputs (g, win);
  GstElement *last = g->fusion;
  if (s->json || o->mqtt_host) {
    GstElement *pub = add (g, "mmpublish");
    ok = ok && pub && gst_element_link (last, pub);
    if (pub) {
      g_object_set (pub, "stream", s->name, NULL);
      if (s->json)
        g_object_set (pub, "location", s->json, NULL);
      if (o->mqtt_host)
        g_object_set (pub, "mqtt-host", o->mqtt_host, "mqtt-port",
            o->mqtt_port, NULL);
      if (o->mqtt_host && o->mqtt_topic)
        g_object_set (pub, "mqtt-topic", o->mqtt_topic, NULL);
    }
    last = pub;
  }
  GstElement *sink = add (g, "fakesink");
  ok = ok && sink && gst_element_link (last, sink);
  if (sink)
    g_object_set (sink, "sync", FALSE, NULL);
  if (!ok)
    return fail (s->name, "cannot build the pipeline (are gst-plugins-base "
        "and -good installed?)");
  g_signal_connect (s->decoder, "pad-added",
      G_CALLBACK (analyze_on_decoder_pad), g);
  g_signal_connect (s->decoder, "no-more-pads",
      G_CALLBACK (analyze_on_decoder_done), g);
  return 0;
}

/* the input is over (its end, an error, or Ctrl-C): what it did, then
 * its pipeline stopped; the run ends with the last one */
static void
finish (Stream * s)
{
  if (!s->running)
    return;
  s->running = FALSE;
  gst_element_query_position (s->g.pipe, GST_FORMAT_TIME, &s->position);
  GstStructure *stats = NULL;
  g_object_get (s->g.fusion, "stats", &stats, NULL);
  if (stats) {
    gst_structure_get_double (stats, "mean-inference-ms", &s->mean_ms);
    gst_structure_get_uint64 (stats, "inferences", &s->inferences);
    gst_structure_free (stats);
  }
  gst_element_set_state (s->g.pipe, GST_STATE_NULL);
  if (--s->m->running == 0)
    g_main_loop_quit (s->m->loop);
}

/* the input's failure, one line naming it; its pipeline goes, the others
 * go on */
static void
failed (Stream * s, const GError * err)
{
  if (!s->running)
    return;
  s->failed = TRUE;
  s->m->failed++;
  /* mmdecodebin begins its messages with the URI, which this line names */
  const gchar *text = err->message;
  if (g_str_has_prefix (text, s->uri) && g_str_has_prefix (text +
          strlen (s->uri), ": "))
    text += strlen (s->uri) + 2;
  gchar *line = g_strdup_printf ("%s: %s%s", s->uri, text,
      s->m->running > 1 ? "; the other inputs go on" : "");
  fail (s->name, line);
  g_free (line);
  finish (s);
}

static gboolean
on_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  Stream *s = data;
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;
      gst_message_parse_error (msg, &err, NULL);
      failed (s, err);
      g_error_free (err);
      break;
    }
    case GST_MESSAGE_EOS:
      finish (s);
      break;
    case GST_MESSAGE_WARNING:
      /* mmdecodebin reconnecting: said, the input goes on */
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (s->decoder)) {
        GError *err = NULL;
        gst_message_parse_warning (msg, &err, NULL);
        fprintf (stderr, "%s: warning: %s: %s\n", prog, s->name,
            err->message);
        g_error_free (err);
      }
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "mmfusion"))
        s->results++;
      else if (gst_message_has_name (msg, "mmfusion-event"))
        s->events++;
      else if (gst_message_has_name (msg, "mmdecodebin-reconnected")) {
        guint64 down = 0;
        gst_structure_get_uint64 (gst_message_get_structure (msg),
            "down-time", &down);
        fprintf (stderr, "%s: %s: back after %.1f s\n", prog, s->name,
            down / 1e9);
      }
      break;
    default:
      break;
  }
  return TRUE;
}

/* GRACE_S after Ctrl-C: inputs whose end of stream has not come through
 * (a source stuck connecting) are stopped where they are; mmpublish wrote
 * whole lines only, so their files are whole too */
#define GRACE_S 10

static gboolean
on_grace (gpointer data)
{
  Multi *m = data;
  m->grace = 0;
  for (guint i = 0; i < m->n; i++)
    if (m->streams[i].running)
      fprintf (stderr, "%s: warning: %s: no end of stream %d s after the "
          "interruption; stopped\n", prog, m->streams[i].name, GRACE_S);
  g_main_loop_quit (m->loop);
  return G_SOURCE_REMOVE;
}

/* Ctrl-C, SIGTERM, SIGHUP: the first ends every input's stream (EOS) so
 * that every output is whole; a second stops at once */
static gboolean
on_interrupt (gpointer data)
{
  Multi *m = data;
  if (m->interrupted++) {
    g_main_loop_quit (m->loop);
    return G_SOURCE_CONTINUE;
  }
  for (guint i = 0; i < m->n; i++)
    if (m->streams[i].running)
      gst_element_send_event (m->streams[i].g.pipe, gst_event_new_eos ());
  m->grace = g_timeout_add_seconds (GRACE_S, on_grace, m);
  return G_SOURCE_CONTINUE;
}

/* an input whose pipeline does not even start: said as its failure */
static void
start_failed (Stream * s)
{
  GstBus *bus = gst_element_get_bus (s->g.pipe);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  GError *err = NULL;
  if (msg)
    gst_message_parse_error (msg, &err, NULL);
  else
    err = g_error_new_literal (GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "cannot start the pipeline");
  failed (s, err);
  g_error_free (err);
  g_clear_pointer (&msg, gst_message_unref);
  gst_object_unref (bus);
}

int
analyze_multi_run (GArray * inputs, const AnalyzeMultiOptions * o)
{
  Multi m = { 0 };
  m.n = inputs->len;
  m.streams = g_new0 (Stream, m.n);
  m.loop = g_main_loop_new (NULL, FALSE);
  const int signals[] = { SIGINT, SIGTERM, SIGHUP };
  guint interrupt[G_N_ELEMENTS (signals)];
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    interrupt[i] = g_unix_signal_add (signals[i], on_interrupt, &m);

  int status = 0;
  for (guint i = 0; i < m.n && !status; i++) {
    AnalyzeInput *in = &g_array_index (inputs, AnalyzeInput, i);
    Stream *s = &m.streams[i];
    s->m = &m;
    s->name = in->name;
    s->uri = in->uri;
    s->json = json_path (o->json, in->name);
    status = build_stream (s, o, m.n);
  }
  gint64 started = g_get_monotonic_time ();
  if (!status) {
    for (guint i = 0; i < m.n; i++) {
      Stream *s = &m.streams[i];
      GstBus *bus = gst_element_get_bus (s->g.pipe);
      s->watch = gst_bus_add_watch (bus, on_message, s);
      gst_object_unref (bus);
      s->running = TRUE;
      m.running++;
    }
    for (guint i = 0; i < m.n; i++) {
      Stream *s = &m.streams[i];
      if (gst_element_set_state (s->g.pipe, GST_STATE_PLAYING) ==
          GST_STATE_CHANGE_FAILURE)
        start_failed (s);
    }
    if (m.running > 0 && !m.interrupted)
      g_main_loop_run (m.loop);
  }
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (interrupt[i]);
  if (m.grace)
    g_source_remove (m.grace);

  gdouble wall = (g_get_monotonic_time () - started) / 1e6, media = 0;
  guint64 results = 0;
  for (guint i = 0; i < m.n; i++) {
    Stream *s = &m.streams[i];
    if (s->running) {
      /* a second Ctrl-C: stopped where they were */
      s->running = FALSE;
      if (s->g.pipe)
        gst_element_set_state (s->g.pipe, GST_STATE_NULL);
    }
    if (s->watch)
      g_source_remove (s->watch);
    if (!status && !s->failed)
      fprintf (stderr, "%s: %s: %" G_GUINT64_FORMAT " results, %"
          G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " inferences "
          "(mean %.3f ms), %.1f s of media\n", prog, s->name, s->results,
          s->events, s->inferences, s->mean_ms, s->position / 1e9);
    results += s->results;
    media += s->position / 1e9;
    g_free (s->json);
    analyze_graph_clear (&s->g);
  }
  if (!status)
    fprintf (stderr, "%s: %u inputs, %u ended, %u failed; %" G_GUINT64_FORMAT
        " results, %.1f s of media in %.1f s; %s\n", prog, m.n,
        m.n - m.failed, m.failed, results, media, wall, m.shared ?
        "one shared model (model-instance)" : "a model per input (this "
        "mmfusion has no model-instance)");
  g_free (m.streams);
  g_main_loop_unref (m.loop);
  return status || m.failed ? 1 : 0;
}
