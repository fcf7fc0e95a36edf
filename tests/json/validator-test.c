/* The JSON Schema validator the suite checks records with: the schema
 * loads; records of every type that mmpublish and mmfusion-analyze write
 * pass; each way of breaking one is caught, naming the place; a schema
 * keyword the validator does not know is refused.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mmjsonschema.h"

static const char *schema_path;

#define SHA "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\""
#define RESULT "{\"schema\":\"mmfusion/2\",\"stream\":\"p0\",\"source\":\"door\"," \
  "\"utc\":\"2026-12-02T09:40:00.123Z\",\"pts\":0,\"running_time\":0," \
  "\"duration\":40000000,\"frame\":{\"width\":640,\"height\":480}," \
  "\"model\":{\"name\":\"m\",\"sha256\":" SHA "}," \
  "\"top\":{\"id\":1,\"label\":\"dog\",\"score\":0.9}," \
  "\"classes\":[{\"id\":1,\"label\":\"dog\",\"score\":0.9}]," \
  "\"outputs\":{\"cls\":{\"kind\":\"classes\",\"classes\":[{\"id\":1,\"label\":\"dog\",\"score\":0.9}]}," \
  "\"tags\":{\"kind\":\"multi-label\",\"classes\":[]}," \
  "\"level\":{\"kind\":\"regression\",\"units\":\"dB\",\"values\":[{\"id\":0,\"name\":\"loud\",\"value\":-3.5}]}}," \
  "\"inputs\":{\"video\":{\"start\":0,\"end\":40000000,\"missing\":false}," \
  "\"audio\":{\"start\":null,\"end\":null,\"missing\":true}}}"

static const char *good[] = {
  RESULT,
  "{\"schema\":\"mmfusion/2\",\"stream\":\"p0\",\"source\":\"door\",\"type\":\"event\","
      "\"state\":\"end\",\"utc\":null,\"output\":\"tags\",\"class\":\"a\",\"class_id\":0,"
      "\"label\":\"a\",\"score\":0.2,\"peak_score\":0.97,\"start\":0,\"duration\":80000000,"
      "\"pts\":80000000,\"running_time\":80000000,\"model\":{\"name\":\"m\",\"sha256\":null}}",
  "{\"schema\":\"mmfusion/2\",\"stream\":\"p0\",\"source\":\"door\",\"type\":\"status\","
      "\"state\":\"online\"}",
  "{\"schema\":\"mmfusion/2\",\"type\":\"clip\",\"path\":\"clips/a.mkv\",\"start\":1,"
      "\"end\":2,\"class\":\"dog\"}",
};

/* a fragment of RESULT replaced by another, and the place the error
 * must name */
static const struct {
  const char *from, *to, *where;
} broken[] = {
  {"\"mmfusion/2\"", "\"mmfusion/1\"", "/schema"},
  {"\"utc\":\"2026-12-02T09:40:00.123Z\",", "", "utc"},
  {"09:40:00.123Z", "09:40:00Z", "/utc"},
  {"\"sha256\":" SHA, "\"sha256\":\"abc\"", "/model/sha256"},
  {"\"kind\":\"regression\"", "\"kind\":\"regresion\"", "/outputs/level"},
  {"\"value\":-3.5", "\"value\":\"-3.5\"", "/outputs/level"},
  {"\"score\":0.9}]},", "\"score\":\"high\"}]},", "/outputs/cls"},
  {"\"width\":640", "\"width\":0", "/frame"},
  {"\"missing\":false", "\"missing\":0", "/inputs/video/missing"},
  {"\"pts\":0,", "\"pts\":-1,", "/pts"},
  {"\"duration\":40000000,", "\"duration\":40000000,\"extra\":1,", "/extra"},
  {"\"classes\":[{\"id\":1", "\"classes\":[{\"id\":-1", "/classes/0/id"},
};

static MmJsonSchema *
load (void)
{
  GError *err = NULL;
  MmJsonSchema *s = mm_json_schema_load (schema_path, &err);
  fail_unless (s != NULL, "%s", err ? err->message : "");
  return s;
}

static gboolean
check (MmJsonSchema * s, const char *text, GError ** err)
{
  JsonParser *p = json_parser_new ();
  fail_unless (json_parser_load_from_data (p, text, -1, NULL), "%s", text);
  gboolean ok = mm_json_schema_validate (s, json_parser_get_root (p), err);
  g_object_unref (p);
  return ok;
}

GST_START_TEST (test_good_records)
{
  MmJsonSchema *s = load ();
  for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
    GError *err = NULL;
    fail_unless (check (s, good[i], &err), "%s: %s", good[i],
        err ? err->message : "");
  }
  mm_json_schema_free (s);
}

GST_END_TEST;

GST_START_TEST (test_broken_records)
{
  MmJsonSchema *s = load ();
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++) {
    const char *at = strstr (RESULT, broken[i].from);
    fail_unless (at != NULL, "%s", broken[i].from);
    gchar *text = g_strdup_printf ("%.*s%s%s", (int) (at - RESULT), RESULT,
        broken[i].to, at + strlen (broken[i].from));
    GError *err = NULL;
    fail_if (check (s, text, &err), "accepted: %s", text);
    fail_unless (strstr (err->message, broken[i].where) != NULL,
        "'%s' does not name %s", err->message, broken[i].where);
    g_error_free (err);
    g_free (text);
  }
  /* not an object at all, and an unknown record type */
  GError *err = NULL;
  fail_if (check (s, "[1]", &err));
  g_clear_error (&err);
  fail_if (check (s, "{\"schema\":\"mmfusion/2\",\"type\":\"clip\"}", &err));
  g_clear_error (&err);
  mm_json_schema_free (s);
}

GST_END_TEST;

GST_START_TEST (test_unknown_keyword)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "schema-XXXXXX.json",
      NULL);
  gint fd = g_mkstemp (path);
  const char *text = "{\"type\":\"object\",\"properties\":{\"a\":"
      "{\"type\":\"string\",\"format\":\"date-time\"}}}";
  fail_unless (write (fd, text, strlen (text)) == (gssize) strlen (text));
  close (fd);
  GError *err = NULL;
  fail_if (mm_json_schema_load (path, &err));
  fail_unless (strstr (err->message, "'format' is not supported") != NULL,
      "%s", err->message);
  g_error_free (err);
  g_unlink (path);
  g_free (path);
}

GST_END_TEST;

static Suite *
validator_suite (void)
{
  Suite *s = suite_create ("json-schema-validator");
  TCase *tc = tcase_create ("general");
  schema_path = g_getenv ("MM_JSON_SCHEMA");
  tcase_add_test (tc, test_good_records);
  tcase_add_test (tc, test_broken_records);
  tcase_add_test (tc, test_unknown_keyword);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (validator);
