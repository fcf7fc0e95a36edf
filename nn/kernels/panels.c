/* Weights packed at load into panels of rows, the layout the products'
 * micro-kernels read A in.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "kernels.h"

size_t
nn_row_panels_size (int64_t M, int64_t K, int64_t mr)
{
  return (size_t) ((M + mr - 1) / mr * mr * K);
}

void
nn_pack_row_panels (int64_t M, int64_t K, const float *A, int64_t lda,
    int64_t mr, float *ap)
{
  for (int64_t i0 = 0; i0 < M; i0 += mr) {
    int64_t rows = MIN (mr, M - i0);
    /* rows read in order; the padding rows are zeros */
    for (int64_t i = 0; i < mr; i++) {
      const float *row = A + (i0 + i) * lda;
      if (i < rows)
        for (int64_t k = 0; k < K; k++)
          ap[k * mr + i] = row[k];
      else
        for (int64_t k = 0; k < K; k++)
          ap[k * mr + i] = 0.0f;
    }
    ap += K * mr;
  }
}
