/* Conv: 1-D, 2-D and 3-D, groups, strides, pads, dilations, auto_pad.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Spatial axes are padded to three (size 1 in front) so one path serves
 * every rank. The kernel is chosen once at load from the shapes:
 *  - pointwise (1x1, unit stride, no padding): sgemm straight on the input;
 *  - 2-D depthwise (one input and output channel per group): the phase
 *    plane kernel of kernels/depthwise.c;
 *  - with AVX-512 and constant weights in one group, large maps: the
 *    implicit product on the padded input (1x1: on the input itself);
 *    smaller maps with a long K: the direct (transposed) product; see
 *    docs/kernels.md for the rules and their measurements;
 *  - everything else: im2col into the worker's scratch, in tiles of output
 *    columns sized so the column matrix stays in cache (and large 3-D
 *    inputs never need the whole matrix), and one sgemm per group per tile.
 * Tiles (or channels, for depthwise) are split over the session's workers;
 * the epilogue (bias, residual, activation) runs on each tile right after
 * its product, while it is still in cache.
 */
#include "../nn-private.h"
#include "../kernels/kernels.h"

#include <math.h>
#include <string.h>

typedef enum { CONV_GENERAL, CONV_POINTWISE, CONV_DEPTHWISE } conv_kind;

/* the depthwise kernel: phase planes, or straight from NCHW */
typedef enum { DW_PLANES, DW_AVX512, DW_AVX2, DW_LANES } dw_kernel;

/* im2col tiles hold at most this many floats */
#define COL_BUDGET (1 << 18)
/* and the output tile (all output channels) at most this many */
#define OUT_BUDGET (1 << 16)

typedef struct {
  conv_kind kind;
  int64_t N, C, M, group, cg, mg;
  int64_t in[3], out[3], k[3], s[3], pb[3], d[3];
  int64_t isz, osz, kk;         /* spatial sizes: input, output, kernel */
  int64_t tile;                 /* output columns per tile, at most */
  nn_depthwise dw;
  dw_kernel dw_direct;          /* phase planes or straight from NCHW */
  int64_t packed_group;         /* floats per group in packed[], or 0 */
  const float *small_n;         /* or Wᵀ for the transposed product
                                 * (nn_sgemm_avx512_small_n or _avx2_), in
                                 * packed[] 64-byte aligned (the kernels'
                                 * aligned loads) */
  /* direct (with small_n): no im2col; the input padded and split into
   * stride phases once (Q[] per phase plane) in the calling worker's
   * scratch, tap offsets in packed[] after Wᵀ, grid columns nflat */
  const int64_t *offs;
  int64_t Q[3], nflat;
  /* implicit (with offs): W packed as A in packed[] and the plain
   * product over grid columns read from the padded input, through a
   * [M][itile] grid block at the start of each worker's scratch (the
   * padded input follows it in the calling worker's) */
  const float *apk;
  int64_t itile;
  gboolean row_direct;          /* output rows written straight to y */
  nn_direct_grid grid;
  float packed[];               /* weights packed for the AVX-512 product */
} conv_params;

/* Output size and begin padding for one spatial axis. */
static gboolean
conv_axis (const char *auto_pad, int64_t in, int64_t k, int64_t s,
    int64_t d, int64_t pb, int64_t pe, int64_t * out, int64_t * pad_begin)
{
  int64_t span = (k - 1) * d + 1;
  if (strcmp (auto_pad, "SAME_UPPER") == 0
      || strcmp (auto_pad, "SAME_LOWER") == 0) {
    *out = (in + s - 1) / s;
    int64_t total = MAX (0, (*out - 1) * s + span - in);
    *pad_begin = strcmp (auto_pad, "SAME_UPPER") == 0 ? total / 2 :
        total - total / 2;
    return TRUE;
  }
  if (strcmp (auto_pad, "VALID") == 0)
    pb = pe = 0;
  else if (strcmp (auto_pad, "NOTSET") != 0)
    return FALSE;
  *pad_begin = pb;
  *out = (in + pb + pe - span) / s + 1;
  return in + pb + pe >= span;
}

/* im2col of output columns [j0, j1) for one group: row (c, k0, k1, k2)
 * of `col` (pitch j1 - j0) holds the input each column's tap reads, or 0
 * in the padding. Columns are walked one output row (o0, o1) at a time;
 * in a row the valid o2 for tap k2 form one range, found once. */
NN_VECTORIZE static void
im2col (const conv_params * p, const float *x, int64_t j0, int64_t j1,
    float *col)
{
  const int64_t OW = p->out[2], W = p->in[2], s2 = p->s[2];
  const int64_t pitch = j1 - j0;
  for (int64_t k2 = 0; k2 < p->k[2]; k2++) {
    int64_t iw0 = k2 * p->d[2] - p->pb[2];
    int64_t lo = iw0 >= 0 ? 0 : (-iw0 + s2 - 1) / s2;
    int64_t hi = W - iw0 > 0 ? (W - iw0 + s2 - 1) / s2 : 0;
    lo = MIN (lo, OW);
    hi = CLAMP (hi, lo, OW);
    for (int64_t c = 0; c < p->cg; c++) {
      const float *xc = x + c * p->isz;
      for (int64_t k0 = 0; k0 < p->k[0]; k0++)
        for (int64_t k1 = 0; k1 < p->k[1]; k1++) {
          float *row = col + (((c * p->k[0] + k0) * p->k[1] + k1) * p->k[2]
              + k2) * pitch - j0;
          /* the output row (o0, o1) of column j0, then row by row
           * without divisions */
          int64_t o2 = j0 % OW, o01 = j0 / OW;
          int64_t o0 = o01 / p->out[1], o1 = o01 % p->out[1];
          for (int64_t j = j0; j < j1;) {
            int64_t end = MIN (j1, j - o2 + OW);        /* this output row */
            int64_t i0 = o0 * p->s[0] - p->pb[0] + k0 * p->d[0];
            int64_t i1 = o1 * p->s[1] - p->pb[1] + k1 * p->d[1];
            float *r = row + j - o2;    /* r[o2] is column j */
            int64_t e2 = end - (j - o2);
            if (i0 < 0 || i0 >= p->in[0] || i1 < 0 || i1 >= p->in[1]) {
              for (int64_t o = o2; o < e2; o++)
                r[o] = 0.0f;
            } else {
              const float *xr = xc + (i0 * p->in[1] + i1) * W + iw0;
              int64_t a = MAX (o2, lo), b = MIN (e2, hi);
              for (int64_t o = o2; o < MIN (a, e2); o++)
                r[o] = 0.0f;
              if (s2 == 1) {
                if (b > a)
                  memcpy (r + a, xr + a, (b - a) * sizeof (float));
              } else {
                for (int64_t o = a; o < b; o++)
                  r[o] = xr[o * s2];
              }
              for (int64_t o = MAX (b, o2); o < e2; o++)
                r[o] = 0.0f;
            }
            j = end;
            o2 = 0;
            if (++o1 == p->out[1]) {
              o1 = 0;
              o0++;
            }
          }
        }
    }
  }
}

typedef struct {
  const nn_node *node;
  const conv_params *p;
  const float *x, *w, *bias, *res;
  float *y;
  int64_t tile;
  const float *xpad;            /* direct: the padded input */
  /* a split by output rows: B (the input, or its column matrix) and its
   * row pitch */
  const float *b;
  int64_t ldb;
} conv_job;

/* the epilogue (bias, residual, activation) on output rows [m0, m1),
 * columns [j0, j1), right after their product while they are in cache */
static void
epilogue_rows (const conv_job * job, int64_t m0, int64_t m1, int64_t j0,
    int64_t j1)
{
  const int64_t osz = job->p->osz;
  for (int64_t m = m0; m < m1; m++)
    nn_epilogue_apply (&job->node->epi, job->y + m * osz + j0, j1 - j0,
        job->bias ? job->bias[m] : 0.0f, NULL,
        job->res ? job->res + m * osz + j0 : NULL);
}

/* rows [m0, m1) of group gi's product over n columns of B into c (row
 * m0's first column, osz apart), through the product chosen at load:
 * Wᵀ in 32-channel panels (one group only), A packed in 12-row panels,
 * or OpenBLAS on W as it is; m0 is a multiple of pointwise_row_unit */
static void
group_rows (const conv_job * job, int64_t gi, int64_t m0, int64_t m1,
    int64_t n, const float *b, int64_t ldb, float *c)
{
  const conv_params *p = job->p;
  const int64_t k = p->cg * p->kk;
  if (p->small_n && nn_isa_get () == NN_ISA_AVX512)
    nn_sgemm_avx512_small_n (m1 - m0, n, k, p->small_n + m0 * k, b, ldb, c,
        p->osz);
  else if (p->small_n)
    nn_sgemm_avx2_small_n (m1 - m0, n, k, p->small_n + m0 * k, b, ldb, c,
        p->osz);
  else if (p->packed_group)
    nn_sgemm_avx512_packed (m1 - m0, n, k, p->packed + gi * p->packed_group
        + m0 * k, b, ldb, c, p->osz);
  else
    nn_sgemm (FALSE, FALSE, m1 - m0, n, k, 1.0f, job->w + (gi * p->mg + m0)
        * k, k, b, ldb, 0.0f, c, p->osz);
}

/* output column tiles [t0, t1) of one image */
static void
conv_tiles (void *data, int64_t t0, int64_t t1, void *scratch)
{
  const conv_job *job = data;
  const conv_params *p = job->p;
  const int64_t osz = p->osz;
  for (int64_t t = t0; t < t1; t++) {
    int64_t j0 = t * job->tile, j1 = MIN (osz, j0 + job->tile);
    for (int64_t gi = 0; gi < p->group; gi++) {
      const float *xg = job->x + gi * p->cg * p->isz;
      const float *b = xg + j0;
      int64_t ldb = osz;
      if (p->kind == CONV_GENERAL) {
        im2col (p, xg, j0, j1, scratch);
        b = scratch;
        ldb = j1 - j0;
      }
      group_rows (job, gi, 0, p->mg, j1 - j0, b, ldb,
          job->y + gi * p->mg * osz + j0);
    }
    epilogue_rows (job, 0, p->M, j0, j1);
  }
}

/* the output range [*j0, *j1) of grid columns [n0, n1) (one range:
 * the grid walks the output in order); FALSE when none is an output */
static gboolean
grid_range (const nn_direct_grid * g, int64_t n0, int64_t n1, int64_t * j0,
    int64_t * j1)
{
  int64_t first = n0, last = n1 - 1;
  while (first <= last && (first % g->plane / g->P2 >= g->OH
          || first % g->P2 >= g->OW))
    first++;
  while (last >= first && (last % g->plane / g->P2 >= g->OH
          || last % g->P2 >= g->OW))
    last--;
  if (first > last)
    return FALSE;
  *j0 = (first / g->plane * g->OH + first % g->plane / g->P2) * g->OW
      + first % g->P2;
  *j1 = (last / g->plane * g->OH + last % g->plane / g->P2) * g->OW
      + last % g->P2 + 1;
  return TRUE;
}

/* the direct product of the instruction set: AVX-512's 12-pixel by
 * 32-channel tile or AVX2's 6 by 16, each on its own Wᵀ panels */
static void
direct_product (int64_t M, int64_t K, const float *wt, const float *xpad,
    const int64_t * offs, const nn_direct_grid * g, int64_t n0, int64_t n1,
    float *y, int64_t ldy)
{
  if (nn_isa_get () == NN_ISA_AVX512)
    nn_sgemm_avx512_conv_direct (M, K, wt, xpad, offs, g, n0, n1, y, ldy);
  else
    nn_sgemm_avx2_conv_direct (M, K, wt, xpad, offs, g, n0, n1, y, ldy);
}

/* direct convolution: grid column tiles [t0, t1) */
static void
direct_tiles (void *data, int64_t t0, int64_t t1, void *scratch)
{
  const conv_job *job = data;
  const conv_params *p = job->p;
  const nn_direct_grid *g = &p->grid;
  for (int64_t t = t0; t < t1; t++) {
    int64_t n0 = t * job->tile, n1 = MIN (p->nflat, n0 + job->tile);
    direct_product (p->M, p->C * p->kk, p->small_n, job->xpad, p->offs, g,
        n0, n1, job->y, p->osz);
    int64_t j0, j1;
    if (grid_range (g, n0, n1, &j0, &j1))
      epilogue_rows (job, 0, p->M, j0, j1);
  }
}

/* the implicit product of the instruction set: AVX-512's 12x32 tile or
 * AVX2's 6x16, each on weights packed its own way at load */
static size_t
implicit_packed_size (int64_t M, int64_t K)
{
  return nn_isa_get () == NN_ISA_AVX512 ? nn_sgemm_avx512_packed_size (M, K)
      : nn_sgemm_avx2_packed_size (M, K);
}

static void
implicit_pack (int64_t M, int64_t K, const float *W, float *apk)
{
  if (nn_isa_get () == NN_ISA_AVX512)
    nn_sgemm_avx512_pack_a (M, K, W, K, apk);
  else
    nn_sgemm_avx2_pack_a (M, K, W, K, apk);
}

/* st: the epilogue the AVX2 product applies as it stores (see
 * store_epilogue), or NULL */
static void
implicit_product (int64_t M, int64_t K, const float *apk, const float *xpad,
    const int64_t * offs, int64_t n0, int64_t n1, float *yg, int64_t ldg,
    const nn_store_epilogue * st)
{
  if (nn_isa_get () == NN_ISA_AVX512)
    nn_sgemm_avx512_conv_implicit (M, K, apk, xpad, offs, n0, n1, yg, ldg,
        NULL);
  else
    nn_sgemm_avx2_conv_implicit (M, K, apk, xpad, offs, n0, n1, yg, ldg, st);
}

/* the AVX2 implicit product stores rows from m0 with their bias and a
 * Relu, Clip or HardSwish already applied, sparing the epilogue's pass
 * over them (not with a residual, whose rows the grid does not line up
 * with, nor other activations); FALSE: the epilogue runs after the
 * product */
static gboolean
store_epilogue (const conv_job * job, int64_t m0, nn_store_epilogue * st)
{
  const nn_epilogue *e = &job->node->epi;
  if (nn_isa_get () != NN_ISA_AVX2 || job->res || (e->act != NN_ACT_NONE
          && e->act != NN_ACT_RELU && e->act != NN_ACT_CLIP
          && e->act != NN_ACT_HARD_SWISH))
    return FALSE;
  st->bias = job->bias ? job->bias + m0 : NULL;
  st->act = e->act;
  st->lo = e->act == NN_ACT_CLIP ? e->alpha : 0.0f;
  st->hi = e->act == NN_ACT_CLIP ? e->beta : INFINITY;
  return TRUE;
}

/* output channels per unit of a split of the implicit product by rows:
 * two of its panels (12 rows with AVX-512, 6 with AVX2) */
static int64_t
implicit_row_unit (void)
{
  return nn_isa_get () == NN_ISA_AVX512 ? 24 : 12;
}

/* implicit convolution, output rows [m0, m1) over grid columns [n0, n1):
 * the block goes to the worker's scratch yg, then its output rows (the
 * grid points inside the map) are copied out and the epilogue runs on
 * them unless the product applied it as it stored */
/* The next run of grid columns from *n (below n1) that lies in one output
 * row: its length, and in *out its first output index; 0 when none is
 * left. *n moves to the run (past rows and planes of padding). */
static int64_t
grid_run (const nn_direct_grid * g, int64_t * n, int64_t n1, int64_t * out)
{
  while (*n < n1) {
    int64_t o0 = *n / g->plane, r = *n % g->plane;
    int64_t o1 = r / g->P2, o2 = r % g->P2;
    if (o1 >= g->OH)
      *n += g->plane - r;
    else if (o2 >= g->OW)
      *n += g->P2 - o2;
    else {
      *out = (o0 * g->OH + o1) * g->OW + o2;
      return MIN (g->OW - o2, n1 - *n);
    }
  }
  return 0;
}

static void
implicit_block (const conv_job * job, int64_t m0, int64_t m1, int64_t n0,
    int64_t n1, float *yg)
{
  const conv_params *p = job->p;
  const nn_direct_grid *g = &p->grid;
  const int64_t K = p->C * p->kk, ldg = n1 - n0;
  nn_store_epilogue st;
  gboolean stored = store_epilogue (job, m0, &st);
  int64_t j0, j1, len, out;
  if (p->row_direct) {
    /* each run of the grid that is a row of the output, straight into
     * the output: no grid block, no copy-out pass */
    for (int64_t n = n0; (len = grid_run (g, &n, n1, &out)) > 0; n += len)
      implicit_product (m1 - m0, K, p->apk + m0 * K, job->xpad, p->offs, n,
          n + len, job->y + m0 * p->osz + out, p->osz, stored ? &st : NULL);
    if (!stored && grid_range (g, n0, n1, &j0, &j1))
      epilogue_rows (job, m0, m1, j0, j1);
    return;
  }
  /* AVX-512: the tile's points straight into the output rows, its
   * padding points dropped as they are stored, when each 32-column strip
   * meets few enough rows (NN_GRID_BLOCK=1 keeps the block, for
   * measuring) */
  if (nn_isa_get () == NN_ISA_AVX512 && !g_getenv ("NN_GRID_BLOCK")
      && nn_sgemm_avx512_conv_implicit (m1 - m0, K, p->apk + m0 * K,
          job->xpad, p->offs, n0, n1, job->y + m0 * p->osz, p->osz, g)) {
    if (grid_range (g, n0, n1, &j0, &j1))
      epilogue_rows (job, m0, m1, j0, j1);
    return;
  }
  implicit_product (m1 - m0, K, p->apk + m0 * K, job->xpad, p->offs, n0, n1,
      yg, ldg, stored ? &st : NULL);
  if (!grid_range (g, n0, n1, &j0, &j1))
    return;
  for (int64_t m = m0; m < m1; m++) {
    const float *src = yg + (m - m0) * ldg;
    float *dst = job->y + m * p->osz;
    for (int64_t n = n0; (len = grid_run (g, &n, n1, &out)) > 0; n += len)
      memcpy (dst + out, src + (n - n0), len * sizeof (float));
    if (!stored)
      epilogue_rows (job, m, m + 1, j0, j1);
  }
}

/* the implicit product's grid block at the start of a worker's scratch
 * (none when the output rows are written in place) */
static int64_t
grid_block_floats (const conv_params * p)
{
  return p->row_direct ? 0 : p->M * p->itile;
}

/* implicit convolution: grid column tiles [t0, t1) of all channels */
static void
implicit_tiles (void *data, int64_t t0, int64_t t1, void *scratch)
{
  const conv_job *job = data;
  for (int64_t t = t0; t < t1; t++) {
    int64_t n0 = t * job->tile, n1 = MIN (job->p->nflat, n0 + job->tile);
    implicit_block (job, 0, job->p->M, n0, n1, scratch);
  }
}

/* the implicit convolution split by output channels instead (few grid
 * columns: a 14x14 map is 224 of them, which split 128 and 96): rows
 * [q0 u, q1 u), u from implicit_row_unit, over every column tile */
static void
implicit_rows (void *data, int64_t q0, int64_t q1, void *scratch)
{
  const conv_job *job = data;
  const conv_params *p = job->p;
  int64_t u = implicit_row_unit (), m0 = q0 * u, m1 = MIN (p->M, q1 * u);
  for (int64_t n0 = 0; n0 < p->nflat; n0 += job->tile)
    implicit_block (job, m0, m1, n0, MIN (p->nflat, n0 + job->tile),
        scratch);
}

/* implicit pointwise (1x1) convolution, output rows [m0, m1) and columns
 * [n0, n1): the input is its own grid (no padding), so the product
 * writes straight into the output, and the epilogue follows on them
 * unless the product applied it as it stored */
static void
pointwise_block (const conv_job * job, int64_t m0, int64_t m1, int64_t n0,
    int64_t n1)
{
  const conv_params *p = job->p;
  nn_store_epilogue st;
  gboolean stored = store_epilogue (job, m0, &st);
  implicit_product (m1 - m0, p->C, p->apk + m0 * p->C, job->x, p->offs, n0,
      n1, job->y + m0 * p->osz + n0, p->osz, stored ? &st : NULL);
  if (!stored)
    epilogue_rows (job, m0, m1, n0, n1);
}

/* the implicit pointwise convolution: column tiles [t0, t1) */
static void
pointwise_tiles (void *data, int64_t t0, int64_t t1, void *scratch)
{
  const conv_job *job = data;
  const conv_params *p = job->p;
  for (int64_t t = t0; t < t1; t++)
    pointwise_block (job, 0, p->M, t * job->tile, MIN (p->osz, (t + 1)
            * job->tile));
}

/* the implicit pointwise convolution split by output channels: rows
 * [q0 u, q1 u) over all columns, u from implicit_row_unit */
static void
pointwise_implicit_rows (void *data, int64_t q0, int64_t q1, void *scratch)
{
  const conv_job *job = data;
  const conv_params *p = job->p;
  int64_t u = implicit_row_unit ();
  pointwise_block (job, q0 * u, MIN (p->M, q1 * u), 0, p->osz);
}

/* direct convolution, few grid columns (7x7, 14x14 maps): output
 * channel panels [q0, q1) (32 channels each) over all columns, so that
 * each worker streams only its share of the weights (9.4 MB in a
 * 512-channel 3x3 layer) instead of all of them */
static void
direct_channels (void *data, int64_t q0, int64_t q1, void *scratch)
{
  const conv_job *job = data;
  const conv_params *p = job->p;
  int64_t m0 = q0 * 32, m1 = MIN (p->M, q1 * 32), K = p->C * p->kk;
  direct_product (m1 - m0, K, p->small_n + m0 * K, job->xpad, p->offs,
      &p->grid, 0, p->nflat, job->y + m0 * p->osz, p->osz);
  epilogue_rows (job, m0, m1, 0, p->osz);
}

/* the input of one image into the padded grid (zeros around), split
 * into stride phases: plane (c, h0, h1, h2) holds padded pixel
 * (q0 s0 + h0, q1 s1 + h1, q2 s2 + h2) at [q0][q1][q2], so every tap
 * reads its plane at stride 1 */
NN_VECTORIZE static void
pad_channels (const conv_params * p, const float *x, float *xpad, int64_t c0,
    int64_t c1)
{
  const int64_t Q0 = p->Q[0], Q1 = p->Q[1], Q2 = p->Q[2];
  const int64_t s2 = p->s[2], W = p->in[2];
  float *row = xpad + c0 * p->s[0] * p->s[1] * s2 * Q0 * Q1 * Q2;
  for (int64_t c = c0; c < c1; c++)
    for (int64_t h0 = 0; h0 < p->s[0]; h0++)
      for (int64_t h1 = 0; h1 < p->s[1]; h1++)
        for (int64_t h2 = 0; h2 < s2; h2++)
          for (int64_t q0 = 0; q0 < Q0; q0++)
            for (int64_t q1 = 0; q1 < Q1; q1++, row += Q2) {
              int64_t i0 = q0 * p->s[0] + h0 - p->pb[0];
              int64_t i1 = q1 * p->s[1] + h1 - p->pb[1];
              if (i0 < 0 || i0 >= p->in[0] || i1 < 0 || i1 >= p->in[1]) {
                memset (row, 0, Q2 * sizeof (float));
                continue;
              }
              const float *src = x + ((c * p->in[0] + i0) * p->in[1] + i1)
                  * W;
              /* columns q2 with 0 <= q2 s2 + h2 - pb < W */
              int64_t c0 = h2 - p->pb[2];
              int64_t lo = c0 >= 0 ? 0 : (-c0 + s2 - 1) / s2;
              int64_t hi = W - c0 > 0 ? (W - c0 + s2 - 1) / s2 : 0;
              lo = MIN (lo, Q2);
              hi = CLAMP (hi, lo, Q2);
              for (int64_t q = 0; q < lo; q++)
                row[q] = 0.0f;
              if (s2 == 1)
                memcpy (row + lo, src + lo + c0, (hi - lo) * sizeof (float));
              else if (s2 == 2)
                for (int64_t q = lo; q < hi; q++)
                  row[q] = src[2 * q + c0];
              else
                for (int64_t q = lo; q < hi; q++)
                  row[q] = src[q * s2 + c0];
              for (int64_t q = hi; q < Q2; q++)
                row[q] = 0.0f;
            }
}

typedef struct {
  const conv_params *p;
  const float *x;
  float *xpad;
} pad_job;

static void
pad_range (void *data, int64_t c0, int64_t c1, void *scratch)
{
  const pad_job *job = data;
  pad_channels (job->p, job->x, job->xpad, c0, c1);
}

/* the padded input, channels split over the workers (a 3x224x224 image
 * into a 230x230 grid is 0.6 MB: ~20 us on one thread) */
static void
pad_input (const conv_params * p, const float *x, float *xpad)
{
  pad_job job = {.p = p,.x = x,.xpad = xpad };
  double floats = (double) p->C * p->Q[0] * p->Q[1] * p->Q[2] * p->s[0]
      * p->s[1] * p->s[2];
  nn_parallel_for (p->C, nn_parallel_grain (p->C, floats), pad_range, &job,
      NULL);
}

/* output channels per unit of a split by rows: the transposed product's
 * 32-channel panels, the packed product's 12-row panels, or (OpenBLAS,
 * without AVX-512) 16 rows of W */
static int64_t
pointwise_row_unit (const conv_params * p)
{
  return p->small_n ? 32 : p->packed_group ? 12 : 16;
}

/* pointwise (1x1) layer of one group, output rows [q0 u, q1 u) over all
 * columns, u from pointwise_row_unit (Wᵀ panels, rows of packed A, or
 * rows of W for OpenBLAS): with few
 * columns, a split by output channels keeps each worker's share of the
 * weights its own, where a split by columns would read all of them on
 * every worker */
static void
pointwise_rows (void *data, int64_t q0, int64_t q1, void *scratch)
{
  const conv_job *job = data;
  const conv_params *p = job->p;
  const int64_t u = pointwise_row_unit (p), osz = p->osz;
  int64_t m0 = q0 * u, m1 = MIN (p->M, q1 * u);
  for (int64_t j0 = 0; j0 < osz; j0 += job->tile) {
    int64_t j1 = MIN (osz, j0 + job->tile);
    group_rows (job, 0, m0, m1, j1 - j0, job->b + j0, job->ldb,
        job->y + m0 * osz + j0);
    epilogue_rows (job, m0, m1, j0, j1);
  }
}

/* tiles of n columns for `workers`: at most cap (a multiple of unit)
 * columns, in multiples of unit, the same number of tiles for every
 * worker and as even as the unit allows (a 55x55 map in tiles of 1024 was
 * 2048 columns for one worker and 1032 for the other) */
static int64_t
even_tile (int64_t n, int workers, int64_t cap, int64_t unit)
{
  int64_t share = (n + workers - 1) / workers;
  int64_t per = (share + cap - 1) / cap;
  int64_t t = (share + per - 1) / per;
  return MAX (unit, MIN (cap, (t + unit - 1) / unit * unit));
}

/* how evenly M rows in units of u share out over `workers` (1.0:
 * exactly): the rows against what the busiest worker does, times the
 * workers */
static double
row_balance (int64_t M, int64_t u, int workers)
{
  int64_t units = (M + u - 1) / u, per = (units + workers - 1) / workers;
  return (double) M / (double) (MIN (M, per * u) * workers);
}

/* the same for n columns in tiles of `tile` */
static double
tile_balance (int64_t n, int64_t tile, int workers)
{
  int64_t tiles = (n + tile - 1) / tile, per = (tiles + workers - 1) / workers;
  return (double) n / (double) (MIN (n, per * tile) * workers);
}

static void
depthwise_channels (void *data, int64_t c0, int64_t c1, void *scratch)
{
  const conv_job *job = data;
  if (job->p->dw_direct == DW_AVX512)
    nn_depthwise_avx512_run (&job->p->dw, c0, c1, job->x, job->w, job->bias,
        job->res, &job->node->epi, job->y);
  else if (job->p->dw_direct == DW_AVX2)
    nn_depthwise_avx2_run (&job->p->dw, c0, c1, job->x, job->w, job->bias,
        job->res, &job->node->epi, job->y, scratch);
  else if (job->p->dw_direct == DW_LANES)
    nn_depthwise_lanes_run (&job->p->dw, c0, c1, job->x, job->w, job->bias,
        job->res, &job->node->epi, job->y, scratch);
  else
    nn_depthwise_run (&job->p->dw, c0, c1, job->x, job->w, job->bias,
        job->res, &job->node->epi, job->y, scratch);
}

static void
conv_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const conv_params *p = node->params;
  conv_job job = {.node = node,.p = p,.w = in[1]->data };
  job.bias = node->n_in > 2 && in[2] ? in[2]->data : NULL;
  const float *res = node->epi.residual >= 0 ? in[node->epi.residual]->data :
      NULL;
  /* small layers run on one worker (the wake-up would cost more) */
  double work = (double) p->M * p->osz * p->cg * p->kk;
  /* the depthwise kernels run ~10 GMAC/s, the products ~60: the same
   * work in time */
  if (p->kind == CONV_DEPTHWISE)
    work *= 6.0;
  int workers = work < 2.0 * NN_PARALLEL_MIN_WORK ? 1 :
      nn_parallel_workers ();
  /* at least one tile per worker, in multiples of 32 columns (the
   * product's panel width) */
  int64_t share = (p->osz + workers - 1) / workers;
  job.tile = MAX (1, MIN (p->tile, MAX (32, (share + 31) / 32 * 32)));
  if (workers > 1 && p->tile >= 32)
    job.tile = even_tile (p->osz, workers, p->tile, 32);
  int64_t ntiles = (p->osz + job.tile - 1) / job.tile;
  if (p->apk) {
    /* implicit: tiles of grid columns in multiples of the 32-column
     * strip, at most itile (the grid block in scratch) */
    int64_t dshare = (p->nflat + workers - 1) / workers;
    job.tile = MAX (32, MIN ((dshare + 31) / 32 * 32, p->itile));
    if (workers > 1)
      job.tile = even_tile (p->nflat, workers, p->itile, 32);
    ntiles = (p->nflat + job.tile - 1) / job.tile;
  } else if (p->offs) {
    /* direct: tiles of grid columns in multiples of the 12-row tile,
     * whose output block stays in L2 */
    int64_t dshare = (p->nflat + workers - 1) / workers;
    int64_t cap = MAX (96, OUT_BUDGET / MAX (p->M, 1)) / 12 * 12;
    job.tile = MAX (12, MIN ((dshare + 11) / 12 * 12, cap));
    if (workers > 1)
      job.tile = even_tile (p->nflat, workers, cap, 12);
    ntiles = (p->nflat + job.tile - 1) / job.tile;
  }
  /* a split by output channels where it shares the work more evenly
   * than the column tiles do (few columns: a 7x7 map is one tile of
   * columns, which left the second worker idle on the OpenBLAS path; a
   * 14x14 map's 224 grid columns split 128 and 96). Each worker then
   * reads all of the input (small on such maps) and only its share of
   * the weights. Pointwise layers on OpenBLAS or the AVX-512 products
   * (Wᵀ in 32-channel panels, A in 12-row panels, W as it is), other
   * layers there when one column tile holds the map (their column matrix
   * made once by the calling worker), and the implicit product. */
  int64_t rows = 0;
  if (workers > 1 && p->group == 1 && !(p->offs && !p->apk)
      && (p->apk || p->kind == CONV_POINTWISE || p->osz <= p->tile)) {
    int64_t u = p->apk ? implicit_row_unit () : pointwise_row_unit (p);
    int64_t units = (p->M + u - 1) / u;
    int64_t cols = p->apk && p->kind != CONV_POINTWISE ? p->nflat : p->osz;
    if (units >= workers && row_balance (p->M, u, workers)
        > tile_balance (cols, job.tile, workers) + 0.05)
      rows = units;
    if (rows && !p->apk)
      job.tile = p->kind == CONV_POINTWISE ? p->tile : p->osz;
    else if (rows)
      job.tile = p->kind == CONV_POINTWISE ? p->osz : p->itile;
  }
  for (int64_t b = 0; b < p->N; b++) {
    job.x = (const float *) in[0]->data + b * p->C * p->isz;
    job.y = (float *) out[0]->data + b * p->M * p->osz;
    job.res = res ? res + b * p->M * p->osz : NULL;
    job.b = job.x;
    job.ldb = p->osz;
    if (p->apk && p->kind == CONV_POINTWISE) {
      if (rows)
        nn_parallel_for (rows, nn_parallel_grain (rows, work),
            pointwise_implicit_rows, &job, NULL);
      else
        nn_parallel_for (ntiles, nn_parallel_grain (ntiles, work),
            pointwise_tiles, &job, NULL);
    } else if (p->apk) {
      /* padded by the calling worker into its scratch after its grid
       * block, read by all */
      float *xpad = (float *) scratch + grid_block_floats (p);
      pad_input (p, job.x, xpad);
      job.xpad = xpad;
      if (rows)
        nn_parallel_for (rows, nn_parallel_grain (rows, work),
            implicit_rows, &job, scratch);
      else
        nn_parallel_for (ntiles, nn_parallel_grain (ntiles, work),
            implicit_tiles, &job, scratch);
    } else if (p->offs) {
      /* padded by the calling worker into its scratch, read by all */
      pad_input (p, job.x, scratch);
      job.xpad = scratch;
      int64_t panels = (p->M + 31) / 32;
      if (workers > 1 && p->nflat <= 128 * workers && panels >= 2 * workers)
        nn_parallel_for (panels, nn_parallel_grain (panels, work),
            direct_channels, &job, NULL);
      else
        nn_parallel_for (ntiles, nn_parallel_grain (ntiles, work),
            direct_tiles, &job, NULL);
    } else if (p->kind == CONV_DEPTHWISE) {
      nn_parallel_for (p->C, nn_parallel_grain (p->C, work), depthwise_channels,
          &job, scratch);
    } else if (rows > 0) {
      if (p->kind == CONV_GENERAL) {
        /* the column matrix of the whole map, by the calling worker into
         * its scratch, read by all */
        im2col (p, job.x, 0, p->osz, scratch);
        job.b = scratch;
      }
      nn_parallel_for (rows, nn_parallel_grain (rows, work), pointwise_rows,
          &job, NULL);
    } else {
      nn_parallel_for (ntiles, nn_parallel_grain (ntiles, work), conv_tiles,
          &job, scratch);
    }
  }
}

/* the tap offsets of the direct and implicit kernels and their grid:
 * tap (c, t0, t1, t2) reads phase plane (t d) % s of channel c, shifted
 * by (t d) / s on each axis */
static void
fill_offsets (conv_params * p, const int64_t Q[3], int64_t * offs)
{
  int64_t qv = Q[0] * Q[1] * Q[2];
  p->offs = offs;
  for (int64_t c = 0; c < p->C; c++)
    for (int64_t t0 = 0; t0 < p->k[0]; t0++)
      for (int64_t t1 = 0; t1 < p->k[1]; t1++)
        for (int64_t t2 = 0; t2 < p->k[2]; t2++) {
          int64_t a0 = t0 * p->d[0], a1 = t1 * p->d[1];
          int64_t a2 = t2 * p->d[2];
          int64_t ph = ((c * p->s[0] + a0 % p->s[0]) * p->s[1]
              + a1 % p->s[1]) * p->s[2] + a2 % p->s[2];
          *offs++ = ph * qv + ((a0 / p->s[0]) * Q[1] + a1 / p->s[1])
              * Q[2] + a2 / p->s[2];
        }
  memcpy (p->Q, Q, 3 * sizeof (int64_t));
  p->grid.P2 = Q[2];
  p->grid.plane = Q[1] * Q[2];
  p->grid.OH = p->out[1];
  p->grid.OW = p->out[2];
  p->nflat = (p->out[0] - 1) * p->grid.plane + (p->out[1] - 1) * Q[2]
      + p->out[2];
}

/* a 2-D layer whose output rows the implicit product can write in place
 * (row_direct): one K block (K <= 256: a network's first layers), rows
 * at least as long as the channels are many (the product keeps its
 * strip order) and 32 */
static gboolean
rows_in_place (const conv_params * p, int64_t k)
{
  return p->kind == CONV_GENERAL && p->out[0] == 1 && k <= 256
      && p->out[2] >= MAX (32, p->M) && !g_getenv ("NN_NO_ROW_DIRECT");
}

/* with AVX-512, first layers taken by the implicit product for that */
static gboolean
first_layer_rows (const conv_params * p, int64_t k)
{
  return nn_isa_get () == NN_ISA_AVX512 && k >= 16 && p->osz >= 1024
      && rows_in_place (p, k);
}

/* where the implicit product is chosen (constant weights, one group):
 * see docs/kernels.md for the measurements */
static gboolean
implicit_wins (const conv_params * p, int64_t k)
{
  if (nn_isa_get () == NN_ISA_AVX2) {
    /* against OpenBLAS on im2col tiles, single-layer models on an
     * AVX2-only EPYC (medians of 7-15 alternating rounds, ±7% noise):
     * 1x1 wins on maps from 13x13 (0.68-0.93x: no column packing, no
     * zeroing pass over the output; mobilenet_v2's 16 -> 96 at 112x112
     * 1.36 -> 1.12 ms) and loses on 7x7 (1.03-1.12x: 49 columns fill 49
     * of 64 lanes); other 2-D kernels win as a network's first layer
     * (0.83-0.87x), are equal or better from 13x13 on (resnet18's 3x3
     * layers 0.94-1.02x, panns_cnn's 5x5 ones 0.78-0.86x) */
    if (p->kind == CONV_POINTWISE)
      return p->osz >= 169;
    return p->kk > 1 && p->out[0] == 1 && p->osz >= 169;
  }
  /* 1x1: B read in place instead of packed per panel (MobileNet's
   * 144 -> 24 projection at 56x56: 0.153 -> 0.114 ms; equal with K = 16) */
  if (p->kind == CONV_POINTWISE)
    return p->M >= 16 && p->osz >= 1024;
  /* a network's first layer (K from 16 to 256) with output rows at
   * least as long as the channels are many: each row written in place
   * (row_direct) instead of im2col + the packed product, per layer in
   * the models, fastest of 3-5 alternating rounds: the 3-channel 3x3
   * stride-2 stems 0.66-0.84x (mobilenet_v2, efficientnet_b0,
   * squeezenet, av_concat), panns_cnn's 1->64 5x5 0.91x; with K = 9
   * (crnn's 1->64 3x3) it lost, 1.28x */
  if (first_layer_rows (p, k))
    return TRUE;
  return p->M >= 32 && k >= 64 && p->osz >= 1024 && p->out[0] == 1;
}

gboolean
nn_prepare_conv (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0), *w = nn_in (g, n, 1), *b = nn_in (g, n, 2);
  if (!x || !w || x->t.type != NN_TYPE_FLOAT || w->t.type != NN_TYPE_FLOAT) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs float X and W");
    return FALSE;
  }
  int sp = x->t.ndim - 2;
  if (sp < 1 || sp > 3 || w->t.ndim != x->t.ndim) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "only 1-D, 2-D and 3-D convolutions are supported (input of rank "
        "%d, weight of rank %d)", x->t.ndim, w->t.ndim);
    return FALSE;
  }
  conv_params *p = g_new0 (conv_params, 1);
  n->params = p;
  p->N = x->t.shape[0];
  p->C = x->t.shape[1];
  p->M = w->t.shape[0];
  p->group = nn_attr_int (n, "group", 1);
  int off = 3 - sp;             /* attribute axis a is internal axis a+off */
  for (int a = 0; a < 3; a++) {
    p->in[a] = p->k[a] = p->out[a] = p->s[a] = p->d[a] = 1;
    p->pb[a] = 0;
  }
  for (int a = 0; a < sp; a++) {
    p->in[a + off] = x->t.shape[2 + a];
    p->k[a + off] = w->t.shape[2 + a];
  }

  int64_t strides[3] = { 1, 1, 1 }, dil[3] = { 1, 1, 1 }, pads[6] = { 0 };
  int64_t ks[3];
  int ns = nn_attr_ints (n, "strides", strides, 3);
  int nd = nn_attr_ints (n, "dilations", dil, 3);
  int np = nn_attr_ints (n, "pads", pads, 6);
  int nk = nn_attr_ints (n, "kernel_shape", ks, 3);
  char buf[32];
  const char *auto_pad = nn_attr_string (n, "auto_pad", buf, sizeof buf,
      "NOTSET");
  if ((ns >= 0 && ns != sp) || (nd >= 0 && nd != sp)
      || (np >= 0 && np != 2 * sp) || (nk >= 0 && nk != sp)) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "strides, dilations, pads or kernel_shape do not match the rank");
    return FALSE;
  }
  for (int a = 0; nk >= 0 && a < sp; a++)
    if (ks[a] != p->k[a + off]) {
      nn_node_error (error, n, NN_ERROR_INVALID,
          "kernel_shape does not match the weight");
      return FALSE;
    }
  if (p->group < 1 || p->C % p->group || p->M % p->group
      || w->t.shape[1] != p->C / p->group) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "weight shape does not fit %" G_GINT64_FORMAT " input channels in %"
        G_GINT64_FORMAT " groups", p->C, p->group);
    return FALSE;
  }
  if (b && (b->t.type != NN_TYPE_FLOAT || nn_tensor_numel (&b->t) != p->M)) {
    nn_node_error (error, n, NN_ERROR_SHAPE, "bias must have %" G_GINT64_FORMAT
        " elements", p->M);
    return FALSE;
  }
  for (int i = 0; i < sp; i++)
    if (strides[i] < 1 || dil[i] < 1 || strides[i] > NN_MAX_DIM
        || dil[i] > NN_MAX_DIM || pads[i] < 0 || pads[i + sp] < 0
        || pads[i] > NN_MAX_DIM || pads[i + sp] > NN_MAX_DIM
        || p->k[i + off] < 1) {
      nn_node_error (error, n, NN_ERROR_INVALID,
          "strides, dilations and kernel sizes must be positive and pads "
          "not negative");
      return FALSE;
    }
  gboolean ok = TRUE;
  for (int a = 0; a < sp; a++) {
    int ia = a + off;
    p->s[ia] = strides[a];
    p->d[ia] = dil[a];
    ok = ok && conv_axis (auto_pad, p->in[ia], p->k[ia], p->s[ia], p->d[ia],
        pads[a], pads[a + sp], &p->out[ia], &p->pb[ia]);
  }
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "the kernel does not fit the padded input (or auto_pad '%s' is "
        "unknown)", auto_pad);
    return FALSE;
  }

  p->cg = p->C / p->group;
  p->mg = p->M / p->group;
  p->isz = p->in[0] * p->in[1] * p->in[2];
  p->osz = p->out[0] * p->out[1] * p->out[2];
  p->kk = p->k[0] * p->k[1] * p->k[2];
  gboolean unit = TRUE;
  for (int a = 0; a < 3; a++)
    unit = unit && p->k[a] == 1 && p->s[a] == 1 && p->pb[a] == 0
        && p->out[a] == p->in[a];
  if (unit)
    p->kind = CONV_POINTWISE;
  else if (p->group == p->C && p->M == p->C && p->k[0] == 1
      && p->in[0] == 1 && p->out[0] == 1 && p->pb[0] == 0)
    p->kind = CONV_DEPTHWISE;
  else
    p->kind = CONV_GENERAL;

  if (p->kind == CONV_DEPTHWISE) {
    nn_depthwise *d = &p->dw;
    d->C = p->C;
    d->H = p->in[1];
    d->W = p->in[2];
    d->OH = p->out[1];
    d->OW = p->out[2];
    d->KH = p->k[1];
    d->KW = p->k[2];
    d->sh = p->s[1];
    d->sw = p->s[2];
    d->ph = p->pb[1];
    d->pw = p->pb[2];
    d->dh = p->d[1];
    d->dw = p->d[2];
    /* NN_DEPTHWISE=planes or direct forces one kernel, rows keeps small
     * maps off the lanes kernel (for measuring) */
    const char *force = g_getenv ("NN_DEPTHWISE");
    gboolean direct = g_strcmp0 (force, "direct") == 0;
    gboolean planes = g_strcmp0 (force, "planes") == 0;
    gboolean rows = g_strcmp0 (force, "rows") == 0;
    if (nn_depthwise_lanes_fits (d) && !planes && !direct && !rows)
      p->dw_direct = DW_LANES;
    else if (nn_depthwise_avx512_fits (d) && !planes
        && (direct || rows || nn_depthwise_avx512_wins (d)))
      p->dw_direct = DW_AVX512;
    else if (nn_depthwise_avx2_fits (d) && !planes)
      p->dw_direct = DW_AVX2;
    else
      p->dw_direct = DW_PLANES;
    n->scratch_bytes = p->dw_direct == DW_AVX512 ? 0 :
        p->dw_direct == DW_AVX2 ? nn_depthwise_avx2_scratch (d) :
        p->dw_direct == DW_LANES ? nn_depthwise_lanes_scratch (d) :
        nn_depthwise_scratch (d);
  } else {
    int64_t k = p->cg * p->kk;
    /* tiles of output columns whose column matrix fits the budget, in
     * multiples of 32, at least 64 wide so sgemm keeps its speed */
    int64_t tile = MAX (64, COL_BUDGET / MAX (k, 1)) / 32 * 32;
    /* and whose output block stays in L2 for the epilogue pass that
     * follows the product (a 96-channel 112x112 map is 4.8 MB: one
     * tile for all of it sent the epilogue to memory) */
    tile = MIN (tile, MAX (64, OUT_BUDGET / MAX (p->M, 1)) / 32 * 32);
    p->tile = MIN (tile, p->osz);
    if (p->kind == CONV_GENERAL)
      n->scratch_bytes = (size_t) (k * p->tile) * sizeof (float);
    /* constant weights of products with a few rows are packed once for
     * the AVX-512 kernel (the same test as nn_sgemm's) */
    /* the transposed product (no packing of the column matrix at run
     * time, output channels filling the 32-lane panels), where it
     * measured faster on Zen 5 than the packed one, layer by layer in the
     * zoo's models: few output columns (7x7 maps: 1.2-1.8x), and long K
     * on maps up to 64x64 when the channels fill the panels (resnet's
     * K = 576 layers: 1.1x; AV-digits' 32-channel K = 144 ones: 1.05x).
     * It loses with short K (the transposed stores dominate), with 64
     * channels at K = 144 (squeezenet: 0.35 vs 0.37 ms), and on large
     * maps (r2plus1d's 8x56x56 maps: 24 vs 38 ms: its scattered stores
     * touch one page per channel) */
    int64_t lanes = (p->M + 31) / 32 * 32;
    gboolean small_n = nn_isa_get () == NN_ISA_AVX512 && w->is_const
        && p->group == 1 && (p->osz <= 64 || (4 * p->M >= 3 * lanes
            && p->osz <= 4096 && (k >= 256 || (k >= 144 && p->M <= 32))));
    /* without AVX-512: the AVX2 transposed product for 1x1 layers on maps
     * too small for the implicit one (below 13x13). Single layers measured
     * level with OpenBLAS (7x7 maps, 160-1280 channels: 0.97-1.07x), whole
     * models against it 0.94x (mobilenet_v3_small) and 0.97x
     * (mobilenet_v2), no longer zeroing and packing per run; 3x3 layers on
     * 7x7 maps (through im2col) stay on OpenBLAS (resnet18 1.06x) */
    if (nn_isa_get () == NN_ISA_AVX2)
      small_n = w->is_const && p->group == 1 && p->osz < 169
          && p->kind == CONV_POINTWISE && p->M >= 16 && k >= 64;
    /* and the direct convolution on that product's tile for other
     * kernels at stride 1 on such maps, instead of im2col and OpenBLAS
     * (single layers against it, fastest of 30 runs: 512 channels 3x3 on
     * 7x7 0.90-0.93x, 32->64 on 8x8 0.57-0.68x; stride 2 onto 7x7 stayed
     * 1.15-1.19x slower, so it stays with im2col) */
    gboolean unit_stride = p->s[0] == 1 && p->s[1] == 1 && p->s[2] == 1;
    if (nn_isa_get () == NN_ISA_AVX2 && w->is_const && p->group == 1
        && p->osz < 169 && p->kind == CONV_GENERAL && unit_stride
        && p->M >= 16 && k >= 64)
      small_n = TRUE;
    /* NN_CONV=packed, transposed or direct forces one product (for
     * measuring; direct only applies at stride 1) */
    const char *force = g_getenv ("NN_CONV");
    if (force && nn_isa_get () >= NN_ISA_AVX2 && w->is_const
        && p->group == 1)
      small_n = strcmp (force, "packed") != 0;
    /* direct (AVX-512), when the padded, phase-split input (in each
     * worker's scratch) stays within 16 MiB */
    int64_t Q[3], vol = 1;
    gboolean direct = small_n && p->kind == CONV_GENERAL
        && (nn_isa_get () == NN_ISA_AVX512 || unit_stride
        || g_strcmp0 (force, "direct") == 0);
    for (int a = 0; a < 3; a++) {
      Q[a] = p->out[a] + (p->k[a] - 1) * p->d[a] / p->s[a];
      vol *= Q[a] * p->s[a];
    }
    direct = direct && vol * p->C <= (1 << 22)
        && g_strcmp0 (force, "transposed") != 0;
    /* implicit: the plain product with the pixels in the lanes, on the
     * padded input (no column matrix), where the map is large enough
     * for the 32-column strips and the channels for the 12-row panels */
    gboolean implicit = nn_isa_get () >= NN_ISA_AVX2 && w->is_const
        && p->group == 1 && p->kind != CONV_DEPTHWISE
        && vol * p->C <= (1 << 22) && (g_strcmp0 (force, "implicit") == 0
        || (!force && implicit_wins (p, k)));
    if (implicit) {
      size_t per = implicit_packed_size (p->M, k);
      conv_params *q = g_malloc0 (sizeof *q + per * sizeof (float) + 64
          + (size_t) k * sizeof (int64_t));
      *q = *p;
      g_free (p);
      n->params = p = q;
      float *ap = (float *) (((uintptr_t) p->packed + 63) & ~(uintptr_t) 63);
      implicit_pack (p->M, k, w->t.data, ap);
      p->apk = ap;
      n->packed_inputs |= 1u << 1;
      fill_offsets (p, Q, (int64_t *) (ap + per));
      p->itile = MAX (64, OUT_BUDGET / MAX (p->M, 1)) / 32 * 32;
      /* 2-D, one K block (K <= 256, the first layers), output rows at
       * least as long as the channels are many (the product keeps its
       * strip order) and 32: each output row is a product of its own
       * written in place, instead of a grid block copied out row by row.
       * AVX2, single layers, alternating, medians: 1->64 3x3 on 64x200
       * 0.76x, the 3-channel stride-2 stem 0.80-0.92x; with several K
       * blocks the output rows, a plane apart, are read back per block
       * and it lost (64->64 3x3 on 64x100: 1.09-1.16x). AVX-512: see
       * first_layer_rows (resnet18's 7x7 stem, implicit before, 0.97x).
       * NN_NO_ROW_DIRECT=1 turns it off (for measuring). */
      p->row_direct = nn_isa_get () >= NN_ISA_AVX2 && rows_in_place (p, k);
      /* pointwise: the input is the grid, the output the grid block */
      n->scratch_bytes = p->kind == CONV_POINTWISE ? 0 :
          (size_t) (grid_block_floats (p) + vol * p->C) * sizeof (float);
    } else if (small_n) {
      gboolean avx512 = nn_isa_get () == NN_ISA_AVX512;
      size_t floats = avx512 ? nn_sgemm_avx512_packed_b_size (k, p->M) :
          nn_sgemm_avx2_wt_size (p->M, k);
      size_t offs_bytes = direct ? (size_t) k * sizeof (int64_t) : 0;
      conv_params *q = g_malloc0 (sizeof *q + floats * sizeof (float) + 64
          + offs_bytes);
      *q = *p;
      g_free (p);
      n->params = p = q;
      float *wt = (float *) (((uintptr_t) p->packed + 63) & ~(uintptr_t) 63);
      if (avx512)
        nn_sgemm_avx512_pack_wt (p->M, k, w->t.data, k, wt);
      else
        nn_sgemm_avx2_pack_wt (p->M, k, w->t.data, k, wt);
      p->small_n = wt;
      n->packed_inputs |= 1u << 1;
      if (direct) {
        fill_offsets (p, Q, (int64_t *) (wt + floats));
        n->scratch_bytes = (size_t) (vol * p->C) * sizeof (float);
      }
    } else if (nn_isa_get () == NN_ISA_AVX512 && w->is_const && p->mg >= 4) {
      size_t per = nn_sgemm_avx512_packed_size (p->mg, k);
      conv_params *q = g_malloc0 (sizeof *q + per * p->group * sizeof (float));
      *q = *p;
      g_free (p);
      n->params = p = q;
      p->packed_group = (int64_t) per;
      for (int64_t gi = 0; gi < p->group; gi++)
        nn_sgemm_avx512_pack_a (p->mg, k, (const float *) w->t.data
            + gi * p->mg * k, k, p->packed + gi * per);
      /* the kernel reads only the packed copy: the loader may free the
       * original weights (graph.c, const_tracker) */
      n->packed_inputs |= 1u << 1;
    }
  }

  int64_t shape[5] = { p->N, p->M };
  for (int a = 0; a < sp; a++)
    shape[2 + a] = p->out[a + off];
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, sp + 2, shape);
  n->run = conv_kernel;
  return TRUE;
}
