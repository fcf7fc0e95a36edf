/* libFuzzer target: model metadata parsing (docs/model-format.md) on whole
 * models, then what the elements derive from a model that loads: pad caps
 * and preprocessing tables.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <gst/video/video.h>

#include "mmmodel.h"
#include "mmpreprocess.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static gboolean inited;
  if (!inited) {
    gst_init (NULL, NULL);
    inited = TRUE;
  }
  GError *err = NULL;
  MmModel *m = mm_model_load_data (data, size, "fuzz.onnx", &err);
  if (!m) {
    if (!err || !err->message || !*err->message)
      __builtin_trap ();
    g_error_free (err);
    return 0;
  }
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 64, 48);
  for (guint i = 0; i < m->n_inputs; i++) {
    const MmModelInput *in = &m->inputs[i];
    GstCaps *caps = mm_model_input_caps (in);
    gst_caps_unref (caps);
    /* the tables scale with the model's grid: keep it to sane sizes */
    if (in->modality == MM_MODALITY_VIDEO
        && (gint64) in->height * in->width <= 1 << 20) {
      MmPreprocess *pp = mm_preprocess_new (in, &info);
      mm_preprocess_free (pp);
    }
  }
  mm_model_free (m);
  return 0;
}
