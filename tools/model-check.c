/* mmfusion-model check: loads a model as the mmfusion element does, prints
 * what each of its pads will negotiate, and runs it once on synthetic input.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The point is to find out before building a pipeline whether a model will
 * work: the same loader (gst/mmmodel.c) refuses what mmfusion would refuse,
 * with the same message; the caps are the ones the pads will offer; the
 * run shows that the graph executes and yields finite scores.
 */
#include "mmfusion-model.h"

#include "mmfeatures.h"
#include "mmmodel.h"
#include "mmresults.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *
layout_name (MmLayout l)
{
  static const char *names[] = { "NCHW", "NCTHW", "NTCHW", "mel-major",
    "time-major"
  };
  return names[l];
}

static void
print_video (const MmModelInput * in)
{
  static const char *colors[] = { "RGB", "BGR", "GRAY" };
  static const char *resizes[] = { "stretch", "letterbox", "crop" };
  printf ("    video %s: %d×%d, %s", layout_name (in->layout), in->width,
      in->height, colors[in->color]);
  if (in->clip_frames > 1)
    printf (", clips of %d frames", in->clip_frames);
  printf (", resize %s\n    normalization (v/255 - mean) / std: mean",
      resizes[in->resize]);
  for (gint c = 0; c < in->channels; c++)
    printf ("%s%g", c ? "," : " ", in->mean[c]);
  printf (", std");
  for (gint c = 0; c < in->channels; c++)
    printf ("%s%g", c ? "," : " ", in->std[c]);
  printf ("\n");
}

static void
print_audio (const MmModelInput * in)
{
  const MmFeatureParams *p = &in->features;
  gdouble window = mm_feature_params_window_samples (p) / (gdouble) p->rate;
  gdouble step = mm_feature_params_step_samples (p) / (gdouble) p->rate;
  if (p->kind == MM_FEATURE_KIND_WAVEFORM)
    printf ("    audio waveform: %d Hz", p->rate);
  else
    printf ("    audio log-mel %s: %d mels × %d frames, %d Hz, n-fft %d, "
        "win-length %d, hop-length %d", layout_name (in->layout), p->n_mels,
        p->frames, p->rate, p->n_fft, p->win_length, p->hop_length);
  printf ("\n    one window covers %.4f s; a new one every %.4f s "
      "(stride %d)\n", window, step, p->stride);
}

/* fixed pseudo-random values in [-1, 1): the same on every run */
static void
fill_synthetic (nn_tensor * t, guint32 * state)
{
  int64_t n = nn_tensor_numel (t);
  for (int64_t k = 0; k < n; k++) {
    *state = *state * 1664525u + 1013904223u;
    if (t->type == NN_TYPE_FLOAT)
      ((float *) t->data)[k] = (float) ((*state >> 8) / 8388608.0 - 1.0);
  }
}

static int
run_once (MmModel * m)
{
  GError *err = NULL;
  nn_session *s = nn_session_new (m->nn, NULL, &err);
  if (!s) {
    int r = mm_tool_fail (m->path, err->message);
    g_error_free (err);
    return r;
  }
  guint32 state = 12345;
  for (size_t i = 0; i < nn_model_n_inputs (m->nn); i++)
    fill_synthetic (nn_session_input (s, i), &state);
  gint64 t0 = g_get_monotonic_time ();
  if (!nn_session_run (s, &err)) {
    int r = mm_tool_failf (m->path, "running on synthetic input: %s",
        err->message);
    g_error_free (err);
    nn_session_free (s);
    return r;
  }
  gdouble ms = (g_get_monotonic_time () - t0) / 1000.0;
  for (size_t i = 0; i < nn_model_n_outputs (m->nn); i++) {
    const nn_tensor *y = nn_session_output (s, i);
    if (y->type != NN_TYPE_FLOAT)
      continue;
    for (int64_t k = 0; k < nn_tensor_numel (y); k++) {
      if (!isfinite (((const float *) y->data)[k])) {
        nn_session_free (s);
        return mm_tool_failf (m->path, "output '%s' is not finite on "
            "synthetic input (element %" G_GINT64_FORMAT ")", y->name, k);
      }
    }
  }
  /* the first output as mmfusion reports it: activation, then top-k */
  const nn_tensor *y = nn_session_output (s, 0);
  const float *scores = (const float *) y->data +
      (nn_tensor_numel (y) - m->n_classes);
  MmResults *r = mm_results_new (m->n_classes, m->activation);
  MmEventChange *changes = g_new (MmEventChange, MAX (m->n_classes, 1));
  mm_results_update (r, scores, changes);
  gint ids[3];
  gfloat top[3];
  guint n = mm_results_top (r, 3, -G_MAXFLOAT, ids, top);
  printf ("run on synthetic input: ok, %.2f ms; top:", ms);
  for (guint i = 0; i < n; i++)
    printf ("%s %s %.4f", i ? "," : "", m->labels[ids[i]], top[i]);
  printf ("\n");
  g_free (changes);
  mm_results_free (r);
  nn_session_free (s);
  return 0;
}

int
mm_tool_check (int argc, char **argv)
{
  gchar *labels = NULL;
  GOptionEntry entries[] = {
    {"labels", 'l', 0, G_OPTION_ARG_FILENAME, &labels,
        "Labels file as mmfusion's labels= property takes it", "FILE"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("MODEL.onnx");
  g_option_context_set_summary (ctx,
      "Loads MODEL.onnx as the mmfusion element does (same checks, same "
      "messages), prints the caps each of its request pads will negotiate "
      "and what it reports, and runs it once on synthetic input. Exit "
      "status 0 when mmfusion can use it.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  GError *err = NULL;
  int status = 0;
  MmModel *m = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    status = mm_tool_fail ("check", err->message);
    goto out;
  }
  if (argc != 2) {
    status = mm_tool_fail ("check", "expected one MODEL.onnx (see "
        "mmfusion-model check --help)");
    goto out;
  }
  m = mm_model_load (argv[1], &err);
  if (!m) {
    /* the element's message already starts with the file */
    fprintf (stderr, "mmfusion-model: %s\n", err->message);
    status = 1;
    goto out;
  }
  if (labels && !mm_model_set_labels_file (m, labels, &err)) {
    status = mm_tool_fail (labels, err->message);
    goto out;
  }
  printf ("model: %s (reported as \"%s\")\n", m->path, m->name);
  printf ("pads (request each sink pad by its name; src is always there):\n");
  for (guint i = 0; i < m->n_inputs; i++) {
    const MmModelInput *in = &m->inputs[i];
    GstCaps *caps = mm_model_input_caps (in);
    gchar *s = gst_caps_to_string (caps);
    printf ("  %s\n    caps: %s\n", in->name, s);
    g_free (s);
    gst_caps_unref (caps);
    if (in->modality == MM_MODALITY_VIDEO)
      print_video (in);
    else
      print_audio (in);
  }
  /* the source pad carries the leading input's buffers, untouched */
  const MmModelInput *lead = NULL;
  for (guint i = 0; i < m->n_inputs && !lead; i++)
    if (m->inputs[i].modality == MM_MODALITY_VIDEO)
      lead = &m->inputs[i];
  if (!lead && m->n_inputs > 0)
    lead = &m->inputs[0];
  if (lead)
    printf ("  src\n    caps: those of %s: the %s pass through with the "
        "results as meta\n", lead->name, lead->modality ==
        MM_MODALITY_VIDEO ? "original frames" : "audio windows");
  static const char *acts[] = { "none", "softmax", "sigmoid" };
  /* one line per output read, with its kind when there is more to say
   * than classes (docs/model-format.md, output kinds) */
  for (guint o = 0; o < m->n_outputs; o++) {
    const MmModelOutput *out = &m->outputs[o];
    gboolean values = out->kind == MM_OUTPUT_REGRESSION;
    if (out->kind == MM_OUTPUT_CLASSES)
      printf ("results: output '%s', %u class%s, activation %s",
          out->name, out->n, out->n == 1 ? "" : "es", acts[out->activation]);
    else
      printf ("results: output '%s', %s, %u %s, activation %s", out->name,
          mm_output_kind_name (out->kind), out->n, values ? "values" :
          "classes", acts[out->activation]);
    if (out->units)
      printf (", units %s", out->units);
    printf ("\n  %s:", values ? "names" : "labels");
    guint shown = MIN (out->n, 20);
    for (guint i = 0; i < shown; i++)
      printf ("%s %s", i ? "," : "", out->labels[i]);
    if (shown < out->n)
      printf (" … (%u more)", out->n - shown);
    printf ("\n");
  }
  status = run_once (m);

out:
  g_clear_error (&err);
  mm_model_free (m);
  g_free (labels);
  g_option_context_free (ctx);
  return status;
}
