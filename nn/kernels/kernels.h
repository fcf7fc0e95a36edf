/* Kernels shared by the op files: plans made at load time, run by ranges
 * so that the session's workers can split them.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MMFUSION_NN_KERNELS_H
#define MMFUSION_NN_KERNELS_H

#include "../nn-private.h"

/* depthwise.c: 2-D depthwise convolution, channels [c0, c1) of one image
 * (x [C][H][W], w [C][KH][KW], y [C][OH][OW]), epilogue included */
typedef struct {
  int64_t C, H, W, OH, OW, KH, KW, sh, sw, ph, pw, dh, dw;
} nn_depthwise;

size_t nn_depthwise_scratch (const nn_depthwise * p);
void nn_depthwise_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch);

#endif /* MMFUSION_NN_KERNELS_H */
