/* The loader refuses bad input with a GError, never a crash: malformed and
 * unsupported models (made by tests/golden/bad/make_bad_models.py),
 * truncated files, random bytes, wrong wire types and byte-flipped models.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/nn.h>

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

static const char *bad_dir, *good_model;

typedef struct {
  const char *file;
  int code;
  const char *words;            /* must appear in the message */
} bad_case;

static const bad_case cases[] = {
  {"cycle", NN_ERROR_INVALID, "cycle"},
  {"missing_initializer", NN_ERROR_INVALID, "node 'proj' (MatMul): input 'W'"},
  {"unsupported_op", NN_ERROR_UNSUPPORTED, "node 'einsum0' (Einsum)"},
  {"external_data", NN_ERROR_UNSUPPORTED, "external data"},
  {"bad_broadcast", NN_ERROR_SHAPE, "node 'add_bias' (Add)"},
  {"double_weight", NN_ERROR_UNSUPPORTED, "tensor 'd'"},
  {"short_initializer", NN_ERROR_INVALID, "tensor 'W'"},
  {"conv_channels", NN_ERROR_SHAPE, "node 'conv0' (Conv)"},
  {"future_opset", NN_ERROR_UNSUPPORTED, "opset 30"},
};

static void
test_bad_models (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path = g_strdup_printf ("%s/%s.onnx", bad_dir, cases[i].file);
    GError *err = NULL;
    nn_model *m = nn_model_load_file (path, NULL, &err);
    g_assert_null (m);
    g_assert_error (err, NN_ERROR, cases[i].code);
    g_test_message ("%s: %s", cases[i].file, err->message);
    g_assert_nonnull (strstr (err->message, cases[i].words));
    g_error_free (err);
    g_free (path);
  }
}

static long
peak_rss_kib (void)
{
  struct rusage ru;
  g_assert_cmpint (getrusage (RUSAGE_SELF, &ru), ==, 0);
  return ru.ru_maxrss;
}

/* ConstantOfShape and Range fill their output at load time, sized by the
 * file: the 600 MB and 800 MB tensors are refused before any of them is
 * allocated and written (the fuzzer once found a 4.8 GB fill), so the
 * process's peak memory does not move */
static void
test_fills_refused_before_allocating (void)
{
  long before = peak_rss_kib ();
  const char *files[] = { "huge_fill", "huge_range" };
  const char *nodes[] = { "node 'fill' (ConstantOfShape)",
    "node 'count' (Range)"
  };
  for (size_t i = 0; i < G_N_ELEMENTS (files); i++) {
    gchar *path = g_strdup_printf ("%s/%s.onnx", bad_dir, files[i]);
    GError *err = NULL;
    g_assert_null (nn_model_load_file (path, NULL, &err));
    g_assert_error (err, NN_ERROR, NN_ERROR_SHAPE);
    g_test_message ("%s: %s", files[i], err->message);
    g_assert_nonnull (strstr (err->message, nodes[i]));
    g_assert_nonnull (strstr (err->message, "memory budget"));
    g_error_free (err);
    g_free (path);
  }
  g_assert_cmpint (peak_rss_kib () - before, <, 64 * 1024);
}

static void
test_missing_file (void)
{
  GError *err = NULL;
  g_assert_null (nn_model_load_file ("/nonexistent/model.onnx", NULL, &err));
  g_assert_error (err, NN_ERROR, NN_ERROR_IO);
  g_error_free (err);
}

static GBytes *
good_bytes (void)
{
  gchar *data;
  gsize len;
  g_assert_true (g_file_get_contents (good_model, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

/* loading may fail or succeed; a loaded model must also run */
static void
try_load (const guint8 * data, gsize len)
{
  GError *err = NULL;
  nn_model *m = nn_model_load_data (data, len, NULL, &err);
  if (!m) {
    g_assert_nonnull (err);
    g_assert_true (err->domain == NN_ERROR);
    g_assert_cmpstr (err->message, !=, "");
    g_error_free (err);
    return;
  }
  nn_session *s = nn_session_new (m, NULL, &err);
  if (s) {
    nn_session_run (s, NULL);
    nn_session_free (s);
  } else {
    g_clear_error (&err);
  }
  nn_model_free (m);
}

static void
test_truncated (void)
{
  GBytes *b = good_bytes ();
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);
  int refused = 0;
  for (gsize cut = 0; cut < len; cut += 1 + cut / 50) {
    GError *err = NULL;
    nn_model *m = nn_model_load_data (data, cut, NULL, &err);
    /* a cut model is refused: protobuf framing or a missing part */
    if (!m) {
      refused++;
      g_error_free (err);
    } else {
      nn_model_free (m);
    }
  }
  g_assert_cmpint (refused, >, 0);
  g_bytes_unref (b);
}

static void
test_random_bytes (void)
{
  GRand *r = g_rand_new_with_seed (42);
  guint8 buf[4096];
  for (int i = 0; i < 2000; i++) {
    gsize len = g_rand_int_range (r, 0, sizeof buf);
    for (gsize k = 0; k < len; k++)
      buf[k] = g_rand_int (r) & 0xff;
    try_load (buf, len);
  }
  g_rand_free (r);
}

static void
test_wrong_wire_types (void)
{
  /* field 7 (graph, a message) sent as a varint; field 1 (ir_version,
   * a varint) sent as length-delimited; a graph whose node list (field 1)
   * is a fixed64 */
  static const guint8 graph_varint[] = { 0x38, 0x01 };
  static const guint8 ir_bytes[] = { 0x0a, 0x02, 0x01, 0x02 };
  static const guint8 node_fixed64[] = {
    0x3a, 0x09, 0x09, 1, 2, 3, 4, 5, 6, 7, 8
  };
  const struct {
    const guint8 *d;
    gsize n;
  } cases_[] = {
    {graph_varint, sizeof graph_varint}, {ir_bytes, sizeof ir_bytes},
    {node_fixed64, sizeof node_fixed64},
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases_); i++) {
    GError *err = NULL;
    g_assert_null (nn_model_load_data (cases_[i].d, cases_[i].n, NULL, &err));
    g_assert_error (err, NN_ERROR, NN_ERROR_PARSE);
    g_error_free (err);
  }
}

static void
test_mutations (void)
{
  GBytes *b = good_bytes ();
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);
  guint8 *copy = g_memdup2 (data, len);
  GRand *r = g_rand_new_with_seed (7);
  for (int i = 0; i < 3000; i++) {
    memcpy (copy, data, len);
    int flips = g_rand_int_range (r, 1, 8);
    for (int k = 0; k < flips; k++)
      copy[g_rand_int_range (r, 0, len)] = g_rand_int (r) & 0xff;
    try_load (copy, len);
  }
  g_rand_free (r);
  g_free (copy);
  g_bytes_unref (b);
}

static void
test_bad_npy (void)
{
  gchar *path = g_build_filename (g_get_tmp_dir (), "mmfusion-bad.npy", NULL);
  static const char *contents[] = {
    "", "\x93NUMPY", "\x93NUMPY\x01\x00\x05\x00{'de", "not numpy at all",
    "\x93NUMPY\x01\x00\x40\x00{'descr': '<f8', 'fortran_order': False, "
        "'shape': (2,), }          \n",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (contents); i++) {
    nn_tensor t;
    GError *err = NULL;
    g_assert_true (g_file_set_contents (path, contents[i], -1, NULL));
    g_assert_false (nn_npy_load (path, &t, &err));
    g_assert_nonnull (err);
    g_error_free (err);
  }
  g_unlink (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bad_dir = argc > 1 ? argv[1] : "tests/golden/bad";
  good_model = argc > 2 ? argv[2] : "tests/golden/nn/cnn/model.onnx";
  /* first: it reads the process's peak memory */
  g_test_add_func ("/nn/bad/fills-refused-before-allocating",
      test_fills_refused_before_allocating);
  g_test_add_func ("/nn/bad/models", test_bad_models);
  g_test_add_func ("/nn/bad/missing-file", test_missing_file);
  g_test_add_func ("/nn/bad/truncated", test_truncated);
  g_test_add_func ("/nn/bad/random-bytes", test_random_bytes);
  g_test_add_func ("/nn/bad/wire-types", test_wrong_wire_types);
  g_test_add_func ("/nn/bad/mutations", test_mutations);
  g_test_add_func ("/nn/bad/npy", test_bad_npy);
  return g_test_run ();
}
