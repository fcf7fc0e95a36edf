/* Model metadata parsing (docs/model-format.md) and the result meta API.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <mmfusion/mmfusionmeta.h>

#include "mmmodel.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *meta_dir;

static gchar *
model_path (const char *name)
{
  return g_strdup_printf ("%s/%s.onnx", meta_dir, name);
}

GST_START_TEST (test_good_model)
{
  gchar *path = model_path ("good");
  GError *err = NULL;
  MmModel *m = mm_model_load (path, &err);
  fail_unless (m != NULL, "%s", err ? err->message : "");
  fail_unless_equals_string (m->name, "good");
  fail_unless_equals_int (m->n_classes, 4);
  fail_unless_equals_string (m->labels[2], "bird");
  fail_unless_equals_int (m->activation, MM_ACTIVATION_SOFTMAX);
  fail_unless_equals_int (m->n_inputs, 2);

  const MmModelInput *v = mm_model_find_input (m, "video");
  fail_unless (v && v->modality == MM_MODALITY_VIDEO);
  fail_unless_equals_int (v->channels, 3);
  fail_unless_equals_int (v->height, 16);
  fail_unless_equals_int (v->width, 16);
  fail_unless_equals_int (v->color, MM_COLOR_RGB);
  fail_unless_equals_int (v->resize, MM_RESIZE_LETTERBOX);
  fail_unless_equals_float (v->mean[1], 0.456f);
  fail_unless_equals_float (v->std[2], 0.225f);

  const MmModelInput *a = mm_model_find_input (m, "audio");
  fail_unless (a && a->modality == MM_MODALITY_AUDIO);
  fail_unless_equals_int (a->layout, MM_LAYOUT_MEL_MAJOR);
  fail_unless_equals_int (a->features.n_mels, 40);      /* from the shape */
  fail_unless_equals_int (a->features.frames, 20);
  fail_unless_equals_int (a->features.stride, 5);
  fail_unless_equals_float (a->features.fmax, 7600.0);
  fail_unless_equals_int (a->features.rate, 16000);

  /* the audio pad demands exactly these features */
  GstCaps *caps = mm_model_input_caps (a);
  GstStructure *s = gst_caps_get_structure (caps, 0);
  gint v40;
  fail_unless (gst_structure_get_int (s, "n-mels", &v40) && v40 == 40);
  fail_unless (gst_caps_is_fixed (caps));
  gst_caps_unref (caps);
  mm_model_free (m);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_defaults)
{
  gchar *path = model_path ("defaults");
  MmModel *m = mm_model_load (path, NULL);
  fail_unless (m != NULL);
  fail_unless_equals_string (m->labels[3], "3");
  fail_unless_equals_int (m->activation, MM_ACTIVATION_NONE);
  const MmModelInput *v = mm_model_find_input (m, "video");
  fail_unless_equals_float (v->mean[0], 0.0f);
  fail_unless_equals_float (v->std[0], 1.0f);
  fail_unless_equals_int (v->resize, MM_RESIZE_STRETCH);
  const MmModelInput *a = mm_model_find_input (m, "audio");
  fail_unless_equals_int (a->features.stride, 10);
  fail_unless_equals_int (a->features.hop_length, 160);
  mm_model_free (m);
  g_free (path);
}

GST_END_TEST;

static const struct {
  const char *file, *words;
} bad_cases[] = {
  {"bad_labels_count", "mmfusion.labels has 2 labels"},
  {"bad_labels_json", "mmfusion.labels"},
  {"bad_activation", "mmfusion.output.activation"},
  {"bad_n_mels", "mmfusion.input.audio.n-mels"},
  {"bad_fmax", "fmax"},
  {"bad_color", "mmfusion.input.video.color"},
  {"bad_std", "mmfusion.input.video.std"},
  {"bad_mean_count", "mmfusion.input.video.mean"},
  {"bad_number", "mmfusion.input.audio.hop-length"},
  {"bad_layout", "mmfusion.input.video.layout"},
  {"bad_modality", "mmfusion.input.sound.modality"},
  {"missing_file", "missing_file"},
  /* limits (tests/golden/meta/make_limit_models.py): refused at load,
   * before anything is built per class */
  {"huge_classes", "output 'scores' (float32 [1, 100000000]) would take"},
  {"many_classes", "has 2000000 classes; 1 to 1048576"},
  {"zero_classes", "has 0 classes"},
  {"no_inputs", "has no inputs"},
  {"stride_2e9", "stride is 2000000000"},
  {"dynamic_hw", "dimension 2 (height) has no fixed size"},
};

GST_START_TEST (test_bad_metadata)
{
  gchar *path = model_path (bad_cases[__i__].file);
  GError *err = NULL;
  MmModel *m = mm_model_load (path, &err);
  fail_unless (m == NULL);
  fail_unless (err != NULL);
  GST_INFO ("%s", err->message);
  fail_unless (strstr (err->message, bad_cases[__i__].words) != NULL,
      "'%s' not in '%s'", bad_cases[__i__].words, err->message);
  /* the message names the file too */
  fail_unless (strstr (err->message, path) != NULL);
  g_error_free (err);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_labels_file)
{
  gchar *path = model_path ("good");
  MmModel *m = mm_model_load (path, NULL);
  gchar *labels = g_build_filename (g_get_tmp_dir (), "mm-labels.txt", NULL);
  GError *err = NULL;
  fail_unless (g_file_set_contents (labels, "one\ntwo\nthree\nfour\n", -1,
          NULL));
  fail_unless (mm_model_set_labels_file (m, labels, &err));
  fail_unless_equals_string (m->labels[3], "four");
  fail_unless_equals_int (m->label_quarks[0], g_quark_from_string ("one"));
  fail_unless (g_file_set_contents (labels, "one\ntwo\n", -1, NULL));
  fail_if (mm_model_set_labels_file (m, labels, &err));
  fail_unless (strstr (err->message, "2 labels") != NULL);
  g_clear_error (&err);
  g_unlink (labels);
  g_free (labels);
  mm_model_free (m);
  g_free (path);
}

GST_END_TEST;

/* a labels file larger than any class count needs is refused by its size,
 * before it is read (a sparse file: nothing is written) */
GST_START_TEST (test_labels_file_too_large)
{
  gchar *path = model_path ("good");
  MmModel *m = mm_model_load (path, NULL);
  gchar *labels = g_build_filename (g_get_tmp_dir (), "mm-huge-labels.txt",
      NULL);
  FILE *f = fopen (labels, "wb");
  fail_unless (f != NULL);
  fail_unless (fseek (f, 100 << 20, SEEK_SET) == 0);
  fputc ('\n', f);
  fclose (f);
  GError *err = NULL;
  fail_if (mm_model_set_labels_file (m, labels, &err));
  fail_unless (strstr (err->message, "104857601 bytes") != NULL, "%s",
      err->message);
  g_error_free (err);
  g_unlink (labels);
  g_free (labels);
  mm_model_free (m);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_meta_api)
{
  GstBuffer *buf = gst_buffer_new ();
  GstMmFusionMeta *m = gst_buffer_add_mm_fusion_meta (buf);
  fail_unless (m != NULL);
  fail_unless_equals_int (gst_mm_fusion_meta_get_length (m), 0);
  fail_unless_equals_int (m->event_class, -1);
  gint ids[2] = { 3, 1 };
  GQuark q[2] = { g_quark_from_string ("fish"), g_quark_from_string ("dog") };
  gfloat scores[2] = { 0.7f, 0.2f };
  gst_mm_fusion_meta_set_classes (m, 2, ids, q, scores);
  gfloat all[4] = { 0.05f, 0.2f, 0.05f, 0.7f };
  gst_mm_fusion_meta_set_all_scores (m, 4, all);
  fail_unless (gst_mm_fusion_meta_add_input (m, "audio", 100, 200, FALSE));
  fail_unless (gst_mm_fusion_meta_add_input (m, "video", 150, 190, TRUE));
  m->fresh = TRUE;

  /* copying a buffer copies the meta, deeply */
  GstBuffer *copy = gst_buffer_copy (buf);
  gst_buffer_unref (buf);
  GstMmFusionMeta *c = gst_buffer_get_mm_fusion_meta (copy);
  fail_unless (c != NULL && c != m);
  fail_unless_equals_int (gst_mm_fusion_meta_get_length (c), 2);
  fail_unless_equals_float (gst_mm_fusion_meta_get_level (c, 0), 0.7f);
  fail_unless_equals_string (g_quark_to_string (gst_mm_fusion_meta_get_quark
          (c, 1)), "dog");
  fail_unless_equals_int (gst_mm_fusion_meta_get_class_id (c, 0), 3);
  fail_unless_equals_int (c->n_all, 4);
  fail_unless_equals_float (c->all_scores[3], 0.7f);
  const GstMmFusionInputSpan *s = gst_mm_fusion_meta_get_input (c, "video");
  fail_unless (s && s->missing && s->start == 150 && s->end == 190);
  fail_unless (gst_mm_fusion_meta_get_input (c, "nothing") == NULL);
  fail_unless (c->fresh);
  /* the meta's API has no size or video tags */
  fail_unless (!gst_meta_api_type_has_tag (GST_MM_FUSION_META_API_TYPE,
          g_quark_from_string ("size")));
  gst_buffer_unref (copy);
}

GST_END_TEST;

static Suite *
mmmodel_suite (void)
{
  Suite *s = suite_create ("mmmodel");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_good_model);
  tcase_add_test (tc, test_defaults);
  tcase_add_loop_test (tc, test_bad_metadata, 0, G_N_ELEMENTS (bad_cases));
  tcase_add_test (tc, test_labels_file);
  tcase_add_test (tc, test_labels_file_too_large);
  tcase_add_test (tc, test_meta_api);
  return s;
}

int
main (int argc, char **argv)
{
  meta_dir = g_getenv ("MM_GOLDEN_META");
  if (!meta_dir)
    meta_dir = "tests/golden/meta";
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (mmmodel_suite (), "mmmodel", __FILE__);
}
