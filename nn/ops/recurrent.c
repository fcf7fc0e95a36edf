/* GRU and LSTM (ONNX semantics: forward, reverse or bidirectional;
 * sequence_lens; initial states; LSTM peepholes; GRU linear_before_reset).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Per direction, the input projection X·Wᵀ of every time step is one sgemm
 * into scratch; each step then needs one sgemm H·Rᵀ and the gate loops.
 * With AVX-512 and constant W and R, both are packed at load into the
 * product's 32-column panels (no per-run transposing or packing), and a
 * step of batch 1 is one matrix-vector pass over the packed R
 * (nn_sgemv_avx512_packed) instead of OpenBLAS's sgemv. With AVX2 alone,
 * R of batch 1 is packed into the same panels for nn_sgemv_avx2_packed
 * (NN_PROFILE, one thread: the zoo lstm's two layers of 256 units and
 * 100 steps 4.8 ms against 5.3 with OpenBLAS's sgemm per step), and the
 * projection is shared between the workers (two threads: 2.5-2.6 ms
 * against 3.3-3.9): W of up to 512 inputs packed for our product, by
 * rows of X, wider W on OpenBLAS by column blocks.
 * Gate order: GRU z, r, h; LSTM i, o, f, c (as in the ONNX spec).
 */
#include "../nn-private.h"
#include "../kernels/kernels.h"

#include <math.h>
#include <string.h>

typedef struct {
  gboolean lstm;
  int dirs;                     /* 1 or 2 */
  gboolean reverse;             /* for dirs == 1 */
  gboolean linear_before_reset;
  float clip;                   /* INFINITY: none */
  int64_t seq, batch, in, hid, gates;
  /* packed at load (AVX-512, constant W and R), per direction dir_*
   * floats apart: W as [IN][G*H] panels; R's first rcols columns
   * (all, or z and r of a GRU without linear_before_reset) as [H][rcols]
   * and the GRU's h columns as [H][H] */
  const float *wpk, *rpk, *rhpk;
  int64_t rcols, dir_w, dir_r, dir_rh;
  gboolean avx2;                /* R packed for nn_sgemv_avx2_packed */
  float zeros[];                /* 3 * hid: stands in for absent vectors */
} rnn_params;

#define sigm nn_sigmoidf

static inline float
clipf (float x, float c)
{
  return x < -c ? -c : (x > c ? c : x);
}

/* One time step's gates for one batch row: xg = X·Wᵀ (+ biases), hg = H·Rᵀ
 * for this row. Branch-free so they vectorize: absent peepholes and biases
 * come in as zero vectors, and "no clip" is an infinite clip. */
NN_VECTORIZE static void
lstm_gates (int64_t H, int64_t k0, int64_t k1, const float *restrict xg,
    const float *restrict hg, const float *restrict pp, float clip,
    float *restrict hb, float *restrict cb)
{
  for (int64_t k = k0; k < k1; k++) {
    float ct = cb[k];
    float ig = sigm (clipf (xg[k] + hg[k] + pp[k] * ct, clip));
    float fg = sigm (clipf (xg[2 * H + k] + hg[2 * H + k] + pp[2 * H + k] * ct,
            clip));
    float cg = nn_tanhf (clipf (xg[3 * H + k] + hg[3 * H + k], clip));
    float cn = fg * ct + ig * cg;
    float og = sigm (clipf (xg[H + k] + hg[H + k] + pp[H + k] * cn, clip));
    cb[k] = cn;
    hb[k] = og * nn_tanhf (cn);
  }
}

NN_VECTORIZE static void
gru_gates (int64_t H, int64_t k0, int64_t k1, const float *restrict xg,
    const float *restrict hg, const float *restrict rbh,
    gboolean linear_before_reset, float clip, const float *hp, float *hb)
{
  if (linear_before_reset) {
    for (int64_t k = k0; k < k1; k++) {
      float z = sigm (clipf (xg[k] + hg[k], clip));
      float rg = sigm (clipf (xg[H + k] + hg[H + k], clip));
      float hh = nn_tanhf (clipf (xg[2 * H + k] + rg * (hg[2 * H + k]
                  + rbh[k]), clip));
      hb[k] = (1.0f - z) * hh + z * hp[k];
    }
  } else {
    for (int64_t k = k0; k < k1; k++) {
      float z = sigm (clipf (xg[k] + hg[k], clip));
      float hh = nn_tanhf (clipf (xg[2 * H + k] + hg[2 * H + k] + rbh[k],
              clip));
      hb[k] = (1.0f - z) * hh + z * hp[k];
    }
  }
}

NN_VECTORIZE static void
add_row (float *restrict y, const float *restrict b, int64_t n)
{
  for (int64_t k = 0; k < n; k++)
    y[k] += b[k];
}

static int64_t
seq_len (const nn_node * node, nn_tensor * const *in, const rnn_params * p,
    int64_t b)
{
  const nn_tensor *sl = node->n_in > 4 ? in[4] : NULL;
  if (!sl)
    return p->seq;
  int64_t v = sl->type == NN_TYPE_INT64 ? ((const int64_t *) sl->data)[b]
      : ((const int32_t *) sl->data)[b];
  return CLAMP (v, 0, p->seq);
}

/* y[0..N) = x[0..K) times R's panels packed at load, batch 1 */
static inline void
step_gemv (const rnn_params * p, int64_t N, int64_t K, const float *x,
    const float *bp, float *y)
{
  if (p->avx2)
    nn_sgemv_avx2_packed (N, K, x, bp, y);
  else
    nn_sgemv_avx512_packed (N, K, x, bp, y);
}

/* one step of batch 1 split over the workers: hidden units [q0 32,
 * q1 32) each, their columns of every gate in H·Rᵀ (one matrix-vector
 * pass per gate over the packed R) and their gates; H is read from one
 * buffer and written to the other, so the steps need no other barrier */
typedef struct {
  const rnn_params *p;
  const float *xg, *rpk, *pp, *rbh, *hp;
  float *hr, *hb, *cb, *y;
} step_job;

static void
step_units (void *data, int64_t q0, int64_t q1, void *scratch)
{
  const step_job *j = data;
  const rnn_params *p = j->p;
  const int64_t H = p->hid;
  int64_t k0 = q0 * 32, k1 = MIN (H, q1 * 32);
  for (int64_t g = 0; g < p->gates; g++)
    step_gemv (p, k1 - k0, H, j->hp, j->rpk + (g * H + k0) * H,
        j->hr + g * H + k0);
  if (p->lstm)
    lstm_gates (H, k0, k1, j->xg, j->hr, j->pp, p->clip, j->hb, j->cb);
  else
    gru_gates (H, k0, k1, j->xg, j->hr, j->rbh, TRUE, p->clip, j->hp, j->hb);
  if (j->y)
    memcpy (j->y + k0, j->hb + k0, (k1 - k0) * sizeof (float));
}

typedef struct {
  const nn_node *node;
  nn_tensor *const *in, *const *out;
} dir_job;

/* the input projection X·Wᵀ shared by the session's workers: W unpacked
 * (OpenBLAS, which the runtime keeps on one thread) by blocks of 64 of its
 * G·H columns, W packed for the AVX2 product by rows of X */
typedef struct {
  int64_t rows, cols, in;
  const float *x, *w;
  float *xw;
} proj_job;

/* with W packed at load for the AVX2 product: rows [r0, r1) */
static void
proj_packed_rows (void *data, int64_t r0, int64_t r1, void *scratch)
{
  const proj_job *j = data;
  nn_sgemm_avx2_packed_b (r1 - r0, j->cols, j->in, j->x + r0 * j->in, j->in,
      j->w, j->xw + r0 * j->cols, j->cols);
}

static void
proj_range (void *data, int64_t b0, int64_t b1, void *scratch)
{
  const proj_job *j = data;
  int64_t c0 = b0 * 64, c1 = MIN (j->cols, b1 * 64);
  nn_sgemm (FALSE, TRUE, j->rows, c1 - c0, j->in, 1.0f, j->x, j->in,
      j->w + c0 * j->in, j->in, 0.0f, j->xw + c0, j->cols);
}

static void rnn_direction (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, int d, void *scratch);

static void
dir_range (void *data, int64_t d0, int64_t d1, void *scratch)
{
  const dir_job *j = data;
  for (int64_t d = d0; d < d1; d++)
    rnn_direction (j->node, j->in, j->out, (int) d, scratch);
}

static void
rnn_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const rnn_params *p = node->params;
  float *y = node->n_out > 0 && out[0] ? out[0]->data : NULL;
  if (y)
    memset (y, 0, p->seq * p->dirs * p->batch * p->hid * sizeof (float));
  /* the directions of a bidirectional layer on two workers, each in its
   * own scratch */
  dir_job j = {.node = node,.in = in,.out = out };
  nn_parallel_for (p->dirs, 1, dir_range, &j, scratch);
}

static void
rnn_direction (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, int d, void *scratch)
{
  const rnn_params *p = node->params;
  int64_t S = p->seq, B = p->batch, IN = p->in, H = p->hid, G = p->gates;
  const float *x = in[0]->data;
  float *xw = scratch;                          /* [S*B, G*H] */
  float *hr = xw + S * B * G * H;               /* [B, G*H] */
  float *h = hr + B * G * H;                    /* [B, H] */
  float *c = h + B * H;                         /* [B, H] */
  float *tmp = c + B * H;                       /* [B, H]: r⊙H for GRU */
  float *h2 = tmp + B * H + G * H;              /* [B, H]: H of the next
                                                 * step (split steps) */
  float *y = node->n_out > 0 && out[0] ? out[0]->data : NULL;
  float *yh = node->n_out > 1 && out[1] ? out[1]->data : NULL;
  float *yc = node->n_out > 2 && out[2] ? out[2]->data : NULL;
  const nn_tensor *bias_t = node->n_in > 3 ? in[3] : NULL;
  const nn_tensor *h0 = node->n_in > 5 ? in[5] : NULL;
  const nn_tensor *c0 = p->lstm && node->n_in > 6 ? in[6] : NULL;
  const nn_tensor *peep = p->lstm && node->n_in > 7 ? in[7] : NULL;

  {
    gboolean rev = p->dirs == 2 ? d == 1 : p->reverse;
    /* the originals are gone when packed at load */
    const float *w = p->wpk ? NULL : (const float *) in[1]->data
        + d * G * H * IN;
    const float *r = p->rpk ? NULL : (const float *) in[2]->data
        + d * G * H * H;
    const float *wb = bias_t ? (const float *) bias_t->data + d * 2 * G * H :
        NULL;
    const float *rb = wb ? wb + G * H : NULL;
    const float *pp = peep ? (const float *) peep->data + d * 3 * H : NULL;

    const float *rpk = p->rpk ? p->rpk + d * p->dir_r : NULL;
    const float *rhpk = p->rhpk ? p->rhpk + d * p->dir_rh : NULL;
    if (p->wpk && p->avx2) {
      proj_job pj = {.rows = S * B,.cols = G * H,.in = IN,.x = x,
        .w = p->wpk + d * p->dir_w,.xw = xw
      };
      nn_parallel_for (S * B, MAX (6, nn_parallel_grain (S * B, (double) S
                  * B * G * H * IN)), proj_packed_rows, &pj, NULL);
    } else if (p->wpk) {
      nn_sgemm_avx512_packed_b (S * B, G * H, IN, x, IN, p->wpk
          + d * p->dir_w, xw, G * H);
    } else {
      proj_job pj = {.rows = S * B,.cols = G * H,.in = IN,.x = x,.w = w,
        .xw = xw
      };
      int64_t blocks = (G * H + 63) / 64;
      nn_parallel_for (blocks, nn_parallel_grain (blocks, (double) S * B
              * G * H * IN), proj_range, &pj, NULL);
    }
    if (wb) {
      /* both biases once (the GRU's recurrent bias of the h gate stays
       * separate), then one vectorized add per row */
      float *bsum = tmp + B * H;
      for (int64_t k = 0; k < G * H; k++)
        bsum[k] = wb[k] + (p->lstm || k < 2 * H ? rb[k] : 0.0f);
      for (int64_t row = 0; row < S * B; row++)
        add_row (xw + row * G * H, bsum, G * H);
    }
    if (h0)
      memcpy (h, (const float *) h0->data + d * B * H, B * H * sizeof (float));
    else
      memset (h, 0, B * H * sizeof (float));
    if (c0)
      memcpy (c, (const float *) c0->data + d * B * H, B * H * sizeof (float));
    else
      memset (c, 0, B * H * sizeof (float));

    /* batch 1 with R packed, each step split over the workers when it
     * is worth a hand-out (~1 us: LSTM and GRU of 256 units) */
    gboolean split = rpk && B == 1 && H % 32 == 0 && nn_parallel_workers ()
        > 1 && (p->lstm || p->linear_before_reset) && !(node->n_in > 4
        && in[4]) && (double) G * H * H >= 2.0 * NN_PARALLEL_MIN_WORK;
    for (int64_t s = 0; split && s < S; s++) {
      int64_t t = rev ? S - 1 - s : s;
      float *hp = s % 2 ? h2 : h, *hb = s % 2 ? h : h2;
      step_job sj = {.p = p,.xg = xw + t * G * H,.rpk = rpk,
        .pp = pp ? pp : p->zeros,.rbh = rb ? rb + 2 * H : p->zeros,.hp = hp,
        .hr = hr,.hb = hb,.cb = c,.y = y ? y + (t * p->dirs + d) * H : NULL
      };
      nn_parallel_for (H / 32, 1, step_units, &sj, NULL);
      if (s == S - 1 && hb != h)
        memcpy (h, hb, H * sizeof (float));
    }
    for (int64_t s = 0; !split && s < S; s++) {
      int64_t t = rev ? S - 1 - s : s;
      /* GRU without linear_before_reset needs (r⊙H)·Rhᵀ: only z and r
       * come from H·Rᵀ here */
      int64_t ncols = !p->lstm && !p->linear_before_reset ? 2 * H : G * H;
      if (rpk && B == 1)
        step_gemv (p, ncols, H, h, rpk, hr);
      else if (rpk)
        nn_sgemm_avx512_packed_b (B, ncols, H, h, H, rpk, hr, G * H);
      else
        nn_sgemm (FALSE, TRUE, B, ncols, H, 1.0f, h, H, r, H, 0.0f, hr,
            G * H);
      if (!p->lstm && !p->linear_before_reset) {
        for (int64_t b = 0; b < B; b++)
          for (int64_t k = 0; k < H; k++) {
            float rg = sigm (clipf (xw[(t * B + b) * G * H + H + k]
                    + hr[b * G * H + H + k], p->clip));
            tmp[b * H + k] = rg * h[b * H + k];
          }
        if (rhpk && B == 1)
          step_gemv (p, H, H, tmp, rhpk, hr + 2 * H);
        else if (rhpk)
          nn_sgemm_avx512_packed_b (B, H, H, tmp, H, rhpk, hr + 2 * H, G * H);
        else
          nn_sgemm (FALSE, TRUE, B, H, H, 1.0f, tmp, H, r + 2 * H * H, H,
              0.0f, hr + 2 * H, G * H);
      }
      for (int64_t b = 0; b < B; b++) {
        if (t >= seq_len (node, in, p, b))
          continue;
        const float *xg = xw + (t * B + b) * G * H;
        const float *hg = hr + b * G * H;
        float *hb = h + b * H, *cb = c + b * H;
        if (p->lstm)
          lstm_gates (H, 0, H, xg, hg, pp ? pp : p->zeros, p->clip, hb, cb);
        else
          gru_gates (H, 0, H, xg, hg, rb ? rb + 2 * H : p->zeros,
              p->linear_before_reset, p->clip, hb, hb);
        if (y)
          memcpy (y + ((t * p->dirs + d) * B + b) * H, hb,
              H * sizeof (float));
      }
    }
    if (yh)
      memcpy (yh + d * B * H, h, B * H * sizeof (float));
    if (yc)
      memcpy (yc + d * B * H, c, B * H * sizeof (float));
  }
}

static gboolean
check_activations (nn_node * n, gboolean lstm, int dirs, GError ** error)
{
  const Onnx__AttributeProto *a = nn_attr (n, "activations");
  if (!a)
    return TRUE;
  static const char *gru[] = { "Sigmoid", "Tanh" };
  static const char *lstm_acts[] = { "Sigmoid", "Tanh", "Tanh" };
  const char **want = lstm ? lstm_acts : gru;
  size_t per = lstm ? 3 : 2;
  gboolean ok = a->n_strings == per * dirs;
  for (size_t i = 0; ok && i < a->n_strings; i++) {
    const char *w = want[i % per];
    ok = a->strings[i].len == strlen (w)
        && g_ascii_strncasecmp ((const char *) a->strings[i].data, w,
        a->strings[i].len) == 0;
  }
  if (!ok)
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "only the default activations are supported");
  return ok;
}

static gboolean
prepare_rnn (nn_graph * g, nn_node * n, gboolean lstm, GError ** error)
{
  nn_value *x = nn_in (g, n, 0), *w = nn_in (g, n, 1), *r = nn_in (g, n, 2);
  int64_t G = lstm ? 4 : 3;
  if (!x || !w || !r || x->t.ndim != 3 || w->t.ndim != 3 || r->t.ndim != 3
      || x->t.type != NN_TYPE_FLOAT) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "needs 3-D float X, W and R");
    return FALSE;
  }
  if (nn_attr_int (n, "layout", 0) != 0) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "layout=1 (batch first) is not supported");
    return FALSE;
  }
  if (lstm && nn_attr_int (n, "input_forget", 0) != 0) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "input_forget=1 is not supported");
    return FALSE;
  }
  char buf[32];
  const char *dir = nn_attr_string (n, "direction", buf, sizeof buf,
      "forward");
  int64_t hid = nn_attr_int (n, "hidden_size", r->t.shape[2]);
  if (hid < 1 || hid > NN_MAX_DIM / 4) {
    nn_node_error (error, n, NN_ERROR_INVALID, "invalid hidden_size");
    return FALSE;
  }
  rnn_params *p = g_malloc0 (sizeof (rnn_params) + 3 * hid * sizeof (float));
  n->params = p;
  p->lstm = lstm;
  p->dirs = strcmp (dir, "bidirectional") == 0 ? 2 : 1;
  p->reverse = strcmp (dir, "reverse") == 0;
  if (p->dirs == 1 && !p->reverse && strcmp (dir, "forward") != 0) {
    nn_node_error (error, n, NN_ERROR_INVALID, "unknown direction '%s'", dir);
    return FALSE;
  }
  if (!check_activations (n, lstm, p->dirs, error))
    return FALSE;
  p->linear_before_reset = nn_attr_int (n, "linear_before_reset", 0) != 0;
  p->clip = nn_attr_float (n, "clip", 0.0f);
  if (!(p->clip > 0.0f))
    p->clip = INFINITY;
  p->seq = x->t.shape[0];
  p->batch = x->t.shape[1];
  p->in = x->t.shape[2];
  p->hid = hid;
  p->gates = G;
  int64_t H = p->hid;
  gboolean ok = w->t.shape[0] == p->dirs && w->t.shape[1] == G * H
      && w->t.shape[2] == p->in && r->t.shape[0] == p->dirs
      && r->t.shape[1] == G * H && r->t.shape[2] == H;
  nn_value *b = nn_in (g, n, 3), *h0 = nn_in (g, n, 5);
  nn_value *c0 = lstm ? nn_in (g, n, 6) : NULL;
  nn_value *pp = lstm ? nn_in (g, n, 7) : NULL;
  nn_value *sl = nn_in (g, n, 4);
  ok = ok && (!b || nn_tensor_numel (&b->t) == p->dirs * 2 * G * H);
  ok = ok && (!h0 || nn_tensor_numel (&h0->t) == p->dirs * p->batch * H);
  ok = ok && (!c0 || nn_tensor_numel (&c0->t) == p->dirs * p->batch * H);
  ok = ok && (!pp || nn_tensor_numel (&pp->t) == p->dirs * 3 * H);
  ok = ok && (!sl || (nn_tensor_numel (&sl->t) == p->batch
          && (sl->t.type == NN_TYPE_INT32 || sl->t.type == NN_TYPE_INT64)));
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "W, R, B, sequence_lens or initial states do not fit X and "
        "hidden_size %" G_GINT64_FORMAT, H);
    return FALSE;
  }
  int64_t yshape[4] = { p->seq, p->dirs, p->batch, H };
  int64_t hshape[3] = { p->dirs, p->batch, H };
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, 4, yshape);
  nn_set_out (g, n, 1, NN_TYPE_FLOAT, 3, hshape);
  if (lstm)
    nn_set_out (g, n, 2, NN_TYPE_FLOAT, 3, hshape);
  n->scratch_bytes = (size_t) (p->seq * p->batch * G * H + p->batch * G * H
      + 4 * p->batch * H + G * H) * sizeof (float);
  /* W and R packed once for the AVX-512 product; with AVX2, for batch 1,
   * W for nn_sgemm_avx2_packed_b (16-column panels of Wᵀ) and R for the
   * matrix-vector pass; the kernel then never reads what was packed (the
   * loader frees it) */
  nn_isa isa = nn_isa_get ();
  /* (AVX2: W up to 512 inputs: the lstm, layers of 64 and 256 inputs,
   * 0.968x as a whole against OpenBLAS; the crnn's GRU over 1024 inputs
   * ran 2.78 ms packed against 2.39 in one pair of runs, no better than
   * this machine's noise, so wider W stays on OpenBLAS) */
  gboolean pack_w = w->is_const && (isa == NN_ISA_AVX512 || p->in <= 512);
  if (r->is_const && (isa == NN_ISA_AVX512 || (isa == NN_ISA_AVX2
              && p->batch == 1))) {
    gboolean split = !lstm && !p->linear_before_reset;
    p->avx2 = isa == NN_ISA_AVX2;
    p->rcols = split ? 2 * H : G * H;
    /* Wᵀ's panels: 32 columns for AVX-512's product, 16 for AVX2's, both
     * W's rows as row panels */
    int64_t wmr = p->avx2 ? 16 : 32;
    p->dir_w = pack_w ? nn_row_panels_size (G * H, p->in, wmr) : 0;
    /* Rᵀ's rows as panels of 32: the layout of both ISAs' passes */
    p->dir_r = nn_row_panels_size (p->rcols, H, 32);
    p->dir_rh = split ? nn_row_panels_size (H, H, 32) : 0;
    size_t floats = p->dirs * (p->dir_w + p->dir_r + p->dir_rh);
    rnn_params *q = g_malloc0 (sizeof *q + 3 * hid * sizeof (float)
        + floats * sizeof (float) + 64);
    memcpy (q, p, sizeof *q);
    g_free (p);
    n->params = p = q;
    float *buf = (float *) (((uintptr_t) ((char *) (q + 1) + 3 * hid
                * sizeof (float)) + 63) & ~(uintptr_t) 63);
    float *wpk = buf, *rpk = wpk + p->dirs * p->dir_w;
    float *rhpk = rpk + p->dirs * p->dir_r;
    for (int d = 0; d < p->dirs; d++) {
      const float *wd = (const float *) w->t.data + d * G * H * p->in;
      const float *rd = (const float *) r->t.data + d * G * H * H;
      if (pack_w)
        nn_pack_row_panels (G * H, p->in, wd, p->in, wmr, wpk + d * p->dir_w);
      nn_pack_row_panels (p->rcols, H, rd, H, 32, rpk + d * p->dir_r);
      if (split)
        nn_pack_row_panels (H, H, rd + 2 * H * H, H, 32, rhpk
            + d * p->dir_rh);
    }
    p->wpk = pack_w ? wpk : NULL;
    p->rpk = rpk;
    p->rhpk = split ? rhpk : NULL;
    n->packed_inputs |= (pack_w ? 1u << 1 : 0) | (1u << 2);
  }
  n->run = rnn_kernel;
  return TRUE;
}

gboolean
nn_prepare_gru (nn_graph * g, nn_node * n, GError ** error)
{
  return prepare_rnn (g, n, FALSE, error);
}

gboolean
nn_prepare_lstm (nn_graph * g, nn_node * n, GError ** error)
{
  return prepare_rnn (g, n, TRUE, error);
}
