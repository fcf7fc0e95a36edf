/* Video preprocessing (docs/model-format.md, video inputs).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A frame goes straight into the model's grid, without converting the
 * whole frame first. Every component (R, G, B or Y, U, V, or gray) is
 * described by where its samples sit: plane, offset and stride in samples,
 * subsampling, bit depth. Planar, semi-planar and packed formats, 8 and 10
 * bits, are then one code path.
 *
 * Shrinking (the common case: camera frames into a small model input) is
 * integer work. Each output pixel is the mean of the input pixels it
 * covers, with PyTorch's adaptive-pooling ranges [floor(o·in/out),
 * ceil((o+1)·in/out)) (F.interpolate(mode="area")), which is separable:
 * each plane is read front to back, row after row, each row added into
 * the row of 16-bit sums of the output row whose window holds it (and of
 * the next one when the two windows share it: two rows of sums), by the
 * row kernels of mmpreprocess-simd.c (AVX-512 or AVX2 chosen at run time,
 * the ORC programs of mmpreprocess-kernels.orc elsewhere); when an output
 * row's sums are complete, each output column sums its window of them
 * (AVX-512 permute patterns made once per geometry, AVX2 dot products, or
 * C the compiler vectorizes; the reasons for each choice are in
 * mmpreprocess-simd.c; U and V with the same windows go through one
 * pattern together). Where a chroma row falls in three windows (mild
 * shrinks) the rows of each window are summed side by side instead. Sums
 * stay below 32768 (window rows × largest sample), or the float path
 * below takes the geometry. Subsampled chroma
 * takes the weight of the luma pixels each sample covers (1 or 2), so it
 * stays registered with luma. The mean's division, the colour matrix of
 * the stream's colorimetry, clamping and normalization x = (v/255 −
 * mean[c]) / std[c] are folded into one set of multiply-adds per output
 * pixel and channel (sums_rgb_row).
 *
 * Enlarging (bilinear, half-pixel centres, align_corners=False), and
 * shrinking where the 16-bit sums could overflow, take the float path:
 * per output column and row a list of taps (index, weight) made once per
 * geometry. YUV enlarged converts each tap to RGB before blending, as
 * per-pixel conversion would. Letterbox and crop become a destination or
 * source rectangle.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmpreprocess.h"
#include "mmpreprocess-kernels.h"
#include "mmpreprocess-simd.h"

#include <math.h>
#include <string.h>

/* which path and kernels a geometry gets: GST_DEBUG=mmpreprocess:4 */
GST_DEBUG_CATEGORY_STATIC (mm_preprocess_debug);
#define GST_CAT_DEFAULT mm_preprocess_debug

/* the float path reads every pixel too when it runs: an AVX2+FMA clone
 * beside the baseline one, chosen at load time (GCC function
 * multiversioning) */
/* not under ThreadSanitizer: the clones' resolvers run while the program
 * is relocated, before TSan's runtime is up, and crash every test binary */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) \
    && !defined(__SANITIZE_THREAD__)
#define MM_VECTORIZE __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MM_VECTORIZE
#endif

/* how far ahead of the windows the planes are prefetched (1080p I420 into
 * 224x224: 0.35 ms with, 0.40 without; 4 to 32 KiB within the noise of
 * each other) */
#define PREFETCH_AHEAD 8192

/* largest window, in samples, the integer path takes per output column */
#define MAX_WINDOW 512

typedef struct {
  gint *first, *count;          /* per output index */
  gfloat *weights;              /* count[o] weights from offset[o] */
  gint *offset;
} Axis;

/* Where one component's samples are. */
typedef struct {
  gint plane;                   /* frame plane */
  gint offset;                  /* in samples, from the start of a row */
  gint pstride;                 /* samples between pixels */
  gint sub_x, sub_y;            /* log2 subsampling */
} Source;

typedef enum { SRC_RGB, SRC_YUV, SRC_GRAY } SrcKind;

/* integer path: one plane's vertical sums */
typedef struct {
  gint e0, n;                   /* sample span summed per row */
  gint *roff, *rcount;          /* per output row: its source rows */
  gint *rows;
  gint16 *rw;                   /* row weights */
  gint16 *acc;                  /* two rows of n + MAX_WINDOW sums, zero
                                 * padded: output rows oy & 1 */
  gsize acc_len;                /* of one row of sums */
  gsize fetched;                /* bytes of the plane prefetched so far */
  gsize plane_bytes;            /* of this frame's plane */
  gint height;                  /* rows in the plane */
  gint ahead;                   /* rows the row kernels prefetch ahead */
} VPlane;

/* integer path: one component's horizontal windows */
typedef struct {
  gint32 *start;                /* per output column, into its plane's acc */
  gint16 *w;                    /* dw * K weights */
  gint K;
} HTaps;

struct _MmPreprocess {
  MmModelInput in;
  SrcKind kind;
  gint n_sources;               /* 3 (RGB or YUV) or 1 (gray) */
  Source src[3];
  gint bytes;                   /* per sample: 1 or 2 */
  gint shift;                   /* of samples in their 16 bits (P010: 6) */
  gint maxval;                  /* largest sample value after the shift */
  /* destination rectangle in the model grid */
  gint dx, dy, dw, dh;
  gfloat *planes;               /* n_sources * dw * dh, native units */

  /* integer path */
  gboolean integer;
  gint n_planes;
  VPlane vp[4];
  HTaps ht[3];
  gint32 *sums;                 /* n_sources * dw */
  gfloat *inv_cx, *inv_cy;      /* 1 / window size, per column and row */
  MmHsumFunc hsum;
  /* AVX-512 horizontal sums per component, or NULL (pp->hsum); V reads
   * with U's pattern, uv_shift samples on, when uv_shared */
  MmHplan *hplan[3];
  gboolean uv_shared;
  gint uv_shift;
  MmVsumFunc vsum;              /* NULL: the ORC programs */
  MmVaccFunc vacc;
  /* the planes are read front to back (vacc), unless a source row belongs
   * to three output rows (then vsum, each output row's rows side by side) */
  gboolean stream;
  /* colour, normalization and the mean's division folded (3 channels):
   * out[c] = clamp (s · (k[c][0]·A + k[c][1]·B + k[c][2]·C) + k[c][3],
   * lo[c], hi[c]) with A, B, C the sums of Y, U, V (or of R, G, B: then
   * only the diagonal is not 0) and s = 1 / window area; c = R, G, B */
  gfloat k[3][4], lo[3], hi[3];

  /* float path: per source its axes (planes differ in size for YUV) */
  Axis ax[3], ay[3];
  /* no axis shrinks: few taps per output pixel, so each tap of YUV is
   * converted (and clamped) before blending, as per-pixel conversion
   * would */
  gboolean per_tap;
  Axis lx, ly;                  /* full-resolution taps */

  /* colour: native units to 0..1 (RGB and gray), YUV to RGB */
  gfloat unit;
  gfloat y_mul, y_add, c_mul, c_add;    /* Y, U, V to 0..1 and ±0.5 */
  gfloat crv, cgu, cgv, cbu;    /* the matrix */
  /* normalization, folded: x = v * norm_mul[c] + norm_add[c] */
  gfloat norm_mul[3], norm_add[3];
  gfloat fill[3];               /* normalized black outside the rectangle */
};

/* the formats preprocessed natively (MM_PREPROCESS_FORMATS lists them for
 * caps) */
static gboolean
format_supported (GstVideoFormat fmt)
{
  switch (fmt) {
    case GST_VIDEO_FORMAT_RGB:
    case GST_VIDEO_FORMAT_BGR:
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_xRGB:
    case GST_VIDEO_FORMAT_xBGR:
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_BGRA:
    case GST_VIDEO_FORMAT_ARGB:
    case GST_VIDEO_FORMAT_ABGR:
    case GST_VIDEO_FORMAT_GRAY8:
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_YV12:
    case GST_VIDEO_FORMAT_NV12:
    case GST_VIDEO_FORMAT_NV21:
    case GST_VIDEO_FORMAT_Y42B:
    case GST_VIDEO_FORMAT_Y444:
    case GST_VIDEO_FORMAT_YUY2:
    case GST_VIDEO_FORMAT_UYVY:
    case GST_VIDEO_FORMAT_YVYU:
    case GST_VIDEO_FORMAT_I420_10LE:
    case GST_VIDEO_FORMAT_Y444_10LE:
    case GST_VIDEO_FORMAT_P010_10LE:
      return TRUE;
    default:
      return FALSE;
  }
}

gboolean
mm_preprocess_supports (GstVideoFormat format)
{
  return format_supported (format);
}

gboolean
mm_preprocess_caps_other_raw (const GstCaps * caps)
{
  if (!caps || !gst_caps_is_fixed (caps))
    return FALSE;
  GstCapsFeatures *f = gst_caps_get_features (caps, 0);
  if (f && !gst_caps_features_is_equal (f,
          GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY))
    return FALSE;
  GstStructure *s = gst_caps_get_structure (caps, 0);
  const gchar *format = gst_structure_get_string (s, "format");
  if (!gst_structure_has_name (s, "video/x-raw") || !format)
    return FALSE;
  GstVideoFormat fmt = gst_video_format_from_string (format);
  return fmt != GST_VIDEO_FORMAT_UNKNOWN && fmt != GST_VIDEO_FORMAT_ENCODED
      && !format_supported (fmt);
}

static void
axis_free (Axis * a)
{
  g_free (a->first);
  g_free (a->count);
  g_free (a->offset);
  g_free (a->weights);
}

/* the per-output arrays of an axis; weights are gathered in the returned
 * array and taken over by the caller */
static GArray *
axis_alloc (Axis * a, gint out)
{
  a->first = g_new (gint, out);
  a->count = g_new (gint, out);
  a->offset = g_new (gint, out);
  return g_array_new (FALSE, FALSE, sizeof (gfloat));
}

/* the area window of output o: [*s, *e) of `in` inputs */
static void
area_window (gint o, gint in, gint out, gint * s, gint * e)
{
  *s = (gint) (((gint64) o * in) / out);
  *e = (gint) (((gint64) (o + 1) * in + out - 1) / out);
}

/* taps for `out` outputs from `in` inputs starting at input `start` */
static void
axis_build (Axis * a, gint start, gint in, gint out)
{
  GArray *w = axis_alloc (a, out);
  for (gint o = 0; o < out; o++) {
    a->offset[o] = (gint) w->len;
    if (out <= in) {
      gint s, e;
      area_window (o, in, out, &s, &e);
      a->first[o] = start + s;
      a->count[o] = e - s;
      gfloat v = 1.0f / (e - s);
      for (gint k = s; k < e; k++)
        g_array_append_val (w, v);
    } else {
      double src = (o + 0.5) * in / out - 0.5;
      if (src < 0.0)
        src = 0.0;
      gint i0 = (gint) floor (src);
      gint i1 = MIN (i0 + 1, in - 1);
      gfloat f = (gfloat) (src - i0);
      a->first[o] = start + i0;
      if (i1 == i0) {
        a->count[o] = 1;
        gfloat one = 1.0f;
        g_array_append_val (w, one);
      } else {
        a->count[o] = 2;
        gfloat w0 = 1.0f - f;
        g_array_append_val (w, w0);
        g_array_append_val (w, f);
      }
    }
  }
  a->weights = (gfloat *) g_array_free (w, FALSE);
}

/* Taps on a plane subsampled by 2^sub, derived from the full-resolution
 * taps: each luma tap gives its weight to the chroma sample covering it
 * (luma x uses chroma x >> sub). Deriving them, rather than resampling the
 * chroma plane on its own grid, keeps chroma registered with luma. */
static void
axis_subsample (Axis * a, const Axis * luma, gint sub, gint out)
{
  GArray *w = axis_alloc (a, out);
  for (gint o = 0; o < out; o++) {
    a->offset[o] = (gint) w->len;
    a->first[o] = luma->first[o] >> sub;
    a->count[o] = 0;
    const gfloat *lw = luma->weights + luma->offset[o];
    for (gint k = 0; k < luma->count[o]; k++) {
      gint idx = ((luma->first[o] + k) >> sub) - a->first[o];
      if (idx == a->count[o]) {
        gfloat zero = 0.0f;
        g_array_append_val (w, zero);
        a->count[o]++;
      }
      g_array_index (w, gfloat, a->offset[o] + idx) += lw[k];
    }
  }
  a->weights = (gfloat *) g_array_free (w, FALSE);
}

static gint
round_half_up (double v)
{
  return (gint) floor (v + 0.5);
}

/* Integer path tables, for a shrink of the source rectangle (sx, sy, sw,
 * sh) into dw × dh. FALSE (nothing kept) where the 16-bit row sums could
 * overflow or a window is too wide. */
static gboolean
integer_setup (MmPreprocess * pp, const GstVideoInfo * info, gint sx,
    gint sy, gint sw, gint sh)
{
  gint dw = pp->dw, dh = pp->dh;
  for (gint oy = 0; oy < dh; oy++) {
    gint s, e;
    area_window (oy, sh, dh, &s, &e);
    if ((gint64) (e - s) * pp->maxval > G_MAXINT16
        || e - s > MM_VSUM_MAX_ROWS)
      return FALSE;
  }
  /* horizontal windows, per component, in samples of its plane's row */
  gint plane_of[4] = { -1, -1, -1, -1 };
  pp->stream = TRUE;
  gint lo[4], hi[4];
  for (gint c = 0; c < pp->n_sources; c++) {
    const Source *src = &pp->src[c];
    HTaps *h = &pp->ht[c];
    gint K = 0;
    h->start = g_new (gint32, dw);
    for (gint ox = 0; ox < dw; ox++) {
      gint s, e;
      area_window (ox, sw, dw, &s, &e);
      gint first = ((sx + s) >> src->sub_x) * src->pstride + src->offset;
      gint last = ((sx + e - 1) >> src->sub_x) * src->pstride + src->offset;
      h->start[ox] = first;
      K = MAX (K, last - first + 1);
    }
    K = K <= 8 ? 8 : (K + MM_HSUM_LANES - 1) / MM_HSUM_LANES * MM_HSUM_LANES;
    if (K > MAX_WINDOW)
      return FALSE;
    h->K = K;
    h->w = g_new0 (gint16, (gsize) dw * K);
    for (gint ox = 0; ox < dw; ox++) {
      gint s, e;
      area_window (ox, sw, dw, &s, &e);
      for (gint x = sx + s; x < sx + e; x++)
        h->w[(gsize) ox * K + ((x >> src->sub_x) * src->pstride +
                src->offset) - h->start[ox]]++;
    }
    gint p = src->plane;
    gint end = h->start[dw - 1] + K;
    if (plane_of[p] < 0) {
      plane_of[p] = 0;
      lo[p] = h->start[0];
      hi[p] = end;
    } else {
      lo[p] = MIN (lo[p], h->start[0]);
      hi[p] = MAX (hi[p], end);
    }
  }
  /* per plane: the span summed, its rows per output row */
  pp->n_planes = GST_VIDEO_INFO_N_PLANES (info);
  for (gint p = 0; p < pp->n_planes; p++) {
    VPlane *v = &pp->vp[p];
    if (plane_of[p] < 0)
      continue;                 /* alpha only */
    gint sub_y = 0;
    for (gint c = 0; c < pp->n_sources; c++)
      if (pp->src[c].plane == p)
        sub_y = pp->src[c].sub_y;
    /* the row of samples: up to the last real sample; the padding past it
     * only ever meets zero weights */
    gint row_samples = 0;
    for (gint c = 0; c < pp->n_sources; c++)
      if (pp->src[c].plane == p)
        row_samples = MAX (row_samples, ((GST_VIDEO_INFO_WIDTH (info) - 1)
                >> pp->src[c].sub_x) * pp->src[c].pstride +
            pp->src[c].offset + 1);
    v->e0 = lo[p];
    v->height = GST_VIDEO_SUB_SCALE (sub_y, GST_VIDEO_INFO_HEIGHT (info));
    v->n = MIN (hi[p], row_samples) - lo[p];
    /* cache-line aligned rows of sums: the row kernels store whole
     * vectors, and a store across two lines costs two */
    v->acc_len = ((gsize) (hi[p] - lo[p]) + MAX_WINDOW + 31) & ~(gsize) 31;
    v->acc = g_aligned_alloc0 (2 * v->acc_len, sizeof (gint16), 64);
    v->roff = g_new (gint, dh);
    v->rcount = g_new (gint, dh);
    GArray *rows = g_array_new (FALSE, FALSE, sizeof (gint));
    GArray *rw = g_array_new (FALSE, FALSE, sizeof (gint16));
    for (gint oy = 0; oy < dh; oy++) {
      gint s, e;
      area_window (oy, sh, dh, &s, &e);
      v->roff[oy] = (gint) rows->len;
      for (gint y = sy + s; y < sy + e; y++) {
        gint r = y >> sub_y;
        if (rows->len > (guint) v->roff[oy]
            && g_array_index (rows, gint, rows->len - 1) == r) {
          g_array_index (rw, gint16, rw->len - 1)++;
        } else {
          gint16 one = 1;
          g_array_append_val (rows, r);
          g_array_append_val (rw, one);
        }
      }
      v->rcount[oy] = (gint) rows->len - v->roff[oy];
    }
    v->rows = (gint *) g_array_free (rows, FALSE);
    v->rw = (gint16 *) g_array_free (rw, FALSE);
    /* the row kernels prefetch one window ahead: in one set of
     * alternating runs, 1080p I420 and Y444 into 224x224 took 1.3-1.7x
     * memcpy with it, 2.1-2.7x without (the hardware prefetcher alone),
     * 1.9-2.0x with half a window, 1.7-2.1x with two; prefetching the
     * next window's rows in plane order, spread over the horizontal sums
     * too, 1.5-1.8x. Later runs of the whole table put I420 at 1.7-1.9x */
    gint most = 0;
    for (gint oy = 0; oy < dh; oy++)
      most = MAX (most, v->rcount[oy]);
    v->ahead = most;
    /* front to back needs each row in two output rows at most: the last
     * of one window and the first of the next */
    for (gint oy = 0; oy + 2 < dh; oy++)
      if (v->rows[v->roff[oy + 2]] <= v->rows[v->roff[oy] + v->rcount[oy] -
              1])
        pp->stream = FALSE;
  }
  for (gint c = 0; c < pp->n_sources; c++)
    for (gint ox = 0; ox < dw; ox++)
      pp->ht[c].start[ox] -= pp->vp[pp->src[c].plane].e0;
  pp->inv_cx = g_new (gfloat, dw);
  pp->inv_cy = g_new (gfloat, dh);
  for (gint ox = 0; ox < dw; ox++) {
    gint s, e;
    area_window (ox, sw, dw, &s, &e);
    pp->inv_cx[ox] = 1.0f / (e - s);
  }
  for (gint oy = 0; oy < dh; oy++) {
    gint s, e;
    area_window (oy, sh, dh, &s, &e);
    pp->inv_cy[oy] = 1.0f / (e - s);
  }
  pp->sums = g_new (gint32, (gsize) pp->n_sources * dw);
  pp->hsum = mm_hsum_func ();
  /* U and V of one plane layout have the same windows, V's a constant
   * number of samples on (0 in I420, 1 in NV12): one pattern for both */
  if (pp->kind == SRC_YUV && pp->ht[1].K == pp->ht[2].K
      && pp->src[1].pstride == pp->src[2].pstride
      && pp->src[1].sub_x == pp->src[2].sub_x
      && memcmp (pp->ht[1].w, pp->ht[2].w, (gsize) dw * pp->ht[1].K *
          sizeof (gint16)) == 0) {
    pp->uv_shared = TRUE;
    pp->uv_shift = pp->ht[2].start[0] - pp->ht[1].start[0];
    for (gint ox = 0; ox < dw; ox++)
      if (pp->ht[2].start[ox] - pp->ht[1].start[ox] != pp->uv_shift)
        pp->uv_shared = FALSE;
  }
  /* the AVX-512 patterns where they are the cheaper choice (V with U's
   * when the two share windows) */
  for (gint c = 0; c < pp->n_sources; c++)
    if (c != 2 || !pp->uv_shared || !pp->hplan[1])
      pp->hplan[c] = mm_hplan_new (pp->ht[c].start, pp->ht[c].w,
          pp->ht[c].K, dw);
  MmSamples samples = pp->bytes == 1 ? MM_SAMPLES_U8 : pp->shift ?
      MM_SAMPLES_P010 : MM_SAMPLES_U16;
  pp->vsum = mm_vsum_func (samples);
  pp->vacc = mm_vacc_func (samples);
  return TRUE;
}

static void
integer_free (MmPreprocess * pp)
{
  for (gint p = 0; p < 4; p++) {
    g_free (pp->vp[p].roff);
    g_free (pp->vp[p].rcount);
    g_free (pp->vp[p].rows);
    g_free (pp->vp[p].rw);
    g_aligned_free (pp->vp[p].acc);
  }
  for (gint c = 0; c < 3; c++) {
    g_free (pp->ht[c].start);
    g_free (pp->ht[c].w);
    mm_hplan_free (pp->hplan[c]);
    pp->hplan[c] = NULL;
  }
  g_free (pp->sums);
  g_free (pp->inv_cx);
  g_free (pp->inv_cy);
  memset (pp->vp, 0, sizeof pp->vp);
  memset (pp->ht, 0, sizeof pp->ht);
  pp->sums = NULL;
  pp->inv_cx = pp->inv_cy = NULL;
}

static void
colour_setup (MmPreprocess * pp, const GstVideoInfo * info,
    const MmModelInput * input)
{
  gint bits = GST_VIDEO_FORMAT_INFO_DEPTH (info->finfo, 0);
  pp->unit = 1.0f / pp->maxval;
  if (pp->kind == SRC_YUV) {
    gdouble kr, kb;
    if (!gst_video_color_matrix_get_Kr_Kb (info->colorimetry.matrix, &kr,
            &kb)) {
      kr = 0.299;               /* BT.601 when the stream does not say */
      kb = 0.114;
    }
    /* the ranges GStreamer uses (gst_video_color_range_offsets) */
    gdouble f = (gdouble) (1 << (bits - 8));
    gboolean full = info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;
    gdouble y_off = full ? 0.0 : 16.0 * f, c_off = 128.0 * f;
    gdouble y_range = full ? pp->maxval : 219.0 * f;
    gdouble c_range = full ? pp->maxval : 224.0 * f;
    pp->y_mul = (gfloat) (1.0 / y_range);
    pp->y_add = (gfloat) (-y_off / y_range);
    pp->c_mul = (gfloat) (1.0 / c_range);
    pp->c_add = (gfloat) (-c_off / c_range);
    gdouble kg = 1.0 - kr - kb;
    pp->crv = (gfloat) (2.0 * (1.0 - kr));
    pp->cbu = (gfloat) (2.0 * (1.0 - kb));
    pp->cgu = (gfloat) (-2.0 * kb * (1.0 - kb) / kg);
    pp->cgv = (gfloat) (-2.0 * kr * (1.0 - kr) / kg);
  }
  for (gint c = 0; c < input->channels; c++) {
    pp->norm_mul[c] = 1.0f / input->std[c];
    pp->norm_add[c] = -input->mean[c] / input->std[c];
    pp->fill[c] = pp->norm_add[c];
  }
  if (input->channels != 3)
    return;
  /* the folded output stage: R, G, B take the normalization of model
   * channel ri, 1, bi (std > 0, so clamping 0..1 before normalizing is
   * clamping to [add, mul + add] after) */
  gint ri = input->color == MM_COLOR_BGR ? 2 : 0;
  gint chan[3] = { ri, 1, 2 - ri };
  for (gint c = 0; c < 3; c++) {
    gdouble m = 1.0 / input->std[chan[c]];
    gdouble a = -input->mean[chan[c]] / input->std[chan[c]];
    gdouble k[4] = { 0.0, 0.0, 0.0, a };
    if (pp->kind == SRC_YUV) {
      /* Y' = y·y_mul + y_add, U' = u·c_mul + c_add, V' likewise; R = Y' +
       * crv·V', G = Y' + cgu·U' + cgv·V', B = Y' + cbu·U' */
      gdouble cu = c == 1 ? pp->cgu : c == 2 ? pp->cbu : 0.0;
      gdouble cv = c == 0 ? pp->crv : c == 1 ? pp->cgv : 0.0;
      k[0] = m * pp->y_mul;
      k[1] = m * cu * pp->c_mul;
      k[2] = m * cv * pp->c_mul;
      k[3] = m * (pp->y_add + (cu + cv) * pp->c_add) + a;
      pp->lo[c] = (gfloat) a;
      pp->hi[c] = (gfloat) (m + a);
    } else {
      k[pp->kind == SRC_GRAY ? 0 : c] = m * pp->unit;
      pp->lo[c] = -G_MAXFLOAT;  /* means of samples stay in range */
      pp->hi[c] = G_MAXFLOAT;
    }
    for (gint i = 0; i < 4; i++)
      pp->k[c][i] = (gfloat) k[i];
  }
}

MmPreprocess *
mm_preprocess_new (const MmModelInput * input, const GstVideoInfo * info)
{
  static gsize debug_init;
  if (g_once_init_enter (&debug_init)) {
    GST_DEBUG_CATEGORY_INIT (mm_preprocess_debug, "mmpreprocess", 0,
        "mmfusion video preprocessing");
    g_once_init_leave (&debug_init, 1);
  }
  GstVideoFormat fmt = GST_VIDEO_INFO_FORMAT (info);
  if (!format_supported (fmt))
    return NULL;
  const GstVideoFormatInfo *finfo = info->finfo;
  MmPreprocess *pp = g_new0 (MmPreprocess, 1);
  pp->in = *input;
  pp->in.name = NULL;           /* not owned */

  gint bits = GST_VIDEO_FORMAT_INFO_DEPTH (finfo, 0);
  pp->bytes = bits > 8 ? 2 : 1;
  pp->shift = GST_VIDEO_FORMAT_INFO_SHIFT (finfo, 0);
  pp->maxval = (1 << bits) - 1;
  pp->kind = GST_VIDEO_FORMAT_INFO_IS_GRAY (finfo) ? SRC_GRAY :
      GST_VIDEO_FORMAT_INFO_IS_YUV (finfo) ? SRC_YUV : SRC_RGB;
  pp->n_sources = pp->kind == SRC_GRAY ? 1 : 3;
  for (gint c = 0; c < pp->n_sources; c++) {    /* R, G, B or Y, U, V */
    pp->src[c].plane = GST_VIDEO_FORMAT_INFO_PLANE (finfo, c);
    /* rounded up: GStreamer 1.22 gives P010's V the byte offset 1 (its
     * own unpacker does not read the offsets); it is the second sample */
    pp->src[c].offset = (GST_VIDEO_FORMAT_INFO_POFFSET (finfo, c) +
        pp->bytes - 1) / pp->bytes;
    pp->src[c].pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, c) / pp->bytes;
    pp->src[c].sub_x = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c);
    pp->src[c].sub_y = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c);
  }

  gint W = GST_VIDEO_INFO_WIDTH (info), H = GST_VIDEO_INFO_HEIGHT (info);
  gint OW = input->width, OH = input->height;
  gint sx = 0, sy = 0, sw = W, sh = H;
  pp->dx = 0;
  pp->dy = 0;
  pp->dw = OW;
  pp->dh = OH;
  if (input->resize == MM_RESIZE_LETTERBOX) {
    double s = MIN ((double) OW / W, (double) OH / H);
    pp->dw = CLAMP (round_half_up (W * s), 1, OW);
    pp->dh = CLAMP (round_half_up (H * s), 1, OH);
    pp->dx = (OW - pp->dw) / 2;
    pp->dy = (OH - pp->dh) / 2;
  } else if (input->resize == MM_RESIZE_CROP) {
    double s = MAX ((double) OW / W, (double) OH / H);
    sw = CLAMP (round_half_up (OW / s), 1, W);
    sh = CLAMP (round_half_up (OH / s), 1, H);
    sx = (W - sw) / 2;
    sy = (H - sh) / 2;
  }
  pp->planes = g_new (gfloat, (gsize) pp->n_sources * pp->dw * pp->dh);
  colour_setup (pp, info, input);

  if (pp->dw <= sw && pp->dh <= sh)
    pp->integer = integer_setup (pp, info, sx, sy, sw, sh);
  if (!pp->integer) {
    integer_free (pp);
    /* taps at full resolution, then per plane (chroma derives its own) */
    axis_build (&pp->lx, sx, sw, pp->dw);
    axis_build (&pp->ly, sy, sh, pp->dh);
    for (gint c = 0; c < pp->n_sources; c++) {
      axis_subsample (&pp->ax[c], &pp->lx, pp->src[c].sub_x, pp->dw);
      axis_subsample (&pp->ay[c], &pp->ly, pp->src[c].sub_y, pp->dh);
    }
    pp->per_tap = pp->kind == SRC_YUV && pp->dw >= sw && pp->dh >= sh;
  }
  static const gchar *level[] = { "", "ORC and C", "AVX2", "AVX-512" };
  GST_INFO ("%s %dx%d (source %dx%d at %d,%d) -> %dx%d at %d,%d: %s%s%s",
      gst_video_format_to_string (fmt), W, H, sw, sh, sx, sy, pp->dw, pp->dh,
      pp->dx, pp->dy, !pp->integer ? "float taps" : "integer sums, rows ",
      !pp->integer ? "" : pp->stream ? "front to back, " : "side by side, ",
      !pp->integer ? "" : level[mm_preprocess_simd_level ()]);
  return pp;
}

void
mm_preprocess_free (MmPreprocess * pp)
{
  if (!pp)
    return;
  for (gint c = 0; c < pp->n_sources; c++) {
    axis_free (&pp->ax[c]);
    axis_free (&pp->ay[c]);
  }
  axis_free (&pp->lx);
  axis_free (&pp->ly);
  integer_free (pp);
  g_free (pp->planes);
  g_free (pp);
}

/* YUV means (native units) to R, G, B in 0..1, clamped */
static inline void
yuv_to_rgb (const MmPreprocess * pp, gfloat y, gfloat u, gfloat v, gfloat * r,
    gfloat * g, gfloat * b)
{
  gfloat Y = y * pp->y_mul + pp->y_add;
  gfloat U = u * pp->c_mul + pp->c_add;
  gfloat V = v * pp->c_mul + pp->c_add;
  *r = CLAMP (Y + pp->crv * V, 0.0f, 1.0f);
  *g = CLAMP (Y + pp->cgu * U + pp->cgv * V, 0.0f, 1.0f);
  *b = CLAMP (Y + pp->cbu * U, 0.0f, 1.0f);
}

/* The row kernels: restrict parameters (GCC vectorizes these loops only
 * when it knows the rows do not overlap). */

/* YUV means to normalized R, G, B, clamped as per-pixel conversion is */
MM_VECTORIZE static void
yuv_row (const MmPreprocess * pp, const gfloat * restrict y,
    const gfloat * restrict u, const gfloat * restrict v,
    gfloat * restrict o_r, gfloat * restrict o_g, gfloat * restrict o_b,
    const gfloat * norm_mul, const gfloat * norm_add, gint n)
{
  const gfloat ym = pp->y_mul, ya = pp->y_add, cm = pp->c_mul,
      ca = pp->c_add, crv = pp->crv, cgu = pp->cgu, cgv = pp->cgv,
      cbu = pp->cbu;
  const gfloat mr = norm_mul[0], ar = norm_add[0], mg = norm_mul[1],
      ag = norm_add[1], mb = norm_mul[2], ab = norm_add[2];
  for (gint x = 0; x < n; x++) {
    gfloat Y = y[x] * ym + ya, U = u[x] * cm + ca, V = v[x] * cm + ca;
    gfloat r = Y + crv * V, g = Y + cgu * U + cgv * V, b = Y + cbu * U;
    r = r < 0.0f ? 0.0f : r > 1.0f ? 1.0f : r;
    g = g < 0.0f ? 0.0f : g > 1.0f ? 1.0f : g;
    b = b < 0.0f ? 0.0f : b > 1.0f ? 1.0f : b;
    o_r[x] = r * mr + ar;
    o_g[x] = g * mg + ag;
    o_b[x] = b * mb + ab;
  }
}

/* YUV means to normalized gray (BT.601 luma of the clamped RGB) */
MM_VECTORIZE static void
yuv_gray_row (const MmPreprocess * pp, const gfloat * restrict y,
    const gfloat * restrict u, const gfloat * restrict v,
    gfloat * restrict o, gfloat m, gfloat a, gint n)
{
  const gfloat ym = pp->y_mul, ya = pp->y_add, cm = pp->c_mul,
      ca = pp->c_add, crv = pp->crv, cgu = pp->cgu, cgv = pp->cgv,
      cbu = pp->cbu;
  for (gint x = 0; x < n; x++) {
    gfloat Y = y[x] * ym + ya, U = u[x] * cm + ca, V = v[x] * cm + ca;
    gfloat r = Y + crv * V, g = Y + cgu * U + cgv * V, b = Y + cbu * U;
    r = r < 0.0f ? 0.0f : r > 1.0f ? 1.0f : r;
    g = g < 0.0f ? 0.0f : g > 1.0f ? 1.0f : g;
    b = b < 0.0f ? 0.0f : b > 1.0f ? 1.0f : b;
    o[x] = (0.299f * r + 0.587f * g + 0.114f * b) * m + a;
  }
}

/* o = i * m + a */
MM_VECTORIZE static void
affine_row (const gfloat * restrict i, gfloat * restrict o, gfloat m,
    gfloat a, gint n)
{
  for (gint x = 0; x < n; x++)
    o[x] = i[x] * m + a;
}

MM_VECTORIZE static void
rgb_gray_row (const gfloat * restrict r, const gfloat * restrict g,
    const gfloat * restrict b, gfloat * restrict o, gfloat m, gfloat a,
    gint n)
{
  for (gint x = 0; x < n; x++)
    o[x] = (0.299f * r[x] + 0.587f * g[x] + 0.114f * b[x]) * m + a;
}

/* integer sums to means: sums[x] / (window width · window height) */
MM_VECTORIZE static void
means_row (const gint32 * restrict sums, const gfloat * restrict inv_cx,
    gfloat inv_cy, gfloat * restrict o, gint n)
{
  for (gint x = 0; x < n; x++)
    o[x] = (gfloat) sums[x] * (inv_cx[x] * inv_cy);
}

/* The integer path's output stage for a 3-channel model input: sums to
 * normalized R, G, B in one set of multiply-adds per channel (pp->k).
 * C that GCC vectorizes: it is the same code whichever kernels summed, so
 * every kernel choice gives the same floats. */
MM_VECTORIZE static void
sums_rgb_row (const MmPreprocess * pp, const gint32 * restrict a,
    const gint32 * restrict b, const gint32 * restrict c,
    const gfloat * restrict inv_cx, gfloat inv_cy, gfloat * restrict o_r,
    gfloat * restrict o_g, gfloat * restrict o_b, gint n)
{
  const gfloat r0 = pp->k[0][0], r1 = pp->k[0][1], r2 = pp->k[0][2],
      r3 = pp->k[0][3], g0 = pp->k[1][0], g1 = pp->k[1][1], g2 = pp->k[1][2],
      g3 = pp->k[1][3], b0 = pp->k[2][0], b1 = pp->k[2][1], b2 = pp->k[2][2],
      b3 = pp->k[2][3];
  const gfloat lr = pp->lo[0], hr = pp->hi[0], lg = pp->lo[1],
      hg = pp->hi[1], lb = pp->lo[2], hb = pp->hi[2];
  for (gint x = 0; x < n; x++) {
    gfloat s = inv_cx[x] * inv_cy;
    gfloat A = (gfloat) a[x], B = (gfloat) b[x], C = (gfloat) c[x];
    gfloat r = s * (r0 * A + r1 * B + r2 * C) + r3;
    gfloat g = s * (g0 * A + g1 * B + g2 * C) + g3;
    gfloat bl = s * (b0 * A + b1 * B + b2 * C) + b3;
    o_r[x] = r < lr ? lr : r > hr ? hr : r;
    o_g[x] = g < lg ? lg : g > hg ? hg : g;
    o_b[x] = bl < lb ? lb : bl > hb ? hb : bl;
  }
}

/* row y of the planes (native units; 0..1 RGB when rgb_unit) into dst */
static void
colour_row (const MmPreprocess * pp, gint y, gboolean rgb_unit, gfloat * dst)
{
  const MmModelInput *in = &pp->in;
  gsize hw = (gsize) in->height * in->width, dhw = (gsize) pp->dw * pp->dh;
  const gfloat *p0 = pp->planes + (gsize) y * pp->dw;
  const gfloat *p1 = p0 + dhw, *p2 = p1 + dhw;
  gfloat *out = dst + (gsize) (y + pp->dy) * in->width + pp->dx;
  SrcKind kind = rgb_unit ? SRC_RGB : pp->kind;
  gfloat unit = rgb_unit ? 1.0f : pp->unit;
  gint dw = pp->dw;
  if (in->color == MM_COLOR_GRAY) {
    gfloat m = pp->norm_mul[0], a = pp->norm_add[0];
    if (kind == SRC_GRAY)
      affine_row (p0, out, unit * m, a, dw);
    else if (kind == SRC_YUV)
      yuv_gray_row (pp, p0, p1, p2, out, m, a, dw);
    else
      rgb_gray_row (p0, p1, p2, out, unit * m, a, dw);
    return;
  }
  /* channel c of the model takes R, G, B or B, G, R */
  gint ri = in->color == MM_COLOR_BGR ? 2 : 0, bi = 2 - ri;
  gfloat mul[3] = { pp->norm_mul[ri], pp->norm_mul[1], pp->norm_mul[bi] };
  gfloat add[3] = { pp->norm_add[ri], pp->norm_add[1], pp->norm_add[bi] };
  gfloat *o_r = out + ri * hw, *o_g = out + hw, *o_b = out + bi * hw;
  if (kind == SRC_YUV) {
    yuv_row (pp, p0, p1, p2, o_r, o_g, o_b, mul, add, dw);
  } else if (kind == SRC_GRAY) {
    affine_row (p0, o_r, unit * mul[0], add[0], dw);
    affine_row (p0, o_g, unit * mul[1], add[1], dw);
    affine_row (p0, o_b, unit * mul[2], add[2], dw);
  } else {
    affine_row (p0, o_r, unit * mul[0], add[0], dw);
    affine_row (p1, o_g, unit * mul[1], add[1], dw);
    affine_row (p2, o_b, unit * mul[2], add[2], dw);
  }
}

/* the integer path: see the comment at the top */
static void
vsum_plane (const MmPreprocess * pp, VPlane * v, const guint8 * base,
    gint stride, gint oy)
{
  gint16 *acc = v->acc;
  gint n = v->n;
  const gint *rows = v->rows + v->roff[oy];
  const gint16 *w = v->rw + v->roff[oy];
  gint count = v->rcount[oy];
  gsize off = (gsize) v->e0 * pp->bytes;
#define ROW(i) (base + (gsize) rows[i] * stride + off)
  /* The planes are read front to back, output row after output row, but
   * each output row reads its few source rows side by side, which the
   * hardware prefetcher follows poorly: ask for the plane in order,
   * PREFETCH_AHEAD bytes past the end of this window, so the next output
   * row's rows arrive while this one is summed. */
  gsize end = (gsize) (rows[count - 1] + 1) * stride;
  gsize from = MAX (v->fetched, (gsize) rows[0] * stride);
  gsize to = MIN (end + PREFETCH_AHEAD, v->plane_bytes);
  for (gsize b = from; b < to; b += 64)
    __builtin_prefetch (base + b);
  v->fetched = MAX (v->fetched, to);
  if (pp->vsum) {
    const guint8 *ptrs[MM_VSUM_MAX_ROWS];
    for (gint i = 0; i < count; i++)
      ptrs[i] = ROW (i);
    pp->vsum (acc, ptrs, w, count, n);
    return;
  }
  memset (acc, 0, (gsize) n * sizeof (gint16));
  for (gint i = 0; i < count;) {
    gint left = count - i;
    gboolean ones = w[i] == 1 && (left < 2 || w[i + 1] == 1);
    if (left >= 4 && ones && w[i + 2] == 1 && w[i + 3] == 1) {
      if (pp->bytes == 1)
        mm_orc_vsum_u8_add4 (acc, ROW (i), ROW (i + 1), ROW (i + 2),
            ROW (i + 3), n);
      else if (pp->shift)
        mm_orc_vsum_p010_add4 (acc, (const guint16 *) ROW (i),
            (const guint16 *) ROW (i + 1), (const guint16 *) ROW (i + 2),
            (const guint16 *) ROW (i + 3), n);
      else
        mm_orc_vsum_u16_add4 (acc, (const guint16 *) ROW (i),
            (const guint16 *) ROW (i + 1), (const guint16 *) ROW (i + 2),
            (const guint16 *) ROW (i + 3), n);
      i += 4;
    } else if (left >= 4) {
      if (pp->bytes == 1)
        mm_orc_vsum_u8_add4w (acc, ROW (i), ROW (i + 1), ROW (i + 2),
            ROW (i + 3), w[i], w[i + 1], w[i + 2], w[i + 3], n);
      else if (pp->shift)
        mm_orc_vsum_p010_add4w (acc, (const guint16 *) ROW (i),
            (const guint16 *) ROW (i + 1), (const guint16 *) ROW (i + 2),
            (const guint16 *) ROW (i + 3), w[i], w[i + 1], w[i + 2],
            w[i + 3], n);
      else
        mm_orc_vsum_u16_add4w (acc, (const guint16 *) ROW (i),
            (const guint16 *) ROW (i + 1), (const guint16 *) ROW (i + 2),
            (const guint16 *) ROW (i + 3), w[i], w[i + 1], w[i + 2],
            w[i + 3], n);
      i += 4;
    } else if (left >= 2 && ones) {
      if (pp->bytes == 1)
        mm_orc_vsum_u8_add2 (acc, ROW (i), ROW (i + 1), n);
      else if (pp->shift)
        mm_orc_vsum_p010_add2 (acc, (const guint16 *) ROW (i),
            (const guint16 *) ROW (i + 1), n);
      else
        mm_orc_vsum_u16_add2 (acc, (const guint16 *) ROW (i),
            (const guint16 *) ROW (i + 1), n);
      i += 2;
    } else {
      if (pp->bytes == 1)
        mm_orc_vsum_u8_add1w (acc, ROW (i), w[i], n);
      else if (pp->shift)
        mm_orc_vsum_p010_add1w (acc, (const guint16 *) ROW (i), w[i], n);
      else
        mm_orc_vsum_u16_add1w (acc, (const guint16 *) ROW (i), w[i], n);
      i += 1;
    }
  }
#undef ROW
}

/* The rows of one output row's window added into its row of sums, front to
 * back, each row read once: a row shared with the previous window was
 * added when that one was summed (into both rows of sums), and the last
 * row, if the next window starts with it, starts the next row of sums
 * too. Reading it again instead, one row back, costs more than the row:
 * measured 0.23 against 0.17 ms per 1080p I420 frame for the rows alone,
 * the hardware prefetcher losing its streams. */
static void
vacc_plane (const MmPreprocess * pp, VPlane * v, const guint8 * base,
    gint stride, gint oy, gint16 * cur, gint16 * next)
{
  const gint *rows = v->rows + v->roff[oy];
  const gint16 *w = v->rw + v->roff[oy];
  gint count = v->rcount[oy];
  gsize off = (gsize) v->e0 * pp->bytes;
  gint i = oy > 0 && rows[0] == v->rows[v->roff[oy] - 1] ? 1 : 0;
  for (; i < count; i++) {
    gboolean shared = i == count - 1 && oy + 1 < pp->dh
        && v->rows[v->roff[oy + 1]] == rows[i];
    pp->vacc (cur, shared ? next : NULL, base + (gsize) rows[i] * stride +
        off, w[i], shared ? v->rw[v->roff[oy + 1]] : 0, i == 0, v->n,
        (gsize) v->ahead * stride);
  }
}

/* Output row oy's horizontal sums of its rows of vertical sums acc (per
 * plane), then the folded output stage for a 3-channel model input, the
 * means and colour rows for others. */
static void
integer_hrow (MmPreprocess * pp, gint16 * const *acc, gint oy, gfloat * dst)
{
  const MmModelInput *in = &pp->in;
  gint dw = pp->dw;
  gsize dhw = (gsize) dw * pp->dh, hw = (gsize) in->height * in->width;
  gint ri = in->color == MM_COLOR_BGR ? 2 : 0;
  gboolean fused = in->channels == 3 && in->color != MM_COLOR_GRAY;
  for (gint c = 0; c < pp->n_sources; c++) {
    const HTaps *h = &pp->ht[c];
    gint32 *sums = pp->sums + (gsize) c * dw;
    const gint16 *a = acc[pp->src[c].plane];
    if (c == 1 && pp->hplan[1] && pp->uv_shared) {
      mm_hplan_sums2 (pp->hplan[1], a, acc[pp->src[2].plane] +
          pp->uv_shift, sums, sums + dw, 0, dw);
      c++;
    } else if (pp->hplan[c]) {
      mm_hplan_sums (pp->hplan[c], a, sums, 0, dw);
    } else {
      pp->hsum (a, h->start, h->w, h->K, dw, sums);
    }
  }
  if (!fused) {
    for (gint c = 0; c < pp->n_sources; c++)
      means_row (pp->sums + (gsize) c * dw, pp->inv_cx, pp->inv_cy[oy],
          pp->planes + c * dhw + (gsize) oy * dw, dw);
    colour_row (pp, oy, FALSE, dst);
    return;
  }
  gfloat *out = dst + (gsize) (oy + pp->dy) * in->width + pp->dx;
  const gint32 *s0 = pp->sums;
  const gint32 *s1 = s0 + (pp->n_sources == 3 ? dw : 0);
  const gint32 *s2 = s0 + (pp->n_sources == 3 ? 2 * dw : 0);
  sums_rgb_row (pp, s0, s1, s2, pp->inv_cx, pp->inv_cy[oy],
      out + ri * hw, out + hw, out + (2 - ri) * hw, dw);
}

static void
integer_frame (MmPreprocess * pp, const GstVideoFrame * frame, gfloat * dst)
{
  for (gint p = 0; p < pp->n_planes; p++) {
    pp->vp[p].fetched = 0;
    pp->vp[p].plane_bytes = (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (frame, p) *
        pp->vp[p].height;
  }
  for (gint oy = 0; oy < pp->dh; oy++) {
    gint16 *acc[4];
    for (gint p = 0; p < pp->n_planes; p++) {
      VPlane *v = &pp->vp[p];
      if (!v->acc)
        continue;
      const guint8 *base = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
      gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, p);
      acc[p] = v->acc;
      if (!pp->stream) {
        vsum_plane (pp, v, base, stride, oy);
        continue;
      }
      acc[p] = v->acc + (oy & 1) * v->acc_len;
      vacc_plane (pp, v, base, stride, oy, acc[p], v->acc + ((oy + 1) & 1) *
          v->acc_len);
    }
    integer_hrow (pp, acc, oy, dst);
  }
}

/* one sample, native units */
static inline guint
sample_at (const MmPreprocess * pp, const guint8 * row, gint idx)
{
  if (pp->bytes == 1)
    return row[idx];
  return ((const guint16 *) row)[idx] >> pp->shift;
}

static inline guint
sample (const MmPreprocess * pp, const GstVideoFrame * frame, gint c, gint x,
    gint y)
{
  const Source *s = &pp->src[c];
  const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame,
      s->plane) + (gsize) (y >> s->sub_y) * GST_VIDEO_FRAME_PLANE_STRIDE
      (frame, s->plane);
  return sample_at (pp, row, (x >> s->sub_x) * s->pstride + s->offset);
}

/* enlarging YUV: blend the RGB of each tap (2x2 at most) */
static void
resample_yuv_per_tap (MmPreprocess * pp, const GstVideoFrame * frame)
{
  gsize dhw = (gsize) pp->dw * pp->dh;
  for (gint oy = 0; oy < pp->dh; oy++) {
    const gfloat *wy = pp->ly.weights + pp->ly.offset[oy];
    for (gint ox = 0; ox < pp->dw; ox++) {
      const gfloat *wx = pp->lx.weights + pp->lx.offset[ox];
      gfloat acc[3] = { 0.0f, 0.0f, 0.0f };
      for (gint ty = 0; ty < pp->ly.count[oy]; ty++) {
        gint y = pp->ly.first[oy] + ty;
        for (gint tx = 0; tx < pp->lx.count[ox]; tx++) {
          gint x = pp->lx.first[ox] + tx;
          gfloat r, g, b, w = wy[ty] * wx[tx];
          yuv_to_rgb (pp, sample (pp, frame, 0, x, y), sample (pp, frame, 1,
                  x, y), sample (pp, frame, 2, x, y), &r, &g, &b);
          acc[0] += w * r;
          acc[1] += w * g;
          acc[2] += w * b;
        }
      }
      gsize i = (gsize) oy * pp->dw + ox;
      for (gint c = 0; c < 3; c++)
        pp->planes[c * dhw + i] = acc[c];
    }
  }
}

/* float path: one component into dst [dh][dw], native units */
MM_VECTORIZE static void
resample (MmPreprocess * pp, gint c, const GstVideoFrame * frame, gfloat * dst)
{
  const Source *s = &pp->src[c];
  const guint8 *base = GST_VIDEO_FRAME_PLANE_DATA (frame, s->plane);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, s->plane);
  const Axis *ax = &pp->ax[c], *ay = &pp->ay[c];
  gint dw = pp->dw;
  for (gint oy = 0; oy < pp->dh; oy++) {
    gfloat *out = dst + (gsize) oy * dw;
    for (gint ox = 0; ox < dw; ox++)
      out[ox] = 0.0f;
    const gfloat *wy = ay->weights + ay->offset[oy];
    for (gint ty = 0; ty < ay->count[oy]; ty++) {
      const guint8 *row = base + (gsize) (ay->first[oy] + ty) * stride;
      gfloat wyv = wy[ty];
      if (pp->bytes == 1 && s->pstride == 1) {
        /* planar 8-bit components: contiguous taps, a loop that
         * vectorizes */
        const guint8 *prow = row + s->offset;
        for (gint ox = 0; ox < dw; ox++) {
          const gfloat *restrict wx = ax->weights + ax->offset[ox];
          const guint8 *restrict p = prow + ax->first[ox];
          gfloat acc = 0.0f;
          for (gint tx = 0; tx < ax->count[ox]; tx++)
            acc += wx[tx] * p[tx];
          out[ox] += wyv * acc;
        }
        continue;
      }
      for (gint ox = 0; ox < dw; ox++) {
        const gfloat *wx = ax->weights + ax->offset[ox];
        gint idx = ax->first[ox] * s->pstride + s->offset;
        gfloat acc = 0.0f;
        for (gint tx = 0; tx < ax->count[ox]; tx++)
          acc += wx[tx] * sample_at (pp, row, idx + tx * s->pstride);
        out[ox] += wyv * acc;
      }
    }
  }
}

void
mm_preprocess_frame (MmPreprocess * pp, const GstVideoFrame * frame,
    gfloat * dst)
{
  const MmModelInput *in = &pp->in;
  gsize hw = (gsize) in->height * in->width, dhw = (gsize) pp->dw * pp->dh;

  /* outside the destination rectangle (letterbox): normalized black */
  if (pp->dw != in->width || pp->dh != in->height)
    for (gint c = 0; c < in->channels; c++)
      for (gsize i = 0; i < hw; i++)
        dst[c * hw + i] = pp->fill[c];

  if (pp->integer) {
    integer_frame (pp, frame, dst);
    return;
  }
  if (pp->per_tap)
    resample_yuv_per_tap (pp, frame);   /* planes now hold R, G, B in 0..1 */
  else
    for (gint c = 0; c < pp->n_sources; c++)
      resample (pp, c, frame, pp->planes + c * dhw);
  for (gint y = 0; y < pp->dh; y++)
    colour_row (pp, y, pp->per_tap, dst);
}
