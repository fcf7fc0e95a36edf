/* Horizontal box sums for video preprocessing: the loop ORC cannot
 * express, hand-written for AVX2 with a portable C twin.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_PREPROCESS_SIMD_H
#define MM_PREPROCESS_SIMD_H

#include <glib.h>

G_BEGIN_DECLS

/* weights come in groups of this many; a window is padded to a multiple */
#define MM_HSUM_LANES 16

typedef enum {
  MM_SIMD_AUTO,                 /* the best the CPU has (the default) */
  MM_SIMD_NONE,                 /* portable C, vectorized by the compiler */
  MM_SIMD_AVX2,
} MmSimd;

/* For n outputs: out[o] = sum over k < K of acc[start[o] + k] * w[o * K + k],
 * 16-bit products summed in 32 bits. K is a multiple of MM_HSUM_LANES;
 * acc must be readable up to max(start) + K. */
typedef void (*MmHsumFunc) (const gint16 * acc, const gint32 * start,
    const gint16 * w, gint K, gint n, gint32 * out);

MmHsumFunc mm_hsum_func (void);

/* for tests and benchmarks: pin the kernel choice (MM_SIMD_AUTO undoes);
 * affects preprocessors made afterwards. Returns FALSE when the CPU cannot
 * run the level asked for. */
gboolean mm_preprocess_force_simd (MmSimd level);

G_END_DECLS
#endif /* MM_PREPROCESS_SIMD_H */
