/* mmreport, the module behind mmfusion-report and mmfusion-analyze
 * --report: records of both schemas in, one page out with the timelines,
 * spans, thresholds, clip links and thumbnails the records call for; an
 * hour decimated to at most two points per column; bad input refused with
 * the line named. (tests/gst/report-test.sh opens pages in a browser.)
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <unistd.h>
#include "mmreport.h"

static gchar *
line_result (guint64 pts, gfloat a, gfloat b, gboolean v2)
{
  if (v2)
    return g_strdup_printf ("{\"schema\":\"mmfusion/2\",\"source\":\"cam2\","
        "\"pts\":%" G_GUINT64_FORMAT ",\"running_time\":%" G_GUINT64_FORMAT
        ",\"model\":{\"name\":\"m2\",\"sha256\":\"x\"},\"outputs\":{\"level\":"
        "{\"kind\":\"regression\",\"values\":[{\"id\":0,\"name\":\"x\","
        "\"value\":9}]},\"scores\":{\"kind\":\"classes\",\"classes\":"
        "[{\"id\":0,\"label\":\"dog\",\"score\":%.3f},{\"id\":1,\"label\":"
        "\"cat <&>\",\"score\":%.3f}]}}}", pts, pts, a, b);
  return g_strdup_printf ("{\"schema\":\"mmfusion/1\",\"stream\":\"cam1\","
      "\"pts\":%" G_GUINT64_FORMAT ",\"running_time\":%" G_GUINT64_FORMAT
      ",\"model\":\"m1\",\"classes\":[{\"id\":0,\"label\":\"dog\",\"score\":"
      "%.3f},{\"id\":1,\"label\":\"cat <&>\",\"score\":%.3f}]}", pts, pts, a, b);
}

static gchar *
line_event (const gchar * state, const gchar * label, guint64 pts)
{
  return g_strdup_printf ("{\"schema\":\"mmfusion/1\",\"type\":\"event\","
      "\"state\":\"%s\",\"label\":\"%s\",\"pts\":%" G_GUINT64_FORMAT
      ",\"running_time\":%" G_GUINT64_FORMAT "}", state, label, pts, pts);
}

static void
add (MmReport * r, gchar * line)
{
  GError *err = NULL;
  fail_unless (mm_report_add_line (r, line, -1, &err), "%s: %s", line,
      err ? err->message : "");
  g_free (line);
}

static gchar *
write_page (MmReport * r, const gchar * dir)
{
  gchar *path = g_build_filename (dir, "report.html", NULL);
  GError *err = NULL;
  fail_unless (mm_report_write (r, path, &err), "%s", err ? err->message : "");
  gchar *html;
  fail_unless (g_file_get_contents (path, &html, NULL, NULL));
  g_unlink (path);
  g_free (path);
  return html;
}

static guint
count (const gchar * html, const gchar * what)
{
  guint n = 0;
  for (const gchar * p = html; (p = strstr (p, what)); p += strlen (what))
    n++;
  return n;
}

/* 10 s at 10 results a second; dog on from 2 to 4 s, cat from 3 to 6 s */
static void
fill (MmReport * r, gboolean v2)
{
  for (guint i = 0; i < 100; i++) {
    guint64 t = i * 100 * GST_MSECOND;
    gboolean dog = i >= 20 && i < 40, cat = i >= 30 && i < 60;
    if (i == 20)
      add (r, line_event ("start", "dog", t));
    if (i == 30)
      add (r, line_event ("start", "cat <&>", t));
    if (i == 40)
      add (r, line_event ("end", "dog", t));
    if (i == 60)
      add (r, line_event ("end", "cat <&>", t));
    add (r, line_result (t, dog ? 0.9 + (i == 25) * 0.05 : 0.1,
            cat ? 0.8 : 0.2, v2));
  }
}

GST_START_TEST (test_page)
{
  gchar *dir = g_dir_make_tmp ("mmreport-XXXXXX", NULL);
  MmReport *r = mm_report_new ();
  fill (r, FALSE);
  gchar *clip = g_build_filename (dir, "clips", "cam1-dog.mkv", NULL);
  /* a clip of dog's event, one of nobody's, a clip line */
  mm_report_add_clip (r, clip, 1 * GST_SECOND, 5 * GST_SECOND, "dog");
  add (r, g_strdup ("{\"type\":\"clip\",\"path\":\"/elsewhere/c.mkv\","
          "\"start\":8000000000,\"end\":9000000000,\"class\":\"cat <&>\"}"));
  GError *err = NULL;
  fail_unless (mm_report_set_thresholds (r, "dog=0.5,cat <&>=0.7", NULL,
          &err));
  gchar *html = write_page (r, dir);

  fail_unless_equals_int (mm_report_n_results (r), 100);
  fail_unless_equals_int (mm_report_n_events (r), 2);
  fail_unless_equals_int (mm_report_n_thumbnails (r), 0);
  fail_unless_equals_int (count (html, "<section class=\"timeline\""), 2);
  /* labels escaped, spans at the events' times */
  fail_unless (strstr (html, "data-class=\"cat &lt;&amp;&gt;\" "
          "data-start=\"3.000000\" data-end=\"6.000000\"") != NULL);
  fail_unless (strstr (html, "data-class=\"dog\" data-start=\"2.000000\" "
          "data-end=\"4.000000\"") != NULL);
  fail_if (strstr (html, "cat <&>") != NULL);
  /* the peak inside dog's event: 0.95 at 2.5 s */
  fail_unless (strstr (html, "0.950 at 0:02.500") != NULL);
  /* thresholds per label */
  fail_unless_equals_int (count (html, "<line class=\"th-on\""), 2);
  fail_unless (strstr (html, "event-on 0.7") && strstr (html, "event-on 0.5"));
  /* the clip under the page's folder is linked relatively; cat's event
   * (3–6 s) does not overlap the other clip (8–9 s) */
  fail_unless (strstr (html, "href=\"clips/cam1-dog.mkv\"") != NULL);
  fail_unless_equals_int (count (html, "<a class=\"clip\""), 1);
  fail_unless (strstr (html, "<dd id=\"model\">m1</dd>") != NULL);
  fail_unless (strstr (html, "<dd id=\"source\">cam1</dd>") != NULL);
  /* nothing fetched from the network */
  fail_if (strstr (html, "http://") || strstr (html, "https://"));
  g_free (html);
  mm_report_free (r);

  /* mmfusion/2 records: the outputs' class list, model.name, source */
  r = mm_report_new ();
  fill (r, TRUE);
  mm_report_set_info (r, NULL, "front door");
  html = write_page (r, dir);
  fail_unless_equals_int (count (html, "<section class=\"timeline\""), 2);
  fail_unless (strstr (html, "<dd id=\"model\">m2</dd>") != NULL);
  fail_unless (strstr (html, "<dd id=\"source\">front door</dd>") != NULL);
  fail_unless_equals_int (count (html, "<tr class=\"event\""), 2);
  g_free (html);
  mm_report_free (r);
  g_free (clip);
  g_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_hour_decimated)
{
  gchar *dir = g_dir_make_tmp ("mmreport-XXXXXX", NULL);
  MmReport *r = mm_report_new ();
  /* an hour at 5 results a second (25 a second takes minutes to parse
   * under the sanitizers; 18 results a column decimate just as well) */
  for (guint i = 0; i < 18000; i++) {
    guint64 t = i * 200 * GST_MSECOND;
    if (i % 180 == 20)
      add (r, line_event ("start", "dog", t));
    if (i % 180 == 28)
      add (r, line_event ("end", "dog", t));
    /* a one-result spike every 200 results must survive decimation */
    add (r, line_result (t, i % 180 >= 20 && i % 180 < 28 ? 0.9 : 0.1,
            i % 200 == 100 ? 1.0 : 0.3, FALSE));
  }
  gchar *html = write_page (r, dir);
  fail_unless_equals_int (mm_report_n_events (r), 100);
  const gchar *poly = strstr (html, "<polyline class=\"score\" points=\"");
  fail_unless (poly != NULL);
  const gchar *end = strchr (poly + 33, '"');
  guint points = 0;
  for (const gchar * p = poly + 33; p < end; p++)
    points += *p == ',';
  fail_unless (points <= 2000, "%u points", points);
  /* cat's spikes (1.0: y = 8.0) are all drawn */
  const gchar *cat = strstr (html, "data-class=\"cat &lt;&amp;&gt;\"");
  fail_unless (cat != NULL);
  const gchar *cpoly = strstr (cat, "points=\"");
  const gchar *cend = strchr (cpoly + 8, '"');
  gchar *cpoints = g_strndup (cpoly, cend - cpoly);
  fail_unless_equals_int (count (cpoints, ",8.0 "), 90);
  g_free (cpoints);
  g_free (html);
  mm_report_free (r);
  g_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_thumbnails)
{
  gchar *dir = g_dir_make_tmp ("mmreport-XXXXXX", NULL);
  gchar *media = g_build_filename (dir, "media.mkv", NULL);
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=100 ! "
      "video/x-raw,width=320,height=240,framerate=10/1 ! x264enc "
      "speed-preset=ultrafast ! matroskamux ! filesink location=%s", media);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  GstBus *bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);

  MmReport *r = mm_report_new ();
  fill (r, FALSE);
  mm_report_set_media (r, media);
  mm_report_set_limits (r, 12, 300, 64);
  gchar *html = write_page (r, dir);
  fail_unless_equals_int (mm_report_n_thumbnails (r), 2);
  /* JPEG (base64 of FF D8 FF is /9j/) */
  fail_unless_equals_int (count (html, "src=\"data:image/jpeg;base64,/9j/"),
      2);
  g_free (html);
  mm_report_free (r);

  /* no media (a live source): the pictures come from the clips, here the
   * same file as if it were a clip recorded from 1 s on */
  r = mm_report_new ();
  fill (r, FALSE);
  mm_report_add_clip (r, media, 1 * GST_SECOND, 10 * GST_SECOND,
      "dog,cat <&>");
  mm_report_set_limits (r, 12, 300, 64);
  html = write_page (r, dir);
  fail_unless_equals_int (mm_report_n_thumbnails (r), 2);
  fail_unless_equals_int (count (html, "src=\"data:image/jpeg;base64,/9j/"),
      2);
  g_free (html);
  mm_report_free (r);
  g_unlink (media);
  g_free (media);
  g_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_bad_input)
{
  MmReport *r = mm_report_new ();
  GError *err = NULL;
  fail_if (mm_report_add_line (r, "{\"pts\":", -1, &err));
  fail_unless (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
  g_clear_error (&err);
  fail_if (mm_report_add_line (r, "[1,2]", -1, &err));
  g_clear_error (&err);
  fail_if (mm_report_set_thresholds (r, "dog=high", NULL, &err));
  fail_unless (strstr (err->message, "dog=high") != NULL);
  g_clear_error (&err);
  /* unknown record types and empty lines pass */
  fail_unless (mm_report_add_line (r, "{\"type\":\"stats\"}", -1, NULL));
  fail_unless (mm_report_add_line (r, "  ", -1, NULL));

  gchar *path;
  gint fd = g_file_open_tmp ("mmreport-XXXXXX.jsonl", &path, NULL);
  const gchar *text = "{\"pts\":0,\"classes\":[]}\n\nnot json\n";
  fail_unless (write (fd, text, strlen (text)) == (gssize) strlen (text));
  close (fd);
  fail_if (mm_report_add_file (r, path, &err));
  fail_unless (g_str_has_prefix (err->message, "line 3:"), "%s",
      err->message);
  g_clear_error (&err);
  g_unlink (path);
  fail_if (mm_report_add_file (r, path, &err));        /* gone */
  g_clear_error (&err);
  g_free (path);
  fail_if (mm_report_write (r, "/nonexistent-dir/report.html", &err));
  g_clear_error (&err);
  mm_report_free (r);
}

GST_END_TEST;

static Suite *
mmreport_suite (void)
{
  Suite *s = suite_create ("mmreport");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_page);
  tcase_add_test (tc, test_hour_decimated);
  tcase_add_test (tc, test_thumbnails);
  tcase_add_test (tc, test_bad_input);
  return s;
}

GST_CHECK_MAIN (mmreport);
