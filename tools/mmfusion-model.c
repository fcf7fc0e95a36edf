/* mmfusion-model: inspect, run and benchmark an ONNX model with the
 * mmfusion runtime (DESIGN.md section 9).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/nn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *prog = "mmfusion-model";

static int
fail (const char *file, const char *reason)
{
  /* one line, PROGRAM: FILE: reason */
  fprintf (stderr, "%s: %s: %s\n", prog, file, reason);
  return 1;
}

static void
print_shape (const nn_tensor * t)
{
  printf ("[");
  for (int d = 0; d < t->ndim; d++)
    printf ("%s%" G_GINT64_FORMAT, d ? ", " : "", t->shape[d]);
  printf ("]");
}

static int
cmd_inspect (const char *path, nn_model * m)
{
  printf ("model: %s\n", path);
  printf ("producer: %s\nopset: %" G_GINT64_FORMAT "\n",
      nn_model_producer (m), nn_model_opset (m));
  printf ("inputs:\n");
  for (size_t i = 0; i < nn_model_n_inputs (m); i++) {
    const nn_tensor *t = nn_model_input (m, i);
    printf ("  %s %s ", t->name, nn_type_name (t->type));
    print_shape (t);
    printf ("\n");
  }
  printf ("outputs:\n");
  for (size_t i = 0; i < nn_model_n_outputs (m); i++) {
    const nn_tensor *t = nn_model_output (m, i);
    printf ("  %s %s ", t->name, nn_type_name (t->type));
    print_shape (t);
    printf ("\n");
  }
  printf ("ops:\n");
  for (size_t i = 0; i < nn_model_n_op_types (m); i++) {
    const char *op;
    size_t count;
    nn_model_op_type (m, i, &op, &count);
    printf ("  %s %zu\n", op, count);
  }
  printf ("steps after folding and fusion: %zu\n", nn_model_n_steps (m));
  printf ("arena bytes: %zu\n", nn_model_arena_size (m));
  printf ("metadata:\n");
  for (size_t i = 0; i < nn_model_n_metadata (m); i++) {
    const char *k, *v;
    nn_model_metadata_entry (m, i, &k, &v);
    printf ("  %s = %s\n", k, v);
  }
  return 0;
}

static int
cmd_run (const char *path, nn_model * m, int argc, char **argv)
{
  const char *outdir = NULL;
  GError *err = NULL;
  nn_session *s = nn_session_new (m, NULL, &err);
  if (!s)
    return fail (path, err->message);
  int status = 0;
  gboolean *given = g_new0 (gboolean, nn_model_n_inputs (m) + 1);

  for (int i = 0; i < argc && status == 0; i++) {
    if (strcmp (argv[i], "--output-dir") == 0 && i + 1 < argc) {
      outdir = argv[++i];
    } else if (strcmp (argv[i], "--input") == 0 && i + 1 < argc) {
      const char *spec = argv[++i], *eq = strchr (spec, '=');
      if (!eq) {
        status = fail (spec, "expected --input NAME=FILE.npy");
        break;
      }
      gchar *name = g_strndup (spec, eq - spec);
      int idx = nn_model_input_index (m, name);
      nn_tensor t;
      if (idx < 0) {
        gchar *msg = g_strdup_printf ("the model has no input '%s'", name);
        status = fail (path, msg);
        g_free (msg);
      } else if (!nn_npy_load (eq + 1, &t, &err)) {
        status = fail (eq + 1, err->message);
        g_clear_error (&err);
      } else {
        nn_tensor *dst = nn_session_input (s, idx);
        gboolean same = t.type == dst->type && t.ndim == dst->ndim;
        for (int d = 0; same && d < t.ndim; d++)
          same = t.shape[d] == dst->shape[d];
        if (!same) {
          gchar *msg = g_strdup_printf ("shape or type does not match input "
              "'%s' (%s, %d dimensions expected)", name,
              nn_type_name (dst->type), dst->ndim);
          status = fail (eq + 1, msg);
          g_free (msg);
        } else {
          memcpy (dst->data, t.data,
              nn_tensor_numel (&t) * nn_type_size (t.type));
          given[idx] = TRUE;
        }
        g_free (t.data);
      }
      g_free (name);
    } else {
      status = fail (argv[i], "unknown argument (expected --input "
          "NAME=FILE.npy or --output-dir DIR)");
    }
  }
  for (size_t i = 0; status == 0 && i < nn_model_n_inputs (m); i++) {
    if (!given[i]) {
      gchar *msg = g_strdup_printf ("input '%s' was not given",
          nn_model_input (m, i)->name);
      status = fail (path, msg);
      g_free (msg);
    }
  }
  if (status == 0 && !outdir)
    status = fail (path, "--output-dir DIR is required");
  if (status == 0 && g_mkdir_with_parents (outdir, 0755) != 0)
    status = fail (outdir, "cannot create the directory");
  if (status == 0 && !nn_session_run (s, &err)) {
    status = fail (path, err->message);
    g_clear_error (&err);
  }
  for (size_t i = 0; status == 0 && i < nn_model_n_outputs (m); i++) {
    const nn_tensor *y = nn_session_output (s, i);
    gchar *file = g_strdup_printf ("%s.npy", y->name);
    /* output names may hold characters a file name cannot */
    g_strdelimit (file, "/\\:", '_');
    gchar *out = g_build_filename (outdir, file, NULL);
    if (!nn_npy_save (out, y, &err)) {
      status = fail (out, err->message);
      g_clear_error (&err);
    }
    g_free (file);
    g_free (out);
  }
  g_free (given);
  nn_session_free (s);
  return status;
}

/* nanosecond clock: the small models run in tens of microseconds */
static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static int
cmd_bench (const char *path, nn_model * m, int argc, char **argv)
{
  int threads = 1, runs = 50, warmup = 5;
  for (int i = 0; i < argc; i++) {
    if (strcmp (argv[i], "--threads") == 0 && i + 1 < argc)
      threads = atoi (argv[++i]);
    else if (strcmp (argv[i], "--runs") == 0 && i + 1 < argc)
      runs = atoi (argv[++i]);
    else if (strcmp (argv[i], "--warmup") == 0 && i + 1 < argc)
      warmup = atoi (argv[++i]);
    else if (strcmp (argv[i], "--batch") == 0 && i + 1 < argc)
      i++;                      /* used when loading */
    else
      return fail (argv[i], "unknown argument (expected --threads N, "
          "--runs N, --warmup N or --batch N)");
  }
  if (threads < 1 || threads > 256 || runs < 1 || runs > 1000000
      || warmup < 0)
    return fail (path, "--threads must be 1-256 and --runs 1-1000000");
  nn_session_options opts = {.threads = threads };
  GError *err = NULL;
  nn_session *s = nn_session_new (m, &opts, &err);
  if (!s)
    return fail (path, err->message);
  /* fixed pseudo-random inputs in [-1, 1), the same on every run */
  guint32 state = 12345;
  for (size_t i = 0; i < nn_model_n_inputs (m); i++) {
    nn_tensor *t = nn_session_input (s, i);
    int64_t n = nn_tensor_numel (t);
    for (int64_t k = 0; k < n; k++) {
      state = state * 1664525u + 1013904223u;
      double v = (state >> 8) / 8388608.0 - 1.0;
      if (t->type == NN_TYPE_FLOAT)
        ((float *) t->data)[k] = (float) v;
      else if (t->type == NN_TYPE_INT64)
        ((int64_t *) t->data)[k] = 0;
    }
  }
  double *ms = g_new (double, runs);
  for (int i = 0; i < warmup + runs; i++) {
    double t0 = now_ms ();
    nn_session_run (s, NULL);
    double t1 = now_ms ();
    if (i >= warmup)
      ms[i - warmup] = t1 - t0;
  }
  qsort (ms, runs, sizeof (double), compare_double);
  double median = runs % 2 ? ms[runs / 2] :
      (ms[runs / 2 - 1] + ms[runs / 2]) / 2.0;
  /* multiply-adds of Conv/Gemm/MatMul/LSTM/GRU per run, for GMAC/s */
  printf ("batch=%" G_GINT64_FORMAT " macs=%" G_GINT64_FORMAT " gmacs_per_s=%.2f\n",
      nn_session_batch (s), nn_model_macs (m),
      median > 0 ? nn_model_macs (m) / (median * 1e6) : 0.0);
  printf ("median_ms=%.5f min_ms=%.5f runs=%d\n", median, ms[0], runs);
  g_free (ms);
  nn_session_free (s);
  return 0;
}

static int
usage (void)
{
  fprintf (stderr,
      "usage: %s inspect MODEL\n"
      "       %s run MODEL --input NAME=FILE.npy ... --output-dir DIR\n"
      "       %s bench MODEL [--threads N] [--runs N] [--warmup N] "
      "[--batch N]\n",
      prog, prog, prog);
  return 1;
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    return usage ();
  const char *cmd = argv[1], *path = argv[2];
  if (strcmp (cmd, "inspect") != 0 && strcmp (cmd, "run") != 0
      && strcmp (cmd, "bench") != 0)
    return fail (cmd, "unknown command (inspect, run or bench)");
  GError *err = NULL;
  /* bench --batch N: N samples a run (a symbolic batch axis pinned) */
  nn_load_options opts = { 0 };
  for (int i = 3; strcmp (cmd, "bench") == 0 && i + 1 < argc; i++) {
    if (strcmp (argv[i], "--batch") == 0) {
      gchar *end = NULL;
      gint64 b = g_ascii_strtoll (argv[i + 1], &end, 10);
      if (!end || *end || b < 1 || b > 65536)
        return fail (argv[i + 1], "--batch must be 1-65536");
      opts.batch = b;
    }
  }
  nn_model *m = nn_model_load_file (path, &opts, &err);
  if (!m) {
    int r = fail (path, err->message);
    g_error_free (err);
    return r;
  }
  int status;
  if (strcmp (cmd, "inspect") == 0)
    status = cmd_inspect (path, m);
  else if (strcmp (cmd, "run") == 0)
    status = cmd_run (path, m, argc - 3, argv + 3);
  else
    status = cmd_bench (path, m, argc - 3, argv + 3);
  nn_model_free (m);
  return status;
}
