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

/* a window of weights is padded to 8 or a multiple of 16 */
#define MM_HSUM_LANES 16

typedef enum {
  MM_SIMD_AUTO,                 /* the best the CPU has (the default) */
  MM_SIMD_NONE,                 /* portable C, vectorized by the compiler */
  MM_SIMD_AVX2,
} MmSimd;

/* For n outputs: out[o] = sum over k < K of acc[start[o] + k] * w[o * K + k],
 * 16-bit products summed in 32 bits. K is 8 or a multiple of 16;
 * acc must be readable up to max(start) + K. */
typedef void (*MmHsumFunc) (const gint16 * acc, const gint32 * start,
    const gint16 * w, gint K, gint n, gint32 * out);

MmHsumFunc mm_hsum_func (void);

/* sample types of the vertical sums */
typedef enum {
  MM_SAMPLES_U8,
  MM_SAMPLES_U16,               /* 10-bit in the low bits */
  MM_SAMPLES_P010,              /* 10-bit in the high bits */
} MmSamples;

/* the most source rows one output row may sum (32767 / 255) */
#define MM_VSUM_MAX_ROWS 128

/* acc[x] = sum over i < count of rows[i][x] * w[i], for x < n, in 16 bits
 * (the caller makes sure they fit). NULL where only the ORC kernels
 * serve (no AVX2, or pinned to MM_SIMD_NONE). */
typedef void (*MmVsumFunc) (gint16 * acc, const guint8 * const *rows,
    const gint16 * w, gint count, gint n);

MmVsumFunc mm_vsum_func (MmSamples samples);

/* for tests and benchmarks: pin the kernel choice (MM_SIMD_AUTO undoes);
 * affects preprocessors made afterwards. Returns FALSE when the CPU cannot
 * run the level asked for. */
gboolean mm_preprocess_force_simd (MmSimd level);

G_END_DECLS
#endif /* MM_PREPROCESS_SIMD_H */
