/* Video preprocessing (docs/model-format.md): a raw frame in any accepted
 * format to a model's float tensor, without converting the whole frame.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_PREPROCESS_H
#define MM_PREPROCESS_H

#include <gst/video/video.h>
#include "mmmodel.h"

G_BEGIN_DECLS

/* the raw formats preprocessed natively, for caps strings (the same list
 * as mm_preprocess_supports) */
#define MM_PREPROCESS_FORMATS "{ RGB, BGR, RGBx, BGRx, xRGB, xBGR, RGBA, " \
  "BGRA, ARGB, ABGR, I420, YV12, NV12, NV21, Y42B, Y444, YUY2, UYVY, " \
  "YVYU, GRAY8, I420_10LE, P010_10LE, Y444_10LE }"

typedef struct _MmPreprocess MmPreprocess;

gboolean mm_preprocess_supports (GstVideoFormat format);

/* fixed raw video caps (system memory) in a format GStreamer knows but
 * mm_preprocess_supports does not take */
gboolean mm_preprocess_caps_other_raw (const GstCaps * caps);

/* tables for one input geometry; NULL for an unsupported format */
MmPreprocess *mm_preprocess_new (const MmModelInput * input,
    const GstVideoInfo * info);
void mm_preprocess_free (MmPreprocess * pp);

/* writes channels * height * width floats, channel-major ([C][H][W]);
 * allocates nothing */
void mm_preprocess_frame (MmPreprocess * pp, const GstVideoFrame * frame,
    gfloat * dst);

G_END_DECLS
#endif /* MM_PREPROCESS_H */
