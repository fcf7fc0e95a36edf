/* mmfusion: one model fed with synchronized video frames and audio
 * windows; results as meta, bus messages and events.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_MM_FUSION_H
#define GST_MM_FUSION_H

#include <gst/base/gstaggregator.h>

G_BEGIN_DECLS

#define GST_TYPE_MM_FUSION_PAD (gst_mm_fusion_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstMmFusionPad, gst_mm_fusion_pad, GST, MM_FUSION_PAD,
    GstAggregatorPad)

#define GST_TYPE_MM_FUSION (gst_mm_fusion_get_type ())
G_DECLARE_FINAL_TYPE (GstMmFusion, gst_mm_fusion, GST, MM_FUSION,
    GstAggregator)

typedef enum {
  GST_MM_FUSION_MISSING_ZEROS,
  GST_MM_FUSION_MISSING_LAST,
  GST_MM_FUSION_MISSING_SKIP,
} GstMmFusionMissing;

typedef enum {
  GST_MM_FUSION_SMOOTHING_NONE,
  GST_MM_FUSION_SMOOTHING_EMA,
  GST_MM_FUSION_SMOOTHING_WINDOW,
} GstMmFusionSmoothing;

G_END_DECLS
#endif /* GST_MM_FUSION_H */
