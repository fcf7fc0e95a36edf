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

typedef struct _MmPreprocess MmPreprocess;

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
