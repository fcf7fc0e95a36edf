/* mmfusion-model annotate: writes the mmfusion metadata (docs/model-format.md)
 * into an ONNX model's metadata_props, after checking it.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two layers of checks. First every mmfusion.* key of the result, one by
 * one, against the table below (known key, right modality, value of the
 * right form, labels as many as classes, audio parameters through the
 * element's own validator, the keys that must agree with an input's shape),
 * each problem reported on its own line: a user fixes them all in one go.
 * Then the result is loaded exactly as the mmfusion element loads it
 * (mm_model_load in gst/mmmodel.c), the authority, which stops at its first
 * problem. Only a model that passes both is written, through a temporary
 * file renamed over OUT, so OUT is never half written.
 */
#include "mmfusion-model.h"
#include "onnx-metadata.h"

#include "mmfeatures.h"
#include "mmmodel.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef enum {
  VALUE_CHOICE,                 /* one of `choices`, any letter case */
  VALUE_INT,                    /* whole number >= 1 */
  VALUE_NUMBER,                 /* >= 0, or > 0 when `positive` */
  VALUE_LIST,                   /* 1 or C comma-separated numbers */
  VALUE_LABELS,                 /* JSON array of strings */
  VALUE_TEXT,
} ValueType;

enum { FOR_VIDEO = 1, FOR_AUDIO = 2, FOR_OUTPUT = 4 };

typedef struct {
  const char *key;
  guint applies;                /* FOR_* */
  ValueType type;
  const char *const *choices;
  gboolean positive;
} KeyInfo;

static const char *const modalities[] = { "video", "audio", NULL };
static const char *const colors[] = { "RGB", "BGR", "GRAY", NULL };
static const char *const resizes[] = { "stretch", "letterbox", "crop", NULL };
static const char *const video_layouts[] = { "NCHW", "NCTHW", "NTCHW", NULL };
static const char *const audio_layouts[] = { "mel-major", "time-major", NULL };
static const char *const features[] = { "log-mel", "waveform", NULL };
static const char *const kinds[] = {
  "classes", "multi-label", "regression", NULL
};
static const char *const activations[] = {
  "none", "softmax", "sigmoid", NULL
};

/* the vocabulary of docs/model-format.md */
static const KeyInfo keys[] = {
  {"modality", FOR_VIDEO | FOR_AUDIO, VALUE_CHOICE, modalities},
  {"layout", FOR_VIDEO, VALUE_CHOICE, video_layouts},
  {"layout", FOR_AUDIO, VALUE_CHOICE, audio_layouts},
  {"color", FOR_VIDEO, VALUE_CHOICE, colors},
  {"mean", FOR_VIDEO, VALUE_LIST},
  {"std", FOR_VIDEO, VALUE_LIST, NULL, TRUE},
  {"resize", FOR_VIDEO, VALUE_CHOICE, resizes},
  {"features", FOR_AUDIO, VALUE_CHOICE, features},
  {"rate", FOR_AUDIO, VALUE_INT},
  {"n-fft", FOR_AUDIO, VALUE_INT},
  {"win-length", FOR_AUDIO, VALUE_INT},
  {"hop-length", FOR_AUDIO, VALUE_INT},
  {"n-mels", FOR_AUDIO, VALUE_INT},
  {"fmin", FOR_AUDIO, VALUE_NUMBER},
  {"fmax", FOR_AUDIO, VALUE_NUMBER},
  {"log-offset", FOR_AUDIO, VALUE_NUMBER, NULL, TRUE},
  {"stride", FOR_AUDIO, VALUE_INT},
  {"kind", FOR_OUTPUT, VALUE_CHOICE, kinds},
  {"labels", FOR_OUTPUT, VALUE_LABELS},
  {"activation", FOR_OUTPUT, VALUE_CHOICE, activations},
  {"units", FOR_OUTPUT, VALUE_TEXT},
};

/* the key names that apply to `applies`, for messages and --help */
static gchar *
key_names (guint applies)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
    if (!(keys[i].applies & applies) || strstr (s->str, keys[i].key))
      continue;
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", keys[i].key);
  }
  return g_string_free (s, FALSE);
}

typedef struct {
  const char *model_path;
  nn_model *nn;
  GPtrArray *meta;
  guint problems;
} Annotation;

static void
problem (Annotation * a, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
problem (Annotation * a, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  gchar *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  mm_tool_fail (a->model_path, msg);
  g_free (msg);
  a->problems++;
}

/* the number of classes (last dimension) of an output */
static gint64
output_classes (const nn_tensor * t)
{
  return t->ndim > 0 ? t->shape[t->ndim - 1] : 1;
}

/* FOR_VIDEO or FOR_AUDIO as mmfusion will decide it, 0 if it cannot */
static guint
input_modality (const Annotation * a, const char *name)
{
  gchar *k = g_strdup_printf ("mmfusion.input.%s.modality", name);
  const char *v = mm_meta_list_get (a->meta, k);
  g_free (k);
  if (v)
    return g_ascii_strcasecmp (v, "video") == 0 ? FOR_VIDEO :
        g_ascii_strcasecmp (v, "audio") == 0 ? FOR_AUDIO : 0;
  return g_str_has_prefix (name, "video") ? FOR_VIDEO :
      g_str_has_prefix (name, "audio") ? FOR_AUDIO : 0;
}

/* the metadata value of one input's key, or NULL */
static const char *
input_value (const Annotation * a, const char *input, const char *key)
{
  gchar *k = g_strdup_printf ("mmfusion.input.%s.%s", input, key);
  const char *v = mm_meta_list_get (a->meta, k);
  g_free (k);
  return v;
}

static gboolean
parse_double (const char *v, gdouble * out)
{
  char *end;
  *out = g_ascii_strtod (v, &end);
  while (end != v && g_ascii_isspace (*end))
    end++;
  return end != v && *end == '\0' && isfinite (*out);
}

/* NULL when the value fits the key, else why not */
static gchar *
check_value (const KeyInfo * k, const char *v, gint64 classes)
{
  gdouble d;
  switch (k->type) {
    case VALUE_CHOICE:
      for (gint i = 0; k->choices[i]; i++)
        if (g_ascii_strcasecmp (v, k->choices[i]) == 0)
          return NULL;
      gchar *list = g_strjoinv (", ", (gchar **) k->choices);
      gchar *msg = g_strdup_printf ("is '%s'; one of %s is expected", v, list);
      g_free (list);
      return msg;
    case VALUE_INT:
      if (!parse_double (v, &d) || d != floor (d) || d < 1 || d > G_MAXINT)
        return g_strdup_printf ("is '%s'; a whole number of at least 1 is "
            "expected", v);
      return NULL;
    case VALUE_NUMBER:
      if (!parse_double (v, &d) || d < 0 || (k->positive && d == 0))
        return g_strdup_printf ("is '%s'; a number %s 0 is expected", v,
            k->positive ? "above" : "of at least");
      return NULL;
    case VALUE_LIST:{
      gchar **parts = g_strsplit (v, ",", -1);
      gchar *why = NULL;
      for (guint i = 0; parts[i] && !why; i++)
        if (!parse_double (g_strstrip (parts[i]), &d)
            || (k->positive && d <= 0))
          why = g_strdup_printf ("is '%s'; comma-separated %snumbers (one, "
              "or one per channel) are expected", v,
              k->positive ? "positive " : "");
      g_strfreev (parts);
      return why;
    }
    case VALUE_LABELS:{
      JsonParser *p = json_parser_new ();
      gchar *why = NULL;
      JsonNode *root = json_parser_load_from_data (p, v, -1, NULL) ?
          json_parser_get_root (p) : NULL;
      if (!root || !JSON_NODE_HOLDS_ARRAY (root)) {
        why = g_strdup ("is not a JSON array of strings");
      } else {
        JsonArray *arr = json_node_get_array (root);
        guint n = json_array_get_length (arr);
        for (guint i = 0; i < n && !why; i++) {
          JsonNode *e = json_array_get_element (arr, i);
          if (!JSON_NODE_HOLDS_VALUE (e)
              || json_node_get_value_type (e) != G_TYPE_STRING)
            why = g_strdup_printf ("element %u is not a string", i);
        }
        if (!why && classes >= 0 && n != classes)
          why = g_strdup_printf ("has %u labels but the output has %"
              G_GINT64_FORMAT " classes", n, classes);
      }
      g_object_unref (p);
      return why;
    }
    case VALUE_TEXT:
      return NULL;
  }
  return NULL;
}

static const KeyInfo *
find_key (const char *key, guint applies)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (keys[i].key, key) == 0 && (keys[i].applies & applies))
      return &keys[i];
  return NULL;
}

/* one mmfusion.input.NAME.KEY or mmfusion.output.NAME.KEY entry */
static void
check_tensor_key (Annotation * a, const char *full, const char *rest,
    gboolean is_input, const char *value)
{
  /* tensor names may hold dots: match the name against the model's */
  size_t n = is_input ? nn_model_n_inputs (a->nn) : nn_model_n_outputs (a->nn);
  const nn_tensor *t = NULL;
  const char *key = NULL;
  for (size_t i = 0; i < n; i++) {
    const nn_tensor *c = is_input ? nn_model_input (a->nn, i) :
        nn_model_output (a->nn, i);
    size_t len = strlen (c->name);
    if (strncmp (rest, c->name, len) == 0 && rest[len] == '.'
        && (!t || len > strlen (t->name))) {
      t = c;
      key = rest + len + 1;
    }
  }
  if (!t) {
    GString *names = g_string_new (NULL);
    for (size_t i = 0; i < n; i++)
      g_string_append_printf (names, "%s%s", i ? ", " : "",
          (is_input ? nn_model_input (a->nn, i) :
              nn_model_output (a->nn, i))->name);
    problem (a, "%s: the model has no %s of that name (%ss: %s)", full,
        is_input ? "input" : "output", is_input ? "input" : "output",
        names->str);
    g_string_free (names, TRUE);
    return;
  }
  guint applies = FOR_OUTPUT;
  if (is_input) {
    applies = input_modality (a, t->name);
    if (!applies)
      applies = FOR_VIDEO | FOR_AUDIO;
  }
  const KeyInfo *k = find_key (key, applies);
  if (!k) {
    const KeyInfo *other = find_key (key, ~applies);
    gchar *known = key_names (applies);
    if (other && is_input)
      problem (a, "%s: '%s' is for %s inputs, and '%s' is %s (%s keys: %s)",
          full, key, other->applies & FOR_VIDEO ? "video" : "audio", t->name,
          applies == FOR_VIDEO ? "video" : "audio",
          applies == FOR_VIDEO ? "video" : "audio", known);
    else
      problem (a, "%s: unknown key '%s' (%s keys: %s)", full, key,
          !is_input ? "output" : applies == FOR_VIDEO ? "video" :
          applies == FOR_AUDIO ? "audio" : "input", known);
    g_free (known);
    return;
  }
  gchar *why = check_value (k, value, output_classes (t));
  if (why)
    problem (a, "%s %s", full, why);
  g_free (why);
}

/* the audio parameters of one input through the element's validator */
static void
check_audio (Annotation * a, const nn_tensor * t)
{
  MmFeatureParams p;
  mm_feature_params_init (&p);
  struct {
    const char *key;
    gint *i;
    gdouble *d;
  } fields[] = {
    {"rate", &p.rate}, {"n-fft", &p.n_fft}, {"win-length", &p.win_length},
    {"hop-length", &p.hop_length}, {"stride", &p.stride},
    {"fmin", NULL, &p.fmin}, {"fmax", NULL, &p.fmax},
    {"log-offset", NULL, &p.log_offset},
  };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++) {
    gchar *k = g_strdup_printf ("mmfusion.input.%s.%s", t->name,
        fields[i].key);
    const char *v = mm_meta_list_get (a->meta, k);
    g_free (k);
    gdouble d;
    gchar *why = v ? check_value (find_key (fields[i].key, FOR_AUDIO), v,
        -1) : NULL;
    gboolean usable = v && !why && parse_double (v, &d);
    g_free (why);
    if (!usable)
      continue;                 /* the default, or reported already */
    if (fields[i].i)
      *fields[i].i = (gint) CLAMP (d, G_MININT, G_MAXINT);
    else
      *fields[i].d = d;
  }
  gchar *k = g_strdup_printf ("mmfusion.input.%s.features", t->name);
  const char *v = mm_meta_list_get (a->meta, k);
  g_free (k);
  if (v && g_ascii_strcasecmp (v, "waveform") == 0)
    p.kind = MM_FEATURE_KIND_WAVEFORM;
  /* n-mels and frames come from the shape: a key must agree with it */
  const char *layout = input_value (a, t->name, "layout");
  const char *mels = input_value (a, t->name, "n-mels");
  gdouble want;
  if (p.kind == MM_FEATURE_KIND_LOG_MEL && mels && t->ndim >= 2
      && parse_double (mels, &want)) {
    gboolean time_major = layout && g_ascii_strcasecmp (layout,
        "time-major") == 0;
    gint64 have = t->shape[t->ndim - (time_major ? 1 : 2)];
    if (want != have)
      problem (a, "mmfusion.input.%s.n-mels is %s but the input shape has %"
          G_GINT64_FORMAT " mel bands", t->name, mels, have);
  }
  p.n_mels = MAX (p.n_mels, 1);
  GError *e = NULL;
  if (!mm_feature_params_validate (&p, &e)) {
    problem (a, "audio input '%s': %s", t->name, e->message);
    g_error_free (e);
  }
}

/* the keys of a video input against its shape, each problem on its own
 * line (the element's load, after these, stops at the first) */
static void
check_video_shape (Annotation * a, const nn_tensor * t)
{
  const char *layout = input_value (a, t->name, "layout");
  gboolean clip = layout && g_ascii_strcasecmp (layout, "NCHW") != 0;
  gint want = clip ? 5 : 4;
  if (t->ndim != want) {
    problem (a, "mmfusion.input.%s.layout %s needs a shape of rank %d; the "
        "input has rank %d", t->name, layout ? layout : "NCHW (the default)",
        want, t->ndim);
    return;
  }
  gint64 channels = layout && g_ascii_strcasecmp (layout, "NTCHW") == 0 ?
      t->shape[2] : t->shape[1];
  const char *color = input_value (a, t->name, "color");
  if (color && (g_ascii_strcasecmp (color, "GRAY") == 0) != (channels == 1))
    problem (a, "mmfusion.input.%s.color is %s but the input has %"
        G_GINT64_FORMAT " channels", t->name, color, channels);
  static const char *lists[] = { "mean", "std" };
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++) {
    const char *v = input_value (a, t->name, lists[i]);
    if (!v)
      continue;
    gchar **parts = g_strsplit (v, ",", -1);
    guint n = g_strv_length (parts);
    g_strfreev (parts);
    if (n != 1 && n != channels)
      problem (a, "mmfusion.input.%s.%s has %u values; 1 or %" G_GINT64_FORMAT
          " (one per channel) are expected", t->name, lists[i], n, channels);
  }
}

static void
check_all (Annotation * a)
{
  for (guint i = 0; i < a->meta->len; i++) {
    const MmMetaEntry *e = g_ptr_array_index (a->meta, i);
    if (!g_str_has_prefix (e->key, "mmfusion."))
      continue;                 /* other tools' metadata is theirs */
    if (strcmp (e->key, "mmfusion.labels") == 0) {
      const KeyInfo *k = find_key ("labels", FOR_OUTPUT);
      gchar *why = check_value (k, e->value,
          output_classes (nn_model_output (a->nn, 0)));
      if (why)
        problem (a, "mmfusion.labels %s", why);
      g_free (why);
    } else if (strcmp (e->key, "mmfusion.output.activation") == 0) {
      gchar *why = check_value (find_key ("activation", FOR_OUTPUT),
          e->value, -1);
      if (why)
        problem (a, "mmfusion.output.activation %s", why);
      g_free (why);
    } else if (g_str_has_prefix (e->key, "mmfusion.input.")) {
      check_tensor_key (a, e->key, e->key + strlen ("mmfusion.input."), TRUE,
          e->value);
    } else if (g_str_has_prefix (e->key, "mmfusion.output.")) {
      check_tensor_key (a, e->key, e->key + strlen ("mmfusion.output."),
          FALSE, e->value);
    } else {
      problem (a, "%s: unknown key (mmfusion.labels, "
          "mmfusion.output.activation, mmfusion.input.NAME.KEY and "
          "mmfusion.output.NAME.KEY are known)", e->key);
    }
  }
  for (size_t i = 0; i < nn_model_n_inputs (a->nn); i++) {
    const nn_tensor *t = nn_model_input (a->nn, i);
    guint modality = input_modality (a, t->name);
    if (modality == FOR_AUDIO)
      check_audio (a, t);
    else if (modality == FOR_VIDEO)
      check_video_shape (a, t);
    else
      problem (a, "cannot tell whether input '%s' is video or audio; add "
          "--input %s:modality=video (or audio)", t->name, t->name);
  }
}

/* "NAME:key=value" (NAME may itself hold colons) onto the metadata */
static gboolean
apply_spec (Annotation * a, const char *option, const char *spec,
    const char *prefix)
{
  const char *eq = strchr (spec, '=');
  const char *colon = NULL;
  for (const char *c = spec; eq && c < eq; c++)
    if (*c == ':')
      colon = c;
  if (!eq || !colon || colon == spec || colon + 1 == eq) {
    problem (a, "%s %s: expected %s NAME:key=value", option, spec, option);
    return FALSE;
  }
  gchar *key = g_strdup_printf ("mmfusion.%s.%.*s.%.*s", prefix,
      (int) (colon - spec), spec, (int) (eq - colon - 1), colon + 1);
  mm_meta_list_set (a->meta, key, eq + 1);
  g_free (key);
  return TRUE;
}

/* a text file, one label a line, as a JSON array */
static gchar *
labels_json (Annotation * a, const char *path)
{
  gchar *text;
  GError *e = NULL;
  if (!g_file_get_contents (path, &text, NULL, &e)) {
    mm_tool_fail (path, e->message);
    g_error_free (e);
    a->problems++;
    return NULL;
  }
  gchar **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  guint n = g_strv_length (lines);
  /* a final newline leaves one empty element, as mmfusion's labels= reads */
  if (n > 0 && g_strstrip (lines[n - 1])[0] == '\0')
    n--;
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_string_value (b, g_strstrip (lines[i]));
  json_builder_end_array (b);
  JsonGenerator *g = json_generator_new ();
  JsonNode *root = json_builder_get_root (b);
  json_generator_set_root (g, root);
  gchar *json = json_generator_to_data (g, NULL);
  json_node_unref (root);
  g_object_unref (g);
  g_object_unref (b);
  g_strfreev (lines);
  gint64 classes = output_classes (nn_model_output (a->nn, 0));
  if (n != classes) {
    mm_tool_failf (path, "%u labels, but the model's first output '%s' has %"
        G_GINT64_FORMAT " classes", n, nn_model_output (a->nn, 0)->name,
        classes);
    a->problems++;
    g_free (json);
    return NULL;
  }
  return json;
}

int
mm_tool_annotate (int argc, char **argv)
{
  gchar *labels = NULL, *activation = NULL;
  gchar **inputs = NULL, **outputs = NULL;
  gboolean clear = FALSE;
  GOptionEntry entries[] = {
    {"labels", 'l', 0, G_OPTION_ARG_FILENAME, &labels,
        "Class names of the first output, one a line", "FILE"},
    {"activation", 'a', 0, G_OPTION_ARG_STRING, &activation,
        "What mmfusion applies to the first output: none, softmax, sigmoid",
        "NAME"},
    {"input", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &inputs,
          "Sets mmfusion.input.NAME.KEY (repeat for more keys)",
        "NAME:KEY=VALUE"},
    {"output", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &outputs,
          "Sets mmfusion.output.NAME.KEY (repeat for more keys)",
        "NAME:KEY=VALUE"},
    {"clear", 0, 0, G_OPTION_ARG_NONE, &clear,
        "Drop the model's mmfusion.* metadata before setting", NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("MODEL.onnx OUT.onnx");
  g_option_context_set_summary (ctx,
      "Writes the metadata mmfusion reads (docs/model-format.md) into a "
      "copy of MODEL.onnx, after checking it against the model: each "
      "problem is one line on stderr, and OUT.onnx is then left alone. "
      "Everything else in the file is kept byte for byte. OUT may be MODEL.");
  gchar *vk = key_names (FOR_VIDEO), *ak = key_names (FOR_AUDIO),
      *ok = key_names (FOR_OUTPUT);
  gchar *desc = g_strdup_printf ("Keys of video inputs: %s.\n"
      "Keys of audio inputs: %s.\nKeys of outputs: %s.\n\n"
      "Example:\n  mmfusion-model annotate exported.onnx model.onnx "
      "--labels labels.txt --activation softmax \\\n"
      "    --input video:mean=0.485,0.456,0.406 "
      "--input video:std=0.229,0.224,0.225 \\\n"
      "    --input audio:hop-length=160 --input audio:stride=10", vk, ak, ok);
  g_option_context_set_description (ctx, desc);
  g_free (vk);
  g_free (ak);
  g_free (ok);
  g_free (desc);
  g_option_context_add_main_entries (ctx, entries, NULL);
  GError *err = NULL;
  int status = 0;
  Annotation a = { 0 };
  gchar *data = NULL;
  gsize size = 0;
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    status = mm_tool_fail ("annotate", err->message);
    goto out;
  }
  if (argc != 3) {
    status = mm_tool_fail ("annotate", "expected MODEL.onnx OUT.onnx "
        "(see mmfusion-model annotate --help)");
    goto out;
  }
  a.model_path = argv[1];
  const char *out_path = argv[2];
  if (!g_file_get_contents (a.model_path, &data, &size, &err)) {
    status = mm_tool_fail (a.model_path, err->message);
    goto out;
  }
  a.nn = nn_model_load_data (data, size, NULL, &err);
  if (!a.nn) {
    status = mm_tool_fail (a.model_path, err->message);
    goto out;
  }
  a.meta = mm_onnx_metadata_read ((const guint8 *) data, size, &err);
  if (!a.meta) {
    status = mm_tool_fail (a.model_path, err->message);
    goto out;
  }
  if (clear)
    for (guint i = a.meta->len; i-- > 0;)
      if (g_str_has_prefix (((MmMetaEntry *)
                  g_ptr_array_index (a.meta, i))->key, "mmfusion."))
        g_ptr_array_remove_index (a.meta, i);

  if (labels) {
    gchar *json = labels_json (&a, labels);
    if (json)
      mm_meta_list_set (a.meta, "mmfusion.labels", json);
    g_free (json);
  }
  if (activation)
    mm_meta_list_set (a.meta, "mmfusion.output.activation", activation);
  for (guint i = 0; inputs && inputs[i]; i++)
    apply_spec (&a, "--input", inputs[i], "input");
  for (guint i = 0; outputs && outputs[i]; i++)
    apply_spec (&a, "--output", outputs[i], "output");
  check_all (&a);
  if (a.problems) {
    status = 1;
    goto out;
  }

  GBytes *bytes = mm_onnx_metadata_replace ((const guint8 *) data, size,
      a.meta, &err);
  if (!bytes) {
    status = mm_tool_fail (a.model_path, err->message);
    goto out;
  }
  gsize out_size;
  const guint8 *out_data = g_bytes_get_data (bytes, &out_size);
  /* the element's own load: the checks against the shapes */
  MmModel *m = mm_model_load_data (out_data, out_size, a.model_path, &err);
  if (!m) {
    /* its message starts with the name it was given: print it as is */
    fprintf (stderr, "mmfusion-model: %s\n", err->message);
    status = 1;
  } else if (!g_file_set_contents (out_path, (const gchar *) out_data,
          out_size, &err)) {
    status = mm_tool_fail (out_path, err->message);
  } else {
    printf ("%s: %u metadata entries written\n", out_path, a.meta->len);
  }
  mm_model_free (m);
  g_bytes_unref (bytes);

out:
  g_clear_error (&err);
  if (a.meta)
    g_ptr_array_unref (a.meta);
  nn_model_free (a.nn);
  g_free (data);
  g_free (labels);
  g_free (activation);
  g_strfreev (inputs);
  g_strfreev (outputs);
  g_option_context_free (ctx);
  return status;
}
