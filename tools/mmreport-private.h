/* mmreport's data, shared by the reader (mmreport.c) and the page writer
 * (mmreport-html.c).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_REPORT_PRIVATE_H
#define MM_REPORT_PRIVATE_H

#include "mmreport.h"

G_BEGIN_DECLS

/* one class's scores, one value per result line (NAN: not in that line) */
typedef struct {
  gchar *label;
  GArray *v;                    /* gfloat, aligned with MmReport.times */
  gfloat max, min;
  gdouble on, off;              /* thresholds, NAN when none */
  guint n_events;
} MmSeries;

typedef struct {
  gchar *label;
  gdouble start, end;           /* media time (pts), seconds */
  GstClockTime rt_start, rt_end;        /* running time */
  gboolean open;                /* no end record: ran to the end */
  gdouble peak_t;
  GstClockTime peak_rt;         /* running time of the peak, or NONE */
  gfloat peak;
  gchar *clip;                  /* link target, or NULL */
  gpointer clip_ref;            /* the MmClipRef linked, or NULL */
  gchar *thumb;                 /* base64 JPEG, or NULL */
} MmEvent;

typedef struct {
  gchar *path, *classes;
  GstClockTime start, end;
} MmClipRef;

struct _MmReport {
  GArray *times;                /* gdouble, pts of each result, seconds */
  GArray *rts;                  /* GstClockTime, running time of each */
  GPtrArray *series;            /* MmSeries */
  GHashTable *by_label;         /* label → MmSeries */
  GPtrArray *events;            /* MmEvent, in start order */
  GHashTable *open_events;      /* label → MmEvent */
  GPtrArray *clips;             /* MmClipRef */
  gchar *model, *source, *media;
  gchar *user_model, *user_source;
  gchar *event_on, *event_off;
  guint max_classes, max_thumbnails, thumb_width;
  guint n_thumbnails;
};

/* the series of a label, made (NAN-filled so far) on first use */
MmSeries *mm_report_series (MmReport * r, const gchar * label);

/* fills the events' peaks, clips and thumbnails, then writes the page */
gboolean mm_report_write_html (MmReport * r, FILE * out, const gchar * dir,
    GError ** error);

/* JPEG thumbnails of the media at the given times (seconds): base64
 * strings, NULL where none could be made. */
gchar **mm_thumbnails (const gchar * media, const gdouble * times, guint n,
    guint width);

G_END_DECLS
#endif /* MM_REPORT_PRIVATE_H */
