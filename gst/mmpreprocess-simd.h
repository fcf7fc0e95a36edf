/* Box-sum kernels for video preprocessing: hand-written AVX2 and AVX-512
 * with runtime dispatch, beside portable twins (C, and the ORC programs of
 * mmpreprocess-kernels.orc). The reasons per kernel are in
 * mmpreprocess-simd.c.
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
  MM_SIMD_AVX512,               /* AVX-512 F, BW and VL */
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

/* acc[x] = (first ? 0 : acc[x]) + row[x] * w, and when next is not NULL
 * also next[x] = row[x] * wn, for x < n, in 16 bits (the caller makes sure
 * they fit): one source row added into the row of sums of the output row
 * whose window holds it, and started into the next one's when the two
 * windows share it. The integer path reads each plane front to back, each
 * row once. The SIMD kernels prefetch the same columns `ahead` bytes
 * further (0: none; a prefetch never faults, past the plane too). Never
 * NULL: the portable choice runs the ORC programs. */
typedef void (*MmVaccFunc) (gint16 * acc, gint16 * next, const guint8 * row,
    gint w, gint wn, gboolean first, gint n, gsize ahead);

MmVaccFunc mm_vacc_func (MmSamples samples);

/* AVX-512 horizontal sums (see mmpreprocess-simd.c): the windows of one
 * component (start, w, K, n as for MmHsumFunc) turned once into gather
 * patterns of 16 outputs. NULL when the kernel choice is below AVX-512 or
 * a window does not fit the patterns (then MmHsumFunc serves). acc must
 * be readable (and, past the windows, finite: zeros) up to max(start) + K
 * + 64. */
typedef struct _MmHplan MmHplan;

MmHplan *mm_hplan_new (const gint32 * start, const gint16 * w, gint K,
    gint n);
void mm_hplan_free (MmHplan * plan);

/* out[o] for x0 <= o < x1, as MmHsumFunc gives them; x0 a multiple of 16,
 * x1 too or n */
void mm_hplan_sums (const MmHplan * plan, const gint16 * acc, gint32 * out,
    gint x0, gint x1);

/* two sources read with the same windows (U and V of I420, or of NV12
 * with acc1 one sample on): out0 from acc0, out1 from acc1, sharing the
 * pattern's loads */
void mm_hplan_sums2 (const MmHplan * plan, const gint16 * acc0,
    const gint16 * acc1, gint32 * out0, gint32 * out1, gint x0, gint x1);

/* the level the kernels chosen now are for (never MM_SIMD_AUTO) */
MmSimd mm_preprocess_simd_level (void);

/* for tests and benchmarks: pin the kernel choice (MM_SIMD_AUTO undoes);
 * affects preprocessors made afterwards. Returns FALSE when the CPU cannot
 * run the level asked for. */
gboolean mm_preprocess_force_simd (MmSimd level);

G_END_DECLS
#endif /* MM_PREPROCESS_SIMD_H */
