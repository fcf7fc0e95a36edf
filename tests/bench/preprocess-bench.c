/* Preprocessing speed per format and model input size: milliseconds per
 * 1920x1080 frame, beside memcpy of the same frame (the physical
 * reference: reading and writing it once). Run by scripts/bench-preprocess.
 *
 * usage: preprocess-bench [-p|-2] [-c] [-s WxH] [ROUNDS] [FRAMES_PER_ROUND]
 *        [FORMAT...]
 * (-p: the portable kernels, ORC and C, as on a CPU without AVX2; -2: the
 *  AVX2 kernels on a CPU that has AVX-512; -c: one frame, read again and
 *  again from the cache: the computation without the memory; -s: that one
 *  output size instead of the three)
 * Frames rotate through a pool larger than the last-level cache, so each
 * one comes from memory as a decoder's output would once evicted; rounds
 * alternate memcpy and every size, and the figures are medians of rounds.
 * The last column is the median of the rounds' own ratios (the last size's
 * time over the memcpy time of the same round), not the ratio of the two
 * medians: load on a shared machine drifts between rounds, slowing memcpy
 * and preprocessing alike, and the ratio within a round cancels most of it.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/video/video.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmpreprocess.h"
#include "mmpreprocess-simd.h"

#define W 1920
#define H 1080
#define POOL_BYTES (96u << 20)  /* well past a 32 MiB L3 */

static const char *default_formats[] = {
  "I420", "YV12", "NV12", "NV21", "Y42B", "Y444", "YUY2", "UYVY", "YVYU",
  "GRAY8", "RGB", "BGR", "RGBx", "BGRx", "xRGB", "xBGR", "RGBA", "BGRA",
  "ARGB", "ABGR", "I420_10LE", "P010_10LE", "Y444_10LE",
};

static struct { gint w, h; } sizes[3] = { {64, 48}, {112, 112}, {224, 224} };

static guint N_SIZES = 3;

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, gint n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* plausible sample values: a gradient with noise, valid for the depth */
static void
fill_frame (GstVideoFrame * f, guint seed)
{
  const GstVideoFormatInfo *fi = f->info.finfo;
  gint depth = GST_VIDEO_FORMAT_INFO_DEPTH (fi, 0);
  gint shift = GST_VIDEO_FORMAT_INFO_SHIFT (fi, 0);
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (f); p++) {
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (f, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (f, p);
    gint rows = GST_VIDEO_FRAME_COMP_HEIGHT (f, p == 0 ? 0 : MIN (p, 2));
    if (GST_VIDEO_FORMAT_INFO_N_PLANES (fi) == 1)
      rows = H;
    for (gint y = 0; y < rows; y++) {
      if (depth > 8) {
        guint16 *r = (guint16 *) (d + (gsize) y * stride);
        for (gint x = 0; x < stride / 2; x++)
          r[x] = (guint16) (((x + y + (seed = seed * 1103515245u + 12345u)
                          % 64) & 1023) << shift);
      } else {
        guint8 *r = d + (gsize) y * stride;
        for (gint x = 0; x < stride; x++)
          r[x] = (guint8) (x + y + (seed = seed * 1103515245u + 12345u) % 32);
      }
    }
  }
}

/* CPU time of this thread: a shared machine preempts us, and what is
 * measured is the work of one core */
static double
now_ms (void)
{
  struct timespec t;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc > 1 && strcmp (argv[1], "-p") == 0) {
    mm_preprocess_force_simd (MM_SIMD_NONE);
    argc--;
    argv++;
  } else if (argc > 1 && strcmp (argv[1], "-2") == 0) {
    if (!mm_preprocess_force_simd (MM_SIMD_AVX2)) {
      fprintf (stderr, "preprocess-bench: no AVX2 on this CPU\n");
      return 1;
    }
    argc--;
    argv++;
  }
  gboolean cached = FALSE;
  if (argc > 1 && strcmp (argv[1], "-c") == 0) {
    cached = TRUE;
    argc--;
    argv++;
  }
  if (argc > 2 && strcmp (argv[1], "-s") == 0) {
    if (sscanf (argv[2], "%dx%d", &sizes[0].w, &sizes[0].h) != 2) {
      fprintf (stderr, "preprocess-bench: -s takes WxH\n");
      return 1;
    }
    N_SIZES = 1;
    argc -= 2;
    argv += 2;
  }
  gint rounds = argc > 1 ? atoi (argv[1]) : 7;
  gint per_round = argc > 2 ? atoi (argv[2]) : 30;
  const char **formats = default_formats;
  gint n_formats = G_N_ELEMENTS (default_formats);
  if (argc > 3) {
    formats = (const char **) argv + 3;
    n_formats = argc - 3;
  }
  if (rounds < 1 || per_round < 1) {
    fprintf (stderr, "preprocess-bench: ROUNDS and FRAMES must be >= 1\n");
    return 1;
  }

  printf ("| format | frame MB | memcpy ms (GB/s) |");
  for (guint s = 0; s < N_SIZES; s++)
    printf (" → %d×%d ms (GB/s) |", sizes[s].w, sizes[s].h);
  printf (" %d×%d / memcpy |\n|---|---:|---:|", sizes[N_SIZES - 1].w,
      sizes[N_SIZES - 1].h);
  for (guint s = 0; s < N_SIZES; s++)
    printf ("---:|");
  printf ("---:|\n");

  for (gint fi = 0; fi < n_formats; fi++) {
    GstVideoFormat fmt = gst_video_format_from_string (formats[fi]);
    GstVideoInfo info;
    if (fmt == GST_VIDEO_FORMAT_UNKNOWN
        || !gst_video_info_set_format (&info, fmt, W, H)
        || !mm_preprocess_supports (fmt)) {
      fprintf (stderr, "preprocess-bench: format %s not supported\n",
          formats[fi]);
      return 1;
    }
    gint pool = cached ? 1 : MAX (4, (gint) (POOL_BYTES / info.size));
    GstBuffer **bufs = g_new (GstBuffer *, pool);
    GstVideoFrame *frames = g_new (GstVideoFrame, pool);
    for (gint i = 0; i < pool; i++) {
      bufs[i] = gst_buffer_new_allocate (NULL, info.size, NULL);
      gst_video_frame_map (&frames[i], &info, bufs[i], GST_MAP_READWRITE);
      fill_frame (&frames[i], 17u * i + 1);
    }
    guint8 *copy = g_malloc (info.size);
    MmPreprocess *pp[3];
    gfloat *out[3];
    for (guint s = 0; s < N_SIZES; s++) {
      MmModelInput in = { 0 };
      in.modality = MM_MODALITY_VIDEO;
      in.channels = 3;
      in.width = sizes[s].w;
      in.height = sizes[s].h;
      in.clip_frames = 1;
      in.color = MM_COLOR_RGB;
      in.resize = MM_RESIZE_STRETCH;
      for (gint c = 0; c < 3; c++) {
        in.mean[c] = 0.45f;
        in.std[c] = 0.225f;
      }
      pp[s] = mm_preprocess_new (&in, &info);
      out[s] = g_new (gfloat, 3 * in.width * in.height);
    }
    double *t_copy = g_new (double, rounds);
    double *t_pp[3];
    for (guint s = 0; s < N_SIZES; s++)
      t_pp[s] = g_new (double, rounds);
    gint at = 0;
    for (gint r = 0; r < rounds; r++) {
      double t0 = now_ms ();
      for (gint i = 0; i < per_round; i++, at = (at + 1) % pool) {
        memcpy (copy, GST_VIDEO_FRAME_PLANE_DATA (&frames[at], 0), info.size);
        __asm__ volatile ("":::"memory");
      }
      t_copy[r] = (now_ms () - t0) / per_round;
      for (guint s = 0; s < N_SIZES; s++) {
        t0 = now_ms ();
        for (gint i = 0; i < per_round; i++, at = (at + 1) % pool)
          mm_preprocess_frame (pp[s], &frames[at], out[s]);
        t_pp[s][r] = (now_ms () - t0) / per_round;
      }
    }
    /* per-round ratios first: median () sorts its array in place */
    double *ratio = g_new (double, rounds);
    for (gint r = 0; r < rounds; r++)
      ratio[r] = t_pp[N_SIZES - 1][r] / t_copy[r];
    double mb = info.size / 1e6, mc = median (t_copy, rounds);
    printf ("| %s | %.2f | %.3f (%.1f) |", formats[fi], mb, mc, mb / mc);
    for (guint s = 0; s < N_SIZES; s++) {
      double m = median (t_pp[s], rounds);
      printf (" %.3f (%.1f) |", m, mb / m);
    }
    printf (" %.2f× |\n", median (ratio, rounds));
    g_free (ratio);
    fflush (stdout);
    for (guint s = 0; s < N_SIZES; s++) {
      mm_preprocess_free (pp[s]);
      g_free (out[s]);
      g_free (t_pp[s]);
    }
    for (gint i = 0; i < pool; i++) {
      gst_video_frame_unmap (&frames[i]);
      gst_buffer_unref (bufs[i]);
    }
    g_free (frames);
    g_free (bufs);
    g_free (copy);
    g_free (t_copy);
  }
  return 0;
}
