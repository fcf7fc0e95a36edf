/* mmreport: one self-contained HTML page from mmfusion results: a score
 * timeline per class (SVG), threshold lines, event spans, a thumbnail of
 * the video at each event's peak, a table of events with their clips, the
 * model and the source. No network: styles, script and pictures are inline.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Use (mmfusion-analyze --report, mmfusion-report):
 *
 *   MmReport *r = mm_report_new ();
 *   mm_report_set_thresholds (r, "0.8", NULL);          // --event-on/off
 *   mm_report_set_media (r, "clip.mkv");                // for thumbnails
 *   while (have a JSON line)                            // or _add_file
 *     if (!mm_report_add_line (r, line, -1, &err)) ...
 *   // clips as mmrecord announces them (or JSON "type":"clip" lines)
 *   mm_report_add_clip (r, path, start_rt, end_rt, "glass,alarm");
 *   if (!mm_report_write (r, "report.html", &err)) ...
 *   mm_report_free (r);
 *
 * Records understood: results (schema mmfusion/1 `classes`, or mmfusion/2
 * `outputs` of kind classes), events (`"type":"event"`, `state` start/end,
 * `label` or `class`) and clips (`"type":"clip"`, `path`, `start`, `end`
 * running times, `class`). Times on the page are the records' `pts`
 * (media time) in seconds.
 */
#ifndef MM_REPORT_H
#define MM_REPORT_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _MmReport MmReport;

MmReport *mm_report_new (void);
void mm_report_free (MmReport * r);

/* One JSON Lines record. Unknown record types are ignored; a line that is
 * not a JSON object is an error (G_IO_ERROR_INVALID_DATA). */
gboolean mm_report_add_line (MmReport * r, const gchar * line, gssize len,
    GError ** error);
/* Every line of a JSON Lines file; the error names the line. */
gboolean mm_report_add_file (MmReport * r, const gchar * path,
    GError ** error);

/* A recorded clip, running times as in mmrecord's `mmrecord-clip`
 * message; linked from the events of its classes it overlaps. */
void mm_report_add_clip (MmReport * r, const gchar * path,
    GstClockTime start, GstClockTime end, const gchar * classes);

/* mmfusion's event-on / event-off values ("0.8" or "a=0.8,b=0.6"), drawn
 * as threshold lines; FALSE with error when malformed. off NULL: = on. */
gboolean mm_report_set_thresholds (MmReport * r, const gchar * event_on,
    const gchar * event_off, GError ** error);

/* The analysed media (path or URI): thumbnails are taken from it. Without
 * it (a live source), from each event's clip, at the peak's running time
 * less the clip's start. */
void mm_report_set_media (MmReport * r, const gchar * path_or_uri);

/* Shown in the header; NULL keeps what the records said. */
void mm_report_set_info (MmReport * r, const gchar * model,
    const gchar * source);

/* Timelines drawn at most (classes with events first, then by their
 * highest score; default 12); thumbnails at most (default 300, the highest
 * peaks); thumbnail width in pixels (default 160). */
void mm_report_set_limits (MmReport * r, guint max_classes,
    guint max_thumbnails, guint thumbnail_width);

/* Writes the page. Thumbnail failures (no video, cannot decode) leave the
 * events without a picture and are logged, not fatal. */
gboolean mm_report_write (MmReport * r, const gchar * html_path,
    GError ** error);

/* statistics of the last write, for tests and progress output */
guint mm_report_n_results (const MmReport * r);
guint mm_report_n_events (const MmReport * r);
guint mm_report_n_thumbnails (const MmReport * r);

G_END_DECLS
#endif /* MM_REPORT_H */
