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

/* the activation a depthwise kernel straight from NCHW applies in
 * registers before its store: 0 none, 1 Relu, 2 Clip, 3 HardSwish; -1
 * when the epilogue runs over each channel after (a residual, or another
 * activation) */
static inline int
nn_depthwise_register_act (const nn_epilogue * e, const float *res)
{
  nn_activation act = e ? e->act : NN_ACT_NONE;
  return res ? -1 : act == NN_ACT_NONE ? 0 : act == NN_ACT_RELU ? 1 :
      act == NN_ACT_CLIP ? 2 : act == NN_ACT_HARD_SWISH ? 3 : -1;
}

/* depthwise-avx512.c: the same straight from NCHW with masked loads, no
 * scratch; for dilation 1, row strides 1 and 2, kernels up to 16x16, on
 * CPUs with AVX-512 (nn_depthwise_avx512_fits) */
gboolean nn_depthwise_avx512_fits (const nn_depthwise * p);
/* and where it was measured faster than the phase planes */
gboolean nn_depthwise_avx512_wins (const nn_depthwise * p);
void nn_depthwise_avx512_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y);

/* depthwise-avx2.c: the same shapes on 8-lane AVX2 vectors, for CPUs
 * without AVX-512 (nn_isa_get () is NN_ISA_AVX2), through a zero-padded
 * copy of each channel in scratch (nn_depthwise_avx2_scratch bytes);
 * it beats the phase planes on every shape it fits */
gboolean nn_depthwise_avx2_fits (const nn_depthwise * p);
size_t nn_depthwise_avx2_scratch (const nn_depthwise * p);
void nn_depthwise_avx2_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch);

/* depthwise-lanes.c: the same with eight channels in the lanes, for
 * small maps (up to 14x14, 28x28 for 5x5 or strided layers) and kernels
 * up to 7x7 on CPUs without AVX-512 (any stride, dilation and padding),
 * through a padded block of eight channels in scratch
 * (nn_depthwise_lanes_scratch bytes) */
gboolean nn_depthwise_lanes_fits (const nn_depthwise * p);
size_t nn_depthwise_lanes_scratch (const nn_depthwise * p);
void nn_depthwise_lanes_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch);

/* maxpool-avx2.c: 2-D MaxPool without dilation, column stride 1 or 2,
 * windows up to 16 wide (nn_maxpool_avx2_fits), channels [c0, c1) of
 * x [C][H][W] into y [C][OH][OW]; output row oh takes input rows
 * [row_lo[oh], row_hi[oh]) (clipped to the input); `row` is the calling
 * worker's buffer of nn_maxpool_avx2_row_floats floats */
typedef struct {
  int64_t H, W, OH, OW, KW, sw, pw;
} nn_maxpool;

gboolean nn_maxpool_avx2_fits (const nn_maxpool * p);
size_t nn_maxpool_avx2_row_floats (const nn_maxpool * p);
void nn_maxpool_avx2_run (const nn_maxpool * p, const int64_t * row_lo,
    const int64_t * row_hi, const float *x, float *y, int64_t c0, int64_t c1,
    float *row);

/* panels.c: A [M][K] (lda apart) as panels of mr rows, [M/mr][K][mr],
 * the rows past M zeros; and the floats that takes */
size_t nn_row_panels_size (int64_t M, int64_t K, int64_t mr);
void nn_pack_row_panels (int64_t M, int64_t K, const float *A, int64_t lda,
    int64_t mr, float *ap);

/* buffer.c: the calling thread's buffer of at least `floats` floats,
 * 64-byte aligned, kept for the thread's next call */
float *nn_kernel_buffer (size_t floats);

/* isa.c: the instruction set chosen once from the CPU and NN_ISA */
typedef enum {
  NN_ISA_GENERIC,
  NN_ISA_AVX2,
  NN_ISA_AVX512,
} nn_isa;

nn_isa nn_isa_get (void);
const char *nn_isa_name (nn_isa isa);

/* sgemm-avx512.c: C[M][N] = A[M][K] B[K][N], all row-major, no
 * transposes; FALSE when this build or CPU has no AVX-512 kernel */
gboolean nn_sgemm_avx512 (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *B, int64_t ldb, float *C, int64_t ldc);

/* the same with B stored transposed ([N][K], ldb apart) */
gboolean nn_sgemm_avx512_bt (int64_t M, int64_t N, int64_t K,
    const float *A, int64_t lda, const float *B, int64_t ldb, float *C,
    int64_t ldc);

/* the same with A (constant weights) packed once at load: floats needed,
 * packing, and the product (only when nn_isa_get () is NN_ISA_AVX512) */
size_t nn_sgemm_avx512_packed_size (int64_t M, int64_t K);
void nn_sgemm_avx512_pack_a (int64_t M, int64_t K, const float *A,
    int64_t lda, float *ap);
void nn_sgemm_avx512_packed (int64_t M, int64_t N, int64_t K,
    const float *ap, const float *B, int64_t ldb, float *C, int64_t ldc);

/* and with B (constant weights of a MatMul) packed once at load, in
 * 64-byte aligned memory */
size_t nn_sgemm_avx512_packed_b_size (int64_t K, int64_t N);
void nn_sgemm_avx512_pack_b (int64_t K, int64_t N, const float *B,
    int64_t ldb, float *bp);
void nn_sgemm_avx512_packed_b (int64_t M, int64_t N, int64_t K,
    const float *A, int64_t lda, const float *bp, float *C, int64_t ldc);
/* the same panels from B stored transposed ([N][K], ldb apart) */
void nn_sgemm_avx512_pack_bt (int64_t K, int64_t N, const float *B,
    int64_t ldb, float *bp);
/* one row: y[N] = x[K] B with B packed as above (an RNN step) */
void nn_sgemv_avx512_packed (int64_t N, int64_t K, const float *x,
    const float *bp, float *y);

/* C[M][N] = W[M][K] X[K][N] for few columns (N <= 64), as Cᵀ = Xᵀ Wᵀ
 * with Wᵀ packed at load ([M/32][K][32] panels, nn_sgemm_avx512_packed_b_size
 * (K, M) floats); X read in place */
void nn_sgemm_avx512_pack_wt (int64_t M, int64_t K, const float *W,
    int64_t ldw, float *wt);
void nn_sgemm_avx512_small_n (int64_t M, int64_t N, int64_t K,
    const float *wt, const float *X, int64_t ldx, float *C, int64_t ldc);

/* direct stride-1 convolution through the same transposed product, no
 * column matrix: grid columns [n0, n1) of the padded input xpad, tap k at
 * xpad[offs[k] + n]; results to y[m][output index of n] (ldy apart) */
typedef struct {
  int64_t P2, plane;            /* padded row length, P1 * P2 */
  int64_t OH, OW;               /* output rows and columns per plane */
} nn_direct_grid;

/* the output index of grid point n, or -1 for a padding point (past an
 * output row or plane) */
static inline int64_t
nn_grid_output (const nn_direct_grid * g, int64_t n)
{
  int64_t o0 = n / g->plane, r = n % g->plane;
  int64_t o1 = r / g->P2, o2 = r % g->P2;
  return o1 < g->OH && o2 < g->OW ? (o0 * g->OH + o1) * g->OW + o2 : -1;
}
void nn_sgemm_avx512_conv_direct (int64_t M, int64_t K, const float *wt,
    const float *xpad, const int64_t * offs, const nn_direct_grid * g,
    int64_t n0, int64_t n1, float *y, int64_t ldy);

/* implicit convolution: C = W X with W packed as A (nn_sgemm_avx512_pack_a)
 * and X's rows read at xpad[offs[k] + n]: grid columns [n0, n1) of all
 * M channels into yg[m][n - n0], ldg apart (pixels in the lanes); or,
 * given the grid g, straight into the output (yg[m][output index of n]),
 * padding points dropped, FALSE (nothing done) where a 32-column strip
 * meets too many output rows for that */
gboolean nn_sgemm_avx512_conv_implicit (int64_t M, int64_t K,
    const float *apk, const float *xpad, const int64_t * offs, int64_t n0,
    int64_t n1, float *yg, int64_t ldg, const nn_direct_grid * g);

/* sgemm-avx2.c: the implicit convolution on CPUs without AVX-512, with
 * W packed at load in 6-row panels ([M/6][K][6]); the same arguments as
 * nn_sgemm_avx512_conv_implicit, and what to apply on the way out, or
 * NULL: a bias per row of the call (or NULL) and an activation that is
 * a clamp to [lo, hi] (act NN_ACT_NONE: none) or HardSwish */
typedef struct {
  const float *bias;
  nn_activation act;
  float lo, hi;
} nn_store_epilogue;

size_t nn_sgemm_avx2_packed_size (int64_t M, int64_t K);
void nn_sgemm_avx2_pack_a (int64_t M, int64_t K, const float *A, int64_t lda,
    float *ap);
void nn_sgemm_avx2_conv_implicit (int64_t M, int64_t K, const float *apk,
    const float *xpad, const int64_t * offs, int64_t n0, int64_t n1,
    float *yg, int64_t ldg, const nn_store_epilogue * st);

/* and C[M][N] = W[M][K] X[K][N] for few columns as Cᵀ = Xᵀ Wᵀ, Wᵀ
 * packed at load in 16-channel panels (nn_sgemm_avx2_wt_size floats,
 * 32-byte aligned), X read in place */
size_t nn_sgemm_avx2_wt_size (int64_t M, int64_t K);
void nn_sgemm_avx2_pack_wt (int64_t M, int64_t K, const float *W,
    int64_t ldw, float *wt);
void nn_sgemm_avx2_small_n (int64_t M, int64_t N, int64_t K, const float *wt,
    const float *X, int64_t ldx, float *C, int64_t ldc);
/* and the direct convolution on the same Wᵀ panels: the arguments of
 * nn_sgemm_avx512_conv_direct */
void nn_sgemm_avx2_conv_direct (int64_t M, int64_t K, const float *wt,
    const float *xpad, const int64_t * offs, const nn_direct_grid * g,
    int64_t n0, int64_t n1, float *y, int64_t ldy);

/* C[M][N] = A[M][K] B (lda, ldc apart) with B [K][N] packed at load in
 * 16-column panels ([N/16][K][16], nn_sgemm_avx2_packed_b_size floats,
 * 32-byte aligned): MatMul and Gemm with a constant weight */
size_t nn_sgemm_avx2_packed_b_size (int64_t K, int64_t N);
void nn_sgemm_avx2_pack_b (int64_t K, int64_t N, const float *B,
    int64_t ldb, float *bp);
void nn_sgemm_avx2_packed_b (int64_t M, int64_t N, int64_t K,
    const float *A, int64_t lda, const float *bp, float *C, int64_t ldc);

/* one row times a matrix B [K][N] packed in 32-column panels
 * (nn_pack_row_panels of Bᵀ with mr = 32, as nn_sgemm_avx512_pack_bt
 * lays them out): y[0..N) = x[0..K) B; an RNN step on CPUs without
 * AVX-512 */
void nn_sgemv_avx2_packed (int64_t N, int64_t K, const float *x,
    const float *bp, float *y);

/* activation-avx2.c: y = sigmoid (x), or x sigmoid (x) (SiLU) with silu,
 * over n floats (y may be x), on CPUs with AVX2 and FMA; NaN stays NaN */
void nn_sigmoid_avx2 (const float *x, float *y, int64_t n, gboolean silu);

/* softmax-avx512.c: Softmax of one contiguous row (x may equal y), only
 * when nn_isa_get () is NN_ISA_AVX512 */
void nn_softmax_row_avx512 (const float *x, float *y, int64_t n);

#endif /* MMFUSION_NN_KERNELS_H */
