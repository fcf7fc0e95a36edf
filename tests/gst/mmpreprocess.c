/* Video preprocessing against PyTorch (tests/golden/video, made by
 * make_preprocess_goldens.py): every packed RGB format and GRAY8 within
 * 1e-6 of PyTorch on v/255. The 8-bit YUV formats (made by GStreamer's
 * converter) within 2/255 of the RGB path run on an exact per-pixel
 * conversion of the same frame (the stream's matrix and range, nearest
 * chroma sample), and
 * within 16/255 of the RGB path run on videoconvert's own RGB, as a sanity
 * bound: GStreamer's converter is lossy by 2 to 3 levels by itself (RGB 128
 * -> Y 126 -> RGB 126, white -> 253) and upsamples chroma its own way (its
 * NV12 and I420 paths differ by 6 levels on the same frame), so 2/255 of it
 * cannot be asked (measured: 3.7 to 12.7/255). The 10-bit formats, on
 * frames made by make_yuv10_goldens.py, within 2/255 of PyTorch run on an
 * exact conversion of those samples. The integer kernels give the same
 * output bit for bit whichever runs: AVX-512, AVX2, the portable C and
 * ORC's compiled code, or ORC's backup C (ORC_CODE=backup, in a child
 * process); the geometries take both orders of reading rows (front to
 * back, and side by side where a chroma row falls in three windows).
 * An unsupported raw format is an element error that names the format and
 * videoconvert.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <mmfusion/nn.h>

#include "mmpreprocess.h"
#include "mmpreprocess-simd.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static const char *video_dir, *meta_dir;

typedef struct {
  MmModelInput in;
  gint width, height;
  gchar *image;
  gchar *format, *colorimetry;  /* 10-bit cases: the frame's */
  nn_tensor expected;
} Case;

static void
load_case (const char *name, Case * c)
{
  gchar *dir = g_build_filename (video_dir, name, NULL);
  gchar *ini_path = g_build_filename (dir, "params.ini", NULL);
  GKeyFile *ini = g_key_file_new ();
  g_key_file_set_list_separator (ini, ',');
  fail_unless (g_key_file_load_from_file (ini, ini_path, 0, NULL));
  memset (c, 0, sizeof *c);
  c->image = g_key_file_get_string (ini, "case", "image", NULL);
  c->format = g_key_file_get_string (ini, "case", "format", NULL);
  c->colorimetry = g_key_file_get_string (ini, "case", "colorimetry", NULL);
  c->width = g_key_file_get_integer (ini, "case", "width", NULL);
  c->height = g_key_file_get_integer (ini, "case", "height", NULL);
  c->in.modality = MM_MODALITY_VIDEO;
  c->in.channels = g_key_file_get_integer (ini, "case", "channels", NULL);
  c->in.height = g_key_file_get_integer (ini, "case", "out_height", NULL);
  c->in.width = g_key_file_get_integer (ini, "case", "out_width", NULL);
  c->in.clip_frames = 1;
  gchar *color = g_key_file_get_string (ini, "case", "color", NULL);
  c->in.color = strcmp (color, "BGR") == 0 ? MM_COLOR_BGR :
      strcmp (color, "GRAY") == 0 ? MM_COLOR_GRAY : MM_COLOR_RGB;
  gchar *resize = g_key_file_get_string (ini, "case", "resize", NULL);
  c->in.resize = strcmp (resize, "crop") == 0 ? MM_RESIZE_CROP :
      strcmp (resize, "letterbox") == 0 ? MM_RESIZE_LETTERBOX :
      MM_RESIZE_STRETCH;
  gsize n;
  gdouble *mean = g_key_file_get_double_list (ini, "case", "mean", &n, NULL);
  gdouble *std = g_key_file_get_double_list (ini, "case", "std", &n, NULL);
  for (gsize i = 0; i < n; i++) {
    c->in.mean[i] = (gfloat) mean[i];
    c->in.std[i] = (gfloat) std[i];
  }
  gchar *exp = g_build_filename (dir, "expected.npy", NULL);
  fail_unless (nn_npy_load (exp, &c->expected, NULL));
  g_free (exp);
  g_free (mean);
  g_free (std);
  g_free (color);
  g_free (resize);
  g_key_file_unref (ini);
  g_free (ini_path);
  g_free (dir);
}

static guint8 *
load_image (const char *name, gsize * len)
{
  gchar *path = g_strdup_printf ("%s/%s.raw", video_dir, name);
  gchar *data;
  fail_unless (g_file_get_contents (path, &data, len, NULL));
  g_free (path);
  return (guint8 *) data;
}

/* a frame of `format` made from packed RGB (or gray) pixels */
static GstBuffer *
make_frame (GstVideoFormat format, const guint8 * src, gboolean src_gray,
    gint w, gint h, GstVideoInfo * info)
{
  gst_video_info_set_format (info, format, w, h);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstVideoFrame f;
  fail_unless (gst_video_frame_map (&f, info, buf, GST_MAP_WRITE));
  guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (&f, 0);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
  if (format == GST_VIDEO_FORMAT_GRAY8) {
    for (gint y = 0; y < h; y++)
      memcpy (d + y * stride, src + y * w, w);
  } else {
    const GstVideoFormatInfo *fi = info->finfo;
    gint ps = GST_VIDEO_FORMAT_INFO_PSTRIDE (fi, 0);
    for (gint y = 0; y < h; y++) {
      guint8 *row = d + y * stride;
      memset (row, 0xAB, stride);       /* padding bytes must not matter */
      for (gint x = 0; x < w; x++)
        for (gint c = 0; c < 3; c++)
          row[x * ps + GST_VIDEO_FORMAT_INFO_POFFSET (fi, c)] =
              src[(y * w + x) * 3 + c];
    }
  }
  gst_video_frame_unmap (&f);
  return buf;
}

/* NULL when the format is refused or the frame cannot be mapped (usable
 * outside a check, by --dump) */
static gfloat *
run_raw (const MmModelInput * in, GstBuffer * buf, const GstVideoInfo * info)
{
  MmPreprocess *pp = mm_preprocess_new (in, info);
  GstVideoFrame f;
  if (!pp || !gst_video_frame_map (&f, info, buf, GST_MAP_READ)) {
    mm_preprocess_free (pp);
    return NULL;
  }
  gfloat *out = g_new (gfloat, in->channels * in->height * in->width);
  mm_preprocess_frame (pp, &f, out);
  gst_video_frame_unmap (&f);
  mm_preprocess_free (pp);
  return out;
}

static gfloat *
run (const MmModelInput * in, GstBuffer * buf, const GstVideoInfo * info)
{
  gfloat *out = run_raw (in, buf, info);
  fail_unless (out != NULL);
  return out;
}

/* largest difference on the v/255 scale (normalized values times std) */
static double
max_diff (const MmModelInput * in, const gfloat * a, const gfloat * b)
{
  gsize hw = (gsize) in->height * in->width;
  double worst = 0.0;
  for (gint c = 0; c < in->channels; c++)
    for (gsize i = 0; i < hw; i++)
      worst = MAX (worst, fabs ((double) a[c * hw + i] - b[c * hw + i])
          * in->std[c]);
  return worst;
}

static const char *cases[] = {
  "down_stretch", "up_stretch", "down_bgr", "letterbox", "crop", "mixed",
  "gray_from_rgb",
};

static const GstVideoFormat packed[] = {
  GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBx,
  GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_xRGB, GST_VIDEO_FORMAT_xBGR,
  GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRA, GST_VIDEO_FORMAT_ARGB,
  GST_VIDEO_FORMAT_ABGR,
};

GST_START_TEST (test_packed_rgb_against_pytorch)
{
  Case c;
  load_case (cases[__i__], &c);
  gsize len;
  guint8 *img = load_image (c.image, &len);
  fail_unless_equals_int (len, c.width * c.height * 3);
  for (gsize f = 0; f < G_N_ELEMENTS (packed); f++) {
    GstVideoInfo info;
    GstBuffer *buf = make_frame (packed[f], img, FALSE, c.width, c.height,
        &info);
    gfloat *out = run (&c.in, buf, &info);
    double d = max_diff (&c.in, out, c.expected.data);
    GST_INFO ("%s %s: max diff %.3g", cases[__i__],
        gst_video_format_to_string (packed[f]), d);
    fail_unless (d <= 1e-6, "%s %s: %g", cases[__i__],
        gst_video_format_to_string (packed[f]), d);
    g_free (out);
    gst_buffer_unref (buf);
  }
  g_free (img);
  g_free (c.expected.data);
  g_free (c.image);
}

GST_END_TEST;

GST_START_TEST (test_gray8_against_pytorch)
{
  Case c;
  load_case ("gray8", &c);
  gsize len;
  guint8 *img = load_image (c.image, &len);
  GstVideoInfo info;
  GstBuffer *buf = make_frame (GST_VIDEO_FORMAT_GRAY8, img, TRUE, c.width,
      c.height, &info);
  gfloat *out = run (&c.in, buf, &info);
  fail_unless (max_diff (&c.in, out, c.expected.data) <= 1e-6);
  g_free (out);
  gst_buffer_unref (buf);
  g_free (img);
  g_free (c.expected.data);
  g_free (c.image);
}

GST_END_TEST;

/* converts with GStreamer's own converter (what videoconvert runs) into a
 * buffer whose every byte was first set to `fill`: the converter writes
 * the picture and leaves the row padding and the gaps between planes as
 * they were, so two fills give the same picture in different padding */
static GstBuffer *
convert_filled (GstBuffer * in, const GstVideoInfo * from,
    const GstVideoInfo * to, guint8 fill)
{
  GstVideoConverter *conv = gst_video_converter_new ((GstVideoInfo *) from,
      (GstVideoInfo *) to, NULL);
  GstBuffer *out = gst_buffer_new_allocate (NULL, to->size, NULL);
  gst_buffer_memset (out, 0, fill, to->size);
  GstVideoFrame a, b;
  gst_video_frame_map (&a, from, in, GST_MAP_READ);
  gst_video_frame_map (&b, to, out, GST_MAP_WRITE);
  gst_video_converter_frame (conv, &a, &b);
  gst_video_frame_unmap (&a);
  gst_video_frame_unmap (&b);
  gst_video_converter_free (conv);
  return out;
}

static GstBuffer *
convert (GstBuffer * in, const GstVideoInfo * from, const GstVideoInfo * to)
{
  return convert_filled (in, from, to, 0);
}

/* exact YUV -> packed RGB, per pixel, from the spec's formulas (8 or 10
 * bits; 10-bit samples are 16-bit words, P010's V the second of a pair) */
static GstBuffer *
exact_rgb (GstBuffer * frame, const GstVideoInfo * yinfo, GstVideoInfo * out)
{
  gint w = GST_VIDEO_INFO_WIDTH (yinfo), h = GST_VIDEO_INFO_HEIGHT (yinfo);
  gst_video_info_set_format (out, GST_VIDEO_FORMAT_RGB, w, h);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, out->size, NULL);
  GstVideoFrame f, o;
  gst_video_frame_map (&f, yinfo, frame, GST_MAP_READ);
  gst_video_frame_map (&o, out, buf, GST_MAP_WRITE);
  gdouble kr, kb;
  fail_unless (gst_video_color_matrix_get_Kr_Kb (yinfo->colorimetry.matrix,
          &kr, &kb));
  gboolean limited = yinfo->colorimetry.range != GST_VIDEO_COLOR_RANGE_0_255;
  const GstVideoFormatInfo *fi = yinfo->finfo;
  gint depth = GST_VIDEO_FORMAT_INFO_DEPTH (fi, 0);
  gint shift = GST_VIDEO_FORMAT_INFO_SHIFT (fi, 0);
  double u = 1 << (depth - 8), top = (1 << depth) - 1;
  for (gint y = 0; y < h; y++) {
    guint8 *dst = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&o, 0)
        + y * GST_VIDEO_FRAME_PLANE_STRIDE (&o, 0);
    for (gint x = 0; x < w; x++) {
      double c[3];
      for (gint k = 0; k < 3; k++) {
        gint p = GST_VIDEO_FORMAT_INFO_PLANE (fi, k);
        gint px = x >> GST_VIDEO_FORMAT_INFO_W_SUB (fi, k);
        gint py = y >> GST_VIDEO_FORMAT_INFO_H_SUB (fi, k);
        const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f,
            p) + py * GST_VIDEO_FRAME_PLANE_STRIDE (&f, p);
        gint at = px * GST_VIDEO_FORMAT_INFO_PSTRIDE (fi, k)
            + GST_VIDEO_FORMAT_INFO_POFFSET (fi, k);
        if (depth > 8)
          c[k] = GST_READ_UINT16_LE (row + GST_ROUND_UP_2 (at)) >> shift;
        else
          c[k] = row[at];
      }
      double Y = limited ? (c[0] - 16 * u) * 255 / (219 * u) :
          c[0] * 255 / top;
      double U = (c[1] - 128 * u) * (limited ? 255 / (224 * u) : 255 / top);
      double V = (c[2] - 128 * u) * (limited ? 255 / (224 * u) : 255 / top);
      double r = Y + 2 * (1 - kr) * V, b = Y + 2 * (1 - kb) * U;
      double g = (Y - kr * r - kb * b) / (1 - kr - kb);
      double rgb[3] = { r, g, b };
      for (gint k = 0; k < 3; k++)
        dst[x * 3 + k] = (guint8) CLAMP (floor (rgb[k] + 0.5), 0, 255);
    }
  }
  gst_video_frame_unmap (&f);
  gst_video_frame_unmap (&o);
  return buf;
}

GST_START_TEST (test_yuv_against_videoconvert)
{
  static const GstVideoFormat yuv[] = { GST_VIDEO_FORMAT_I420,
    GST_VIDEO_FORMAT_YV12, GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_NV21,
    GST_VIDEO_FORMAT_Y42B, GST_VIDEO_FORMAT_Y444, GST_VIDEO_FORMAT_YUY2,
    GST_VIDEO_FORMAT_UYVY, GST_VIDEO_FORMAT_YVYU,
  };
  static const char *colorimetries[] = { "bt601", "bt709" };
  Case c;
  load_case (cases[__i__], &c);
  gsize len;
  /* the same geometry on the twin image without hard colour edges */
  gchar *smooth = g_strdup_printf ("%s_smooth", c.image);
  guint8 *img = load_image (smooth, &len);
  g_free (smooth);
  GstVideoInfo rgb_info;
  GstBuffer *rgb = make_frame (GST_VIDEO_FORMAT_RGB, img, FALSE, c.width,
      c.height, &rgb_info);
  for (gsize f = 0; f < G_N_ELEMENTS (yuv); f++) {
    for (gsize k = 0; k < G_N_ELEMENTS (colorimetries); k++) {
      GstVideoInfo yinfo, back_info = rgb_info;
      gst_video_info_set_format (&yinfo, yuv[f], c.width, c.height);
      gst_video_colorimetry_from_string (&yinfo.colorimetry,
          colorimetries[k]);
      GstBuffer *frame = convert (rgb, &rgb_info, &yinfo);
      gfloat *got = run (&c.in, frame, &yinfo);
      /* against the exact conversion: the contract */
      GstVideoInfo exact_info;
      GstBuffer *exact = exact_rgb (frame, &yinfo, &exact_info);
      gfloat *want = run (&c.in, exact, &exact_info);
      double d = max_diff (&c.in, got, want);
      /* against videoconvert's own RGB */
      GstBuffer *back = convert (frame, &yinfo, &back_info);
      gfloat *vc = run (&c.in, back, &back_info);
      double dv = max_diff (&c.in, got, vc);
      GST_INFO ("%s %s %s: max diff %.2f/255 (exact), %.2f/255 "
          "(videoconvert)", cases[__i__], gst_video_format_to_string (yuv[f]),
          colorimetries[k], d * 255, dv * 255);
      fail_unless (d <= 2.0 / 255.0, "%s %s %s: %g/255 > 2/255", cases[__i__],
          gst_video_format_to_string (yuv[f]), colorimetries[k], d * 255);
      fail_unless (dv <= 16.0 / 255.0, "%s %s %s: %g/255 from videoconvert",
          cases[__i__], gst_video_format_to_string (yuv[f]), colorimetries[k],
          dv * 255);
      g_free (vc);
      gst_buffer_unref (exact);
      g_free (want);
      g_free (got);
      gst_buffer_unref (frame);
      gst_buffer_unref (back);
    }
  }
  gst_buffer_unref (rgb);
  g_free (img);
  g_free (c.expected.data);
  g_free (c.image);
}

GST_END_TEST;

static void
case_clear (Case * c)
{
  g_free (c->expected.data);
  g_free (c->image);
  g_free (c->format);
  g_free (c->colorimetry);
}

static const char *yuv10_formats[] = { "I420_10LE", "P010_10LE",
  "Y444_10LE"
};

static const char *yuv10_cases[] = { "down_stretch", "up_stretch",
  "letterbox", "crop", "gray"
};

/* 10-bit frames as a decoder would give them, against PyTorch */
GST_START_TEST (test_yuv10_against_pytorch)
{
  const char *fmt = yuv10_formats[__i__ / G_N_ELEMENTS (yuv10_cases)];
  const char *name = yuv10_cases[__i__ % G_N_ELEMENTS (yuv10_cases)];
  gchar *dir = g_strdup_printf ("yuv10/%s_%s", fmt, name);
  Case c;
  load_case (dir, &c);
  g_free (dir);
  fail_unless_equals_string (c.format, fmt);
  GstVideoInfo info;
  gst_video_info_set_format (&info, gst_video_format_from_string (c.format),
      c.width, c.height);
  fail_unless (gst_video_colorimetry_from_string (&info.colorimetry,
          c.colorimetry));
  gsize len;
  guint8 *data = load_image (c.image, &len);
  fail_unless_equals_int (len, info.size);
  GstBuffer *buf = gst_buffer_new_wrapped (data, len);
  gfloat *out = run (&c.in, buf, &info);
  double d = max_diff (&c.in, out, c.expected.data);
  GST_INFO ("%s %s: max diff %.2f/255", fmt, name, d * 255);
  fail_unless (d <= 2.0 / 255.0, "%s %s: %g/255 > 2/255", fmt, name,
      d * 255);
  g_free (out);
  gst_buffer_unref (buf);
  case_clear (&c);
}

GST_END_TEST;

/* Frames of every supported format with pseudo-random samples (valid for
 * the depth), odd sizes included, into several geometries: the integer
 * kernels must agree bit for bit whichever implementation runs. */
static const char *all_formats[] = { "RGB", "BGR", "RGBx", "BGRx", "xRGB",
  "xBGR", "RGBA", "BGRA", "ARGB", "ABGR", "I420", "YV12", "NV12", "NV21",
  "Y42B", "Y444", "YUY2", "UYVY", "YVYU", "GRAY8", "I420_10LE", "P010_10LE",
  "Y444_10LE"
};

static const struct {
  gint w, h, ow, oh;
  MmResize resize;
} geometries[] = {
  {640, 360, 224, 224, MM_RESIZE_STRETCH},
  {333, 187, 64, 48, MM_RESIZE_STRETCH},
  {333, 187, 112, 112, MM_RESIZE_LETTERBOX},
  {642, 358, 37, 29, MM_RESIZE_CROP},
};

static GstBuffer *
random_frame (GstVideoFormat fmt, gint w, gint h, GstVideoInfo * info,
    guint32 seed)
{
  gst_video_info_set_format (info, fmt, w, h);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  gint depth = GST_VIDEO_FORMAT_INFO_DEPTH (info->finfo, 0);
  gint shift = GST_VIDEO_FORMAT_INFO_SHIFT (info->finfo, 0);
  GRand *rand = g_rand_new_with_seed (seed);
  if (depth > 8)
    for (gsize i = 0; i + 1 < map.size; i += 2)
      ((guint16 *) map.data)[i / 2] =
          (guint16) ((g_rand_int (rand) & 1023) << shift);
  else
    for (gsize i = 0; i < map.size; i++)
      map.data[i] = (guint8) g_rand_int (rand);
  g_rand_free (rand);
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* every format in every geometry, concatenated, with the kernels as they
 * are chosen now */
static GByteArray *
run_all (void)
{
  GByteArray *all = g_byte_array_new ();
  for (gsize f = 0; f < G_N_ELEMENTS (all_formats); f++) {
    for (gsize g = 0; g < G_N_ELEMENTS (geometries); g++) {
      MmModelInput in = { 0 };
      in.modality = MM_MODALITY_VIDEO;
      in.channels = 3;
      in.width = geometries[g].ow;
      in.height = geometries[g].oh;
      in.clip_frames = 1;
      in.color = MM_COLOR_RGB;
      in.resize = geometries[g].resize;
      for (gint c = 0; c < 3; c++) {
        in.mean[c] = 0.5f;
        in.std[c] = 0.25f;
      }
      GstVideoInfo info;
      GstBuffer *buf = random_frame (gst_video_format_from_string
          (all_formats[f]), geometries[g].w, geometries[g].h, &info,
          (guint32) (f * 16 + g));
      gfloat *out = run_raw (&in, buf, &info);
      if (!out)
        g_error ("%s refused", all_formats[f]);
      g_byte_array_append (all, (const guint8 *) out,
          3 * in.width * in.height * sizeof (gfloat));
      g_free (out);
      gst_buffer_unref (buf);
    }
  }
  return all;
}

static gchar *self_exe;

GST_START_TEST (test_kernels_agree)
{
  fail_unless (mm_preprocess_force_simd (MM_SIMD_NONE));
  GByteArray *portable = run_all ();
  /* the same in a child with ORC's backup C instead of its compiled code */
  gchar *tmp = g_build_filename (g_get_tmp_dir (), "mmpreprocess-XXXXXX",
      NULL);
  gint fd = g_mkstemp (tmp);
  fail_unless (fd >= 0);
  close (fd);
  gchar *argv[] = { self_exe, (gchar *) "--dump", tmp, NULL };
  gchar **envp = g_environ_setenv (g_get_environ (), "ORC_CODE", "backup",
      TRUE);
  gint status;
  GError *err = NULL;
  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
          NULL, NULL, &status, &err), "%s", err ? err->message : "");
  fail_unless (g_spawn_check_wait_status (status, NULL));
  gchar *backup;
  gsize len;
  fail_unless (g_file_get_contents (tmp, &backup, &len, NULL));
  fail_unless_equals_int (len, portable->len);
  fail_unless (memcmp (backup, portable->data, len) == 0,
      "ORC compiled and backup code differ");
  g_free (backup);
  g_unlink (tmp);
  g_free (tmp);
  g_strfreev (envp);
  /* and the AVX2 and AVX-512 kernels, where the CPU has them */
  static const struct {
    MmSimd level;
    const char *name;
  } levels[] = { {MM_SIMD_AVX2, "AVX2"}, {MM_SIMD_AVX512, "AVX-512"} };
  for (gsize l = 0; l < G_N_ELEMENTS (levels); l++) {
    if (!mm_preprocess_force_simd (levels[l].level)) {
      GST_INFO ("no %s here: not compared", levels[l].name);
      continue;
    }
    GByteArray *simd = run_all ();
    fail_unless_equals_int (simd->len, portable->len);
    fail_unless (memcmp (simd->data, portable->data, simd->len) == 0,
        "%s and portable kernels differ", levels[l].name);
    g_byte_array_unref (simd);
  }
  mm_preprocess_force_simd (MM_SIMD_AUTO);
  g_byte_array_unref (portable);
}

GST_END_TEST;

/* the run_all output of the portable kernels, for test_kernels_agree */
static int
dump (const char *path)
{
  mm_preprocess_force_simd (MM_SIMD_NONE);
  GByteArray *all = run_all ();
  gboolean ok = g_file_set_contents (path, (const gchar *) all->data,
      all->len, NULL);
  g_byte_array_unref (all);
  return ok ? 0 : 1;
}

/* a raw format the element does not preprocess: an element error that
 * names it and says what to add */
GST_START_TEST (test_unsupported_format_error)
{
  GstElement *e = gst_element_factory_make ("mmfusion", NULL);
  fail_unless (e != NULL);
  gchar *model = g_build_filename (meta_dir, "good.onnx", NULL);
  g_object_set (e, "model", model, NULL);
  g_free (model);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);
  GstHarness *h = gst_harness_new_with_element (e, "video", "src");
  gst_harness_set_src_caps_str (h, "video/x-raw, format=Y41B, width=64, "
      "height=48, framerate=25/1");
  /* the aggregator takes serialized events in its own thread */
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error posted");
  GError *err;
  gchar *debug;
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (strstr (debug, "Y41B") && strstr (debug, "videoconvert"),
      "%s", debug);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
  gst_harness_teardown (h);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
}

GST_END_TEST;

/* odd frame sizes and odd crop offsets (chroma planes one sample wider
 * than half, windows starting between chroma samples), every YUV format
 * made by GStreamer's converter, against the exact conversion */
GST_START_TEST (test_yuv_odd_sizes)
{
  static const char *formats[] = { "I420", "YV12", "NV12", "NV21", "Y42B",
    "Y444", "YUY2", "UYVY", "YVYU", "I420_10LE", "P010_10LE", "Y444_10LE"
  };
  static const struct {
    gint w, h, ow, oh;
    MmResize resize;
  } geo[] = {
    {333, 187, 48, 32, MM_RESIZE_STRETCH},
    {333, 187, 24, 24, MM_RESIZE_CROP},       /* crop from x = 73 */
    {331, 185, 40, 40, MM_RESIZE_LETTERBOX},
    /* a mild shrink: chroma rows in three windows, summed side by side */
    {333, 187, 240, 120, MM_RESIZE_STRETCH},
    {33, 19, 80, 64, MM_RESIZE_STRETCH},      /* enlarging: the float path */
  };
  for (gsize g = 0; g < G_N_ELEMENTS (geo); g++) {
    /* a smooth RGB frame: gradients, no edges that 4:2:0 would lose */
    GstVideoInfo rgb_info;
    gst_video_info_set_format (&rgb_info, GST_VIDEO_FORMAT_RGB, geo[g].w,
        geo[g].h);
    GstBuffer *rgb = gst_buffer_new_allocate (NULL, rgb_info.size, NULL);
    GstVideoFrame rf;
    gst_video_frame_map (&rf, &rgb_info, rgb, GST_MAP_WRITE);
    for (gint y = 0; y < geo[g].h; y++) {
      guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&rf, 0) +
          y * GST_VIDEO_FRAME_PLANE_STRIDE (&rf, 0);
      for (gint x = 0; x < geo[g].w; x++) {
        row[3 * x] = (guint8) (20 + 200 * x / geo[g].w);
        row[3 * x + 1] = (guint8) (30 + 190 * y / geo[g].h);
        row[3 * x + 2] = (guint8) (128 + 90 * sin (x / 9.0 + y / 13.0));
      }
    }
    gst_video_frame_unmap (&rf);
    MmModelInput in = { 0 };
    in.modality = MM_MODALITY_VIDEO;
    in.channels = 3;
    in.width = geo[g].ow;
    in.height = geo[g].oh;
    in.clip_frames = 1;
    in.color = MM_COLOR_RGB;
    in.resize = geo[g].resize;
    for (gint c = 0; c < 3; c++) {
      in.mean[c] = 0.45f;
      in.std[c] = 0.225f;
    }
    for (gsize f = 0; f < G_N_ELEMENTS (formats); f++) {
      GstVideoInfo yinfo;
      gst_video_info_set_format (&yinfo, gst_video_format_from_string
          (formats[f]), geo[g].w, geo[g].h);
      gst_video_colorimetry_from_string (&yinfo.colorimetry, "bt709");
      GstBuffer *frame = convert (rgb, &rgb_info, &yinfo);
      gfloat *got = run (&in, frame, &yinfo);
      /* the row kernels read whole vectors past a row's last sample;
       * what lies there (row padding, the next plane) must weigh nothing:
       * the frame with 0xff there gives, at every SIMD level, exactly
       * what the zero-filled one gave at the CPU's own level (the levels
       * are bit-identical) */
      GstBuffer *padded = convert_filled (rgb, &rgb_info, &yinfo, 0xff);
      static const MmSimd levels[] = { MM_SIMD_AVX512, MM_SIMD_AVX2,
        MM_SIMD_NONE
      };
      for (gsize l = 0; l < G_N_ELEMENTS (levels); l++) {
        if (!mm_preprocess_force_simd (levels[l]))
          continue;             /* not on this CPU */
        gfloat *ones = run (&in, padded, &yinfo);
        fail_unless (memcmp (got, ones, sizeof (gfloat) * 3 *
                geo[g].ow * geo[g].oh) == 0,
            "%dx%d -> %dx%d %s, kernels %d: the bytes outside the picture "
            "or the SIMD level changed the output", geo[g].w, geo[g].h,
            geo[g].ow, geo[g].oh, formats[f], (int) levels[l]);
        g_free (ones);
      }
      mm_preprocess_force_simd (MM_SIMD_AUTO);
      gst_buffer_unref (padded);
      GstVideoInfo exact_info;
      GstBuffer *exact = exact_rgb (frame, &yinfo, &exact_info);
      gfloat *want = run (&in, exact, &exact_info);
      double d = max_diff (&in, got, want);
      GST_INFO ("%dx%d -> %dx%d %s: max diff %.2f/255", geo[g].w, geo[g].h,
          geo[g].ow, geo[g].oh, formats[f], d * 255);
      fail_unless (d <= 2.0 / 255.0, "%dx%d -> %dx%d %s: %g/255", geo[g].w,
          geo[g].h, geo[g].ow, geo[g].oh, formats[f], d * 255);
      g_free (got);
      g_free (want);
      gst_buffer_unref (exact);
      gst_buffer_unref (frame);
    }
    gst_buffer_unref (rgb);
  }
}

GST_END_TEST;

/* The AVX-512 horizontal patterns (mm_hplan_*, where the CPU has AVX-512)
 * against the sums they stand for, on the windows the preprocessor makes:
 * planar luma and chroma, every second and every fourth sample (NV12's
 * chroma, YUY2), shrinks by 2 to 80, crops starting between chroma
 * samples; whole rows, slices of whole groups of 16, and two sources
 * through one pattern (V one sample after U). Patterns the kernel does not
 * take (too wide, or costlier than hsum_avx2) are only counted. */
static void
area_taps (gint sx, gint sw, gint dw, gint sub, gint pstride, gint off,
    gint32 ** start, gint16 ** w, gint * Kp)
{
  gint K = 0;
  *start = g_new (gint32, dw);
  for (gint o = 0; o < dw; o++) {
    gint s = (gint) ((gint64) o * sw / dw);
    gint e = (gint) (((gint64) (o + 1) * sw + dw - 1) / dw);
    (*start)[o] = ((sx + s) >> sub) * pstride + off;
    K = MAX (K, ((sx + e - 1) >> sub) * pstride + off - (*start)[o] + 1);
  }
  K = K <= 8 ? 8 : (K + 15) / 16 * 16;
  *w = g_new0 (gint16, (gsize) dw * K);
  for (gint o = 0; o < dw; o++) {
    gint s = (gint) ((gint64) o * sw / dw);
    gint e = (gint) (((gint64) (o + 1) * sw + dw - 1) / dw);
    for (gint x = sx + s; x < sx + e; x++)
      (*w)[(gsize) o * K + ((x >> sub) * pstride + off) - (*start)[o]]++;
  }
  *Kp = K;
}

GST_START_TEST (test_hplan_windows)
{
  if (!mm_preprocess_force_simd (MM_SIMD_AVX512)) {
    GST_INFO ("no AVX-512 here: nothing to test");
    return;
  }
  static const struct {
    gint sx, sw, dw, sub, pstride;
  } geo[] = {
    {0, 1920, 224, 0, 1}, {0, 1920, 224, 1, 1}, {0, 1920, 224, 1, 2},
    {0, 1920, 112, 0, 1}, {0, 1920, 64, 1, 1}, {0, 1920, 37, 1, 2},
    {0, 640, 224, 0, 1}, {0, 640, 224, 1, 2}, {73, 187, 24, 0, 1},
    {73, 187, 24, 1, 1}, {73, 187, 24, 0, 2}, {73, 187, 24, 1, 4},
    {0, 333, 240, 1, 1}, {0, 1000, 500, 0, 1}, {1, 999, 333, 1, 2},
    {0, 5000, 61, 0, 1},
  };
  gsize len = 16384;
  gint16 *acc = g_aligned_alloc0 (len, sizeof (gint16), 64);
  GRand *rand = g_rand_new_with_seed (7);
  for (gsize i = 0; i < len / 2; i++)
    acc[i] = (gint16) g_rand_int_range (rand, 0, 4000);
  gint planned = 0;
  for (gsize g = 0; g < G_N_ELEMENTS (geo); g++) {
    gint32 *start;
    gint16 *w;
    gint K, dw = geo[g].dw;
    area_taps (geo[g].sx, geo[g].sw, dw, geo[g].sub, geo[g].pstride, 0,
        &start, &w, &K);
    gint first = start[0];
    for (gint o = 0; o < dw; o++)
      start[o] -= first;
    MmHplan *plan = mm_hplan_new (start, w, K, dw);
    if (!plan) {
      g_free (start);
      g_free (w);
      continue;
    }
    planned++;
    gint32 *ref0 = g_new (gint32, dw), *ref1 = g_new (gint32, dw);
    gint32 *out0 = g_new (gint32, dw), *out1 = g_new (gint32, dw);
    for (gint o = 0; o < dw; o++) {
      ref0[o] = ref1[o] = 0;
      for (gint k = 0; k < K; k++) {
        ref0[o] += acc[start[o] + k] * w[(gsize) o * K + k];
        ref1[o] += acc[start[o] + k + 1] * w[(gsize) o * K + k];
      }
    }
    memset (out0, 0, dw * sizeof (gint32));
    mm_hplan_sums (plan, acc, out0, 0, dw);
    fail_unless (memcmp (out0, ref0, dw * sizeof (gint32)) == 0,
        "geometry %d: sums differ", (gint) g);
    /* in slices of 32 columns */
    memset (out0, 0, dw * sizeof (gint32));
    for (gint x = 0; x < dw; x += 32)
      mm_hplan_sums (plan, acc, out0, x, MIN (x + 32, dw));
    fail_unless (memcmp (out0, ref0, dw * sizeof (gint32)) == 0,
        "geometry %d: sliced sums differ", (gint) g);
    memset (out0, 0, dw * sizeof (gint32));
    mm_hplan_sums2 (plan, acc, acc + 1, out0, out1, 0, dw);
    fail_unless (memcmp (out0, ref0, dw * sizeof (gint32)) == 0
        && memcmp (out1, ref1, dw * sizeof (gint32)) == 0,
        "geometry %d: two-source sums differ", (gint) g);
    g_free (ref0);
    g_free (ref1);
    g_free (out0);
    g_free (out1);
    mm_hplan_free (plan);
    g_free (start);
    g_free (w);
  }
  /* planar 4:2:0 into 224x224 and the like must take the patterns */
  fail_unless (planned >= 8, "only %d geometries planned", planned);
  g_rand_free (rand);
  g_aligned_free (acc);
  mm_preprocess_force_simd (MM_SIMD_AUTO);
}

GST_END_TEST;

static Suite *
preprocess_suite (void)
{
  Suite *s = suite_create ("mmpreprocess");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_packed_rgb_against_pytorch, 0,
      G_N_ELEMENTS (cases));
  tcase_add_test (tc, test_gray8_against_pytorch);
  tcase_add_loop_test (tc, test_yuv_against_videoconvert, 0,
      G_N_ELEMENTS (cases));
  tcase_add_loop_test (tc, test_yuv10_against_pytorch, 0,
      G_N_ELEMENTS (yuv10_formats) * G_N_ELEMENTS (yuv10_cases));
  tcase_add_test (tc, test_yuv_odd_sizes);
  tcase_add_test (tc, test_kernels_agree);
  tcase_add_test (tc, test_hplan_windows);
  tcase_add_test (tc, test_unsupported_format_error);
  return s;
}

int
main (int argc, char **argv)
{
  video_dir = g_getenv ("MM_GOLDEN_VIDEO");
  if (!video_dir)
    video_dir = "tests/golden/video";
  meta_dir = g_getenv ("MM_GOLDEN_META");
  if (!meta_dir)
    meta_dir = "tests/golden/meta";
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (argc == 3 && strcmp (argv[1], "--dump") == 0) {
    gst_init (NULL, NULL);
    return dump (argv[2]);
  }
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (preprocess_suite (), "mmpreprocess", __FILE__);
}
