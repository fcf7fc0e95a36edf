/* The implicit convolution product with AVX2 and FMA, for CPUs without
 * AVX-512: the AVX-512 kernel's scheme (sgemm-avx512.c) on a 6x16 tile.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Without it, a convolution on these CPUs is im2col into scratch, then
 * OpenBLAS's sgemm, which first zeroes C in a pass of its own (beta = 0)
 * and packs the column matrix again: on mobilenet_v2 those two passes were
 * 18% of the run, as much as the 1x1 layers' arithmetic left for ours to
 * gain. Here the weights are packed once at load into panels of MR = 6
 * rows ([M/6][K][6]) and the input rows are read in place at
 * xpad[offs[k] + n], the pixels in the lanes; a 6x16 tile keeps its 12
 * accumulators in registers, with two loads of the input and six
 * broadcasts of the weights for every 12 FMAs, and is stored once.
 */
#include "kernels.h"
#include "avx2-lanes.h"

#include <string.h>

/* the packing at load is plain C, for every build */
#define MR 6

size_t
nn_sgemm_avx2_packed_size (int64_t M, int64_t K)
{
  return nn_row_panels_size (M, K, MR);
}

void
nn_sgemm_avx2_pack_a (int64_t M, int64_t K, const float *A, int64_t lda,
    float *ap)
{
  nn_pack_row_panels (M, K, A, lda, MR, ap);
}

/* Wᵀ in 16-channel panels: W's rows as panels of 16 */
size_t
nn_sgemm_avx2_wt_size (int64_t M, int64_t K)
{
  return nn_row_panels_size (M, K, 16);
}

void
nn_sgemm_avx2_pack_wt (int64_t M, int64_t K, const float *W, int64_t ldw,
    float *wt)
{
  nn_pack_row_panels (M, K, W, ldw, 16, wt);
}

/* B [K][N] (ldb apart) as panels of 16 columns, [N/16][K][16], the
 * columns past N zeros (the size of Bᵀ's row panels) */
size_t
nn_sgemm_avx2_packed_b_size (int64_t K, int64_t N)
{
  return nn_row_panels_size (N, K, 16);
}

void
nn_sgemm_avx2_pack_b (int64_t K, int64_t N, const float *B, int64_t ldb,
    float *bp)
{
  for (int64_t j0 = 0; j0 < N; j0 += 16, bp += 16 * K)
    for (int64_t k = 0; k < K; k++)
      for (int64_t j = 0; j < 16; j++)
        bp[k * 16 + j] = j0 + j < N ? B[k * ldb + j0 + j] : 0.0f;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define NR 16
#define KC 256

/* one k step of a tile: row i of the A panel (a[i]) times the strip's
 * 16 columns (b0, b1), into the first ROWS rows of accumulators */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
fma_rows (__m256 acc[][2], const float *a, __m256 b0, __m256 b1,
    const int ROWS)
{
#pragma GCC unroll 6
  for (int i = 0; i < ROWS; i++) {
    __m256 ai = _mm256_broadcast_ss (a + i);
    acc[i][0] = _mm256_fmadd_ps (ai, b0, acc[i][0]);
    acc[i][1] = _mm256_fmadd_ps (ai, b1, acc[i][1]);
  }
}

/* ROWS x 16 of C from a panel of A ([k][MR]) and the input rows of a
 * strip (tap k at xb + offs[k]); a short strip (nr < 16) loads through
 * masks, so nothing past the grid is read, and stores through a buffer
 * (masked stores are slow on AMD). Inlined with ROWS constant, so the
 * accumulators stay in registers. */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
micro (int64_t kc, const float *a, const float *xb, const int64_t * offs,
    const float *bp, float *c, int64_t ldc, gboolean accumulate, int64_t mr,
    int64_t nr, const nn_store_epilogue * st, const int ROWS)
{
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int i = 0; i < ROWS; i++)
    acc[i][0] = acc[i][1] = _mm256_setzero_ps ();
  if (bp) {
    /* the strip packed ([kc][16], zero padded, aligned) */
    for (int64_t k = 0; k < kc; k++) {
      __m256 b0 = _mm256_load_ps (bp), b1 = _mm256_load_ps (bp + 8);
      fma_rows (acc, a, b0, b1, ROWS);
      a += MR;
      bp += NR;
    }
  } else if (nr == NR) {
    for (int64_t k = 0; k < kc; k++) {
      const float *bk = xb + offs[k];
      __m256 b0 = _mm256_loadu_ps (bk), b1 = _mm256_loadu_ps (bk + 8);
      fma_rows (acc, a, b0, b1, ROWS);
      a += MR;
    }
  } else {
    __m256i m0, m1;
    __m256 b0, b1;
    nn_avx2_first_lanes (nr, &m0, &m1);
    for (int64_t k = 0; k < kc; k++) {
      nn_avx2_load_first (xb + offs[k], nr, m0, m1, &b0, &b1);
      fma_rows (acc, a, b0, b1, ROWS);
      a += MR;
    }
  }
#pragma GCC unroll 6
  for (int i = 0; i < ROWS; i++) {
    if (i >= mr)
      break;
    float *ci = c + i * ldc;
    if (accumulate && nr == NR) {
      acc[i][0] = _mm256_add_ps (acc[i][0], _mm256_loadu_ps (ci));
      acc[i][1] = _mm256_add_ps (acc[i][1], _mm256_loadu_ps (ci + 8));
    } else if (accumulate) {
      float t[NR] = { 0 };
      for (int64_t j = 0; j < nr; j++)
        t[j] = ci[j];
      acc[i][0] = _mm256_add_ps (acc[i][0], _mm256_loadu_ps (t));
      acc[i][1] = _mm256_add_ps (acc[i][1], _mm256_loadu_ps (t + 8));
    }
    if (st) {
      /* the last K block: the layer's bias and activation on the way out */
      if (st->bias) {
        __m256 bv = _mm256_broadcast_ss (st->bias + i);
        acc[i][0] = _mm256_add_ps (acc[i][0], bv);
        acc[i][1] = _mm256_add_ps (acc[i][1], bv);
      }
      if (st->act == NN_ACT_HARD_SWISH) {
        /* v clamp01 (v / 6 + 1/2) */
        const __m256 z = _mm256_setzero_ps (), one = _mm256_set1_ps (1.0f);
        const __m256 k = _mm256_set1_ps (1.0f / 6.0f);
        const __m256 h = _mm256_set1_ps (0.5f);
        for (int j = 0; j < 2; j++)
          acc[i][j] = _mm256_mul_ps (acc[i][j], _mm256_min_ps (_mm256_max_ps
                  (_mm256_fmadd_ps (acc[i][j], k, h), z), one));
      } else if (st->act != NN_ACT_NONE) {
        __m256 lo = _mm256_set1_ps (st->lo), hi = _mm256_set1_ps (st->hi);
        acc[i][0] = _mm256_min_ps (_mm256_max_ps (acc[i][0], lo), hi);
        acc[i][1] = _mm256_min_ps (_mm256_max_ps (acc[i][1], lo), hi);
      }
    }
    if (nr == NR) {
      _mm256_storeu_ps (ci, acc[i][0]);
      _mm256_storeu_ps (ci + 8, acc[i][1]);
    } else {
      float t[NR];
      _mm256_storeu_ps (t, acc[i][0]);
      _mm256_storeu_ps (t + 8, acc[i][1]);
      for (int64_t j = 0; j < nr; j++)
        ci[j] = t[j];
    }
  }
}

/* one 6-row panel q of A (rows from K block k0) over the strip of
 * columns from s, read in place or from its packed copy bp */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
panel_strip (int64_t M, int64_t K, const float *apk, const float *xpad,
    const int64_t * offs, const float *bp, int64_t n0, int64_t n1,
    float *yg, int64_t ldg, int64_t k0, int64_t kc, int64_t q, int64_t s,
    const nn_store_epilogue * st)
{
  int64_t nr = MIN (NR, n1 - s), mr = MIN (MR, M - q * MR);
  const float *a = apk + q * MR * K + k0 * MR;
  float *c = yg + q * MR * ldg + (s - n0);
  /* the store's epilogue after the last K block only, its bias from the
   * panel's first row */
  nn_store_epilogue ps, *pst = NULL;
  if (st && k0 + kc == K) {
    ps = *st;
    ps.bias = st->bias ? st->bias + q * MR : NULL;
    pst = &ps;
  }
  if (mr > 4)
    micro (kc, a, xpad + s, offs + k0, bp, c, ldg, k0 > 0, mr, nr, pst, 6);
  else if (mr > 2)
    micro (kc, a, xpad + s, offs + k0, bp, c, ldg, k0 > 0, mr, nr, pst, 4);
  else
    micro (kc, a, xpad + s, offs + k0, bp, c, ldg, k0 > 0, mr, nr, pst, 2);
}

/* rows [k0, k0 + kc) of the input's columns [n0, n1) as [strip][kc][16]
 * panels, zero padded (a short strip through masked loads) */
__attribute__ ((target ("avx2")))
static void
pack_strips (const float *xpad, const int64_t * offs, int64_t n0, int64_t n1,
    int64_t k0, int64_t kc, float *bp)
{
  for (int64_t s = n0; s < n1; s += NR) {
    int64_t nr = MIN (NR, n1 - s);
    const float *xs = xpad + s;
    if (nr == NR) {
      for (int64_t k = 0; k < kc; k++, bp += NR) {
        const float *src = xs + offs[k0 + k];
        _mm256_store_ps (bp, _mm256_loadu_ps (src));
        _mm256_store_ps (bp + 8, _mm256_loadu_ps (src + 8));
      }
    } else {
      __m256i m0, m1;
      __m256 a, b;
      nn_avx2_first_lanes (nr, &m0, &m1);
      for (int64_t k = 0; k < kc; k++, bp += NR) {
        nn_avx2_load_first (xs + offs[k0 + k], nr, m0, m1, &a, &b);
        _mm256_store_ps (bp, a);
        _mm256_store_ps (bp + 8, b);
      }
    }
  }
}

/* whether the first taps' rows lie more than a few cache lines apart */
static gboolean
offs_apart (const int64_t * offs, int64_t n)
{
  return n > 1 && offs[1] - offs[0] > 64;
}

/* grid columns [n0, n1) of all M channels into yg[m][n - n0] (ldg
 * apart), K in blocks of about KC. With many columns each 16-column
 * strip (its K block's input rows stay in L1) is read by every 6-row
 * panel of A. With fewer columns than channels (7x7 and 14x14 maps deep
 * in a network) the weights are the large operand: the K block of the
 * input is packed once into aligned strips (read from L2 from then on,
 * one cache line a row instead of two) and each panel of A, in L1, runs
 * over all of them, so the weights stream once */
__attribute__ ((target ("avx2,fma")))
void
nn_sgemm_avx2_conv_implicit (int64_t M, int64_t K, const float *apk,
    const float *xpad, const int64_t * offs, int64_t n0, int64_t n1,
    float *yg, int64_t ldg, const nn_store_epilogue * st)
{
  int64_t nkb = (K + KC - 1) / KC, kcb = (K + nkb - 1) / nkb;
  int64_t mp = (M + MR - 1) / MR, ns = (n1 - n0 + NR - 1) / NR;
  gboolean few = n1 - n0 < M;
  /* with many columns, a strip is packed too when its rows are far apart
   * (a 1x1 kernel: tap k is channel k, a plane away, two cache lines a
   * row) and enough panels read it (8: 48 channels); a larger kernel's
   * taps are neighbours, whose rows share lines, and read in place */
  gboolean pack_each = !few && mp >= 8 && offs_apart (offs, MIN (K, 2));
  float *bp = few || pack_each ?
      nn_kernel_buffer ((size_t) ((few ? ns : 1) * NR * kcb)) : NULL;
  for (int64_t k0 = 0; k0 < K; k0 += kcb) {
    int64_t kc = MIN (kcb, K - k0);
    if (!few) {
      for (int64_t s = n0; s < n1; s += NR) {
        if (pack_each)
          pack_strips (xpad, offs, s, MIN (n1, s + NR), k0, kc, bp);
        for (int64_t q = 0; q < mp; q++)
          panel_strip (M, K, apk, xpad, offs, pack_each ? bp : NULL, n0, n1,
              yg, ldg, k0, kc, q, s, st);
      }
      continue;
    }
    pack_strips (xpad, offs, n0, n1, k0, kc, bp);
    for (int64_t q = 0; q < mp; q++)
      for (int64_t j = 0; j < ns; j++)
        panel_strip (M, K, apk, xpad, offs, bp + j * kc * NR, n0, n1, yg,
            ldg, k0, kc, q, n0 + j * NR, st);
  }
}

/* C[M][N] = A[M][K] B with B packed at load (nn_sgemm_avx2_pack_b): the
 * 6x16 tile of the implicit product with its strips already packed, A's
 * rows packed per K block into the calling thread's buffer as 6-row
 * panels. Each 16-column strip of B (a K block: 16 KiB, in L1) is read
 * by every panel of A (the block of A in L2). Without it a MatMul with a
 * constant weight went to OpenBLAS, which packs that weight again and
 * zeroes C on every run (15% of the transformer's run). */
__attribute__ ((target ("avx2,fma")))
void
nn_sgemm_avx2_packed_b (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *bp, float *C, int64_t ldc)
{
  int64_t nkb = (K + KC - 1) / KC, kcb = (K + nkb - 1) / nkb;
  int64_t mp = (M + MR - 1) / MR;
  float *ap = nn_kernel_buffer ((size_t) (mp * MR * kcb));
  for (int64_t k0 = 0; k0 < K; k0 += kcb) {
    int64_t kc = MIN (kcb, K - k0);
    nn_pack_row_panels (M, kc, A + k0, lda, MR, ap);
    for (int64_t s = 0; s < N; s += NR) {
      int64_t nr = MIN (NR, N - s);
      const float *b = bp + s * K + k0 * NR;
      for (int64_t q = 0; q < mp; q++) {
        int64_t mr = MIN (MR, M - q * MR);
        const float *a = ap + q * MR * kc;
        float *c = C + q * MR * ldc + s;
        if (mr > 4)
          micro (kc, a, NULL, NULL, b, c, ldc, k0 > 0, mr, nr, NULL, 6);
        else if (mr > 2)
          micro (kc, a, NULL, NULL, b, c, ldc, k0 > 0, mr, nr, NULL, 4);
        else
          micro (kc, a, NULL, NULL, b, c, ldc, k0 > 0, mr, nr, NULL, 2);
      }
    }
  }
}

/* The transposed product for few columns (a 7x7 map: 49 pixels fill
 * 49 of the implicit product's 64 lanes, and its strips read K rows of
 * the input from L2): C = W X computed as Cᵀ = Xᵀ Wᵀ, the output
 * channels in the lanes. Wᵀ is packed at load in 16-channel panels
 * ([M/16][K][16], zero padded); a tile is 6 pixels by 16 channels (12
 * accumulators; per k two loads of Wᵀ and six broadcasts of X), written
 * back transposed through a buffer, which costs about 16 / K of the
 * tile's time (1.7% at K = 960). K in blocks of KT, the tile's sums
 * carried through that buffer, so that a block of the Wᵀ panel (8 KiB)
 * and of X's rows stays in L1 (measured level with one block of all K). */
#define KT 128

/* ROWS pixels by 16 channels: Cᵀ into t[ROWS][16]. Pixel i of row k of
 * X at x[k ldx + i], or with taps at x[offs[k] + i] (the direct
 * convolution reads the padded input in place). */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
micro_t (int64_t K, const float *wt, const float *x, int64_t ldx,
    const int64_t * offs, float *t, gboolean accumulate, const int ROWS)
{
  __m256 acc[6][2];
#pragma GCC unroll 6
  for (int i = 0; i < ROWS; i++) {
    acc[i][0] = accumulate ? _mm256_loadu_ps (t + i * 16) :
        _mm256_setzero_ps ();
    acc[i][1] = accumulate ? _mm256_loadu_ps (t + i * 16 + 8) :
        _mm256_setzero_ps ();
  }
  for (int64_t k = 0; k < K; k++) {
    const float *xk = offs ? x + offs[k] : x + k * ldx;
    __m256 w0 = _mm256_load_ps (wt), w1 = _mm256_load_ps (wt + 8);
#pragma GCC unroll 6
    for (int i = 0; i < ROWS; i++) {
      __m256 xi = _mm256_broadcast_ss (xk + i);
      acc[i][0] = _mm256_fmadd_ps (xi, w0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps (xi, w1, acc[i][1]);
    }
    wt += 16;
  }
#pragma GCC unroll 6
  for (int i = 0; i < ROWS; i++) {
    _mm256_storeu_ps (t + i * 16, acc[i][0]);
    _mm256_storeu_ps (t + i * 16 + 8, acc[i][1]);
  }
}

/* one tile of nr (<= 6) pixels over a K block */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
tile_t (int64_t kc, const float *w, const float *x, int64_t ldx,
    const int64_t * offs, float *t, gboolean accumulate, int64_t nr)
{
  switch (nr) {
    case 6: micro_t (kc, w, x, ldx, offs, t, accumulate, 6); break;
    case 5: micro_t (kc, w, x, ldx, offs, t, accumulate, 5); break;
    case 4: micro_t (kc, w, x, ldx, offs, t, accumulate, 4); break;
    case 3: micro_t (kc, w, x, ldx, offs, t, accumulate, 3); break;
    case 2: micro_t (kc, w, x, ldx, offs, t, accumulate, 2); break;
    default: micro_t (kc, w, x, ldx, offs, t, accumulate, 1); break;
  }
}

/* The direct convolution with the output channels in the lanes, for
 * small maps: the transposed product's 6-pixel by 16-channel tile over
 * grid columns [n0, n1), the taps read in place from the padded input,
 * Wᵀ packed at load (nn_sgemm_avx2_pack_wt). Panel by panel, every tile
 * of the grid: a panel of Wᵀ (16 channels by K) is read from memory once
 * and stays in L2 for all the tiles, the padded input (small on such
 * maps) is read from L2 by every panel; tile by tile it streamed all
 * the weights once per tile (a 512-channel 3x3 layer: 9.4 MB each).
 * K in blocks of KT, the tile's sums carried in the tile buffer, each
 * finished tile stored one output channel at a time. */
__attribute__ ((target ("avx2,fma")))
void
nn_sgemm_avx2_conv_direct (int64_t M, int64_t K, const float *wt,
    const float *xpad, const int64_t * offs, const nn_direct_grid * g,
    int64_t n0, int64_t n1, float *y, int64_t ldy)
{
  float t[6 * 16];
  int64_t jmap[6];
  for (int64_t m0 = 0; m0 < M; m0 += 16) {
    const float *wp = wt + m0 * K;      /* panel m0 / 16 */
    int64_t mr = MIN (16, M - m0);
    float *c = y + m0 * ldy;
    for (int64_t nb = n0; nb < n1; nb += 6) {
      int64_t nr = MIN (6, n1 - nb);
      /* output index of each grid point, -1 past a row or plane */
      gboolean any = FALSE;
      for (int64_t i = 0; i < nr; i++) {
        jmap[i] = nn_grid_output (g, nb + i);
        any = any || jmap[i] >= 0;
      }
      if (!any)
        continue;
      for (int64_t k0 = 0; k0 < K; k0 += KT) {
        int64_t kc = MIN (KT, K - k0);
        tile_t (kc, wp + k0 * 16, xpad + nb, 0, offs + k0, t, k0 > 0, nr);
      }
      for (int64_t i = 0; i < nr; i++) {
        if (jmap[i] < 0)
          continue;
        for (int64_t j = 0; j < mr; j++)
          c[j * ldy + jmap[i]] = t[i * 16 + j];
      }
    }
  }
}

/* The columns of X as tiles of 6, [tile][K][6], zero padded past N: the
 * six broadcasts of a k step then read one line in order. Read in place,
 * X's rows lie N floats apart, a new line every k, and the product ran
 * at 35-38 GMAC/s against 40-48 from the packed tiles (a 6x16 tile over
 * K = 256, alone in a loop). */
static void
pack_x_tiles (int64_t N, int64_t K, const float *X, int64_t ldx, float *xp)
{
  for (int64_t n0 = 0; n0 < N; n0 += 6) {
    int64_t nr = MIN (6, N - n0);
    for (int64_t k = 0; k < K; k++, xp += 6) {
      const float *src = X + k * ldx + n0;
      for (int64_t i = 0; i < 6; i++)
        xp[i] = i < nr ? src[i] : 0.0f;
    }
  }
}

__attribute__ ((target ("avx2,fma")))
void
nn_sgemm_avx2_small_n (int64_t M, int64_t N, int64_t K, const float *wt,
    const float *X, int64_t ldx, float *C, int64_t ldc)
{
  float t[6 * 16];
  float *xp = nn_kernel_buffer ((size_t) ((N + 5) / 6 * 6 * K));
  pack_x_tiles (N, K, X, ldx, xp);
  for (int64_t m0 = 0; m0 < M; m0 += 16) {
    const float *wp = wt + m0 * K;      /* panel m0 / 16 */
    int64_t mr = MIN (16, M - m0);
    for (int64_t n0 = 0; n0 < N; n0 += 6) {
      int64_t nr = MIN (6, N - n0);
      const float *xt = xp + n0 * K;    /* tile n0 / 6 */
      for (int64_t k0 = 0; k0 < K; k0 += KT) {
        int64_t kc = MIN (KT, K - k0);
        tile_t (kc, wp + k0 * 16, xt + k0 * 6, 6, NULL, t, k0 > 0, nr);
      }
      for (int64_t j = 0; j < mr; j++) {
        float *cj = C + (m0 + j) * ldc + n0;
        for (int64_t i = 0; i < nr; i++)
          cj[i] = t[i * 16 + j];
      }
    }
  }
}

/* Up to GP panels of 32 columns (4 GP accumulators) go through K together:
 * each k one broadcast of x[k] and 4 GP loads, 12 independent FMA chains
 * at GP = 3, enough to cover the FMA latency; R streams from the cache */
#define GP 3
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
gemv_panels (int64_t K, const float *x, const float *bp, float *y,
    int64_t ncols, const int NP)
{
  __m256 acc[4 * GP];
  for (int i = 0; i < 4 * NP; i++)
    acc[i] = _mm256_setzero_ps ();
  for (int64_t k = 0; k < K; k++) {
    __m256 xk = _mm256_broadcast_ss (x + k);
    for (int p = 0; p < NP; p++) {
      const float *b = bp + p * 32 * K + k * 32;
      for (int v = 0; v < 4; v++)
        acc[4 * p + v] = _mm256_fmadd_ps (xk, _mm256_loadu_ps (b + 8 * v),
            acc[4 * p + v]);
    }
  }
  for (int i = 0; i < 4 * NP && i * 8 < ncols; i++) {
    if (ncols - i * 8 >= 8) {
      _mm256_storeu_ps (y + i * 8, acc[i]);
    } else {
      float t[8];
      _mm256_storeu_ps (t, acc[i]);
      memcpy (y + i * 8, t, (ncols - i * 8) * sizeof (float));
    }
  }
}

__attribute__ ((target ("avx2,fma")))
void
nn_sgemv_avx2_packed (int64_t N, int64_t K, const float *x, const float *bp,
    float *y)
{
  int64_t np = (N + 31) / 32;
  int64_t passes = (np + GP - 1) / GP;
  int64_t p0 = 0;
  /* the panels shared evenly between the passes (4 panels: 2 + 2) */
  for (int64_t g = 0; g < passes; g++) {
    int64_t cnt = (np - p0 + (passes - g) - 1) / (passes - g);
    const float *b = bp + p0 * 32 * K;
    float *yo = y + p0 * 32;
    int64_t ncols = MIN (N - p0 * 32, cnt * 32);
    switch (cnt) {
      case 1: gemv_panels (K, x, b, yo, ncols, 1); break;
      case 2: gemv_panels (K, x, b, yo, ncols, 2); break;
      default: gemv_panels (K, x, b, yo, ncols, 3); break;
    }
    p0 += cnt;
  }
}

#else

void
nn_sgemm_avx2_conv_implicit (int64_t M, int64_t K, const float *apk,
    const float *xpad, const int64_t * offs, int64_t n0, int64_t n1,
    float *yg, int64_t ldg, const nn_store_epilogue * st)
{
}

void
nn_sgemm_avx2_small_n (int64_t M, int64_t N, int64_t K, const float *wt,
    const float *X, int64_t ldx, float *C, int64_t ldc)
{
}

void
nn_sgemv_avx2_packed (int64_t N, int64_t K, const float *x, const float *bp,
    float *y)
{
}

void
nn_sgemm_avx2_conv_direct (int64_t M, int64_t K, const float *wt,
    const float *xpad, const int64_t * offs, const nn_direct_grid * g,
    int64_t n0, int64_t n1, float *y, int64_t ldy)
{
}

void
nn_sgemm_avx2_packed_b (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *bp, float *C, int64_t ldc)
{
}

#endif
