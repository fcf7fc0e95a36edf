/* From a model's raw output to what mmfusion reports: activation,
 * smoothing over results, top-k above a threshold, and per-class events
 * with hysteresis. No GStreamer types: testable on its own.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_RESULTS_H
#define MM_RESULTS_H

#include <glib.h>
#include "mmmodel.h"

G_BEGIN_DECLS

typedef enum {
  MM_SMOOTHING_NONE, MM_SMOOTHING_EMA, MM_SMOOTHING_WINDOW
} MmSmoothing;

typedef struct {
  gint class_id;
  gboolean start;               /* FALSE: end */
  gfloat score;
  gfloat peak;                  /* highest score since the start */
} MmEventChange;

typedef struct _MmResults MmResults;

MmResults *mm_results_new (guint n_classes, MmActivation activation);
void mm_results_free (MmResults * r);

void mm_results_set_smoothing (MmResults * r, MmSmoothing mode,
    gdouble alpha, guint window);
/* per-class thresholds; NAN disables events for a class. on >= off. */
void mm_results_set_events (MmResults * r, const gfloat * on,
    const gfloat * off);

/* one fresh result; returns the number of event changes it caused, which
 * are written to changes (at most n_classes) */
guint mm_results_update (MmResults * r, const gfloat * raw,
    MmEventChange * changes);

/* scores after activation and smoothing (n_classes) */
const gfloat *mm_results_scores (const MmResults * r);
/* best first, at most k, scores >= threshold; returns how many */
guint mm_results_top (const MmResults * r, guint k, gfloat threshold,
    gint * ids, gfloat * scores);
/* whether class i's event is on, and its highest score since it began */
gboolean mm_results_event_on (const MmResults * r, guint i, gfloat * peak);
/* the highest-scoring class whose event is on, or -1 */
gint mm_results_active_event (const MmResults * r);
void mm_results_reset (MmResults * r);

/* the same for every output that has events (classes, multi-label): a
 * bare number applies to all their classes, label=value to the classes of
 * that name in any of them; out[o] has model->outputs[o].n values (NAN
 * for regression outputs) */
gboolean mm_results_parse_thresholds_outputs (const gchar * spec,
    const MmModel * model, gfloat ** out, GError ** error);

G_END_DECLS
#endif /* MM_RESULTS_H */
