/* Runs the ONNX backend node tests (Debian's libonnx-testdata) for every
 * test whose operators the runtime supports.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * usage: onnx-node-tests DATA_DIR SKIP_FILE [NAME_PREFIX...]
 *
 * A test whose model uses only supported ops must pass (outputs within
 * |got - want| <= 1e-5 + 1e-3 |want|, NaN matching NaN), or be listed in
 * SKIP_FILE with the reason. A listed test that passes is reported, so the
 * list stays honest. Exit status 1 on any failure.
 */
#include "nn-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static GHashTable *
read_skips (const char *path)
{
  GHashTable *skips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  gchar *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return skips;
  gchar **lines = g_strsplit (text, "\n", -1);
  for (gchar ** l = lines; *l; l++) {
    gchar *line = g_strstrip (*l);
    char *colon = strchr (line, ':');
    if (!*line || *line == '#' || !colon)
      continue;
    *colon = '\0';
    g_hash_table_insert (skips, g_strdup (g_strstrip (line)),
        g_strdup (g_strstrip (colon + 1)));
  }
  g_strfreev (lines);
  g_free (text);
  return skips;
}

/* TRUE if every node of the model is an op we implement */
static gboolean
uses_only_supported_ops (const char *model_path)
{
  gchar *bytes;
  gsize len;
  if (!g_file_get_contents (model_path, &bytes, &len, NULL))
    return FALSE;
  Onnx__ModelProto *mp = onnx__model_proto__unpack (NULL, len,
      (uint8_t *) bytes);
  g_free (bytes);
  if (!mp)
    return FALSE;
  gboolean ok = mp->graph != NULL;
  for (size_t i = 0; ok && i < mp->graph->n_node; i++)
    ok = nn_op_supported (mp->graph->node[i]->op_type);
  onnx__model_proto__free_unpacked (mp, NULL);
  return ok;
}

static GPtrArray *
load_set (const char *dir, const char *prefix, GError ** error)
{
  GPtrArray *list = g_ptr_array_new ();
  for (int i = 0;; i++) {
    gchar *path = g_strdup_printf ("%s/%s_%d.pb", dir, prefix, i);
    if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
      g_free (path);
      break;
    }
    nn_tensor *t = g_new0 (nn_tensor, 1);
    char *name = NULL;
    gboolean ok = nn_tensor_proto_load (path, t, &name, error);
    g_free (path);
    if (!ok) {
      g_free (t);
      g_ptr_array_set_free_func (list, NULL);
      return list;
    }
    t->name = name;
    g_ptr_array_add (list, t);
  }
  return list;
}

static void
free_set (GPtrArray * set)
{
  for (guint i = 0; i < set->len; i++) {
    nn_tensor *t = g_ptr_array_index (set, i);
    g_free (t->data);
    g_free ((char *) t->name);
    g_free (t);
  }
  g_ptr_array_unref (set);
}

/* the graph input names that are not initializers, in order */
static GPtrArray *
graph_input_names (const char *model_path)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  gchar *bytes;
  gsize len;
  if (!g_file_get_contents (model_path, &bytes, &len, NULL))
    return names;
  Onnx__ModelProto *mp = onnx__model_proto__unpack (NULL, len,
      (uint8_t *) bytes);
  g_free (bytes);
  if (!mp)
    return names;
  for (size_t i = 0; mp->graph && i < mp->graph->n_input; i++) {
    const char *nm = mp->graph->input[i]->name;
    gboolean init = FALSE;
    for (size_t k = 0; k < mp->graph->n_initializer; k++)
      init = init || strcmp (mp->graph->initializer[k]->name, nm) == 0;
    if (!init)
      g_ptr_array_add (names, g_strdup (nm));
  }
  onnx__model_proto__free_unpacked (mp, NULL);
  return names;
}

static gboolean
compare (const nn_tensor * got, const nn_tensor * want, GString * why)
{
  if (got->type != want->type) {
    g_string_append_printf (why, "type %s, expected %s",
        nn_type_name (got->type), nn_type_name (want->type));
    return FALSE;
  }
  gboolean same_shape = got->ndim == want->ndim;
  for (int d = 0; same_shape && d < got->ndim; d++)
    same_shape = got->shape[d] == want->shape[d];
  if (!same_shape) {
    g_string_append (why, "shape differs");
    return FALSE;
  }
  int64_t n = nn_tensor_numel (want);
  for (int64_t i = 0; i < n; i++) {
    double a, b;
    switch (want->type) {
      case NN_TYPE_FLOAT:
        a = ((float *) got->data)[i];
        b = ((float *) want->data)[i];
        break;
      case NN_TYPE_INT64:
        a = (double) ((int64_t *) got->data)[i];
        b = (double) ((int64_t *) want->data)[i];
        break;
      case NN_TYPE_INT32:
        a = ((int32_t *) got->data)[i];
        b = ((int32_t *) want->data)[i];
        break;
      default:
        a = ((uint8_t *) got->data)[i];
        b = ((uint8_t *) want->data)[i];
        break;
    }
    if (isnan (a) && isnan (b))
      continue;
    if (isinf (b) && a == b)
      continue;
    if (!(fabs (a - b) <= 1e-5 + 1e-3 * fabs (b))) {
      g_string_append_printf (why, "element %" G_GINT64_FORMAT ": %g, "
          "expected %g", i, a, b);
      return FALSE;
    }
  }
  return TRUE;
}

/* 1 pass, 0 fail; why says what went wrong */
static int
run_test (const char *dir, gboolean no_fusion, GString * why)
{
  gchar *model_path = g_build_filename (dir, "model.onnx", NULL);
  gchar *set_dir = g_build_filename (dir, "test_data_set_0", NULL);
  GError *err = NULL;
  GPtrArray *inputs = load_set (set_dir, "input", &err);
  GPtrArray *outputs = err ? NULL : load_set (set_dir, "output", &err);
  GPtrArray *names = graph_input_names (model_path);
  nn_model *m = NULL;
  nn_session *s = NULL;
  int result = 0;
  if (err) {
    g_string_append (why, err->message);
    goto out;
  }
  if (names->len != inputs->len) {
    g_string_append (why, "input count differs from the test data");
    goto out;
  }
  /* input shapes from the data; integer inputs pinned when shapes need it */
  GArray *dims = g_array_new (FALSE, FALSE, sizeof (nn_dim_value));
  for (guint i = 0; i < inputs->len; i++) {
    const nn_tensor *t = g_ptr_array_index (inputs, i);
    for (int d = 0; d < t->ndim; d++) {
      nn_dim_value dv = { NULL, g_ptr_array_index (names, i), d,
        t->shape[d]
      };
      g_array_append_val (dims, dv);
    }
  }
  nn_load_options opts = {.dims = (nn_dim_value *) dims->data,
    .n_dims = dims->len, .no_fusion = no_fusion
  };
  m = nn_model_load_file (model_path, &opts, &err);
  nn_tensor *pinned = NULL;
  if (!m && err && err->code == NN_ERROR_DYNAMIC) {
    g_clear_error (&err);
    pinned = g_new0 (nn_tensor, inputs->len);
    size_t np = 0;
    for (guint i = 0; i < inputs->len; i++) {
      nn_tensor *t = g_ptr_array_index (inputs, i);
      /* shape-deciding inputs: integer tensors and scalars (Range) */
      if (t->type != NN_TYPE_INT64 && t->type != NN_TYPE_INT32
          && t->ndim != 0)
        continue;
      pinned[np] = *t;
      pinned[np++].name = g_ptr_array_index (names, i);
    }
    opts.constants = pinned;
    opts.n_constants = np;
    m = nn_model_load_file (model_path, &opts, &err);
  }
  g_array_unref (dims);
  if (!m) {
    g_string_append (why, err->message);
    g_free (pinned);
    goto out;
  }
  s = nn_session_new (m, NULL, &err);
  if (!s) {
    g_string_append (why, err->message);
    g_free (pinned);
    goto out;
  }
  for (size_t i = 0; i < nn_model_n_inputs (m); i++) {
    nn_tensor *dst = nn_session_input (s, i);
    for (guint k = 0; k < names->len; k++) {
      if (strcmp (g_ptr_array_index (names, k), dst->name) == 0) {
        const nn_tensor *src = g_ptr_array_index (inputs, k);
        memcpy (dst->data, src->data,
            nn_tensor_numel (src) * nn_type_size (src->type));
      }
    }
  }
  g_free (pinned);
  if (!nn_session_run (s, &err)) {
    g_string_append (why, err->message);
    goto out;
  }
  if (outputs->len != nn_model_n_outputs (m)) {
    g_string_append (why, "output count differs");
    goto out;
  }
  result = 1;
  for (guint i = 0; i < outputs->len && result; i++) {
    if (!compare (nn_session_output (s, i), g_ptr_array_index (outputs, i),
            why)) {
      g_string_prepend (why, ": ");
      g_string_prepend (why, nn_session_output (s, i)->name);
      result = 0;
    }
  }
out:
  g_clear_error (&err);
  nn_session_free (s);
  nn_model_free (m);
  if (inputs)
    free_set (inputs);
  if (outputs)
    free_set (outputs);
  g_ptr_array_unref (names);
  g_free (model_path);
  g_free (set_dir);
  return result;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  if (argc < 3) {
    fprintf (stderr, "usage: %s DATA_DIR SKIP_FILE [NAME_PREFIX...]\n",
        argv[0]);
    return 2;
  }
  const char *root = argv[1];
  GHashTable *skips = read_skips (argv[2]);
  GDir *d = g_dir_open (root, 0, NULL);
  if (!d) {
    fprintf (stderr, "cannot open %s (install libonnx-testdata)\n", root);
    return 1;
  }
  GPtrArray *tests = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (tests, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (tests, compare_names);

  int passed = 0, failed = 0, skipped = 0, unexpected = 0;
  for (guint i = 0; i < tests->len; i++) {
    const char *t = g_ptr_array_index (tests, i);
    gboolean wanted = argc == 3;
    for (int k = 3; k < argc; k++)
      wanted = wanted || g_str_has_prefix (t, argv[k]);
    gchar *dir = g_build_filename (root, t, NULL);
    gchar *model = g_build_filename (dir, "model.onnx", NULL);
    gboolean applies = wanted && uses_only_supported_ops (model);
    g_free (model);
    if (!applies) {
      g_free (dir);
      continue;
    }
    const char *skip = g_hash_table_lookup (skips, t);
    GString *why = g_string_new (NULL), *why2 = g_string_new (NULL);
    /* every test runs with and without load-time fusion */
    int ok = run_test (dir, FALSE, why) && run_test (dir, TRUE, why2);
    if (skip && ok) {
      printf ("PASS-BUT-SKIPPED %s (listed: %s)\n", t, skip);
      unexpected++;
    } else if (skip) {
      printf ("skip %s: %s\n", t, skip);
      skipped++;
    } else if (ok) {
      printf ("ok   %s\n", t);
      passed++;
    } else {
      printf ("FAIL %s: %s%s\n", t, why->str, why2->str);
      failed++;
    }
    g_string_free (why, TRUE);
    g_string_free (why2, TRUE);
    g_free (dir);
  }
  printf ("onnx node tests: %d passed, %d failed, %d skipped (listed), "
      "%d listed but passing\n", passed, failed, skipped, unexpected);
  g_ptr_array_unref (tests);
  g_hash_table_unref (skips);
  return failed || unexpected ? 1 : 0;
}
