/* mmpublish: JSON Lines records (schema mmfusion/2, docs/json.md).
 * Every line parses; fields and types follow the schema; timestamps equal
 * the meta's; one record per fresh result; event lines on event changes;
 * file (appended) and stdout targets; an unwritable location errors;
 * non-finite scores and control characters still give valid JSON; a full
 * disk is an error naming the file and the reason.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <mmfusion/mmfusionmeta.h>

#include "mmjsonschema.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const char *meta_dir;

static GstBuffer *
result_buffer (guint64 i, gboolean fresh, gint event_class)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, 4, NULL);
  GST_BUFFER_PTS (b) = i * 40 * GST_MSECOND;
  GstMmFusionMeta *m = gst_buffer_add_mm_fusion_meta (b);
  m->model = g_quark_from_string ("probe");
  m->pts = GST_BUFFER_PTS (b);
  m->running_time = 1000 + GST_BUFFER_PTS (b);
  m->duration = 40 * GST_MSECOND;
  m->fresh = fresh;
  gint ids[2] = { 2, 0 };
  GQuark labels[2] = { g_quark_from_string ("bird"),
    g_quark_from_string ("cat")
  };
  gfloat scores[2] = { 0.75f, 0.125f };
  gst_mm_fusion_meta_set_classes (m, 2, ids, labels, scores);
  gst_mm_fusion_meta_add_input (m, "video", m->running_time,
      m->running_time + 40 * GST_MSECOND, FALSE);
  gst_mm_fusion_meta_add_input (m, "audio", GST_CLOCK_TIME_NONE,
      GST_CLOCK_TIME_NONE, TRUE);
  m->event_class = event_class;
  return b;
}

static GstHarness *
publish_harness (const char *path, const char *stream)
{
  GstElement *e = gst_element_factory_make ("mmpublish", NULL);
  g_object_set (e, "location", path, NULL);
  if (stream)
    g_object_set (e, "stream", stream, NULL);
  GstHarness *h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  gst_harness_set_src_caps_str (h, "video/x-raw");
  return h;
}

static gchar **
read_lines (const char *path, guint * n)
{
  gchar *text;
  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  /* every record is what docs/mmfusion-2.schema.json says */
  GError *err = NULL;
  fail_unless (mm_json_schema_validate_file (g_getenv ("MM_JSON_SCHEMA"),
          path, &err), "%s", err ? err->message : "");
  gchar **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  *n = g_strv_length (lines);
  fail_unless (*n > 0 && lines[*n - 1][0] == '\0', "no final newline");
  (*n)--;
  return lines;
}

static JsonObject *
parse (JsonParser * p, const char *line)
{
  GError *err = NULL;
  fail_unless (json_parser_load_from_data (p, line, -1, &err), "%s: %s",
      line, err ? err->message : "");
  JsonNode *root = json_parser_get_root (p);
  fail_unless (JSON_NODE_HOLDS_OBJECT (root));
  JsonObject *o = json_node_get_object (root);
  fail_unless_equals_string (json_object_get_string_member (o, "schema"),
      "mmfusion/2");
  return o;
}

static gint64
int_member (JsonObject * o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  fail_unless (n && JSON_NODE_HOLDS_VALUE (n)
      && json_node_get_value_type (n) == G_TYPE_INT64, "%s is not an "
      "integer", name);
  return json_node_get_int (n);
}

GST_START_TEST (test_records_and_events)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "mmpublish-test.jsonl",
      NULL);
  g_unlink (path);
  GstHarness *h = publish_harness (path, "cam1");
  /* fresh, carried, no meta, fresh with an event starting, fresh with it
   * still on, fresh with it over */
  gst_harness_push (h, result_buffer (0, TRUE, -1));
  gst_harness_push (h, result_buffer (1, FALSE, -1));
  gst_harness_push (h, gst_buffer_new_allocate (NULL, 4, NULL));
  gst_harness_push (h, result_buffer (3, TRUE, 2));
  gst_harness_push (h, result_buffer (4, TRUE, 2));
  gst_harness_push (h, result_buffer (5, TRUE, -1));
  /* buffers pass through untouched */
  fail_unless_equals_int (gst_harness_buffers_received (h), 6);
  guint64 records;
  g_object_get (h->element, "records", &records, NULL);
  fail_unless_equals_uint64 (records, 4);
  gst_harness_teardown (h);

  guint n;
  gchar **lines = read_lines (path, &n);
  /* 4 results + event start + event end */
  fail_unless_equals_int (n, 6);
  JsonParser *p = json_parser_new ();
  const guint64 result_frames[] = { 0, 3, 4, 5 };
  guint r = 0, events = 0;
  for (guint i = 0; i < n; i++) {
    JsonObject *o = parse (p, lines[i]);
    fail_unless_equals_string (json_object_get_string_member (o, "stream"),
        "cam1");
    if (json_object_has_member (o, "type")) {
      fail_unless_equals_string (json_object_get_string_member (o, "type"),
          "event");
      fail_unless_equals_string (json_object_get_string_member (o, "state"),
          events == 0 ? "start" : "end");
      fail_unless_equals_string (json_object_get_string_member (o, "label"),
          "bird");
      fail_unless_equals_int (int_member (o, "class_id"), 2);
      events++;
      continue;
    }
    guint64 f = result_frames[r++];
    fail_unless_equals_int64 (int_member (o, "pts"), f * 40 * GST_MSECOND);
    fail_unless_equals_int64 (int_member (o, "running_time"),
        1000 + f * 40 * GST_MSECOND);
    fail_unless_equals_int64 (int_member (o, "duration"), 40 * GST_MSECOND);
    fail_unless_equals_string (json_object_get_string_member
        (json_object_get_object_member (o, "model"), "name"), "probe");
    JsonObject *top = json_object_get_object_member (o, "top");
    fail_unless_equals_int (json_object_get_int_member (top, "id"), 2);
    fail_unless_equals_string (json_object_get_string_member (top, "label"),
        "bird");
    fail_unless_equals_float (json_object_get_double_member (top, "score"),
        0.75);
    JsonArray *classes = json_object_get_array_member (o, "classes");
    fail_unless_equals_int (json_array_get_length (classes), 2);
    JsonObject *second = json_array_get_object_element (classes, 1);
    fail_unless_equals_string (json_object_get_string_member (second,
            "label"), "cat");
    JsonObject *inputs = json_object_get_object_member (o, "inputs");
    JsonObject *video = json_object_get_object_member (inputs, "video");
    fail_unless_equals_int64 (int_member (video, "start"),
        1000 + f * 40 * GST_MSECOND);
    fail_if (json_object_get_boolean_member (video, "missing"));
    JsonObject *audio = json_object_get_object_member (inputs, "audio");
    fail_unless (json_object_get_null_member (audio, "start"));
    fail_unless (json_object_get_boolean_member (audio, "missing"));
  }
  fail_unless_equals_int (events, 2);
  /* the start line follows the result that started it */
  fail_unless (strstr (lines[2], "\"start\"") != NULL);
  g_object_unref (p);
  g_strfreev (lines);

  /* a second run appends */
  h = publish_harness (path, NULL);
  gst_harness_push (h, result_buffer (9, TRUE, -1));
  gst_harness_teardown (h);
  lines = read_lines (path, &n);
  fail_unless_equals_int (n, 7);
  g_strfreev (lines);
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

/* When this test runs sanitized, the plugin is too, and a child
 * gst-launch-1.0 can load it only with the same runtimes preloaded: they
 * are found in this process's own mappings. */
static gchar **
child_env (void)
{
  gchar **env = g_get_environ ();
  gchar *maps = NULL;
  if (!g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL))
    return env;
  /* libasan must come first in the list */
  GString *preload = g_string_new (NULL);
  gchar **lines = g_strsplit (maps, "\n", -1);
  const char *libs[] = { "/libasan.so", "/libubsan.so", "/libtsan.so" };
  for (gsize k = 0; k < G_N_ELEMENTS (libs); k++)
    for (gchar ** l = lines; *l; l++) {
      gchar *path = strchr (*l, '/');
      if (path && strstr (path, libs[k]) && !strstr (preload->str, path)) {
        g_string_append_printf (preload, "%s%s", preload->len ? ":" : "",
            path);
        break;
      }
    }
  if (preload->len) {
    /* the sanitizer runtime first, then what this test has preloaded
     * (the TSan build's lock shim) */
    const gchar *more = g_environ_getenv (env, "LD_PRELOAD");
    if (more)
      g_string_append_printf (preload, ":%s", more);
    env = g_environ_setenv (env, "LD_PRELOAD", preload->str, TRUE);
    env = g_environ_setenv (env, "ASAN_OPTIONS",
        "detect_leaks=0:verify_asan_link_order=0", TRUE);
  }
  g_string_free (preload, TRUE);
  g_strfreev (lines);
  g_free (maps);
  return env;
}

GST_START_TEST (test_stdout_from_a_pipeline)
{
  /* a real pipeline in a child process, records on its stdout */
  gchar *model = g_strdup_printf ("model=%s/good.onnx", meta_dir);
  gchar *argv[] = { (gchar *) "gst-launch-1.0", (gchar *) "-q",
    (gchar *) "videotestsrc", (gchar *) "num-buffers=12", (gchar *) "!",
    (gchar *) "video/x-raw,framerate=25/1", (gchar *) "!",
    (gchar *) "f.video", (gchar *) "audiotestsrc", (gchar *) "num-buffers=30",
    (gchar *) "!", (gchar *) "audioconvert", (gchar *) "!",
    (gchar *) "audioresample", (gchar *) "!", (gchar *) "mmaudiowindow",
    (gchar *) "!", (gchar *) "f.audio", (gchar *) "mmfusion", (gchar *)
        "name=f", model, (gchar *) "!", (gchar *) "mmpublish",
    (gchar *) "location=-", (gchar *) "!", (gchar *) "fakesink", NULL
  };
  gchar *out = NULL, *err = NULL;
  gint status;
  GError *e = NULL;
  gchar **env = child_env ();
  fail_unless (g_spawn_sync (NULL, argv, env, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &err, &status, &e), "%s", e ? e->message : "");
  g_strfreev (env);
  fail_unless (g_spawn_check_wait_status (status, NULL), "stderr: %s", err);
  gchar **lines = g_strsplit (out, "\n", -1);
  guint n = g_strv_length (lines) - 1;
  fail_unless_equals_int (n, 12);
  JsonParser *p = json_parser_new ();
  for (guint i = 0; i < n; i++) {
    JsonObject *o = parse (p, lines[i]);
    fail_unless_equals_int64 (int_member (o, "pts"), i * 40 * GST_MSECOND);
  }
  g_object_unref (p);
  g_strfreev (lines);
  g_free (out);
  g_free (err);
  g_free (model);
}

GST_END_TEST;

GST_START_TEST (test_bad_location)
{
  GstElement *e = gst_element_factory_make ("mmpublish", NULL);
  g_object_set (e, "location", "/nonexistent/dir/results.jsonl", NULL);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  GError *err;
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "/nonexistent/dir/results.jsonl")
      != NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
}

GST_END_TEST;

/* Whatever the model and its labels hold, every line is JSON: infinite
 * and NaN scores are null (with one warning), control characters in
 * labels, names and streams are escaped, bytes that are not UTF-8 become
 * U+FFFD. */
GST_START_TEST (test_json_always_valid)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "mmpublish-valid.jsonl",
      NULL);
  g_unlink (path);
  GstHarness *h = publish_harness (path, "cam\t1");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  const char *labels[] = { "bell\x07", "two\nlines", "quote\" back\\slash",
    "caf\xc3\xa9", "bad\xff", "del\x7f"
  };
  const gfloat scores[] = { INFINITY, -INFINITY, NAN, 0.5f, 1.0f, 1e-7f };
  for (guint r = 0; r < 3; r++) {
    GstBuffer *b = gst_buffer_new_allocate (NULL, 4, NULL);
    GstMmFusionMeta *m = gst_buffer_add_mm_fusion_meta (b);
    m->model = g_quark_from_string ("model\x01");
    m->pts = m->running_time = r;
    m->fresh = TRUE;
    gint ids[6];
    GQuark q[6];
    gfloat sc[6];
    for (guint i = 0; i < 6; i++) {
      ids[i] = i;
      q[i] = g_quark_from_string (labels[(i + r) % 6]);
      sc[i] = scores[(i + r) % 6];
    }
    gst_mm_fusion_meta_set_classes (m, 6, ids, q, sc);
    gst_mm_fusion_meta_add_input (m, "in\x1f", 0, 1, FALSE);
    m->event_class = r == 1 ? 0 : -1;
    fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
  }
  gst_harness_teardown (h);

  guint n;
  gchar **lines = read_lines (path, &n);
  fail_unless_equals_int (n, 5);        /* 3 results, an event's start, end */
  JsonParser *p = json_parser_new ();
  guint nulls = 0;
  for (guint i = 0; i < n; i++) {
    for (const guchar * c = (const guchar *) lines[i]; *c; c++)
      fail_unless (*c >= 0x20, "raw control character in %s", lines[i]);
    fail_unless (g_utf8_validate (lines[i], -1, NULL), "not UTF-8");
    JsonObject *o = parse (p, lines[i]);
    fail_unless_equals_string (json_object_get_string_member (o, "stream"),
        "cam\t1");
    fail_unless_equals_string (json_object_get_string_member
        (json_object_get_object_member (o, "model"), "name"), "model\x01");
    if (json_object_has_member (o, "type"))
      continue;
    JsonArray *classes = json_object_get_array_member (o, "classes");
    fail_unless_equals_int (json_array_get_length (classes), 6);
    for (guint k = 0; k < 6; k++) {
      JsonObject *c = json_array_get_object_element (classes, k);
      guint src = (k + (guint) int_member (o, "pts")) % 6;
      const char *want = src == 4 ? "bad\xef\xbf\xbd" : labels[src];
      fail_unless_equals_string (json_object_get_string_member (c, "label"),
          want);
      if (!isfinite (scores[src])) {
        fail_unless (json_object_get_null_member (c, "score"));
        nulls++;
      } else {
        /* 6 significant digits */
        gdouble got = json_object_get_double_member (c, "score");
        fail_unless (fabs (got - scores[src]) <= 5e-7 * fabs (scores[src]),
            "%g written as %g", scores[src], got);
      }
    }
    fail_unless (json_object_has_member (json_object_get_object_member (o,
                "inputs"), "in\x1f"));
  }
  fail_unless_equals_int (nulls, 9);
  GstMessage *w = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (w != NULL, "no warning about the scores");
  gst_message_unref (w);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING) == NULL,
      "the warning came more than once");
  gst_object_unref (bus);
  g_object_unref (p);
  g_strfreev (lines);
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

/* A full disk stops the stream with an error naming the file and saying
 * why, not a generic "could not write". */
GST_START_TEST (test_disk_full)
{
  GstHarness *h = publish_harness ("/dev/full", NULL);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  fail_unless_equals_int (gst_harness_push (h, result_buffer (0, TRUE, -1)),
      GST_FLOW_ERROR);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  GError *err;
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "/dev/full") && strstr (err->message,
          g_strerror (ENOSPC)), "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* GAP events (a camera away): one "start" line when the stretch begins,
 * one "end" line with its duration when data flows again, however many
 * GAP events the stretch has; an open stretch is ended by EOS */
GST_START_TEST (test_gap_lines)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "mmpublish-gaps.jsonl",
      NULL);
  g_unlink (path);
  GstHarness *h = publish_harness (path, "cam1");
  gst_harness_push (h, result_buffer (0, TRUE, -1));
  /* 40 ms to 200 ms in four GAP events, then frame 5 (200 ms) */
  for (guint i = 1; i < 5; i++)
    fail_unless (gst_harness_push_event (h, gst_event_new_gap (i * 40 *
                GST_MSECOND, 40 * GST_MSECOND)));
  gst_harness_push (h, result_buffer (5, TRUE, -1));
  /* a second stretch, still open at EOS: 240 ms to 320 ms */
  for (guint i = 6; i < 8; i++)
    fail_unless (gst_harness_push_event (h, gst_event_new_gap (i * 40 *
                GST_MSECOND, 40 * GST_MSECOND)));
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  gst_harness_teardown (h);

  guint n;
  gchar **lines = read_lines (path, &n);
  fail_unless_equals_int (n, 6);
  JsonParser *p = json_parser_new ();
  const char *types[] = { NULL, "gap", "gap", NULL, "gap", "gap" };
  const char *states[] = { NULL, "start", "end", NULL, "start", "end" };
  const gint64 starts[] = { 0, 40, 40, 0, 240, 240 };
  const gint64 durations[] = { 0, -1, 160, 0, -1, 80 };
  for (guint i = 0; i < n; i++) {
    JsonObject *o = parse (p, lines[i]);
    if (!types[i]) {
      fail_if (json_object_has_member (o, "type"), "%s", lines[i]);
      continue;
    }
    fail_unless_equals_string (json_object_get_string_member (o, "type"),
        types[i]);
    fail_unless_equals_string (json_object_get_string_member (o, "state"),
        states[i]);
    fail_unless_equals_string (json_object_get_string_member (o, "stream"),
        "cam1");
    fail_unless_equals_int64 (int_member (o, "start"), starts[i] *
        GST_MSECOND);
    if (durations[i] < 0)
      fail_if (json_object_has_member (o, "duration"), "%s", lines[i]);
    else
      fail_unless_equals_int64 (int_member (o, "duration"), durations[i] *
          GST_MSECOND);
  }
  g_object_unref (p);
  g_strfreev (lines);
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

static Suite *
publish_suite (void)
{
  Suite *s = suite_create ("mmpublish");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_records_and_events);
  tcase_add_test (tc, test_stdout_from_a_pipeline);
  tcase_add_test (tc, test_bad_location);
  tcase_add_test (tc, test_json_always_valid);
  tcase_add_test (tc, test_disk_full);
  tcase_add_test (tc, test_gap_lines);
  return s;
}

int
main (int argc, char **argv)
{
  meta_dir = g_getenv ("MM_GOLDEN_META");
  if (!meta_dir)
    meta_dir = "tests/golden/meta";
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (publish_suite (), "mmpublish", __FILE__);
}
