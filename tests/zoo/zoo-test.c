/* The small zoo (tests/zoo/small, made by make_zoo.py small): real
 * architectures at small widths must match PyTorch within
 * 1e-4 x max(1, max |reference|), with and without load-time fusion, and
 * on two threads.
 *
 *   zoo-test DIR [NAME...]    every model of DIR, or the named ones
 *
 * tests/zoo/check-zoo runs the same program over the full-size zoo.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/nn.h>
#include "../nn/npy-inputs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *zoo_dir;

/* worst |ours - PyTorch| over the outputs, and max |PyTorch| */
static void
compare (nn_session * s, const nn_model * m, const char *dir, double *err_out,
    double *ref_max)
{
  double worst = 0.0, big = 0.0;
  for (size_t i = 0; i < nn_model_n_outputs (m); i++) {
    const nn_tensor *y = nn_session_output (s, i);
    nn_tensor want;
    gchar *path = g_strdup_printf ("%s/output_%s.npy", dir, y->name);
    GError *err = NULL;
    g_assert_true (nn_npy_load (path, &want, &err));
    g_assert_no_error (err);
    g_assert_cmpint (want.ndim, ==, y->ndim);
    for (int d = 0; d < y->ndim; d++)
      g_assert_cmpint (want.shape[d], ==, y->shape[d]);
    for (int64_t k = 0; k < nn_tensor_numel (y); k++) {
      double r = ((float *) want.data)[k];
      double e = fabs (((float *) y->data)[k] - r);
      worst = isnan (e) ? INFINITY : MAX (worst, e);
      big = MAX (big, fabs (r));
    }
    g_free (want.data);
    g_free (path);
  }
  *err_out = worst;
  *ref_max = big;
}

static void
check_model (gconstpointer data)
{
  const char *name = data;
  gchar *dir = g_build_filename (zoo_dir, name, NULL);
  gchar *path = g_build_filename (dir, "model.onnx", NULL);
  /* fused on one and on two threads (the work split between the
   * session's workers), and unfused */
  static const struct {
    int fusion, threads;
  } configs[] = { {1, 1}, {1, 2}, {0, 1} };
  for (guint c = 0; c < G_N_ELEMENTS (configs); c++) {
    int fusion = configs[c].fusion;
    nn_load_options opts = {.no_fusion = !fusion };
    nn_session_options sopts = {.threads = configs[c].threads };
    GError *err = NULL;
    nn_model *m = nn_model_load_file (path, &opts, &err);
    g_assert_no_error (err);
    nn_session *s = nn_session_new (m, &sopts, &err);
    g_assert_no_error (err);
    npy_fill_inputs (s, m, dir);
    /* two runs: a run must not spoil the next through the arena */
    for (int run = 0; run < 2; run++) {
      double e, ref;
      g_assert_true (nn_session_run (s, &err));
      compare (s, m, dir, &e, &ref);
      double tol = 1e-4 * MAX (1.0, ref);
      if (run == 0)
        printf ("# %s fusion=%d threads=%d: max abs error %.3g (max |ref| "
            "%.3g, tolerance %.3g)\n", name, fusion, configs[c].threads, e,
            ref, tol);
      g_assert_cmpfloat (e, <=, tol);
    }
    nn_session_free (s);
    nn_model_free (m);
  }
  g_free (path);
  g_free (dir);
}

/* sample k of a batch: the stored input, scaled and shifted so that every
 * sample differs */
static void
fill_sample (float *dst, const float *src, int64_t n, int k)
{
  for (int64_t i = 0; i < n; i++)
    dst[i] = src[(i + 7 * k) % n] * (1.0f - 0.3f * k) + 0.05f * k;
}

/* N samples in one run give the results of N single runs, within
 * 1e-5 x max(1, max |output|), ten times tighter than against PyTorch */
static void
check_batch (gconstpointer data)
{
  const char *name = data;
  const int N = 3;
  gchar *dir = g_build_filename (zoo_dir, name, NULL);
  gchar *path = g_build_filename (dir, "model.onnx", NULL);
  GError *err = NULL;
  nn_load_options bopts = {.batch = N }, sopts = {.batch = 1 };
  nn_model *mb = nn_model_load_file (path, &bopts, &err);
  g_assert_no_error (err);
  nn_model *ms = nn_model_load_file (path, &sopts, &err);
  g_assert_no_error (err);
  g_assert_cmpint (nn_model_batch (mb), ==, N);
  g_assert_cmpint (nn_model_batch (ms), ==, 1);
  nn_session *sb = nn_session_new (mb, NULL, &err);
  nn_session *ss = nn_session_new (ms, NULL, &err);
  g_assert_cmpint (nn_session_batch (sb), ==, N);
  npy_fill_inputs (ss, ms, dir);
  for (size_t i = 0; i < nn_model_n_inputs (mb); i++) {
    const nn_tensor *one = nn_session_input (ss, i);
    nn_tensor *all = nn_session_input (sb, i);
    int64_t n = nn_tensor_numel (one);
    g_assert_cmpint (nn_tensor_numel (all), ==, N * n);
    float *orig = g_memdup2 (one->data, n * sizeof (float));
    for (int k = 0; k < N; k++)
      fill_sample ((float *) all->data + k * n, orig, n, k);
    g_free (orig);
  }
  g_assert_true (nn_session_run (sb, &err));
  double worst = 0.0, big = 0.0;
  for (int k = 0; k < N; k++) {
    for (size_t i = 0; i < nn_model_n_inputs (ms); i++) {
      nn_tensor *one = nn_session_input (ss, i);
      const nn_tensor *all = nn_session_input (sb, i);
      int64_t n = nn_tensor_numel (one);
      memcpy (one->data, (const float *) all->data + k * n, n * sizeof (float));
    }
    g_assert_true (nn_session_run (ss, &err));
    for (size_t o = 0; o < nn_model_n_outputs (ms); o++) {
      const nn_tensor *y1 = nn_session_output (ss, o);
      const nn_tensor *yn = nn_session_output (sb, o);
      int64_t n = nn_tensor_numel (y1);
      g_assert_cmpint (nn_tensor_numel (yn), ==, N * n);
      g_assert_cmpint (yn->shape[0], ==, N);
      for (int64_t j = 0; j < n; j++) {
        float a = ((const float *) y1->data)[j];
        float b = ((const float *) yn->data)[k * n + j];
        double e = fabs ((double) a - b);
        worst = isnan (e) ? INFINITY : MAX (worst, e);
        big = MAX (big, fabs (a));
      }
    }
  }
  /* the same arithmetic up to the order of sums (a product over N rows
   * may block differently from one over one row) */
  double tol = 1e-5 * MAX (1.0, big);
  printf ("# %s batch %d: max abs difference from single runs %.3g "
      "(tolerance %.3g)\n", name, N, worst, tol);
  g_assert_cmpfloat (worst, <=, tol);
  nn_session_free (sb);
  nn_session_free (ss);
  nn_model_free (mb);
  nn_model_free (ms);
  g_free (path);
  g_free (dir);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  zoo_dir = argc > 1 ? argv[1] : "tests/zoo/small";
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  if (argc > 2) {
    for (int i = 2; i < argc; i++)
      g_ptr_array_add (names, g_strdup (argv[i]));
  } else {
    GDir *d = g_dir_open (zoo_dir, 0, NULL);
    g_assert_nonnull (d);
    const char *e;
    while ((e = g_dir_read_name (d))) {
      gchar *model = g_build_filename (zoo_dir, e, "model.onnx", NULL);
      if (g_file_test (model, G_FILE_TEST_EXISTS))
        g_ptr_array_add (names, g_strdup (e));
      g_free (model);
    }
    g_dir_close (d);
    /* a zoo that lost models must not pass quietly */
    g_assert_cmpuint (names->len, >=, 18);
  }
  g_ptr_array_sort (names, by_name);
  for (guint i = 0; i < names->len; i++) {
    gchar *test = g_strdup_printf ("/zoo/%s", (char *) names->pdata[i]);
    g_test_add_data_func (test, names->pdata[i], check_model);
    g_free (test);
    test = g_strdup_printf ("/zoo/batch/%s", (char *) names->pdata[i]);
    g_test_add_data_func (test, names->pdata[i], check_batch);
    g_free (test);
  }
  int r = g_test_run ();
  g_ptr_array_unref (names);
  return r;
}
