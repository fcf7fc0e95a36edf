/* From the model's output tensors to one result in a GstMmFusionMeta:
 * every output read by its kind (classes: top-k; multi-label: every class
 * at or above the threshold; regression: every value), the activation
 * and smoothing of each, and per-class events with their start, peak and
 * duration. The step after nn_session_run, on its own so that a caller
 * running a batch reads each row with it.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_OUTPUTS_H
#define MM_OUTPUTS_H

#include <gst/gst.h>
#include <mmfusion/mmfusionmeta.h>
#include <mmfusion/nn.h>
#include "mmmodel.h"
#include "mmresults.h"

G_BEGIN_DECLS

typedef struct _MmOutputs MmOutputs;

typedef struct {
  MmSmoothing smoothing;
  gdouble alpha;
  guint window;
  const gchar *event_on, *event_off;    /* "0.8" or "dog=0.8,..."; NULL */
} MmOutputsConfig;

/* the results state of every output of model (which must outlive it);
 * NULL with error for event values that do not fit the model (the error
 * names the class, the output and the value) */
MmOutputs *mm_outputs_new (const MmModel * model,
    const MmOutputsConfig * config, GError ** error);
void mm_outputs_free (MmOutputs * o);
/* forgets smoothing history and ends every event silently (a flush) */
void mm_outputs_reset (MmOutputs * o);

/* bytes of smoothing history config would need for model */
gsize mm_outputs_state_bytes (const MmModel * model,
    const MmOutputsConfig * config);

/* One result. data[i] holds the model->outputs[i].n floats of output i
 * (one batch row); t is the running time of the frame or window the
 * result is for. Fills result's top-k fields (the first classes or
 * multi-label output, as before output kinds), all scores, event class,
 * and every output and event (gst_mm_fusion_meta_set_outputs). */
void mm_outputs_read (MmOutputs * o, const gfloat * const *data,
    GstClockTime t, guint top_k, gfloat threshold, gboolean all_scores,
    GstMmFusionMeta * result);

/* the same for batch row `row` of a session that has just run */
void mm_outputs_read_session (MmOutputs * o, nn_session * session,
    guint row, GstClockTime t, guint top_k, gfloat threshold,
    gboolean all_scores, GstMmFusionMeta * result);

/* The capture time of a buffer, in ns since 1970 UTC: its
 * GstReferenceTimestampMeta (timestamp/x-ntp or timestamp/x-unix) when it
 * has one, else running time t mapped through the element's clock to the
 * system's real-time clock; the real-time clock now without a clock or
 * before PLAYING (a preroll: no base time yet). */
guint64 mm_outputs_capture_utc (GstElement * element, GstBuffer * buffer,
    GstClockTime t);

G_END_DECLS
#endif /* MM_OUTPUTS_H */
