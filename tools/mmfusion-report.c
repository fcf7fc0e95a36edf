/* mmfusion-report: one self-contained HTML page from mmfusion's JSON Lines
 * results: a score timeline per class, threshold lines, event spans, a
 * thumbnail of the video at each event's peak, the events with their clips.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * usage: mmfusion-report RESULTS.jsonl --out REPORT.html [--media FILE]
 *            [--event-on SPEC] [--event-off SPEC] [--model NAME]
 *            [--source NAME] [--max-classes N] [--max-thumbnails N]
 *            [--thumbnail-width PX]
 *
 * Errors: exit status 1 and one line "mmfusion-report: FILE: reason".
 */
#include "mmreport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "mmfusion-report";

static int
fail (const char *file, const char *reason)
{
  fprintf (stderr, "%s: %s: %s\n", prog, file, reason);
  return 1;
}

static int
usage (const char *why)
{
  fprintf (stderr, "%s: %s (usage: %s RESULTS.jsonl --out REPORT.html "
      "[--media FILE] [--event-on SPEC] [--event-off SPEC] [--model NAME] "
      "[--source NAME] [--max-classes N] [--max-thumbnails N] "
      "[--thumbnail-width PX])\n", prog, why, prog);
  return 1;
}

static gboolean
parse_count (const char *s, guint * out)
{
  char *end;
  unsigned long v = strtoul (s, &end, 10);
  if (end == s || *end || v > 100000)
    return FALSE;
  *out = v;
  return TRUE;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  const char *input = NULL, *out = NULL, *media = NULL, *on = NULL,
      *off = NULL, *model = NULL, *source = NULL;
  guint max_classes = 12, max_thumbs = 300, width = 160;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    gboolean takes = g_str_has_prefix (a, "--");
    if (takes && !v)
      return usage ("missing value");
    if (!strcmp (a, "--out"))
      out = v;
    else if (!strcmp (a, "--media"))
      media = v;
    else if (!strcmp (a, "--event-on"))
      on = v;
    else if (!strcmp (a, "--event-off"))
      off = v;
    else if (!strcmp (a, "--model"))
      model = v;
    else if (!strcmp (a, "--source"))
      source = v;
    else if (!strcmp (a, "--max-classes")) {
      if (!parse_count (v, &max_classes))
        return usage ("--max-classes takes a count");
    } else if (!strcmp (a, "--max-thumbnails")) {
      if (!parse_count (v, &max_thumbs))
        return usage ("--max-thumbnails takes a count");
    } else if (!strcmp (a, "--thumbnail-width")) {
      if (!parse_count (v, &width))
        return usage ("--thumbnail-width takes pixels");
    } else if (takes)
      return usage (a);
    else if (!input) {
      input = a;
      continue;
    } else
      return usage ("more than one results file");
    i++;
  }
  if (!input || !out)
    return usage ("a results file and --out are required");
  if (media && !gst_uri_is_valid (media)
      && !g_file_test (media, G_FILE_TEST_IS_REGULAR))
    return fail (media, "no such file");

  MmReport *r = mm_report_new ();
  GError *err = NULL;
  int status = 0;
  mm_report_set_limits (r, max_classes, max_thumbs, width);
  mm_report_set_info (r, model, source);
  if (media)
    mm_report_set_media (r, media);
  if (!mm_report_set_thresholds (r, on, off, &err))
    status = fail (on, err->message);
  else if (!mm_report_add_file (r, input, &err))
    status = fail (input, err->message);
  else if (!mm_report_write (r, out, &err))
    status = fail (out, err->message);
  else
    fprintf (stderr, "%s: %s: %u results, %u events, %u thumbnails\n", prog,
        out, mm_report_n_results (r), mm_report_n_events (r),
        mm_report_n_thumbnails (r));
  g_clear_error (&err);
  mm_report_free (r);
  return status;
}
