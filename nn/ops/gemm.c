/* Gemm and MatMul through nn_sgemm (blas.c).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * MatMul broadcasts its batch axes; when B has no batch (x @ W, the common
 * case in exported models) all of A's rows go to one sgemm call.
 */
#include "../nn-private.h"
#include "../kernels/kernels.h"

#include <string.h>

/* B packed at load for the instruction set's product: AVX-512's
 * 32-column panels or AVX2's 16-column ones (nn_isa_get () is one of the
 * two wherever bpacked is set) */
static size_t
packed_b_size (int64_t K, int64_t N)
{
  return nn_isa_get () == NN_ISA_AVX512 ? nn_sgemm_avx512_packed_b_size (K, N)
      : nn_sgemm_avx2_packed_b_size (K, N);
}

static void
pack_b (int64_t K, int64_t N, const float *B, int64_t ldb, float *bp)
{
  if (nn_isa_get () == NN_ISA_AVX512)
    nn_sgemm_avx512_pack_b (K, N, B, ldb, bp);
  else
    nn_sgemm_avx2_pack_b (K, N, B, ldb, bp);
}

/* the same from B stored transposed ([N][K], ldb apart): both products'
 * panels are Bᵀ's rows as row panels, 32 or 16 of them a panel */
static void
pack_bt (int64_t K, int64_t N, const float *B, int64_t ldb, float *bp)
{
  nn_pack_row_panels (N, K, B, ldb, nn_isa_get () == NN_ISA_AVX512 ? 32 : 16,
      bp);
}

static void
packed_b_product (int64_t M, int64_t N, int64_t K, const float *A,
    int64_t lda, const float *bp, float *C, int64_t ldc)
{
  if (nn_isa_get () == NN_ISA_AVX512)
    nn_sgemm_avx512_packed_b (M, N, K, A, lda, bp, C, ldc);
  else
    nn_sgemm_avx2_packed_b (M, N, K, A, lda, bp, C, ldc);
}

/* the epilogue over rows [r0, r1) of y [rows][cols] */
static void
rows_epilogue (const nn_node * node, float *y, const float *res, int64_t r0,
    int64_t r1, int64_t cols)
{
  if (!node->bias && nn_epilogue_is_identity (&node->epi))
    return;
  if (node->epi.residual < 0 && node->bias == NULL) {
    nn_epilogue_apply (&node->epi, y + r0 * cols, (r1 - r0) * cols, 0.0f,
        NULL, NULL);
    return;
  }
  for (int64_t r = r0; r < r1; r++)
    nn_epilogue_apply (&node->epi, y + r * cols, cols, 0.0f, node->bias,
        res ? res + r * cols : NULL);
}

static const float *
residual_of (const nn_node * node, nn_tensor * const *in)
{
  return node->epi.residual >= 0 ? in[node->epi.residual]->data : NULL;
}

typedef struct {
  int64_t M, N, K;
  gboolean ta, tb;
  float alpha, beta;
  int64_t c_rs, c_cs;           /* strides of C broadcast to [M, N] */
  const float *bpacked;         /* constant B (transposed when transB)
                                 * packed for the AVX-512 or AVX2 product */
} gemm_params;

typedef struct {
  const nn_node *node;
  const gemm_params *p;
  const float *a, *c, *res;
  float *y;
  const float *b;               /* OpenBLAS: B as given, and C's weight */
  float beta;
} gemm_job;

/* rows [r0, r1) with B packed at load: the product, then alpha and
 * beta C, then the epilogue, on rows still in cache */
static void
gemm_packed_rows (void *data, int64_t r0, int64_t r1, void *scratch)
{
  const gemm_job *job = data;
  const gemm_params *p = job->p;
  float *y = job->y;
  packed_b_product (r1 - r0, p->N, p->K, job->a + r0 * p->K, p->K,
      p->bpacked, y + r0 * p->N, p->N);
  if (p->alpha != 1.0f || (job->c && p->beta != 0.0f))
    for (int64_t i = r0; i < r1; i++)
      for (int64_t j = 0; j < p->N; j++)
        y[i * p->N + j] = p->alpha * y[i * p->N + j] + (job->c ? p->beta
            * job->c[i * p->c_rs + j * p->c_cs] : 0.0f);
  rows_epilogue (job->node, y, job->res, r0, r1, p->N);
}

/* the epilogue over columns [c0, c1) of rows [0, rows) */
static void
cols_epilogue (const nn_node * node, float *y, const float *res,
    int64_t rows, int64_t cols, int64_t c0, int64_t c1)
{
  if (!node->bias && nn_epilogue_is_identity (&node->epi))
    return;
  for (int64_t r = 0; r < rows; r++)
    nn_epilogue_apply (&node->epi, y + r * cols + c0, c1 - c0, 0.0f,
        node->bias ? node->bias + c0 : NULL, res ? res + r * cols + c0 :
        NULL);
}

/* few rows (a batch of one: the classifier of a CNN), B packed at load:
 * column panels [q0, q1) (32 columns each) for all rows, so each worker
 * streams its own share of B */
static void
gemm_packed_cols (void *data, int64_t q0, int64_t q1, void *scratch)
{
  const gemm_job *job = data;
  const gemm_params *p = job->p;
  float *y = job->y;
  int64_t c0 = q0 * 32, c1 = MIN (p->N, q1 * 32);
  const float *bp = p->bpacked + c0 * p->K;
  if (p->M == 1 && nn_isa_get () == NN_ISA_AVX512)
    nn_sgemv_avx512_packed (c1 - c0, p->K, job->a, bp, y + c0);
  else
    packed_b_product (p->M, c1 - c0, p->K, job->a, p->K, bp, y + c0, p->N);
  if (p->alpha != 1.0f || (job->c && p->beta != 0.0f))
    for (int64_t i = 0; i < p->M; i++)
      for (int64_t j = c0; j < c1; j++)
        y[i * p->N + j] = p->alpha * y[i * p->N + j] + (job->c ? p->beta
            * job->c[i * p->c_rs + j * p->c_cs] : 0.0f);
  cols_epilogue (job->node, y, job->res, p->M, p->N, c0, c1);
}

/* OpenBLAS (no AVX-512, or B not constant): columns [64 q0, 64 q1) of
 * all rows, then their epilogue */
static void
gemm_blas_cols (void *data, int64_t q0, int64_t q1, void *scratch)
{
  const gemm_job *job = data;
  const gemm_params *p = job->p;
  int64_t c0 = q0 * 64, c1 = MIN (p->N, q1 * 64);
  /* column c0 of B: a row of the stored [N][K] when transposed */
  const float *b = job->b + (p->tb ? c0 * p->K : c0);
  nn_sgemm (p->ta, p->tb, p->M, c1 - c0, p->K, p->alpha, job->a,
      p->ta ? p->M : p->K, b, p->tb ? p->K : p->N, job->beta, job->y + c0,
      p->N);
  if (c0 == 0 && c1 == p->N)
    rows_epilogue (job->node, job->y, job->res, 0, p->M, p->N);
  else
    cols_epilogue (job->node, job->y, job->res, p->M, p->N, c0, c1);
}

static void
gemm_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const gemm_params *p = node->params;
  float *y = out[0]->data;
  const nn_tensor *c = node->n_in > 2 ? in[2] : NULL;
  if (p->bpacked) {
    gemm_job job = {.node = node,.p = p,.a = in[0]->data,
      .c = c ? c->data : NULL,.res = residual_of (node, in),.y = y
    };
    double work = (double) p->M * p->N * p->K;
    int workers = nn_parallel_workers ();
    /* rows while every worker gets a micro-kernel's 12 of them (and
     * always for one worker), else column panels */
    if (p->M >= 12 * workers || (p->M >= 2 && workers == 1))
      nn_parallel_for (p->M, MAX (16, nn_parallel_grain (p->M, work)),
          gemm_packed_rows, &job, scratch);
    else {
      int64_t panels = (p->N + 31) / 32;
      nn_parallel_for (panels, nn_parallel_grain (panels, work),
          gemm_packed_cols, &job, scratch);
    }
    return;
  }
  float beta = 0.0f;
  if (c && p->beta != 0.0f) {
    const float *cd = c->data;
    for (int64_t i = 0; i < p->M; i++)
      for (int64_t j = 0; j < p->N; j++)
        y[i * p->N + j] = cd[i * p->c_rs + j * p->c_cs];
    beta = p->beta;
  }
  gemm_job job = {.node = node,.p = p,.a = in[0]->data,.b = in[1]->data,
    .res = residual_of (node, in),.y = y,.beta = beta
  };
  /* a few rows (a classifier on one image): B's columns in panels of 64
   * over the workers, each streaming its own share of B; otherwise one
   * call (OpenBLAS runs single-threaded, see blas.c) */
  double work = (double) p->M * p->N * p->K;
  int64_t panels = (p->N + 63) / 64;
  if (p->M < 16 && nn_parallel_workers () > 1 && panels > 1)
    nn_parallel_for (panels, nn_parallel_grain (panels, work),
        gemm_blas_cols, &job, NULL);
  else
    gemm_blas_cols (&job, 0, panels, NULL);
}

gboolean
nn_prepare_gemm (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *a = nn_in (g, n, 0), *b = nn_in (g, n, 1), *c = nn_in (g, n, 2);
  if (!a || !b || a->t.ndim != 2 || b->t.ndim != 2
      || a->t.type != NN_TYPE_FLOAT || b->t.type != NN_TYPE_FLOAT) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs 2-D float A and B");
    return FALSE;
  }
  gemm_params *p = g_new0 (gemm_params, 1);
  n->params = p;
  p->ta = nn_attr_int (n, "transA", 0) != 0;
  p->tb = nn_attr_int (n, "transB", 0) != 0;
  p->alpha = nn_attr_float (n, "alpha", 1.0f);
  p->beta = nn_attr_float (n, "beta", 1.0f);
  p->M = a->t.shape[p->ta ? 1 : 0];
  p->K = a->t.shape[p->ta ? 0 : 1];
  p->N = b->t.shape[p->tb ? 0 : 1];
  if (b->t.shape[p->tb ? 1 : 0] != p->K) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "inner dimensions differ (%" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
        ")", p->K, b->t.shape[p->tb ? 1 : 0]);
    return FALSE;
  }
  if (c) {
    int64_t rows = c->t.ndim == 2 ? c->t.shape[0] : 1;
    int64_t cols = c->t.ndim >= 1 ? c->t.shape[c->t.ndim - 1] : 1;
    if (c->t.ndim > 2 || (rows != 1 && rows != p->M)
        || (cols != 1 && cols != p->N) || c->t.type != NN_TYPE_FLOAT) {
      nn_node_error (error, n, NN_ERROR_SHAPE,
          "C does not broadcast to [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
          "]", p->M, p->N);
      return FALSE;
    }
    p->c_rs = rows == 1 ? 0 : cols;
    p->c_cs = cols == 1 ? 0 : 1;
  }
  /* A [M, K] (not transposed) times constant B:
   * B packed once at load for the AVX-512 product, transposed first when
   * transB (a Linear layer's weight), so no run copies or transposes it
   * (one row: the packed matrix-vector pass, B split by columns over the
   * workers); for the AVX2 one from 4 rows (one row stays OpenBLAS's
   * sgemv, B streamed once either way) */
  nn_isa isa = nn_isa_get ();
  if (!p->ta && b->is_const && (isa == NN_ISA_AVX512 || (isa == NN_ISA_AVX2
              && p->M >= 4))) {
    size_t floats = packed_b_size (p->K, p->N);
    gemm_params *q = g_malloc0 (sizeof *q + floats * sizeof (float) + 64);
    *q = *p;
    g_free (p);
    n->params = p = q;
    float *bp = (float *) (((uintptr_t) (q + 1) + 63) & ~(uintptr_t) 63);
    const float *bd = b->t.data;
    /* transposed: packed from its rows, no transposed copy at load */
    if (p->tb)
      pack_bt (p->K, p->N, bd, p->K, bp);
    else
      pack_b (p->K, p->N, bd, p->N, bp);
    p->bpacked = bp;
    n->packed_inputs |= 1u << 1;
  }
  int64_t shape[2] = { p->M, p->N };
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, 2, shape);
  n->run = gemm_kernel;
  return TRUE;
}

typedef struct {
  int64_t M, N, K;
  int64_t batch;                /* broadcast batch count */
  int bdim;                     /* batch rank */
  int64_t bshape[NN_MAX_DIMS], astr[NN_MAX_DIMS], bstr[NN_MAX_DIMS];
  gboolean flat;                /* B has no batch: one sgemm for all rows */
  /* fused attention: Softmax of each row of A·B, times V (input
   * attn_v, [batch][N][D]) */
  int attn_v;
  int64_t D;
  const float *bpacked;         /* constant B packed for the AVX-512 or
                                 * AVX2 product, inside this allocation */
} matmul_params;

typedef struct {
  const nn_node *node;
  const matmul_params *p;
  const float *a, *b, *res, *v;
  float *y;
} matmul_job;

/* rows [r0, r1) of the flattened product (B without batch axes) */
static void
matmul_rows (void *data, int64_t r0, int64_t r1, void *scratch)
{
  const matmul_job *job = data;
  const matmul_params *p = job->p;
  if (p->bpacked)
    packed_b_product (r1 - r0, p->N, p->K, job->a + r0 * p->K, p->K,
        p->bpacked, job->y + r0 * p->N, p->N);
  else
    nn_sgemm (FALSE, FALSE, r1 - r0, p->N, p->K, 1.0f, job->a + r0 * p->K,
        p->K, job->b, p->N, 0.0f, job->y + r0 * p->N, p->N);
  rows_epilogue (job->node, job->y, job->res, r0, r1, p->N);
}

/* where batch matrix i of A and of B starts (broadcast batch axes have
 * stride 0) */
static void
batch_offsets (const matmul_params * p, int64_t i, int64_t * oa,
    int64_t * ob)
{
  int64_t rest = i;
  *oa = *ob = 0;
  for (int d = p->bdim - 1; d >= 0; d--) {
    int64_t idx = rest % p->bshape[d];
    rest /= p->bshape[d];
    *oa += idx * p->astr[d];
    *ob += idx * p->bstr[d];
  }
}

/* batch matrices [i0, i1) */
static void
matmul_batches (void *data, int64_t i0, int64_t i1, void *scratch)
{
  const matmul_job *job = data;
  const matmul_params *p = job->p;
  for (int64_t i = i0; i < i1; i++) {
    int64_t oa, ob;
    batch_offsets (p, i, &oa, &ob);
    nn_sgemm (FALSE, FALSE, p->M, p->N, p->K, 1.0f, job->a + oa, p->K,
        job->b + ob, p->N, 0.0f, job->y + i * p->M * p->N, p->N);
    rows_epilogue (job->node, job->y, job->res, i * p->M, (i + 1) * p->M,
        p->N);
  }
}

/* rows of the fused attention per block: the block's scores (R x N)
 * stay in L2 between the two products */
#define ATTN_ROWS 96

/* fused attention, batch matrices [i0, i1): per block of rows, S = A B
 * into scratch, Softmax of each row of S, then S V into the output; with
 * AVX-512, B and V packed once per matrix into scratch */
static void
attention_batches (void *data, int64_t i0, int64_t i1, void *scratch)
{
  const matmul_job *job = data;
  const matmul_params *p = job->p;
  const int64_t M = p->M, N = p->N, K = p->K, D = p->D;
  gboolean avx512 = nn_isa_get () == NN_ISA_AVX512;
  float *sb = (float *) (((uintptr_t) scratch + 63) & ~(uintptr_t) 63);
  float *bp = sb + (ATTN_ROWS * N + 15) / 16 * 16;
  float *vp = bp + nn_sgemm_avx512_packed_b_size (K, N);
  for (int64_t i = i0; i < i1; i++) {
    int64_t oa, ob;
    batch_offsets (p, i, &oa, &ob);
    const float *a = job->a + oa, *b = job->b + ob;
    const float *v = job->v + i * N * D;
    float *y = job->y + i * M * D;
    if (avx512) {
      nn_sgemm_avx512_pack_b (K, N, b, N, bp);
      nn_sgemm_avx512_pack_b (N, D, v, D, vp);
    }
    for (int64_t r0 = 0; r0 < M; r0 += ATTN_ROWS) {
      int64_t rr = MIN (ATTN_ROWS, M - r0);
      if (avx512 && rr >= 2)
        nn_sgemm_avx512_packed_b (rr, N, K, a + r0 * K, K, bp, sb, N);
      else
        nn_sgemm (FALSE, FALSE, rr, N, K, 1.0f, a + r0 * K, K, b, N, 0.0f,
            sb, N);
      for (int64_t r = 0; r < rr; r++)
        nn_softmax_row (sb + r * N, sb + r * N, N);
      if (avx512 && rr >= 2)
        nn_sgemm_avx512_packed_b (rr, D, N, sb, N, vp, y + r0 * D, D);
      else
        nn_sgemm (FALSE, FALSE, rr, D, N, 1.0f, sb, N, v, D, 0.0f,
            y + r0 * D, D);
    }
    rows_epilogue (job->node, job->y, job->res, i * M, (i + 1) * M, D);
  }
}

gboolean
nn_matmul_fuse_attention (nn_graph * g, nn_node * n, nn_node * softmax,
    nn_node * m2)
{
  matmul_params *p = n->params, *q = m2->params;
  if (n->op != NN_OP_MATMUL || m2->op != NN_OP_MATMUL || !p || !q
      || p->flat || n->n_in != 2 || m2->n_in != 2
      || m2->in[0] != softmax->out[0] || m2->in[1] == softmax->out[0]
      || !nn_softmax_is_rows (softmax, p->N))
    return FALSE;
  /* the second product: the same batch, every matrix its own V */
  nn_value *v = nn_val (g, m2->in[1]), *s = nn_val (g, softmax->out[0]);
  nn_value *y = nn_val (g, n->out[0]);
  if (q->M != p->M || q->K != p->N || q->batch != p->batch || q->flat
      || v->t.ndim != p->bdim + 2 || !v->known
      || nn_tensor_numel (&v->t) != p->batch * q->K * q->N
      || y->t.ndim != p->bdim + 2 || s->t.ndim != y->t.ndim
      || nn_val (g, m2->out[0])->t.ndim != p->bdim + 2)
    return FALSE;
  for (int d = 0; d < p->bdim; d++)
    if (q->bshape[d] != p->bshape[d] || v->t.shape[d] != p->bshape[d])
      return FALSE;
  p->D = q->N;
  p->attn_v = 2;
  n->in = g_renew (int, n->in, 3);
  n->in[2] = m2->in[1];
  n->n_in = 3;
  size_t need = ((size_t) (ATTN_ROWS * p->N + 16)
      + nn_sgemm_avx512_packed_b_size (p->K, p->N)
      + nn_sgemm_avx512_packed_b_size (p->N, p->D)) * sizeof (float) + 64;
  n->scratch_bytes = MAX (n->scratch_bytes, need);
  return TRUE;
}

static void
matmul_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const matmul_params *p = node->params;
  matmul_job job = {.node = node,.p = p,.a = in[0]->data,.b = in[1]->data,
    .y = out[0]->data,.res = residual_of (node, in)
  };
  if (p->attn_v > 0) {
    job.v = in[p->attn_v]->data;
    double work = (double) p->batch * p->M * p->N * (p->K + p->D);
    nn_parallel_for (p->batch, nn_parallel_grain (p->batch, work),
        attention_batches, &job, scratch);
    return;
  }
  /* split when each worker gets enough rows to amortize its wake-up */
  double work = (double) p->batch * p->M * p->N * p->K;
  if (p->flat)
    nn_parallel_for (p->batch * p->M, MAX (16, nn_parallel_grain (p->batch
                * p->M, work)), matmul_rows, &job, scratch);
  else
    nn_parallel_for (p->batch, nn_parallel_grain (p->batch, work),
        matmul_batches, &job, scratch);
}

gboolean
nn_prepare_matmul (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *a = nn_in (g, n, 0), *b = nn_in (g, n, 1);
  if (!a || !b || a->t.type != NN_TYPE_FLOAT || b->t.type != NN_TYPE_FLOAT
      || a->t.ndim < 1 || b->t.ndim < 1) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs float inputs");
    return FALSE;
  }
  /* 1-D operands are promoted to matrices, and the axis dropped after */
  int64_t as[NN_MAX_DIMS], bs[NN_MAX_DIMS];
  int na = a->t.ndim, nb = b->t.ndim;
  memcpy (as, a->t.shape, sizeof as);
  memcpy (bs, b->t.shape, sizeof bs);
  if (na == 1) {
    as[1] = as[0];
    as[0] = 1;
    na = 2;
  }
  if (nb == 1) {
    bs[1] = 1;
    nb = 2;
  }
  matmul_params *p = g_new0 (matmul_params, 1);
  n->params = p;
  p->M = as[na - 2];
  p->K = as[na - 1];
  p->N = bs[nb - 1];
  if (bs[nb - 2] != p->K) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "inner dimensions differ (%" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
        ")", p->K, bs[nb - 2]);
    return FALSE;
  }
  int bdim;
  if (!nn_broadcast_shape (na - 2, as, nb - 2, bs, &bdim, p->bshape)) {
    nn_node_error (error, n, NN_ERROR_SHAPE, "batch axes do not broadcast");
    return FALSE;
  }
  p->bdim = bdim;
  p->batch = nn_shape_numel (bdim, p->bshape);
  /* batch strides of each operand, 0 on broadcast axes */
  int64_t sa = p->M * p->K, sb = p->K * p->N;
  for (int d = bdim - 1; d >= 0; d--) {
    int ia = d - (bdim - (na - 2)), ib = d - (bdim - (nb - 2));
    int64_t da = ia >= 0 ? as[ia] : 1, db = ib >= 0 ? bs[ib] : 1;
    p->astr[d] = da == 1 ? 0 : sa;
    p->bstr[d] = db == 1 ? 0 : sb;
    sa *= da;
    sb *= db;
  }
  p->flat = nb == 2 && nn_shape_numel (na - 2, as) == p->batch;
  /* x @ W with constant W and several rows: W packed once at load into
   * the AVX-512 or AVX2 kernel's column panels (64-byte aligned, in the
   * params block so that it is freed with them) */
  if (p->flat && b->is_const && p->batch * p->M >= 4
      && nn_isa_get () >= NN_ISA_AVX2) {
    size_t floats = packed_b_size (p->K, p->N);
    matmul_params *q = g_malloc0 (sizeof *q + floats * sizeof (float) + 64);
    *q = *p;
    g_free (p);
    n->params = p = q;
    float *bp = (float *) (((uintptr_t) (q + 1) + 63) & ~(uintptr_t) 63);
    pack_b (p->K, p->N, b->t.data, p->N, bp);
    p->bpacked = bp;
    /* every row goes through the packed copy: the loader may free W */
    n->packed_inputs |= 1u << 1;
  }

  int64_t shape[NN_MAX_DIMS];
  int nd = 0;
  for (int d = 0; d < bdim; d++)
    shape[nd++] = p->bshape[d];
  if (a->t.ndim > 1)
    shape[nd++] = p->M;
  if (b->t.ndim > 1)
    shape[nd++] = p->N;
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, nd, shape);
  n->run = matmul_kernel;
  return TRUE;
}
