/* Single-precision matrix product with AVX-512, for CPUs on which the
 * system OpenBLAS only uses its AVX2 kernels (OpenBLAS 0.3.21 takes AMD
 * Zen 4/5 for Haswell, half their peak).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The classic blocked scheme: K in blocks of KC, A rows in blocks of MC;
 * B is packed into panels of NR = 32 columns ([k][32], zero padded) and A
 * into panels of MR = 12 rows ([k][12]); a 12x32 micro-kernel keeps its 24
 * zmm accumulators in registers over the block, reading one B panel from
 * L1 while the A panels stream from L2. Constant operands (Conv and MatMul
 * weights) are packed once at load. Each thread packs into its own buffer,
 * grown once and kept (no allocation per run in steady state). Measured on
 * an AMD EPYC (Zen 5) with data in cache: 12x32 reaches ~100 GMAC/s, 6x32
 * ~88, OpenBLAS 0.3.21's Haswell kernel ~50.
 */
#include "kernels.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define MR 12
#define NR 32
#define KC 256
/* rows of A per block (a multiple of MR): 144 x KC floats = 144 KiB */
#define MC 144
/* up to this many column panels are packed together (64 KiB at KC) */
#define NP_FEW 2

/* the lane masks of a 32-column strip's two halves when only its first
 * nr columns exist */
#define STRIP_MASKS(nr, m0, m1) \
  __mmask16 m0 = (nr) >= 16 ? 0xffff : (__mmask16) ((1u << (nr)) - 1); \
  __mmask16 m1 = (nr) >= 32 ? 0xffff : (nr) <= 16 ? 0 : \
      (__mmask16) ((1u << ((nr) - 16)) - 1)

/* a tile's accumulators to its first mr rows of C (added to what is
 * there when accumulating), masked to the strip's columns; inlined with
 * ROWS constant, so acc never leaves the registers */
__attribute__ ((target ("avx512f"), always_inline))
static inline void
store_tile (__m512 acc[MR][2], float *c, int64_t ldc, gboolean accumulate,
    int64_t mr, __mmask16 m0, __mmask16 m1, const int ROWS)
{
#pragma GCC unroll 12
  for (int i = 0; i < ROWS; i++) {
    if (i >= mr)
      break;
    float *ci = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm512_add_ps (acc[i][0], _mm512_maskz_loadu_ps (m0, ci));
      acc[i][1] = _mm512_add_ps (acc[i][1],
          _mm512_maskz_loadu_ps (m1, ci + 16));
    }
    _mm512_mask_storeu_ps (ci, m0, acc[i][0]);
    _mm512_mask_storeu_ps (ci + 16, m1, acc[i][1]);
  }
}

/* B rows [kc][nr] (nr <= NR) into one zero-padded [kc][NR] panel */
__attribute__ ((target ("avx512f")))
static void
pack_b (const float *B, int64_t ldb, int64_t kc, int64_t nr, float *bp)
{
  STRIP_MASKS (nr, m0, m1);
  for (int64_t k = 0; k < kc; k++) {
    const float *src = B + k * ldb;
    _mm512_store_ps (bp + k * NR, _mm512_maskz_loadu_ps (m0, src));
    _mm512_store_ps (bp + k * NR + 16, _mm512_maskz_loadu_ps (m1, src + 16));
  }
}

/* the same from B stored transposed ([N][K], ldb apart: a Linear layer's
 * weight, or an RNN's): column j of the panel is row j of B, so the
 * panel is B's first nr rows as one row panel of NR (panels.c) */
static void
pack_bt (const float *B, int64_t ldb, int64_t kc, int64_t nr, float *bp)
{
  nn_pack_row_panels (nr, kc, B, ldb, NR, bp);
}

/* ROWS x 32 of C from a panel of A ([k][MR], rows past ROWS unread) and
 * one of B; inlined with ROWS constant, so the accumulators stay in
 * registers */
__attribute__ ((target ("avx512f,fma"), always_inline))
static inline void
micro_rows_off (int64_t kc, const float *a, int64_t si, int64_t sk,
    const int64_t * offs, const float *b, float *c, int64_t ldc,
    gboolean accumulate, int64_t mr, int64_t nr, const int ROWS)
{
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int i = 0; i < ROWS; i++)
    acc[i][0] = acc[i][1] = _mm512_setzero_ps ();
  for (int64_t k = 0; k < kc; k++) {
    __m512 b0 = _mm512_load_ps (b), b1 = _mm512_load_ps (b + 16);
    /* row k of the A block: sk apart, or at offs[k] (direct convolution:
     * the input pixel of tap k) */
    const float *ak = offs ? a + offs[k] : a + k * sk;
#pragma GCC unroll 12
    for (int i = 0; i < ROWS; i++) {
      __m512 ai = _mm512_set1_ps (ak[i * si]);
      acc[i][0] = _mm512_fmadd_ps (ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps (ai, b1, acc[i][1]);
    }
    b += NR;
  }
  STRIP_MASKS (nr, m0, m1);
  store_tile (acc, c, ldc, accumulate, mr, m0, m1, ROWS);
}

__attribute__ ((target ("avx512f,fma"), always_inline))
static inline void
micro_rows (int64_t kc, const float *a, int64_t si, int64_t sk,
    const float *b, float *c, int64_t ldc, gboolean accumulate, int64_t mr,
    int64_t nr, const int ROWS)
{
  micro_rows_off (kc, a, si, sk, NULL, b, c, ldc, accumulate, mr, nr, ROWS);
}

/* a short last panel (M = 16 leaves 4 rows) runs a smaller tile instead
 * of multiplying zeros */
__attribute__ ((target ("avx512f,fma")))
static void
micro (int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
    gboolean accumulate, int64_t mr, int64_t nr)
{
  if (mr > 8)
    micro_rows (kc, a, 1, MR, b, c, ldc, accumulate, mr, nr, 12);
  else if (mr > 4)
    micro_rows (kc, a, 1, MR, b, c, ldc, accumulate, mr, nr, 8);
  else
    micro_rows (kc, a, 1, MR, b, c, ldc, accumulate, mr, nr, 4);
}

/* the same reading A's rows where they are (lda apart): no packing pass
 * over A, which costs as much as the product itself when B has few
 * columns (attention weights times values); rows past mr are not read */
__attribute__ ((target ("avx512f,fma")))
static void
micro_direct (int64_t kc, const float *a, int64_t lda, const float *b,
    float *c, int64_t ldc, gboolean accumulate, int64_t mr, int64_t nr)
{
  if (mr == 12)
    micro_rows (kc, a, lda, 1, b, c, ldc, accumulate, mr, nr, 12);
  else if (mr >= 8)
    micro_rows (kc, a, lda, 1, b, c, ldc, accumulate, mr, nr, 8);
  else if (mr >= 4)
    micro_rows (kc, a, lda, 1, b, c, ldc, accumulate, mr, nr, 4);
  else if (mr == 3)
    micro_rows (kc, a, lda, 1, b, c, ldc, accumulate, mr, nr, 3);
  else if (mr == 2)
    micro_rows (kc, a, lda, 1, b, c, ldc, accumulate, mr, nr, 2);
  else
    micro_rows (kc, a, lda, 1, b, c, ldc, accumulate, mr, nr, 1);
  /* 8 < mr < 12 and 4 < mr < 8: the rows a smaller tile left */
  int64_t done = mr == 12 ? 12 : mr >= 8 ? 8 : mr >= 4 ? 4 : mr;
  if (done < mr)
    micro_direct (kc, a + done * lda, lda, b, c + done * ldc, ldc,
        accumulate, mr - done, nr);
}

size_t
nn_sgemm_avx512_packed_size (int64_t M, int64_t K)
{
  return nn_row_panels_size (M, K, MR);
}

void
nn_sgemm_avx512_pack_a (int64_t M, int64_t K, const float *A, int64_t lda,
    float *ap)
{
  nn_pack_row_panels (M, K, A, lda, MR, ap);
}

/* C = A B with A packed at load ([M/MR][K][MR]) or, when apk is NULL,
 * read in place (micro_direct). Blocks: KC of K, MC rows of A (an A block
 * stays in L2), and B one NR-column panel at a time (it stays in L1). */
static void
product (int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
    const float *apk, const float *B, int64_t ldb, const float *bpk,
    float *C, int64_t ldc, gboolean bt)
{
  int64_t np = (N + NR - 1) / NR;
  int64_t kcmax = MIN (K, KC);
  /* B panels start 64-byte aligned, for the aligned loads */
  float *bp = nn_kernel_buffer ((size_t) (NP_FEW * NR * kcmax));
  gboolean few = np <= NP_FEW;
  for (int64_t k0 = 0; k0 < K; k0 += KC) {
    int64_t kc = MIN (KC, K - k0);
    if (few && !bpk) {          /* all B panels of the block, packed once */
      for (int64_t p = 0; p < np; p++) {
        if (bt)
          pack_bt (B + p * NR * ldb + k0, ldb, kc, MIN (NR, N - p * NR),
              bp + p * NR * kc);
        else
          pack_b (B + k0 * ldb + p * NR, ldb, kc, MIN (NR, N - p * NR),
              bp + p * NR * kc);
      }
    }
    /* weights packed at load: all rows in one block when its K block
     * fits half of L2 (512 KiB), so each B panel is packed only once */
    int64_t mcb = apk && M * kc <= (1 << 17) ? M : MC;
    for (int64_t m0 = 0; m0 < M; m0 += mcb) {
      int64_t mc = MIN (mcb, M - m0), mp = (mc + MR - 1) / MR;
      float *cm = C + m0 * ldc;
      for (int64_t pp = 0; pp < (few ? 1 : np); pp++) {
        /* few columns (the late layers of a CNN, with large weights):
         * each A panel read once for all B panels; otherwise one B panel
         * at a time, packed right before use (or at load) */
        int64_t p0 = few ? 0 : pp, p1 = few ? np : pp + 1;
        if (!few && !bpk)
          bt ? pack_bt (B + pp * NR * ldb + k0, ldb, kc, MIN (NR,
                  N - pp * NR), bp) : pack_b (B + k0 * ldb + pp * NR, ldb, kc,
              MIN (NR, N - pp * NR), bp);
        for (int64_t q = 0; q < mp; q++)
          for (int64_t p = p0; p < p1; p++) {
            const float *panel = bpk ? bpk + p * NR * K + k0 * NR :
                bp + (few ? p * NR * kc : 0);
            float *c = cm + q * MR * ldc + p * NR;
            int64_t mr = MIN (MR, mc - q * MR), nr = MIN (NR, N - p * NR);
            if (apk)
              micro (kc, apk + (m0 + q * MR) * K + k0 * MR, panel, c, ldc,
                  k0 > 0, mr, nr);
            else
              micro_direct (kc, A + (m0 + q * MR) * lda + k0, lda, panel, c,
                  ldc, k0 > 0, mr, nr);
          }
      }
    }
  }
}

/* Few columns (N <= 64, the 7x7 and 14x14 maps of a CNN's late layers):
 * C = W X computed as its transpose, Cᵀ = Xᵀ Wᵀ, so that the wide side
 * (M output channels) fills the 32-lane panels instead of N = 49 filling
 * two panels to 77%. Wᵀ is packed at load into [M/32][K][32] panels
 * (nn_sgemm_avx512_pack_wt); X's columns are read in place as the rows
 * of Xᵀ (12 of them per tile, broadcast from X[k][n0..n0+11]), in K
 * blocks whose Wᵀ rows stay in L2; each 12x32 tile of Cᵀ is written back
 * transposed. */
void
nn_sgemm_avx512_pack_wt (int64_t M, int64_t K, const float *W, int64_t ldw,
    float *wt)
{
  for (int64_t p = 0; p * NR < M; p++) {
    float *panel = wt + p * NR * K;
    for (int64_t k = 0; k < K; k++)
      for (int64_t l = 0; l < NR; l++)
        panel[k * NR + l] = p * NR + l < M ? W[(p * NR + l) * ldw + k] : 0.0f;
  }
}

/* nr (<= MR) rows of Cᵀ into tile[i][0..NR): row i of Xᵀ is read at
 * x + i * si (+ k * sk, or + offs[k]); in exact chunks of 12, 8, 4, 3,
 * 2, 1 rows, so no row past nr is ever read */
__attribute__ ((target ("avx512f,fma")))
static void
transposed_rows (int64_t kc, const float *x, int64_t si, int64_t sk,
    const int64_t * offs, const float *panel, float *tile, int64_t nr)
{
  while (nr > 0) {
    int64_t r;
    if (nr >= 12) {
      r = 12;
      micro_rows_off (kc, x, si, sk, offs, panel, tile, NR, FALSE, r, NR, 12);
    } else if (nr >= 8) {
      r = 8;
      micro_rows_off (kc, x, si, sk, offs, panel, tile, NR, FALSE, r, NR, 8);
    } else if (nr >= 4) {
      r = 4;
      micro_rows_off (kc, x, si, sk, offs, panel, tile, NR, FALSE, r, NR, 4);
    } else if (nr == 3) {
      r = 3;
      micro_rows_off (kc, x, si, sk, offs, panel, tile, NR, FALSE, r, NR, 3);
    } else if (nr == 2) {
      r = 2;
      micro_rows_off (kc, x, si, sk, offs, panel, tile, NR, FALSE, r, NR, 2);
    } else {
      r = 1;
      micro_rows_off (kc, x, si, sk, offs, panel, tile, NR, FALSE, r, NR, 1);
    }
    x += r * si;
    tile += r * NR;
    nr -= r;
  }
}

/* A 12x32 tile of Cᵀ (tile[i][m]: column i, channel m) written back as
 * C[m][i] for i < nr, m < mr (ldc apart), added to C when accumulate:
 * each half of the channels is a 16x16 transpose in registers (rows past
 * nr are zeros), then one masked store of nr columns per channel, instead
 * of 2 x 384 scalar moves (GCC 12's unpack and shuffle intrinsics pass
 * an "undefined" vector that -Wuninitialized reports) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__ ((target ("avx512f")))
static void
store_transposed (const float *tile, int64_t nr, int64_t mr, float *c,
    int64_t ldc, gboolean accumulate)
{
  __mmask16 cm = (__mmask16) ((1u << nr) - 1);
  for (int h = 0; h * 16 < mr; h++) {
    __m512 r[16], t[16], u[16], v[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++)
      r[i] = i < nr ? _mm512_load_ps (tile + i * NR + h * 16) :
          _mm512_setzero_ps ();
#pragma GCC unroll 8
    for (int i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_ps (r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps (r[i], r[i + 1]);
    }
#pragma GCC unroll 4
    for (int i = 0; i < 16; i += 4) {
      __m512d a = _mm512_castps_pd (t[i]), b = _mm512_castps_pd (t[i + 1]);
      __m512d c2 = _mm512_castps_pd (t[i + 2]);
      __m512d d = _mm512_castps_pd (t[i + 3]);
      u[i] = _mm512_castpd_ps (_mm512_unpacklo_pd (a, c2));
      u[i + 1] = _mm512_castpd_ps (_mm512_unpackhi_pd (a, c2));
      u[i + 2] = _mm512_castpd_ps (_mm512_unpacklo_pd (b, d));
      u[i + 3] = _mm512_castpd_ps (_mm512_unpackhi_pd (b, d));
    }
    /* u[4g + j]: rows 4g..4g+3, columns 4k + j in 128-bit lane k */
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) {
      v[j] = _mm512_shuffle_f32x4 (u[j], u[4 + j], 0x88);
      v[4 + j] = _mm512_shuffle_f32x4 (u[j], u[4 + j], 0xdd);
      v[8 + j] = _mm512_shuffle_f32x4 (u[8 + j], u[12 + j], 0x88);
      v[12 + j] = _mm512_shuffle_f32x4 (u[8 + j], u[12 + j], 0xdd);
    }
#pragma GCC unroll 8
    for (int j = 0; j < 8; j++) {
      /* columns j and j + 8 of the half */
      __m512 lo = _mm512_shuffle_f32x4 (v[j], v[8 + j], 0x88);
      __m512 hi = _mm512_shuffle_f32x4 (v[j], v[8 + j], 0xdd);
      int64_t m0 = h * 16 + j, m1 = m0 + 8;
      if (m0 < mr) {
        float *o = c + m0 * ldc;
        if (accumulate)
          lo = _mm512_add_ps (lo, _mm512_maskz_loadu_ps (cm, o));
        _mm512_mask_storeu_ps (o, cm, lo);
      }
      if (m1 < mr) {
        float *o = c + m1 * ldc;
        if (accumulate)
          hi = _mm512_add_ps (hi, _mm512_maskz_loadu_ps (cm, o));
        _mm512_mask_storeu_ps (o, cm, hi);
      }
    }
  }
}
#pragma GCC diagnostic pop

/* the depth of the K blocks of the transposed products: blocks whose Wᵀ
 * rows for all M fit L2 (1 MiB on Zen 4 and 5; half that measured
 * slower on resnet's 512-channel layers), at least KC deep, K split
 * evenly among them; the blocks after the first add to C */
static int64_t
wt_k_block (int64_t M, int64_t K)
{
  int64_t most = MAX (KC, (1 << 18) / MAX (M, 1));
  int64_t nkb = (K + most - 1) / most;
  return (K + nkb - 1) / nkb;
}

__attribute__ ((target ("avx512f,fma")))
void
nn_sgemm_avx512_small_n (int64_t M, int64_t N, int64_t K, const float *wt,
    const float *X, int64_t ldx, float *C, int64_t ldc)
{
  float tile[MR * NR] __attribute__ ((aligned (64)));
  int64_t kcb = wt_k_block (M, K);
  for (int64_t k0 = 0; k0 < K; k0 += kcb) {
    int64_t kc = MIN (kcb, K - k0);
    const float *xk = X + k0 * ldx;
    /* columns in chunks whose X block stays in L2 beside the Wᵀ block;
     * in a chunk, each 32-channel panel of Wᵀ (kc x 32) is read once
     * for all its 12-column tiles, from L1, instead of streaming all of
     * Wᵀ per tile */
    int64_t chunk = MAX (MR, (1 << 15) / MAX (kc, 1) / MR * MR);
    for (int64_t c0 = 0; c0 < N; c0 += chunk)
    for (int64_t p = 0; p * NR < M; p++)
    for (int64_t n0 = c0; n0 < MIN (N, c0 + chunk); n0 += MR) {
      int64_t nr = MIN (MR, N - n0);
      {
        int64_t mr = MIN (NR, M - p * NR);
        const float *panel = wt + p * NR * K + k0 * NR;
        /* rows n0.. of Cᵀ into tile[i][0..31] */
        transposed_rows (kc, xk + n0, 1, ldx, NULL, panel, tile, nr);
        store_transposed (tile, nr, mr, C + p * NR * ldc + n0, ldc, k0 > 0);
      }
    }
  }
}

/* 14 output pixels by 32 channels of the direct product, into
 * tile[14][NR]: pixels 0..S-1 read tap k at x0[offs[k] + i], the others
 * at x1[offs[k] + i - S] (the next output row's start in the grid when
 * S = 7); 28 accumulators, two Wᵀ rows and a broadcast fill 31 of the 32
 * registers */
__attribute__ ((target ("avx512f,fma"), always_inline))
static inline void
micro_pixels14 (int64_t kc, const float *x0, const float *x1,
    const int64_t * offs, const float *b, float *tile, const int S)
{
  __m512 acc[14][2];
#pragma GCC unroll 14
  for (int i = 0; i < 14; i++)
    acc[i][0] = acc[i][1] = _mm512_setzero_ps ();
  for (int64_t k = 0; k < kc; k++) {
    __m512 b0 = _mm512_load_ps (b), b1 = _mm512_load_ps (b + 16);
    const float *p0 = x0 + offs[k], *p1 = x1 + offs[k];
#pragma GCC unroll 14
    for (int i = 0; i < 14; i++) {
      __m512 xi = _mm512_set1_ps (i < S ? p0[i] : p1[i - S]);
      acc[i][0] = _mm512_fmadd_ps (xi, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps (xi, b1, acc[i][1]);
    }
    b += NR;
  }
#pragma GCC unroll 14
  for (int i = 0; i < 14; i++) {
    _mm512_store_ps (tile + i * NR, acc[i][0]);
    _mm512_store_ps (tile + i * NR + 16, acc[i][1]);
  }
}

/* the grid column where output row r (counted over all planes) starts */
static inline int64_t
grid_row (const nn_direct_grid * g, int64_t r)
{
  return r / g->OH * g->plane + r % g->OH * g->P2;
}

/* The direct product on maps whose rows are 7 pixels wide or a multiple
 * of 14, when [n0, n1) holds whole output rows: tiles of 14 output
 * pixels (one row's 14, or two rows of 7) that never hold a grid point
 * of the padding. The 12-pixel tiles over the grid computed 63 points
 * for a 7x7 map's 49 (resnet18's 512-channel layers: 2.0 ms against
 * onnxruntime's 1.36). Each 14 pixels of a tile are contiguous in the
 * output, so they go back through the 16x16 transposes. Wᵀ panels in
 * the outer loop: each is read from memory once per K block. FALSE, and
 * nothing done, when the shape or range does not suit. */
__attribute__ ((target ("avx512f,fma")))
static gboolean
direct_rows14 (int64_t M, int64_t K, const float *wt, const float *xpad,
    const int64_t * offs, const nn_direct_grid * g, int64_t n0, int64_t n1,
    float *y, int64_t ldy)
{
  if (g->OW != 7 && g->OW % 14 != 0)
    return FALSE;
  /* the output rows in [n0, n1): every output point in it must belong
   * to one of them (no partial row at either end) */
  int64_t r0 = -1, r1 = -1, inside = 0;
  for (int64_t n = n0 - n0 % g->P2; n < n1; n += g->P2) {
    if (n % g->plane / g->P2 >= g->OH)
      continue;                 /* a padding row */
    int64_t lo = MAX (n, n0), hi = MIN (n + g->OW, n1);
    if (hi <= lo)
      continue;
    if (lo != n || hi != n + g->OW)
      return FALSE;
    int64_t r = n / g->plane * g->OH + n % g->plane / g->P2;
    if (r0 < 0)
      r0 = r;
    if (r != r0 + inside)
      return FALSE;
    inside++;
    r1 = r + 1;
  }
  if (r0 < 0)
    return TRUE;                /* no output point in the range */
  float tile[14 * NR] __attribute__ ((aligned (64)));
  int64_t kcb = wt_k_block (M, K);
  int64_t per_tile = g->OW == 7 ? 2 : 1;        /* output rows a tile */
  for (int64_t k0 = 0; k0 < K; k0 += kcb) {
    int64_t kc = MIN (kcb, K - k0);
    for (int64_t p = 0; p * NR < M; p++) {
      int64_t mr = MIN (NR, M - p * NR);
      const float *panel = wt + p * NR * K + k0 * NR;
      for (int64_t r = r0; r < r1; r += per_tile)
        for (int64_t c = 0; c < g->OW; c += 14) {
          /* grid start of output row r (and of the next one) */
          const float *x0 = xpad + grid_row (g, r) + c;
          int64_t nr = 14;
          if (per_tile == 2 && r + 1 < r1) {
            micro_pixels14 (kc, x0, xpad + grid_row (g, r + 1), offs + k0,
                panel, tile, 7);
          } else {
            /* one row of 7 (the last of an odd count; the other seven
             * read that row again and are dropped) or of 14 */
            nr = g->OW == 7 ? 7 : 14;
            if (nr == 7)
              micro_pixels14 (kc, x0, x0, offs + k0, panel, tile, 7);
            else
              micro_pixels14 (kc, x0, x0, offs + k0, panel, tile, 14);
          }
          store_transposed (tile, nr, mr, y + p * NR * ldy + r * g->OW + c,
              ldy, k0 > 0);
        }
    }
  }
  return TRUE;
}

/* Direct convolution (stride 1) as the transposed product without a
 * column matrix: the input is padded once (xpad, [C][P0][P1][P2]), and
 * output pixel n of the padded grid (n = o0 P1 P2 + o1 P2 + o2) reads tap
 * k at xpad[offs[k] + n], so 12 neighbouring pixels are 12 neighbouring
 * floats. Grid points past the output row or plane (o2 >= OW, o1 >= OH)
 * are computed and dropped (2 of 58 columns for a 3x3 kernel on 56x56).
 * Columns [n0, n1) of the grid; y[m][j] with j the output index. */
__attribute__ ((target ("avx512f,fma")))
void
nn_sgemm_avx512_conv_direct (int64_t M, int64_t K, const float *wt,
    const float *xpad, const int64_t * offs, const nn_direct_grid * g,
    int64_t n0, int64_t n1, float *y, int64_t ldy)
{
  /* NN_NO_ROWS14=1: the grid tiles on every map (for measuring) */
  if (!g_getenv ("NN_NO_ROWS14")
      && direct_rows14 (M, K, wt, xpad, offs, g, n0, n1, y, ldy))
    return;
  float tile[MR * NR] __attribute__ ((aligned (64)));
  int64_t jmap[MR];
  int64_t kcb = wt_k_block (M, K);
  for (int64_t k0 = 0; k0 < K; k0 += kcb) {
    int64_t kc = MIN (kcb, K - k0);
    for (int64_t nb = n0; nb < n1; nb += MR) {
      int64_t nr = MIN (MR, n1 - nb);
      /* output index of each grid point, -1 past a row or plane */
      for (int64_t i = 0; i < nr; i++)
        jmap[i] = nn_grid_output (g, nb + i);
      for (int64_t p = 0; p * NR < M; p++) {
        int64_t mr = MIN (NR, M - p * NR);
        transposed_rows (kc, xpad + nb, 1, 0, offs + k0, wt + p * NR * K
            + k0 * NR, tile, nr);
        float *c = y + p * NR * ldy;
        for (int64_t i = 0; i < nr; i++) {
          if (jmap[i] < 0)
            continue;
          float *ci = c + jmap[i];
          if (k0 == 0)
            for (int64_t m = 0; m < mr; m++)
              ci[m * ldy] = tile[i * NR + m];
          else
            for (int64_t m = 0; m < mr; m++)
              ci[m * ldy] += tile[i * NR + m];
        }
      }
    }
  }
}

/* the lanes of a 32-column strip of grid columns that are output
 * points, as runs that each lie in one output row: lane l of run r goes
 * to output index (strip start + l + shift[r]), lanes lo[r] (0-15) and
 * hi[r] (16-31); at most four runs: a strip over the short rows of a
 * small map meets more, and those tiles keep the grid block */
typedef struct {
  int n;
  __mmask16 lo[4], hi[4];
  int64_t shift[4];
} strip_runs;

/* the runs of grid columns [s, s + nr); FALSE when more than four */
static gboolean
strip_runs_make (const nn_direct_grid * g, int64_t s, int64_t nr,
    strip_runs * runs)
{
  runs->n = 0;
  int64_t prev = INT64_MIN;
  for (int64_t l = 0; l < nr; l++) {
    int64_t j = nn_grid_output (g, s + l);
    if (j < 0)
      continue;                 /* a padding point */
    int64_t shift = j - (s + l);
    if (runs->n == 0 || shift != prev) {
      if (runs->n == 4)
        return FALSE;
      runs->lo[runs->n] = runs->hi[runs->n] = 0;
      runs->shift[runs->n] = shift;
      runs->n++;
      prev = shift;
    }
    if (l < 16)
      runs->lo[runs->n - 1] |= (__mmask16) (1u << l);
    else
      runs->hi[runs->n - 1] |= (__mmask16) (1u << (l - 16));
  }
  return TRUE;
}

/* Implicit convolution: the plain product C = W X with W packed at load
 * as A ([M/12][K][12], nn_sgemm_avx512_pack_a) and the rows of X read
 * straight from the padded input (tap k of grid column n at
 * xpad[offs[k] + n]), so the pixels fill the 32 lanes, with no column
 * matrix, no packing of B and no transposed stores. A ROWS x 32 tile of
 * output channels by grid columns; B loads are unaligned, masked in a
 * short last strip (nr < 32) so nothing past the grid is read. */
__attribute__ ((target ("avx512f,fma"), always_inline))
static inline void
micro_implicit (int64_t kc, const float *a, const float *xb,
    const int64_t * offs, float *c, int64_t ldc, gboolean accumulate,
    int64_t mr, int64_t nr, const strip_runs * runs, const int ROWS)
{
  __m512 acc[MR][2];
  STRIP_MASKS (nr, m0, m1);
#pragma GCC unroll 12
  for (int i = 0; i < ROWS; i++)
    acc[i][0] = acc[i][1] = _mm512_setzero_ps ();
  if (nr == NR) {
    for (int64_t k = 0; k < kc; k++) {
      const float *bk = xb + offs[k];
      __m512 b0 = _mm512_loadu_ps (bk), b1 = _mm512_loadu_ps (bk + 16);
#pragma GCC unroll 12
      for (int i = 0; i < ROWS; i++) {
        __m512 ai = _mm512_set1_ps (a[i]);
        acc[i][0] = _mm512_fmadd_ps (ai, b0, acc[i][0]);
        acc[i][1] = _mm512_fmadd_ps (ai, b1, acc[i][1]);
      }
      a += MR;
    }
  } else {
    for (int64_t k = 0; k < kc; k++) {
      const float *bk = xb + offs[k];
      __m512 b0 = _mm512_maskz_loadu_ps (m0, bk);
      __m512 b1 = _mm512_maskz_loadu_ps (m1, bk + 16);
#pragma GCC unroll 12
      for (int i = 0; i < ROWS; i++) {
        __m512 ai = _mm512_set1_ps (a[i]);
        acc[i][0] = _mm512_fmadd_ps (ai, b0, acc[i][0]);
        acc[i][1] = _mm512_fmadd_ps (ai, b1, acc[i][1]);
      }
      a += MR;
    }
  }
  if (!runs) {
    store_tile (acc, c, ldc, accumulate, mr, m0, m1, ROWS);
    return;
  }
  /* each run of lanes that is part of one output row, to its place */
  for (int r = 0; r < runs->n; r++)
    store_tile (acc, (float *) ((uintptr_t) c + runs->shift[r]
            * (intptr_t) sizeof (float)), ldc, accumulate, mr, runs->lo[r],
        runs->hi[r], ROWS);
}

/* grid columns [n0, n1) of all M channels into yg[m][n - n0] (ldg
 * apart); K in blocks of about KC (the strip of input rows they read
 * stays in L1), 32-column strips, each strip read by every 12-channel
 * panel of A */
__attribute__ ((target ("avx512f,fma")))
gboolean
nn_sgemm_avx512_conv_implicit (int64_t M, int64_t K, const float *apk,
    const float *xpad, const int64_t * offs, int64_t n0, int64_t n1,
    float *yg, int64_t ldg, const nn_direct_grid * g)
{
  int64_t nkb = (K + KC - 1) / KC, kcb = (K + nkb - 1) / nkb;
  int64_t mp = (M + MR - 1) / MR;
  /* each strip's runs, made once for all K blocks, for tiles of up to
   * 64 strips (conv.c's column tiles are at most 2048 columns wide from
   * 32 channels up) whose strips each split into few enough runs */
  strip_runs runs[64];
  if (g) {
    if ((n1 - n0 + NR - 1) / NR > 64)
      return FALSE;
    for (int64_t s = n0; s < n1; s += NR)
      if (!strip_runs_make (g, s, MIN (NR, n1 - s), &runs[(s - n0) / NR]))
        return FALSE;
  }
  for (int64_t k0 = 0; k0 < K; k0 += kcb) {
    int64_t kc = MIN (kcb, K - k0);
    for (int64_t s = n0; s < n1; s += NR) {
      int64_t nr = MIN (NR, n1 - s);
      const strip_runs *rp = g ? &runs[(s - n0) / NR] : NULL;
      for (int64_t q = 0; q < mp; q++) {
        int64_t mr = MIN (MR, M - q * MR);
        const float *a = apk + q * MR * K + k0 * MR;
        /* the grid block from n0, or the output from grid column 0 */
        float *c = yg + q * MR * ldg + (g ? s : s - n0);
        if (mr > 8)
          micro_implicit (kc, a, xpad + s, offs + k0, c, ldg, k0 > 0, mr, nr,
              rp, 12);
        else if (mr > 4)
          micro_implicit (kc, a, xpad + s, offs + k0, c, ldg, k0 > 0, mr, nr,
              rp, 8);
        else
          micro_implicit (kc, a, xpad + s, offs + k0, c, ldg, k0 > 0, mr, nr,
              rp, 4);
      }
    }
  }
  return TRUE;
}

gboolean
nn_sgemm_avx512 (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *B, int64_t ldb, float *C, int64_t ldc)
{
  if (nn_isa_get () < NN_ISA_AVX512)
    return FALSE;
  product (M, N, K, A, lda, NULL, B, ldb, NULL, C, ldc, FALSE);
  return TRUE;
}

gboolean
nn_sgemm_avx512_bt (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *B, int64_t ldb, float *C, int64_t ldc)
{
  if (nn_isa_get () < NN_ISA_AVX512)
    return FALSE;
  product (M, N, K, A, lda, NULL, B, ldb, NULL, C, ldc, TRUE);
  return TRUE;
}

void
nn_sgemm_avx512_packed (int64_t M, int64_t N, int64_t K, const float *ap,
    const float *B, int64_t ldb, float *C, int64_t ldc)
{
  product (M, N, K, NULL, 0, ap, B, ldb, NULL, C, ldc, FALSE);
}

size_t
nn_sgemm_avx512_packed_b_size (int64_t K, int64_t N)
{
  return (size_t) ((N + NR - 1) / NR * NR * K);
}

void
nn_sgemm_avx512_pack_b (int64_t K, int64_t N, const float *B, int64_t ldb,
    float *bp)
{
  for (int64_t p = 0; p * NR < N; p++)
    pack_b (B + p * NR, ldb, K, MIN (NR, N - p * NR), bp + p * NR * K);
}

void
nn_sgemm_avx512_packed_b (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *bp, float *C, int64_t ldc)
{
  product (M, N, K, A, lda, NULL, NULL, 0, bp, C, ldc, FALSE);
}

/* B stored transposed ([N][K], ldb apart: an RNN's W or R) into the same
 * panels as nn_sgemm_avx512_pack_b */
void
nn_sgemm_avx512_pack_bt (int64_t K, int64_t N, const float *B, int64_t ldb,
    float *bp)
{
  nn_pack_row_panels (N, K, B, ldb, NR, bp);
}

/* y[0..N) = x[0..K) B for one row x, with B in the packed panels of
 * nn_sgemm_avx512_pack_b ([N/32][K][32]): the per-step product of an RNN.
 * Up to PG panels (2 PG accumulators) go through K together, each k one
 * broadcast of x[k] and 2 PG loads, so the FMA chains are independent;
 * the panels are shared evenly between the passes (12 panels: 6 + 6, not
 * 8 + 4, whose 8 chains would wait on the FMA latency). */
#define PG 8
__attribute__ ((target ("avx512f,fma"), always_inline))
static inline void
gemv_panels (int64_t K, const float *x, const float *bp, float *y,
    int64_t ncols, const int NP)
{
  __m512 acc[2 * PG];
#pragma GCC unroll 16
  for (int i = 0; i < 2 * NP; i++)
    acc[i] = _mm512_setzero_ps ();
  for (int64_t k = 0; k < K; k++) {
    __m512 xk = _mm512_set1_ps (x[k]);
#pragma GCC unroll 8
    for (int p = 0; p < NP; p++) {
      const float *b = bp + p * NR * K + k * NR;
      acc[2 * p] = _mm512_fmadd_ps (xk, _mm512_load_ps (b), acc[2 * p]);
      acc[2 * p + 1] = _mm512_fmadd_ps (xk, _mm512_load_ps (b + 16),
          acc[2 * p + 1]);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < 2 * NP; i++) {
    int64_t c0 = i * 16;
    if (c0 >= ncols)
      break;
    __mmask16 m = ncols - c0 >= 16 ? 0xffff :
        (__mmask16) ((1u << (ncols - c0)) - 1);
    _mm512_mask_storeu_ps (y + c0, m, acc[i]);
  }
}

__attribute__ ((target ("avx512f,fma")))
void
nn_sgemv_avx512_packed (int64_t N, int64_t K, const float *x, const float *bp,
    float *y)
{
  int64_t np = (N + NR - 1) / NR;
  int64_t passes = (np + PG - 1) / PG;
  int64_t p0 = 0;
  for (int64_t g = 0; g < passes; g++) {
    int64_t cnt = (np - p0 + (passes - g) - 1) / (passes - g);
    const float *b = bp + p0 * NR * K;
    float *yo = y + p0 * NR;
    int64_t ncols = MIN (N - p0 * NR, cnt * NR);
    switch (cnt) {
      case 1: gemv_panels (K, x, b, yo, ncols, 1); break;
      case 2: gemv_panels (K, x, b, yo, ncols, 2); break;
      case 3: gemv_panels (K, x, b, yo, ncols, 3); break;
      case 4: gemv_panels (K, x, b, yo, ncols, 4); break;
      case 5: gemv_panels (K, x, b, yo, ncols, 5); break;
      case 6: gemv_panels (K, x, b, yo, ncols, 6); break;
      case 7: gemv_panels (K, x, b, yo, ncols, 7); break;
      default: gemv_panels (K, x, b, yo, ncols, 8); break;
    }
    p0 += cnt;
  }
}

#else

gboolean
nn_sgemm_avx512_conv_implicit (int64_t M, int64_t K, const float *apk,
    const float *xpad, const int64_t * offs, int64_t n0, int64_t n1,
    float *yg, int64_t ldg, const nn_direct_grid * g)
{
  return FALSE;
}

void
nn_sgemm_avx512_pack_bt (int64_t K, int64_t N, const float *B, int64_t ldb,
    float *bp)
{
}

void
nn_sgemv_avx512_packed (int64_t N, int64_t K, const float *x, const float *bp,
    float *y)
{
}

gboolean
nn_sgemm_avx512_bt (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *B, int64_t ldb, float *C, int64_t ldc)
{
  return FALSE;
}

void
nn_sgemm_avx512_conv_direct (int64_t M, int64_t K, const float *wt,
    const float *xpad, const int64_t * offs, const nn_direct_grid * g,
    int64_t n0, int64_t n1, float *y, int64_t ldy)
{
}

void
nn_sgemm_avx512_pack_wt (int64_t M, int64_t K, const float *W, int64_t ldw,
    float *wt)
{
}

void
nn_sgemm_avx512_small_n (int64_t M, int64_t N, int64_t K, const float *wt,
    const float *X, int64_t ldx, float *C, int64_t ldc)
{
}

size_t
nn_sgemm_avx512_packed_b_size (int64_t K, int64_t N)
{
  return 0;
}

void
nn_sgemm_avx512_pack_b (int64_t K, int64_t N, const float *B, int64_t ldb,
    float *bp)
{
}

void
nn_sgemm_avx512_packed_b (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *bp, float *C, int64_t ldc)
{
}

size_t
nn_sgemm_avx512_packed_size (int64_t M, int64_t K)
{
  return 0;
}

void
nn_sgemm_avx512_pack_a (int64_t M, int64_t K, const float *A, int64_t lda,
    float *ap)
{
}

void
nn_sgemm_avx512_packed (int64_t M, int64_t N, int64_t K, const float *ap,
    const float *B, int64_t ldb, float *C, int64_t ldc)
{
}

gboolean
nn_sgemm_avx512 (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *B, int64_t ldb, float *C, int64_t ldc)
{
  return FALSE;
}

#endif
