/* mmfusion passes its leading video frames downstream unchanged, so the
 * formats it offers upstream must be ones downstream takes as well.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include "run-pipeline.h"

static gchar *
probe_model (void)
{
  return g_build_filename (g_getenv ("MM_GOLDEN_SYNC"),
      "probe_video_only.onnx", NULL);
}

/* videotestsrc can make any format mmfusion preprocesses; downstream here
 * takes only one. Without asking downstream, upstream picks the first of
 * ours that it can make and the stream stops with not-negotiated. */
static void
check_format_follows_downstream (const gchar * format)
{
  gchar *model = probe_model ();
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=5 ! "
      "video/x-raw,width=64,height=48,framerate=25/1 ! f.video "
      "mmfusion name=f model=%s ! video/x-raw,format=%s ! fakesink", model, format);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL, "%s", err ? err->message : "parse");
  gchar *error = run_pipeline_to_end (pipe, 30);
  fail_unless (error == NULL, "format %s: %s", format, error);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (model);
}

GST_START_TEST (test_leader_formats_follow_downstream)
{
  check_format_follows_downstream ("GRAY8");
  check_format_follows_downstream ("NV12");
  check_format_follows_downstream ("BGRx");
}

GST_END_TEST;

/* a downstream that takes nothing we can preprocess: a clear
 * not-negotiated error, never a hang */
GST_START_TEST (test_downstream_without_common_format)
{
  gchar *model = probe_model ();
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=5 ! f.video "
      "mmfusion name=f model=%s ! video/x-raw,format=v210 ! fakesink", model);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  fail_unless (pipe != NULL);
  gchar *error = run_pipeline_to_end (pipe, 30);
  fail_unless (error != NULL, "a v210-only downstream was accepted");
  g_free (error);
  gst_object_unref (pipe);
  g_free (desc);
  g_free (model);
}

GST_END_TEST;

static Suite *
mmfusion_caps_suite (void)
{
  Suite *s = suite_create ("mmfusion-caps");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_leader_formats_follow_downstream);
  tcase_add_test (tc, test_downstream_without_common_format);
  return s;
}

GST_CHECK_MAIN (mmfusion_caps);
