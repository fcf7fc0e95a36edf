/* See batch-model.h.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "batch-model.h"
#include "onnx.pb-c.h"

#include <glib/gstdio.h>

/* the model with dimension 0 of every graph input and output symbolic */
gchar *
batch_model_write (const gchar * src)
{
  gchar *bytes;
  gsize len;
  /* runs before the tests: plain assertions */
  if (!g_file_get_contents (src, &bytes, &len, NULL))
    g_error ("cannot read %s", src);
  Onnx__ModelProto *m = onnx__model_proto__unpack (NULL, len,
      (const guint8 *) bytes);
  g_assert_nonnull (m);
  g_free (bytes);
  Onnx__GraphProto *g = m->graph;
  for (gint io = 0; io < 2; io++) {
    gsize n = io ? g->n_output : g->n_input;
    Onnx__ValueInfoProto **v = io ? g->output : g->input;
    for (gsize i = 0; i < n; i++) {
      Onnx__TensorShapeProto *shape = v[i]->type->tensor_type->shape;
      Onnx__TensorShapeProto__Dimension *d = shape->dim[0];
      d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
      d->dim_param = g_strdup ("N");      /* freed with the proto */
    }
  }
  len = onnx__model_proto__get_packed_size (m);
  guint8 *out = g_malloc (len);
  onnx__model_proto__pack (m, out);
  onnx__model_proto__free_unpacked (m, NULL);
  gchar *dir = g_dir_make_tmp ("mmbatch-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "avdigits-concat-batch.onnx", NULL);
  if (!g_file_set_contents (path, (gchar *) out, len, NULL))
    g_error ("cannot write %s", path);
  g_free (out);
  g_free (dir);
  return path;
}

void
batch_model_remove (gchar * path)
{
  gchar *dir = g_path_get_dirname (path);
  g_unlink (path);
  g_rmdir (dir);
  g_free (dir);
  g_free (path);
}

int
batch_model_main (int argc, char **argv, Suite * (*make_suite) (void),
    gchar ** fixed, gchar ** batch)
{
  gst_check_init (&argc, &argv);
  const gchar *models = g_getenv ("MM_MODELS");
  *fixed = g_build_filename (models ? models : "models", "avdigits",
      "avdigits-concat.onnx", NULL);
  *batch = batch_model_write (*fixed);
  SRunner *sr = srunner_create (make_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int n = srunner_ntests_failed (sr);
  srunner_free (sr);
  batch_model_remove (*batch);
  *batch = NULL;
  g_clear_pointer (fixed, g_free);
  return n == 0 ? 0 : 1;
}
