/* The AV-digits model inputs made by the C elements equal the ones its
 * training used (models/avdigits/features.py, through the references of
 * docs/audio-features.md and docs/model-format.md), on the shipped demo clip: mmaudiowindow's
 * window that starts with each segment, configured from the model's own
 * metadata, against the segment's log-mel; mmfusion's preprocessing of
 * each segment's last decoded frame against its 32x32 grey input. Goldens
 * from models/avdigits/make_goldens.py.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include "mmmodel.h"
#include "mmpreprocess.h"
#include "run-pipeline.h"

#include <math.h>

#define SEGMENTS 3              /* make_goldens.py FEATURE_SEGMENTS */
#define FPS 10                  /* make_clip.py's default */

static const char *models_dir, *golden_dir;

typedef struct {
  GPtrArray *buffers;
  GstCaps *caps;
} Collected;

static GstPadProbeReturn
collect (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Collected *c = data;
  g_ptr_array_add (c->buffers, gst_buffer_ref (GST_PAD_PROBE_INFO_BUFFER
          (info)));
  if (!c->caps)
    c->caps = gst_pad_get_current_caps (pad);
  return GST_PAD_PROBE_OK;
}

/* runs DESC to EOS, collecting what reaches the element named "out" */
static void
run_collect (const char *desc, Collected * c)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL, "%s", err ? err->message : desc);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "out");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  c->buffers = g_ptr_array_new_with_free_func
      ((GDestroyNotify) gst_buffer_unref);
  c->caps = NULL;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, collect, c, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gchar *error = run_pipeline_to_end (pipe, 60);
  fail_unless (error == NULL, "%s", error);
  gst_object_unref (pipe);
}

static gfloat *
load_golden (const char *name, gsize floats)
{
  gchar *path = g_build_filename (golden_dir, name, NULL);
  gchar *data;
  gsize len;
  fail_unless (g_file_get_contents (path, &data, &len, NULL), "%s", path);
  fail_unless_equals_uint64 (len, floats * sizeof (gfloat));
  g_free (path);
  return (gfloat *) data;
}

static MmModel *
load_model (void)
{
  gchar *path = g_build_filename (models_dir, "avdigits-concat.onnx", NULL);
  GError *err = NULL;
  MmModel *m = mm_model_load (path, &err);
  fail_unless (m != NULL, "%s", err ? err->message : path);
  g_free (path);
  return m;
}

GST_START_TEST (test_audio_windows_equal_training_features)
{
  MmModel *model = load_model ();
  const MmModelInput *in = mm_model_find_input (model, "audio");
  fail_unless (in != NULL);
  GstCaps *caps = mm_model_input_caps (in);
  gchar *caps_str = gst_caps_to_string (caps);
  gchar *desc = g_strdup_printf ("filesrc location=%s/demo.mkv ! "
      "matroskademux ! flacparse ! flacdec ! audioconvert ! audioresample ! "
      "mmaudiowindow ! %s ! fakesink name=out", models_dir, caps_str);
  Collected c;
  run_collect (desc, &c);
  gsize per = (gsize) in->features.n_mels * in->features.frames;  /* 40x98 */
  gfloat *golden = load_golden ("audio-features.f32", SEGMENTS * per);
  /* windows start every stride hops: a second is 100 hops of 10 ms */
  gint per_segment = in->features.rate / in->features.hop_length
      / in->features.stride;
  gdouble worst = 0;
  for (gint s = 0; s < SEGMENTS; s++) {
    guint w = s * per_segment;
    fail_unless (w < c.buffers->len, "only %u windows", c.buffers->len);
    GstBuffer *b = g_ptr_array_index (c.buffers, w);
    GstMapInfo map;
    gst_buffer_map (b, &map, GST_MAP_READ);
    fail_unless_equals_uint64 (map.size, per * sizeof (gfloat));
    const gfloat *got = (const gfloat *) map.data;
    for (gsize i = 0; i < per; i++)
      worst = MAX (worst, fabs (got[i] - golden[s * per + i]));
    fail_unless_equals_uint64 (GST_BUFFER_PTS (b), s * GST_SECOND);
    gst_buffer_unmap (b, &map);
  }
  GST_INFO ("audio: max |C - features.py| %g", worst);
  fail_unless (worst < 1e-4, "audio features differ by %g", worst);
  g_free (golden);
  g_ptr_array_unref (c.buffers);
  gst_caps_unref (c.caps);
  g_free (desc);
  g_free (caps_str);
  gst_caps_unref (caps);
  mm_model_free (model);
}

GST_END_TEST;

GST_START_TEST (test_video_input_equals_training_features)
{
  MmModel *model = load_model ();
  const MmModelInput *in = mm_model_find_input (model, "video");
  fail_unless (in != NULL);
  gchar *desc = g_strdup_printf ("filesrc location=%s/demo.mkv ! "
      "matroskademux ! avdec_h264 ! fakesink name=out",
      models_dir);
  Collected c;
  run_collect (desc, &c);
  GstVideoInfo info;
  fail_unless (gst_video_info_from_caps (&info, c.caps));
  MmPreprocess *pp = mm_preprocess_new (in, &info);
  fail_unless (pp != NULL);
  gsize per = (gsize) in->height * in->width;
  gfloat *golden = load_golden ("video-features.f32", SEGMENTS * per);
  gfloat *got = g_new (gfloat, per);
  gdouble worst = 0;
  for (gint s = 0; s < SEGMENTS; s++) {
    guint f = (s + 1) * FPS - 1;        /* the segment's last frame */
    fail_unless (f < c.buffers->len);
    GstVideoFrame frame;
    fail_unless (gst_video_frame_map (&frame, &info,
            g_ptr_array_index (c.buffers, f), GST_MAP_READ));
    mm_preprocess_frame (pp, &frame, got);
    gst_video_frame_unmap (&frame);
    for (gsize i = 0; i < per; i++)
      worst = MAX (worst, fabs (got[i] - golden[s * per + i]));
  }
  GST_INFO ("video (%s): max |C - features.py| %g",
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)), worst);
  /* normalized units: 1e-4 is 1/40 of a grey level after / 0.25 */
  fail_unless (worst < 1e-4, "video features differ by %g", worst);
  g_free (got);
  g_free (golden);
  mm_preprocess_free (pp);
  g_ptr_array_unref (c.buffers);
  gst_caps_unref (c.caps);
  g_free (desc);
  mm_model_free (model);
}

GST_END_TEST;

static Suite *
features_suite (void)
{
  models_dir = g_getenv ("MM_AVDIGITS");
  golden_dir = g_getenv ("MM_GOLDEN_AVDIGITS");
  Suite *s = suite_create ("avdigits-features");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_audio_windows_equal_training_features);
  tcase_add_test (tc, test_video_input_equals_training_features);
  return s;
}

GST_CHECK_MAIN (features);
