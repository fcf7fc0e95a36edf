/* Model metadata (docs/model-format.md): parsing and consistency checks.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmmodel.h"
#include "mmpreprocess.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (mm - model - error - quark, mm_model_error);

static gboolean
fail (GError ** error, const MmModel * m, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError ** error, const MmModel * m, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  gchar *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, MM_MODEL_ERROR, 0, "%s: %s", m->path, msg);
  g_free (msg);
  return FALSE;
}

/* metadata value of mmfusion.PART.NAME.KEY (PART: input or output), or
 * NULL */
static const char *
model_key (const MmModel * m, const char *part, const char *name,
    const char *key)
{
  gchar *full = g_strdup_printf ("mmfusion.%s.%s.%s", part, name, key);
  const char *v = nn_model_metadata (m->nn, full);
  g_free (full);
  return v;
}

static const char *
input_key (const MmModel * m, const char *input, const char *key)
{
  return model_key (m, "input", input, key);
}

static gboolean
parse_choice (const MmModel * m, const char *input, const char *key,
    const char *const *words, gint * out, GError ** error)
{
  const char *v = input_key (m, input, key);
  if (!v)
    return TRUE;                /* keep the default */
  for (gint i = 0; words[i]; i++) {
    if (g_ascii_strcasecmp (v, words[i]) == 0) {
      *out = i;
      return TRUE;
    }
  }
  gchar *list = g_strjoinv (", ", (gchar **) words);
  fail (error, m, "mmfusion.input.%s.%s is '%s'; one of %s is expected",
      input, key, v, list);
  g_free (list);
  return FALSE;
}

static gboolean
parse_number (const MmModel * m, const char *input, const char *key,
    gdouble * out, GError ** error)
{
  const char *v = input_key (m, input, key);
  if (!v)
    return TRUE;
  char *end;
  gdouble d = g_ascii_strtod (v, &end);
  while (end && g_ascii_isspace (*end))
    end++;
  if (end == v || *end != '\0' || !isfinite (d))
    return fail (error, m, "mmfusion.input.%s.%s is '%s', not a finite "
        "number", input, key, v);
  *out = d;
  return TRUE;
}

static gboolean
parse_int (const MmModel * m, const char *input, const char *key, gint * out,
    GError ** error)
{
  gdouble d = *out;
  if (!parse_number (m, input, key, &d, error))
    return FALSE;
  /* checked before the conversion, which is undefined out of range */
  if (d < G_MININT || d > G_MAXINT)
    return fail (error, m, "mmfusion.input.%s.%s is %g, out of range",
        input, key, d);
  if (d != (gint) d)
    return fail (error, m, "mmfusion.input.%s.%s must be a whole number",
        input, key);
  *out = (gint) d;
  return TRUE;
}

/* "a,b,c" or one value for every channel */
static gboolean
parse_per_channel (const MmModel * m, const char *input, const char *key,
    gint channels, gfloat * out, GError ** error)
{
  const char *v = input_key (m, input, key);
  if (!v)
    return TRUE;
  gchar **parts = g_strsplit (v, ",", -1);
  guint n = g_strv_length (parts);
  gboolean ok = n == 1 || n == (guint) channels;
  for (guint i = 0; ok && i < n; i++) {
    char *end;
    gchar *s = g_strstrip (parts[i]);
    out[i] = (gfloat) g_ascii_strtod (s, &end);
    ok = end != s && *end == '\0' && isfinite (out[i]);
  }
  if (ok && n == 1)
    for (gint c = 1; c < channels; c++)
      out[c] = out[0];
  g_strfreev (parts);
  if (!ok)
    return fail (error, m, "mmfusion.input.%s.%s is '%s'; 1 or %d "
        "comma-separated finite numbers are expected", input, key, v,
        channels);
  return TRUE;
}

static gboolean
parse_video (MmModel * m, MmModelInput * in, const nn_tensor * t,
    GError ** error)
{
  static const char *layouts[] = { "NCHW", "NCTHW", "NTCHW", NULL };
  static const char *colors[] = { "RGB", "BGR", "GRAY", NULL };
  static const char *resizes[] = { "stretch", "letterbox", "crop", NULL };
  gint layout = MM_LAYOUT_NCHW;
  if (!parse_choice (m, in->name, "layout", layouts, &layout, error))
    return FALSE;
  in->layout = layout;
  gint want = layout == MM_LAYOUT_NCHW ? 4 : 5;
  if (t->ndim != want || t->shape[0] != nn_model_batch (m->nn))
    return fail (error, m, "video input '%s' has shape of rank %d; "
        "mmfusion.input.%s.layout %s needs rank %d with batch 1", in->name,
        t->ndim, in->name, layouts[layout], want);
  if (layout == MM_LAYOUT_NCHW) {
    in->channels = (gint) t->shape[1];
    in->clip_frames = 1;
  } else if (layout == MM_LAYOUT_NCTHW) {
    in->channels = (gint) t->shape[1];
    in->clip_frames = (gint) t->shape[2];
  } else {
    in->clip_frames = (gint) t->shape[1];
    in->channels = (gint) t->shape[2];
  }
  in->height = (gint) t->shape[t->ndim - 2];
  in->width = (gint) t->shape[t->ndim - 1];
  if (in->channels != 1 && in->channels != 3)
    return fail (error, m, "video input '%s' has %d channels; 1 or 3 are "
        "supported", in->name, in->channels);
  gint color = in->channels == 1 ? MM_COLOR_GRAY : MM_COLOR_RGB;
  if (!parse_choice (m, in->name, "color", colors, &color, error))
    return FALSE;
  in->color = color;
  if ((in->color == MM_COLOR_GRAY) != (in->channels == 1))
    return fail (error, m, "mmfusion.input.%s.color is %s but the input "
        "has %d channels", in->name, colors[color], in->channels);
  for (gint c = 0; c < 3; c++) {
    in->mean[c] = 0.0f;
    in->std[c] = 1.0f;
  }
  if (!parse_per_channel (m, in->name, "mean", in->channels, in->mean, error)
      || !parse_per_channel (m, in->name, "std", in->channels, in->std,
          error))
    return FALSE;
  for (gint c = 0; c < in->channels; c++)
    if (!(in->std[c] > 0.0f))
      return fail (error, m, "mmfusion.input.%s.std must be positive",
          in->name);
  gint resize = MM_RESIZE_STRETCH;
  if (!parse_choice (m, in->name, "resize", resizes, &resize, error))
    return FALSE;
  in->resize = resize;
  return TRUE;
}

static gboolean
parse_audio (MmModel * m, MmModelInput * in, const nn_tensor * t,
    GError ** error)
{
  static const char *layouts[] = { "mel-major", "time-major", NULL };
  static const char *kinds[] = { "log-mel", "waveform", NULL };
  MmFeatureParams *p = &in->features;
  mm_feature_params_init (p);
  gint layout = 0, kind = 0;
  if (!parse_choice (m, in->name, "layout", layouts, &layout, error)
      || !parse_choice (m, in->name, "features", kinds, &kind, error))
    return FALSE;
  in->layout = layout == 0 ? MM_LAYOUT_MEL_MAJOR : MM_LAYOUT_TIME_MAJOR;
  p->kind = kind == 0 ? MM_FEATURE_KIND_LOG_MEL : MM_FEATURE_KIND_WAVEFORM;
  if (!parse_int (m, in->name, "rate", &p->rate, error)
      || !parse_int (m, in->name, "n-fft", &p->n_fft, error)
      || !parse_int (m, in->name, "win-length", &p->win_length, error)
      || !parse_int (m, in->name, "hop-length", &p->hop_length, error)
      || !parse_int (m, in->name, "stride", &p->stride, error)
      || !parse_number (m, in->name, "fmin", &p->fmin, error)
      || !parse_number (m, in->name, "fmax", &p->fmax, error)
      || !parse_number (m, in->name, "log-offset", &p->log_offset, error))
    return FALSE;
  for (gint d = 0; d < t->ndim - 2; d++)
    if (t->shape[d] != (d == 0 ? nn_model_batch (m->nn) : 1))
      return fail (error, m, "audio input '%s' must have batch and channel "
          "dimensions of 1", in->name);
  if (p->kind == MM_FEATURE_KIND_WAVEFORM) {
    if (t->ndim < 1)
      return fail (error, m, "audio input '%s' has no dimensions", in->name);
    gint64 samples = t->shape[t->ndim - 1];
    gint64 extra = samples - p->win_length;
    if (extra < 0 || extra % p->hop_length != 0)
      return fail (error, m, "waveform input '%s' holds %" G_GINT64_FORMAT
          " samples, which is not win-length + k * hop-length (%d + k * %d)",
          in->name, samples, p->win_length, p->hop_length);
    p->frames = (gint) (extra / p->hop_length) + 1;
  } else {
    if (t->ndim < 2)
      return fail (error, m, "audio input '%s' needs (n-mels, frames) as "
          "its last two dimensions", in->name);
    gint64 a = t->shape[t->ndim - 2], b = t->shape[t->ndim - 1];
    gint64 mels = in->layout == MM_LAYOUT_MEL_MAJOR ? a : b;
    p->frames = (gint) (in->layout == MM_LAYOUT_MEL_MAJOR ? b : a);
    p->n_mels = (gint) mels;
    gint given = -1;
    if (!parse_int (m, in->name, "n-mels", &given, error))
      return FALSE;
    if (given >= 0 && given != mels)
      return fail (error, m, "mmfusion.input.%s.n-mels is %d but the input "
          "shape has %" G_GINT64_FORMAT " mel bands", in->name, given, mels);
  }
  GError *e = NULL;
  if (!mm_feature_params_validate (p, &e)) {
    fail (error, m, "audio input '%s': %s (mmfusion.input.%s.*)", in->name,
        e->message, in->name);
    g_error_free (e);
    return FALSE;
  }
  /* windows further apart than that are no stream the elements can pair
   * with video (and the times would overflow their arithmetic) */
  if (mm_feature_params_step_samples (p) > (gint64) p->rate * MM_MODEL_MAX_STEP_S)
    return fail (error, m, "mmfusion.input.%s.stride is %d: windows %"
        G_GINT64_FORMAT " s apart (stride x hop-length / rate); at most %d s "
        "are supported", in->name, p->stride,
        mm_feature_params_step_samples (p) / p->rate, MM_MODEL_MAX_STEP_S);
  return TRUE;
}

/* a JSON array of n strings (the value of `key`) into a new strv */
static gboolean
parse_label_array (const MmModel * m, const char *key, const char *json,
    guint n, const char *what, gchar *** out, GError ** error)
{
  JsonParser *parser = json_parser_new ();
  GError *e = NULL;
  gboolean ok = json_parser_load_from_data (parser, json, -1, &e);
  JsonNode *root = ok ? json_parser_get_root (parser) : NULL;
  if (!ok || !root || !JSON_NODE_HOLDS_ARRAY (root)) {
    fail (error, m, "%s is not a JSON array of strings%s%s", key,
        e ? ": " : "", e ? e->message : "");
    g_clear_error (&e);
    g_object_unref (parser);
    return FALSE;
  }
  JsonArray *arr = json_node_get_array (root);
  guint len = json_array_get_length (arr);
  if (len != n) {
    g_object_unref (parser);
    return fail (error, m, "%s has %u labels but %s has %u values", key,
        len, what, n);
  }
  gchar **labels = g_new0 (gchar *, n + 1);
  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (arr, i);
    if (!JSON_NODE_HOLDS_VALUE (node)
        || json_node_get_value_type (node) != G_TYPE_STRING) {
      g_strfreev (labels);
      g_object_unref (parser);
      return fail (error, m, "%s: element %u is not a string", key, i);
    }
    labels[i] = g_strdup (json_node_get_string (node));
  }
  g_object_unref (parser);
  *out = labels;
  return TRUE;
}

static void
make_quarks (MmModelOutput * o)
{
  g_free (o->label_quarks);
  o->label_quarks = g_new (GQuark, MAX (o->n, 1));
  for (guint i = 0; i < o->n; i++)
    o->label_quarks[i] = g_quark_from_string (o->labels[i]);
}

/* the legacy single-output fields follow outputs[0] */
static void
alias_first_output (MmModel * m)
{
  MmModelOutput *o = &m->outputs[0];
  m->n_classes = o->n;
  m->labels = o->labels;
  m->label_quarks = o->label_quarks;
  m->activation = o->activation;
}

static const char *const output_suffixes[] = {
  "kind", "labels", "activation", "units", NULL
};

static const char *
output_key (const MmModel * m, const char *output, const char *key)
{
  return model_key (m, "output", output, key);
}

static gboolean
output_has_keys (const MmModel * m, const char *output)
{
  for (gint i = 0; output_suffixes[i]; i++)
    if (output_key (m, output, output_suffixes[i]))
      return TRUE;
  return FALSE;
}

static gchar *
output_names (const MmModel * m)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < nn_model_n_outputs (m->nn); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "",
        nn_model_output (m->nn, i)->name);
  return g_string_free (s, FALSE);
}

/* every mmfusion.output.NAME.KEY names an output of the model and a key
 * we know: a misspelt name would otherwise be silently ignored */
static gboolean
check_output_keys (const MmModel * m, GError ** error)
{
  const char *prefix = "mmfusion.output.";
  for (gsize i = 0; i < nn_model_n_metadata (m->nn); i++) {
    const char *key, *value;
    nn_model_metadata_entry (m->nn, i, &key, &value);
    if (!g_str_has_prefix (key, prefix)
        || strcmp (key, "mmfusion.output.activation") == 0)
      continue;
    const char *rest = key + strlen (prefix);
    const char *dot = strrchr (rest, '.');
    if (!dot || dot == rest)
      return fail (error, m, "%s: expected mmfusion.output.NAME.KEY", key);
    gboolean known = FALSE;
    for (gint k = 0; output_suffixes[k]; k++)
      known = known || strcmp (dot + 1, output_suffixes[k]) == 0;
    if (!known)
      return fail (error, m, "%s: unknown key '%s'; kind, labels, "
          "activation or units is expected", key, dot + 1);
    gchar *name = g_strndup (rest, dot - rest);
    gboolean found = nn_model_output_index (m->nn, name) >= 0;
    if (!found) {
      gchar *names = output_names (m);
      fail (error, m, "%s: the model has no output '%s' (outputs: %s)", key,
          name, names);
      g_free (names);
    }
    g_free (name);
    if (!found)
      return FALSE;
  }
  return TRUE;
}

static gboolean
parse_activation (const MmModel * m, const char *key, const char *v,
    MmActivation * out, GError ** error)
{
  static const char *acts[] = { "none", "softmax", "sigmoid", NULL };
  for (gint i = 0; acts[i]; i++)
    if (g_ascii_strcasecmp (v, acts[i]) == 0) {
      *out = i;
      return TRUE;
    }
  return fail (error, m, "%s is '%s'; none, softmax or sigmoid is expected",
      key, v);
}

/* one output: its kind, size, labels, activation and units; the first
 * output falls back on the global keys (models before output kinds) */
static gboolean
parse_output (MmModel * m, MmModelOutput * o, gint index, guint64 total,
    GError ** error)
{
  const nn_tensor *t = nn_model_output (m->nn, index);
  o->name = g_strdup (t->name ? t->name : "");
  o->index = index;
  gboolean first = index == 0;
  if (t->type != NN_TYPE_FLOAT || t->ndim < 1)
    return fail (error, m, first ? "the first output '%s' must be float32 "
        "scores" : "output '%s' must be float32 (it has mmfusion.output.%s.* "
        "keys)", o->name, o->name);
  /* every dimension but the last is the batch or 1: one vector a sample */
  for (gint d = 1; !first && d < t->ndim - 1; d++)
    if (t->shape[d] != 1)
      return fail (error, m, "output '%s' has shape of rank %d with "
          "dimension %d = %" G_GINT64_FORMAT "; mmfusion reads one vector "
          "per output ([batch, N])", o->name, t->ndim, d, t->shape[d]);
  /* checked before anything is allocated per value */
  gint64 n = t->shape[t->ndim - 1];
  if (n < 1 || n > MM_MODEL_MAX_CLASSES || total + n > MM_MODEL_MAX_CLASSES)
    return fail (error, m, first ? "the first output '%s' has %"
        G_GINT64_FORMAT " classes; 1 to %d are supported" : "output '%s' "
        "has %" G_GINT64_FORMAT " values; 1 to %d in all outputs are "
        "supported", o->name, n, MM_MODEL_MAX_CLASSES);
  o->n = (guint) n;

  static const char *kinds[] = { "classes", "multi-label", "regression",
    NULL
  };
  const char *kind = output_key (m, o->name, "kind");
  o->kind = MM_OUTPUT_CLASSES;
  if (kind) {
    gboolean found = FALSE;
    for (gint i = 0; kinds[i]; i++)
      if (g_ascii_strcasecmp (kind, kinds[i]) == 0) {
        o->kind = i;
        found = TRUE;
      }
    if (!found)
      return fail (error, m, "mmfusion.output.%s.kind is '%s'; classes, "
          "multi-label or regression is expected", o->name, kind);
  }

  gchar *key = g_strdup_printf ("mmfusion.output.%s.activation", o->name);
  const char *act = output_key (m, o->name, "activation");
  if (!act && first) {
    g_free (key);
    key = g_strdup ("mmfusion.output.activation");
    act = nn_model_metadata (m->nn, key);
  }
  /* multi-label scores are independent probabilities: sigmoid unless
   * the model says otherwise */
  o->activation = o->kind == MM_OUTPUT_MULTI_LABEL && !act ?
      MM_ACTIVATION_SIGMOID : MM_ACTIVATION_NONE;
  gboolean ok = !act || parse_activation (m, key, act, &o->activation, error);
  g_free (key);
  if (!ok)
    return FALSE;

  key = g_strdup_printf ("mmfusion.output.%s.labels", o->name);
  const char *json = output_key (m, o->name, "labels");
  if (!json && first) {
    g_free (key);
    key = g_strdup ("mmfusion.labels");
    json = nn_model_metadata (m->nn, key);
  }
  gchar *what = g_strdup_printf ("output '%s'", o->name);
  if (json) {
    ok = parse_label_array (m, key, json, o->n, what, &o->labels, error);
  } else {
    o->labels = g_new0 (gchar *, o->n + 1);
    for (guint i = 0; i < o->n; i++)
      o->labels[i] = g_strdup_printf ("%u", i);
  }
  g_free (what);
  g_free (key);
  if (!ok)
    return FALSE;
  make_quarks (o);

  const char *units = output_key (m, o->name, "units");
  if (units && o->kind != MM_OUTPUT_REGRESSION)
    return fail (error, m, "mmfusion.output.%s.units is set but the output "
        "is not of kind regression", o->name);
  if (units && (strlen (units) > MM_MODEL_MAX_UNITS_BYTES
          || !g_utf8_validate (units, -1, NULL)))
    return fail (error, m, "mmfusion.output.%s.units: at most %d bytes of "
        "UTF-8 are expected", o->name, MM_MODEL_MAX_UNITS_BYTES);
  o->units = g_strdup (units);
  return TRUE;
}

static gboolean
parse_outputs (MmModel * m, GError ** error)
{
  gsize n_out = nn_model_n_outputs (m->nn);
  if (n_out == 0)
    return fail (error, m, "the first output must be float32 scores");
  if (!check_output_keys (m, error))
    return FALSE;
  m->outputs = g_new0 (MmModelOutput, MM_MODEL_MAX_OUTPUTS);
  guint64 total = 0;
  for (gsize i = 0; i < n_out; i++) {
    const char *name = nn_model_output (m->nn, i)->name;
    if (i > 0 && !(name && output_has_keys (m, name)))
      continue;                 /* not named in the metadata: not read */
    if (m->n_outputs == MM_MODEL_MAX_OUTPUTS)
      return fail (error, m, "more than %d outputs have mmfusion.output.* "
          "keys; at most %d are read", MM_MODEL_MAX_OUTPUTS - 1,
          MM_MODEL_MAX_OUTPUTS);
    MmModelOutput *o = &m->outputs[m->n_outputs++];
    if (!parse_output (m, o, (gint) i, total, error))
      return FALSE;
    total += o->n;
  }
  alias_first_output (m);
  return TRUE;
}

/* the file's identity in results: a hash of its bytes */
static void
hash_file (MmModel * m, const gchar * path)
{
  GMappedFile *f = g_mapped_file_new (path, FALSE, NULL);
  if (!f)
    return;
  gchar *h = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
      (const guchar *) g_mapped_file_get_contents (f),
      g_mapped_file_get_length (f));
  g_strlcpy (m->sha256, h, sizeof m->sha256);
  g_free (h);
  g_mapped_file_unref (f);
}

/* The runtime gives symbolic dimensions (dynamic axes) the size 1: a model
 * exported with a dynamic height and width would silently be fed a 1x1
 * picture. Only the batch dimension may be symbolic (it is 1 here);
 * any other is refused, naming it. */
static gboolean
check_fixed_dims (const MmModel * m, const MmModelInput * in, guint index,
    const nn_tensor * t, GError ** error)
{
  static const char *video_axes[] = { "batch", "channels", "height",
    "width"
  };
  for (gint d = 1; d < t->ndim; d++) {
    if (!nn_model_input_dim_symbolic (m->nn, index, d))
      continue;
    const char *what = in->modality == MM_MODALITY_VIDEO && t->ndim == 4 ?
        video_axes[d] : d == t->ndim - 1 ? "last" : "inner";
    return fail (error, m, "input '%s': dimension %d (%s) has no fixed size "
        "in the file (a dynamic axis); mmfusion needs fixed input sizes: "
        "export the model with them fixed (no dynamic_axes but the batch)",
        in->name, d, what);
  }
  return TRUE;
}

/* the checks and parsing after the network itself has loaded */
static MmModel *finish_load (MmModel * m, GError ** error);

static MmModel *
model_new (const gchar * path)
{
  MmModel *m = g_new0 (MmModel, 1);
  m->path = g_strdup (path);
  gchar *base = g_path_get_basename (path);
  if (g_str_has_suffix (base, ".onnx"))
    base[strlen (base) - 5] = '\0';
  m->name = base;
  return m;
}

static MmModel *
loaded (MmModel * m, GError * e, GError ** error)
{
  if (!m->nn) {
    g_set_error (error, MM_MODEL_ERROR, 0, "%s: %s", m->path, e->message);
    g_error_free (e);
    mm_model_free (m);
    return NULL;
  }
  return finish_load (m, error);
}

MmModel *
mm_model_load (const gchar * path, GError ** error)
{
  MmModel *m = model_new (path);
  GError *e = NULL;
  m->nn = nn_model_load_file (path, NULL, &e);
  if (m->nn)
    hash_file (m, path);
  return loaded (m, e, error);
}

MmModel *
mm_model_load_batch (const gchar * path, gint64 batch, GError ** error)
{
  MmModel *m = model_new (path);
  GError *e = NULL;
  nn_load_options opts = {.batch = batch };
  m->nn = nn_model_load_file (path, &opts, &e);
  return loaded (m, e, error);
}

gboolean
mm_model_batch_symbolic (const MmModel * m)
{
  for (guint i = 0; i < m->n_inputs; i++)
    if (!nn_model_input_dim_symbolic (m->nn, i, 0))
      return FALSE;
  return m->n_inputs > 0;
}

MmModel *
mm_model_load_data (const void *data, gsize size, const gchar * name,
    GError ** error)
{
  MmModel *m = model_new (name);
  GError *e = NULL;
  m->nn = nn_model_load_data (data, size, NULL, &e);
  gchar *h = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  g_strlcpy (m->sha256, h, sizeof m->sha256);
  g_free (h);
  return loaded (m, e, error);
}

static MmModel *
finish_load (MmModel * m, GError ** error)
{
  if (nn_model_n_inputs (m->nn) == 0) {
    fail (error, m, "the model has no inputs; mmfusion needs at least one "
        "video or audio input");
    mm_model_free (m);
    return NULL;
  }
  if (!parse_outputs (m, error)) {
    mm_model_free (m);
    return NULL;
  }

  m->n_inputs = (guint) nn_model_n_inputs (m->nn);
  m->inputs = g_new0 (MmModelInput, MAX (m->n_inputs, 1));
  for (guint i = 0; i < m->n_inputs; i++) {
    const nn_tensor *t = nn_model_input (m->nn, i);
    MmModelInput *in = &m->inputs[i];
    in->name = g_strdup (t->name);
    in->index = (gint) i;
    static const char *modalities[] = { "video", "audio", NULL };
    gint modality = g_str_has_prefix (t->name, "video") ? 0 :
        g_str_has_prefix (t->name, "audio") ? 1 : -1;
    if (!parse_choice (m, in->name, "modality", modalities, &modality,
            error)) {
      mm_model_free (m);
      return NULL;
    }
    if (modality < 0) {
      fail (error, m, "cannot tell whether input '%s' is video or audio; "
          "set mmfusion.input.%s.modality", in->name, in->name);
      mm_model_free (m);
      return NULL;
    }
    if (t->type != NN_TYPE_FLOAT) {
      fail (error, m, "input '%s' must be float32", in->name);
      mm_model_free (m);
      return NULL;
    }
    in->modality = modality;
    gboolean ok = check_fixed_dims (m, in, i, t, error)
        && (modality == MM_MODALITY_VIDEO ? parse_video (m, in, t, error) :
        parse_audio (m, in, t, error));
    if (!ok) {
      mm_model_free (m);
      return NULL;
    }
  }
  return m;
}

void
mm_model_free (MmModel * m)
{
  if (!m)
    return;
  for (guint i = 0; i < m->n_inputs; i++)
    g_free (m->inputs[i].name);
  g_free (m->inputs);
  for (guint i = 0; m->outputs && i < MM_MODEL_MAX_OUTPUTS; i++) {
    g_free (m->outputs[i].name);
    g_strfreev (m->outputs[i].labels);
    g_free (m->outputs[i].label_quarks);
    g_free (m->outputs[i].units);
  }
  g_free (m->outputs);
  nn_model_free (m->nn);
  g_free (m->path);
  g_free (m->name);
  g_free (m);
}

gboolean
mm_model_set_labels_file (MmModel * m, const gchar * path, GError ** error)
{
  /* the size first: one label a line for at most MM_MODEL_MAX_CLASSES */
  GStatBuf st;
  if (g_stat (path, &st) == 0 && st.st_size > MM_MODEL_MAX_LABELS_BYTES) {
    g_set_error (error, MM_MODEL_ERROR, 0, "%s: a labels file of %"
        G_GINT64_FORMAT " bytes; at most %d MiB are read", path,
        (gint64) st.st_size, MM_MODEL_MAX_LABELS_BYTES >> 20);
    return FALSE;
  }
  gchar *text;
  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  gchar **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  /* a final newline leaves one empty element */
  guint n = g_strv_length (lines);
  if (n > 0 && lines[n - 1][0] == '\0') {
    g_free (lines[n - 1]);
    lines[--n] = NULL;
  }
  if (n != m->n_classes) {
    g_set_error (error, MM_MODEL_ERROR, 0, "%s: %u labels for a model with "
        "%u classes", path, n, m->n_classes);
    g_strfreev (lines);
    return FALSE;
  }
  for (guint i = 0; i < n; i++)
    g_strstrip (lines[i]);
  g_strfreev (m->outputs[0].labels);
  m->outputs[0].labels = lines;
  make_quarks (&m->outputs[0]);
  alias_first_output (m);
  return TRUE;
}

const MmModelOutput *
mm_model_find_output (const MmModel * m, const gchar * name)
{
  for (guint i = 0; i < m->n_outputs; i++)
    if (strcmp (m->outputs[i].name, name) == 0)
      return &m->outputs[i];
  return NULL;
}

const gchar *
mm_output_kind_name (MmOutputKind kind)
{
  static const char *names[] = { "classes", "multi-label", "regression" };
  return kind <= MM_OUTPUT_REGRESSION ? names[kind] : "?";
}

const MmModelInput *
mm_model_find_input (const MmModel * m, const gchar * name)
{
  for (guint i = 0; i < m->n_inputs; i++)
    if (strcmp (m->inputs[i].name, name) == 0)
      return &m->inputs[i];
  return NULL;
}

GstCaps *
mm_model_input_caps (const MmModelInput * in)
{
  if (in->modality == MM_MODALITY_AUDIO)
    return mm_feature_params_to_caps (&in->features);
  return gst_caps_from_string ("video/x-raw, format = (string) "
      MM_PREPROCESS_FORMATS ", width = (int) [ 1, MAX ], "
      "height = (int) [ 1, MAX ], framerate = (fraction) [ 0/1, MAX ]");
}
