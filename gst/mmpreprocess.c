/* Video preprocessing (docs/model-format.md, video inputs).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each plane is resampled straight from the frame into the model's grid:
 * per output column and row, a list of taps (input index, weight) made once
 * per geometry. Shrinking averages the input pixels each output pixel
 * covers, with PyTorch's adaptive-pooling ranges [floor(o·in/out),
 * ceil((o+1)·in/out)) (F.interpolate(mode="area")); enlarging is bilinear
 * with half-pixel centres (align_corners=False). YUV planes are resampled
 * separately and the colour matrix of the stream's colorimetry applied per
 * output pixel. Letterbox and crop become a destination or source
 * rectangle. Then x = (v/255 − mean[c]) / std[c].
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmpreprocess.h"

#include <math.h>
#include <string.h>

/* the resampler reads every pixel of every frame: an AVX2+FMA clone beside
 * the baseline one, chosen at load time (GCC function multiversioning) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MM_VECTORIZE __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define MM_VECTORIZE
#endif

typedef struct {
  gint *first, *count;          /* per output index */
  gfloat *weights;              /* count[o] weights from offset[o] */
  gint *offset;
  gboolean uniform;             /* each output's taps share one weight */
} Axis;

/* Which source component feeds each output plane. */
typedef struct {
  gint plane;                   /* frame plane */
  gint offset;                  /* byte offset of the component in a pixel */
  gint pstride;                 /* bytes between pixels */
  gint sub_x, sub_y;            /* log2 subsampling of the plane */
} Source;

struct _MmPreprocess {
  MmModelInput in;
  gboolean yuv, gray_out;
  gint n_sources;               /* 3 (RGB or YUV) or 1 (GRAY8) */
  Source src[3];
  /* destination rectangle in the model grid */
  gint dx, dy, dw, dh;
  /* per source: its axes (planes differ in size for YUV) */
  Axis ax[3], ay[3];
  gfloat *planes;               /* n_sources * dw * dh, values 0..255 */
  gfloat *row;                  /* dw: one horizontally resampled row */
  /* YUV -> RGB */
  gfloat kr, kb, y_off, y_scale, c_scale;
  /* no axis shrinks: few taps per output pixel, so each tap is converted
   * (and clamped) before blending, as per-pixel conversion would */
  gboolean per_tap;
  Axis lx, ly;                  /* full-resolution taps, for per_tap */
  gfloat fill[3];               /* normalized black outside the rectangle */
};

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

/* area taps of one output all weigh the same: then a sum of bytes and one
 * multiplication do, which is what shrinking a large frame mostly is */
static void
axis_check_uniform (Axis * a, gint out)
{
  a->uniform = TRUE;
  for (gint o = 0; o < out && a->uniform; o++)
    for (gint k = 1; k < a->count[o]; k++)
      if (a->weights[a->offset[o] + k] != a->weights[a->offset[o]])
        a->uniform = FALSE;
}

/* taps for `out` outputs from `in` inputs starting at input `start` */
static void
axis_build (Axis * a, gint start, gint in, gint out)
{
  GArray *w = axis_alloc (a, out);
  for (gint o = 0; o < out; o++) {
    a->offset[o] = (gint) w->len;
    if (out <= in) {
      gint s = (gint) (((gint64) o * in) / out);
      gint e = (gint) (((gint64) (o + 1) * in + out - 1) / out);
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
  axis_check_uniform (a, out);
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
  axis_check_uniform (a, out);
}

static gint
round_half_up (double v)
{
  return (gint) floor (v + 0.5);
}

MmPreprocess *
mm_preprocess_new (const MmModelInput * input, const GstVideoInfo * info)
{
  GstVideoFormat fmt = GST_VIDEO_INFO_FORMAT (info);
  MmPreprocess *pp = g_new0 (MmPreprocess, 1);
  pp->in = *input;
  pp->in.name = NULL;           /* not owned */
  pp->gray_out = input->channels == 1;
  const GstVideoFormatInfo *finfo = info->finfo;

  switch (fmt) {
    case GST_VIDEO_FORMAT_RGB:
    case GST_VIDEO_FORMAT_BGR:
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_xRGB:
    case GST_VIDEO_FORMAT_xBGR:
      pp->n_sources = 3;
      for (gint c = 0; c < 3; c++) {        /* R, G, B components */
        pp->src[c].plane = 0;
        pp->src[c].offset = GST_VIDEO_FORMAT_INFO_POFFSET (finfo, c);
        pp->src[c].pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, c);
      }
      break;
    case GST_VIDEO_FORMAT_GRAY8:
      pp->n_sources = 1;
      pp->src[0].pstride = 1;
      break;
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_NV12:
      pp->n_sources = 3;
      pp->yuv = TRUE;
      for (gint c = 0; c < 3; c++) {        /* Y, U, V components */
        pp->src[c].plane = GST_VIDEO_FORMAT_INFO_PLANE (finfo, c);
        pp->src[c].offset = GST_VIDEO_FORMAT_INFO_POFFSET (finfo, c);
        pp->src[c].pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, c);
        pp->src[c].sub_x = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c);
        pp->src[c].sub_y = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c);
      }
      break;
    default:
      g_free (pp);
      return NULL;
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
  /* taps at full resolution, then per plane (chroma derives its own) */
  axis_build (&pp->lx, sx, sw, pp->dw);
  axis_build (&pp->ly, sy, sh, pp->dh);
  for (gint c = 0; c < pp->n_sources; c++) {
    axis_subsample (&pp->ax[c], &pp->lx, pp->src[c].sub_x, pp->dw);
    axis_subsample (&pp->ay[c], &pp->ly, pp->src[c].sub_y, pp->dh);
  }
  pp->per_tap = pp->yuv && pp->dw >= sw && pp->dh >= sh;
  pp->planes = g_new (gfloat, (gsize) pp->n_sources * pp->dw * pp->dh);
  pp->row = g_new (gfloat, pp->dw);

  if (pp->yuv) {
    gdouble kr, kb;
    if (!gst_video_color_matrix_get_Kr_Kb (info->colorimetry.matrix, &kr,
            &kb)) {
      kr = 0.299;               /* BT.601 when the stream does not say */
      kb = 0.114;
    }
    pp->kr = (gfloat) kr;
    pp->kb = (gfloat) kb;
    gboolean full = info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;
    pp->y_off = full ? 0.0f : 16.0f;
    pp->y_scale = full ? 1.0f : 255.0f / 219.0f;
    pp->c_scale = full ? 1.0f : 255.0f / 224.0f;
  }
  for (gint c = 0; c < input->channels; c++)
    pp->fill[c] = (0.0f - input->mean[c]) / input->std[c];
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
  g_free (pp->planes);
  g_free (pp->row);
  g_free (pp);
}

static inline void
yuv_to_rgb (const MmPreprocess * pp, gfloat y, gfloat u, gfloat v, gfloat * r,
    gfloat * g, gfloat * b)
{
  gfloat Y = (y - pp->y_off) * pp->y_scale;
  gfloat U = (u - 128.0f) * pp->c_scale;
  gfloat V = (v - 128.0f) * pp->c_scale;
  gfloat R = Y + 2.0f * (1.0f - pp->kr) * V;
  gfloat B = Y + 2.0f * (1.0f - pp->kb) * U;
  gfloat G = (Y - pp->kr * R - pp->kb * B) / (1.0f - pp->kr - pp->kb);
  *r = CLAMP (R, 0.0f, 255.0f);
  *g = CLAMP (G, 0.0f, 255.0f);
  *b = CLAMP (B, 0.0f, 255.0f);
}

static inline guint8
sample (const MmPreprocess * pp, const GstVideoFrame * frame, gint c, gint x,
    gint y)
{
  const Source *s = &pp->src[c];
  const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame,
      s->plane) + (gsize) (y >> s->sub_y) * GST_VIDEO_FRAME_PLANE_STRIDE
      (frame, s->plane);
  return row[(x >> s->sub_x) * s->pstride + s->offset];
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

/* one component of one plane into dst [dh][dw], values 0..255 */
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
      const guint8 *row = base + (gsize) (ay->first[oy] + ty) * stride
          + s->offset;
      gfloat wyv = wy[ty];
      if (s->pstride == 1 && ax->uniform) {
        /* planar, equal weights: integer sums of contiguous bytes */
        for (gint ox = 0; ox < dw; ox++) {
          const guint8 *restrict p = row + ax->first[ox];
          guint32 sum = 0;
          for (gint tx = 0; tx < ax->count[ox]; tx++)
            sum += p[tx];
          out[ox] += wyv * ax->weights[ax->offset[ox]] * (gfloat) sum;
        }
        continue;
      }
      if (s->pstride == 1) {
        /* planar components: contiguous taps, a loop that vectorizes */
        for (gint ox = 0; ox < dw; ox++) {
          const gfloat *restrict wx = ax->weights + ax->offset[ox];
          const guint8 *restrict p = row + ax->first[ox];
          gfloat acc = 0.0f;
          for (gint tx = 0; tx < ax->count[ox]; tx++)
            acc += wx[tx] * p[tx];
          out[ox] += wyv * acc;
        }
        continue;
      }
      for (gint ox = 0; ox < dw; ox++) {
        const gfloat *wx = ax->weights + ax->offset[ox];
        const guint8 *p = row + (gsize) ax->first[ox] * s->pstride;
        gfloat acc = 0.0f;
        for (gint tx = 0; tx < ax->count[ox]; tx++)
          acc += wx[tx] * p[tx * s->pstride];
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
  if (pp->per_tap)
    resample_yuv_per_tap (pp, frame);   /* planes now hold R, G, B */
  else
    for (gint c = 0; c < pp->n_sources; c++)
      resample (pp, c, frame, pp->planes + c * dhw);
  gboolean planes_yuv = pp->yuv && !pp->per_tap;

  /* outside the destination rectangle (letterbox): normalized black */
  if (pp->dw != in->width || pp->dh != in->height)
    for (gint c = 0; c < in->channels; c++)
      for (gsize i = 0; i < hw; i++)
        dst[c * hw + i] = pp->fill[c];

  gfloat *p0 = pp->planes, *p1 = p0 + dhw, *p2 = p1 + dhw;
  for (gint y = 0; y < pp->dh; y++) {
    for (gint x = 0; x < pp->dw; x++) {
      gsize i = (gsize) y * pp->dw + x;
      gfloat r, g, b;
      if (pp->n_sources == 1) {
        r = g = b = p0[i];
      } else if (planes_yuv) {
        yuv_to_rgb (pp, p0[i], p1[i], p2[i], &r, &g, &b);
      } else {
        r = p0[i];
        g = p1[i];
        b = p2[i];
      }
      gsize o = (gsize) (y + pp->dy) * in->width + x + pp->dx;
      if (in->color == MM_COLOR_GRAY) {
        /* BT.601 luma, unless the source already is gray */
        gfloat v = pp->n_sources == 1 ? r : 0.299f * r + 0.587f * g +
            0.114f * b;
        dst[o] = (v / 255.0f - in->mean[0]) / in->std[0];
      } else {
        gfloat rgb[3] = { r, g, b };
        for (gint c = 0; c < 3; c++) {
          gint from = in->color == MM_COLOR_BGR ? 2 - c : c;
          dst[c * hw + o] = (rgb[from] / 255.0f - in->mean[c]) / in->std[c];
        }
      }
    }
  }
}
