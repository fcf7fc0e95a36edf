/* PyTorch golden models (tests/golden/nn, made by make_goldens.py): the
 * runtime's outputs must be within 1e-4 of PyTorch's, with and without
 * load-time fusion, and stable across runs and sessions.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/nn.h>
#include "npy-inputs.h"

#include <math.h>
#include <string.h>

static const char *golden_dir;

static double
max_error (nn_session * s, const nn_model * m, const char *dir)
{
  double worst = 0.0;
  for (size_t i = 0; i < nn_model_n_outputs (m); i++) {
    const nn_tensor *y = nn_session_output (s, i);
    nn_tensor want;
    gchar *path = g_strdup_printf ("%s/output_%s.npy", dir, y->name);
    GError *err = NULL;
    g_assert_true (nn_npy_load (path, &want, &err));
    g_assert_cmpint (want.ndim, ==, y->ndim);
    for (int d = 0; d < y->ndim; d++)
      g_assert_cmpint (want.shape[d], ==, y->shape[d]);
    for (int64_t k = 0; k < nn_tensor_numel (y); k++) {
      double e = fabs (((float *) y->data)[k] - ((float *) want.data)[k]);
      worst = isnan (e) ? INFINITY : MAX (worst, e);
    }
    g_free (want.data);
    g_free (path);
  }
  return worst;
}

static void
check_model (gconstpointer data)
{
  const char *name = data;
  gchar *dir = g_build_filename (golden_dir, name, NULL);
  gchar *path = g_build_filename (dir, "model.onnx", NULL);
  for (int fusion = 0; fusion < 2; fusion++) {
    nn_load_options opts = {.no_fusion = !fusion };
    GError *err = NULL;
    nn_model *m = nn_model_load_file (path, &opts, &err);
    g_assert_no_error (err);
    nn_session *s1 = nn_session_new (m, NULL, &err);
    nn_session *s2 = nn_session_new (m, NULL, &err);
    g_assert_no_error (err);
    npy_fill_inputs (s1, m, dir);
    npy_fill_inputs (s2, m, dir);
    /* several runs: the arena plan must not let a run corrupt the next */
    for (int run = 0; run < 3; run++) {
      g_assert_true (nn_session_run (s1, &err));
      double e = max_error (s1, m, dir);
      g_test_message ("%s fusion=%d run=%d max abs error %.3g", name, fusion,
          run, e);
      g_assert_cmpfloat (e, <=, 1e-4);
    }
    g_assert_true (nn_session_run (s2, &err));
    g_assert_cmpfloat (max_error (s2, m, dir), <=, 1e-4);
    nn_session_free (s1);
    nn_session_free (s2);
    nn_model_free (m);
  }
  g_free (path);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  golden_dir = argc > 1 ? argv[1] : "tests/golden/nn";
  static const char *models[] = {
    "cnn", "depthwise", "attention", "gru_fusion", "late_fusion", "cast",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (models); i++) {
    gchar *test = g_strdup_printf ("/nn/golden/%s", models[i]);
    g_test_add_data_func (test, models[i], check_model);
    g_free (test);
  }
  return g_test_run ();
}
