/* mmfusion-model: inspect, run and benchmark an ONNX model with the
 * mmfusion runtime; annotate it with mmfusion metadata and check it as the
 * element will see it (docs/tools.md). annotate and check live in
 * model-annotate.c and model-check.c.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Options are parsed with GOptionContext, one context per command, so each
 * has its own --help; every error is one line "mmfusion-model: FILE: reason"
 * and exit status 1.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmfusion-model.h"

#include <mmfusion/nn.h>

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *prog = "mmfusion-model";

int
mm_tool_fail (const char *file, const char *reason)
{
  /* one line, PROGRAM: FILE: reason */
  fprintf (stderr, "%s: %s: %s\n", prog, file, reason);
  return 1;
}

int
mm_tool_failf (const char *file, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  gchar *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  mm_tool_fail (file, msg);
  g_free (msg);
  return 1;
}

#define fail mm_tool_fail

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
cmd_run (const char *path, nn_model * m, char **inputs, const char *outdir)
{
  GError *err = NULL;
  nn_session *s = nn_session_new (m, NULL, &err);
  if (!s)
    return fail (path, err->message);
  int status = 0;
  gboolean *given = g_new0 (gboolean, nn_model_n_inputs (m) + 1);

  for (int i = 0; inputs && inputs[i] && status == 0; i++) {
    {
      const char *spec = inputs[i], *eq = strchr (spec, '=');
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

typedef struct {
  gint threads, runs, warmup, batch;
} BenchOptions;

static int
cmd_bench (const char *path, nn_model * m, const BenchOptions * o)
{
  int threads = o->threads, runs = o->runs, warmup = o->warmup;
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

/* inspect, run and bench: parse the command's options, load the model,
 * run the command */
static int model_command (const void *command, int argc, char **argv);

/* One table of commands: each parses its own options. */
typedef struct {
  const char *name, *args, *summary;
  GOptionEntry *entries;
} Command;

static gchar **run_inputs;
static gchar *run_outdir;
static BenchOptions bench_opts = {.threads = 1,.runs = 50,.warmup = 5,
  .batch = 0 };

static GOptionEntry run_entries[] = {
  {"input", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &run_inputs,
      "A model input from a float32 .npy file (once per input)",
      "NAME=FILE.npy"},
  {"output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &run_outdir,
      "Where OUTPUT_NAME.npy is written for every output (created)", "DIR"},
  {NULL}
};

static GOptionEntry bench_entries[] = {
  {"threads", 't', 0, G_OPTION_ARG_INT, &bench_opts.threads,
      "Threads of the session, 1-256 (default 1)", "N"},
  {"runs", 'r', 0, G_OPTION_ARG_INT, &bench_opts.runs,
      "Timed runs, 1-1000000 (default 50)", "N"},
  {"warmup", 'w', 0, G_OPTION_ARG_INT, &bench_opts.warmup,
      "Untimed runs first (default 5)", "N"},
  {"batch", 'b', 0, G_OPTION_ARG_INT, &bench_opts.batch,
        "Samples per run, 1-65536: pins a symbolic batch axis (default: "
        "the model's own, 1 where symbolic)", "N"},
  {NULL}
};

static GOptionEntry no_entries[] = { {NULL} };

static const Command commands[] = {
  {"inspect", "MODEL.onnx", "Prints inputs and outputs (name, type, shape), "
        "operator counts, steps after folding, arena size and metadata.",
      no_entries},
  {"run", "MODEL.onnx --input NAME=FILE.npy ... --output-dir DIR",
        "Runs the model once on inputs from .npy files and writes every "
        "output to DIR/OUTPUT_NAME.npy (float32, NumPy format).",
      run_entries},
  {"bench", "MODEL.onnx", "Times runs on fixed pseudo-random inputs; the "
        "last line is median_ms=... min_ms=... runs=...", bench_entries},
  {"annotate", "MODEL.onnx OUT.onnx", "Writes and checks the metadata "
        "mmfusion reads (labels, activation, per-input preprocessing and "
        "audio features).", NULL},
  {"check", "MODEL.onnx", "Loads the model as mmfusion does, prints the "
        "caps of its pads and runs it once on synthetic input.", NULL},
};

static gchar *
commands_text (void)
{
  GString *s = g_string_new ("Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "  %-9s %s\n", commands[i].name,
        commands[i].summary);
  g_string_append (s, "\n'mmfusion-model COMMAND --help' lists the options "
      "of a command. Errors: one line 'mmfusion-model: FILE: reason' on "
      "stderr, exit status 1.");
  return g_string_free (s, FALSE);
}

/* mmfusion-model [--help|--version] */
static int
top_level (int argc, char **argv)
{
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    {"version", 'v', 0, G_OPTION_ARG_NONE, &version,
        "Print the version and exit", NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("COMMAND ...");
  g_option_context_set_summary (ctx, "Inspects, runs, benchmarks, annotates "
      "and checks ONNX models for the mmfusion GStreamer elements.");
  gchar *desc = commands_text ();
  g_option_context_set_description (ctx, desc);
  g_free (desc);
  g_option_context_add_main_entries (ctx, entries, NULL);
  GError *err = NULL;
  int status = 0;
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    status = fail ("command line", err->message);
    g_error_free (err);
  } else if (version) {
    printf ("%s %s\n", prog, VERSION);
  } else {
    status = fail ("command line", "no command given (inspect, run, bench, annotate, "
        "check; see --help)");
  }
  g_option_context_free (ctx);
  return status;
}

int
main (int argc, char **argv)
{
  /* option help in the user's language and character set */
  setlocale (LC_ALL, "");
  if (argc < 2 || argv[1][0] == '-')
    return top_level (argc, argv);
  const char *cmd = argv[1];
  const Command *c = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (cmd, commands[i].name) == 0)
      c = &commands[i];
  if (!c)
    return fail (cmd, "unknown command (inspect, run, bench, annotate or "
        "check; see mmfusion-model --help)");
  /* the command sees itself as argv[0], so --help reads
   * "mmfusion-model COMMAND ARGS" */
  gchar *self = g_strdup_printf ("%s %s", prog, cmd);
  argv[1] = self;
  argc--;
  argv++;
  int status;
  if (strcmp (cmd, "annotate") == 0) {
    g_set_prgname (self);
    status = mm_tool_annotate (argc, argv);
  } else if (strcmp (cmd, "check") == 0) {
    g_set_prgname (self);
    status = mm_tool_check (argc, argv);
  } else {
    status = model_command (c, argc, argv);
  }
  g_free (self);
  return status;
}

static int
model_command (const void *command, int argc, char **argv)
{
  const Command *c = command;
  gchar *params = g_strdup_printf ("%s", c->args);
  /* the usage line shows only the positional part; options are listed */
  char *opt = strstr (params, " --");
  if (opt)
    *opt = '\0';
  GOptionContext *ctx = g_option_context_new (params);
  g_free (params);
  g_option_context_set_summary (ctx, c->summary);
  g_option_context_add_main_entries (ctx, c->entries, NULL);
  g_set_prgname (argv[0]);
  GError *err = NULL;
  int status;
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    status = fail (c->name, err->message);
    g_error_free (err);
  } else if (argc != 2) {
    gchar *msg = g_strdup_printf ("expected %s (see mmfusion-model %s "
        "--help)", c->args, c->name);
    status = fail (argc > 2 ? argv[2] : c->name, msg);
    g_free (msg);
  } else {
    const char *path = argv[1];
    /* bench --batch N: N samples a run (a symbolic batch axis pinned) */
    nn_load_options lopts = { 0 };
    if (c->entries == bench_entries)
      lopts.batch = bench_opts.batch;
    nn_model *m = NULL;
    if (lopts.batch < 0 || lopts.batch > 65536)
      g_set_error (&err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--batch must be 1-65536");
    else
      m = nn_model_load_file (path, &lopts, &err);
    if (!m) {
      status = fail (path, err->message);
      g_error_free (err);
    } else {
      if (strcmp (c->name, "inspect") == 0)
        status = cmd_inspect (path, m);
      else if (strcmp (c->name, "run") == 0)
        status = cmd_run (path, m, run_inputs, run_outdir);
      else
        status = cmd_bench (path, m, &bench_opts);
      nn_model_free (m);
    }
  }
  g_option_context_free (ctx);
  g_strfreev (run_inputs);
  g_free (run_outdir);
  return status;
}
