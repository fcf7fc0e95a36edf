/* Real-time factor of mmaudiowindow: seconds of audio processed per second
 * of wall time, on the calling thread (one core). The same push loop
 * through `identity` is timed too, so the element's own cost is visible.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * usage: audio-rtf [SECONDS] [RUNS]     (defaults 60 and 5; medians)
 */
#include <gst/check/gstharness.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RATE 16000
#define BLOCK 1024

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* seconds of wall time to push `seconds` of noise through `desc` */
static double
time_push (const char *desc, int seconds, guint64 * windows)
{
  GstHarness *h = gst_harness_new_parse (desc);
  gst_harness_set_src_caps_str (h, "audio/x-raw, format=F32LE, "
      "layout=interleaved, rate=16000, channels=1");
  /* buffers made before the clock starts */
  int n = seconds * RATE / BLOCK;
  GstBuffer **bufs = g_new (GstBuffer *, n);
  GRand *r = g_rand_new_with_seed (5);
  for (int i = 0; i < n; i++) {
    bufs[i] = gst_buffer_new_allocate (NULL, BLOCK * 4, NULL);
    GstMapInfo map;
    gst_buffer_map (bufs[i], &map, GST_MAP_WRITE);
    for (int k = 0; k < BLOCK; k++)
      ((float *) map.data)[k] = (float) g_rand_double_range (r, -0.5, 0.5);
    gst_buffer_unmap (bufs[i], &map);
    GST_BUFFER_PTS (bufs[i]) = gst_util_uint64_scale_int ((guint64) i * BLOCK,
        GST_SECOND, RATE);
  }
  g_rand_free (r);
  *windows = 0;
  double t0 = now_s ();
  for (int i = 0; i < n; i++) {
    gst_harness_push (h, bufs[i]);
    GstBuffer *out;
    while ((out = gst_harness_try_pull (h))) {
      (*windows)++;
      gst_buffer_unref (out);
    }
  }
  double t = now_s () - t0;
  g_free (bufs);
  gst_harness_teardown (h);
  return t;
}

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  int seconds = argc > 1 ? atoi (argv[1]) : 60;
  int runs = argc > 2 ? atoi (argv[2]) : 5;
  if (seconds < 1 || runs < 1) {
    fprintf (stderr, "usage: audio-rtf [SECONDS] [RUNS]\n");
    return 1;
  }
  const char *element = "mmaudiowindow rate=16000 n-fft=512 win-length=400 "
      "hop-length=160 n-mels=64 frames=100 stride=10";
  double *t = g_new (double, runs), *base = g_new (double, runs);
  guint64 windows = 0, none;
  for (int i = 0; i < runs; i++) {
    t[i] = time_push (element, seconds, &windows);
    base[i] = time_push ("identity", seconds, &none);
  }
  double tm = median (t, runs), bm = median (base, runs);
  printf ("audio: %d s at 16 kHz, 64 mels, hop 160, window 100 frames, "
      "stride 10 (%" G_GUINT64_FORMAT " windows)\n", seconds, windows);
  printf ("mmaudiowindow: median %.4f s -> real-time factor %.0fx\n", tm,
      seconds / tm);
  printf ("identity (same push loop): median %.4f s -> %.0fx\n", bm,
      seconds / bm);
  printf ("rtf=%.0f\n", seconds / tm);
  g_free (t);
  g_free (base);
  return 0;
}
