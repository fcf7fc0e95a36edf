/* mmoverlay: on a uniform frame the pixels change inside the panel and
 * nowhere else, for every accepted format; frames without a (shown)
 * result pass untouched; the corner moves the panel; the panel travels as
 * GstVideoOverlayCompositionMeta when downstream takes it, and only then.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <mmfusion/mmfusionmeta.h>

#include <string.h>

#define W 320
#define H 240
#define PX 12                   /* font-size in the tests */
/* the panel: at most 20 font sizes wide (it fits its texts: "dog 0.90"
 * after a six-font-size bar), a line and a half per class, half a font
 * size of padding above and below (see draw_panel) */
#define PANEL_W (PX * 20)
#define PANEL_H (2 * (PX * 3 / 2) + 2 * (PX / 2))

static GstBuffer *
uniform_frame (GstVideoInfo * info, gboolean with_result, gboolean fresh)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstVideoFrame f;
  gst_video_frame_map (&f, info, b, GST_MAP_WRITE);
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&f); p++) {
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (&f, p);
    gsize rows = GST_VIDEO_FRAME_COMP_HEIGHT (&f, p);
    memset (d, 128, rows * GST_VIDEO_FRAME_PLANE_STRIDE (&f, p));
  }
  gst_video_frame_unmap (&f);
  if (with_result) {
    GstMmFusionMeta *m = gst_buffer_add_mm_fusion_meta (b);
    gint ids[2] = { 1, 0 };
    GQuark q[2] = { g_quark_from_string ("dog"), g_quark_from_string ("cat") };
    gfloat s[2] = { 0.9f, 0.1f };
    gst_mm_fusion_meta_set_classes (m, 2, ids, q, s);
    m->fresh = fresh;
    m->running_time = 0;
  }
  return b;
}

/* pixels differing from the uniform 128 inside and outside the rectangle
 * [x0, x0+w) x [y0, y0+h), per plane in its own coordinates; a one-pixel
 * margin on subsampled planes, where blending touches the shared chroma */
static void
count_changes (GstVideoInfo * info, GstBuffer * b, gint x0, gint y0, gint w,
    gint h, guint * inside, guint * outside)
{
  GstVideoFrame f;
  gst_video_frame_map (&f, info, b, GST_MAP_READ);
  *inside = *outside = 0;
  for (guint c = 0; c < GST_VIDEO_FRAME_N_COMPONENTS (&f); c++) {
    gint p = GST_VIDEO_FRAME_COMP_PLANE (&f, c);
    gint sx = GST_VIDEO_FORMAT_INFO_W_SUB (info->finfo, c);
    gint sy = GST_VIDEO_FORMAT_INFO_H_SUB (info->finfo, c);
    gint margin = sx || sy ? 1 : 0;
    const guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (&f, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&f, p);
    gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&f, c);
    gint off = GST_VIDEO_FRAME_COMP_POFFSET (&f, c);
    for (gint y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&f, c); y++)
      for (gint x = 0; x < GST_VIDEO_FRAME_COMP_WIDTH (&f, c); x++) {
        if (d[y * stride + x * ps + off] == 128)
          continue;
        gboolean in = (x << sx) >= x0 - margin * 2
            && (x << sx) < x0 + w + margin * 2
            && (y << sy) >= y0 - margin * 2 && (y << sy) < y0 + h + margin * 2;
        if (in)
          (*inside)++;
        else
          (*outside)++;
      }
  }
  gst_video_frame_unmap (&f);
}

static GstHarness *
overlay (GstVideoFormat format, const char *props, GstVideoInfo * info)
{
  gchar *desc = g_strdup_printf ("mmoverlay font-size=%d %s", PX, props);
  GstHarness *h = gst_harness_new_parse (desc);
  g_free (desc);
  gst_video_info_set_format (info, format, W, H);
  gst_harness_set_src_caps (h, gst_video_info_to_caps (info));
  return h;
}

/* downstream with the overlay meta's caps feature and the meta in its
 * allocation answer */
static void
downstream_takes_meta (GstHarness * h, const GstVideoInfo * info)
{
  GstCaps *caps = gst_video_info_to_caps (info);
  gst_caps_set_features (caps, 0, gst_caps_features_new
      (GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION, NULL));
  gst_harness_set_sink_caps (h, caps);
  gst_harness_add_propose_allocation_meta (h,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
}

static const GstVideoFormat formats[] = {
  GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBx,
  GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_xRGB, GST_VIDEO_FORMAT_xBGR,
  GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_GRAY8,
};

GST_START_TEST (test_changes_only_in_the_panel)
{
  GstVideoInfo info;
  GstHarness *h = overlay (formats[__i__], "", &info);
  GstBuffer *out = gst_harness_push_and_pull (h, uniform_frame (&info, TRUE,
          TRUE));
  guint in, outside;
  count_changes (&info, out, 0, 0, PANEL_W, PANEL_H, &in, &outside);
  GST_INFO ("%s: %u changed inside, %u outside",
      gst_video_format_to_string (formats[__i__]), in, outside);
  fail_unless (in > 1000, "%s: only %u pixels drawn",
      gst_video_format_to_string (formats[__i__]), in);
  fail_unless_equals_int (outside, 0);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_corner)
{
  GstVideoInfo info;
  GstHarness *h = overlay (GST_VIDEO_FORMAT_BGRx, "corner=bottom-right",
      &info);
  GstBuffer *out = gst_harness_push_and_pull (h, uniform_frame (&info, TRUE,
          TRUE));
  guint in, outside;
  count_changes (&info, out, W - PANEL_W, H - PANEL_H, PANEL_W, PANEL_H, &in,
      &outside);
  fail_unless (in > 1000);
  fail_unless_equals_int (outside, 0);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_untouched_without_result)
{
  GstVideoInfo info;
  GstHarness *h = overlay (GST_VIDEO_FORMAT_I420, "show-stale=false", &info);
  guint in, outside;
  /* no meta */
  GstBuffer *out = gst_harness_push_and_pull (h, uniform_frame (&info, FALSE,
          FALSE));
  count_changes (&info, out, 0, 0, 0, 0, &in, &outside);
  fail_unless_equals_int (in + outside, 0);
  gst_buffer_unref (out);
  /* a carried result, not shown with show-stale=false */
  out = gst_harness_push_and_pull (h, uniform_frame (&info, TRUE, FALSE));
  count_changes (&info, out, 0, 0, 0, 0, &in, &outside);
  fail_unless_equals_int (in + outside, 0);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* downstream with the meta's caps feature and the meta in its allocation
 * answer: the panel arrives as GstVideoOverlayCompositionMeta, at the
 * corner, and the pixels stay as they were */
GST_START_TEST (test_attaches_meta_when_downstream_takes_it)
{
  GstVideoInfo info;
  GstHarness *h = overlay (GST_VIDEO_FORMAT_NV12, "corner=top-right", &info);
  downstream_takes_meta (h, &info);
  GstBuffer *out = gst_harness_push_and_pull (h, uniform_frame (&info, TRUE,
          TRUE));
  guint in, outside;
  count_changes (&info, out, 0, 0, 0, 0, &in, &outside);
  fail_unless_equals_int (in + outside, 0);
  GstVideoOverlayCompositionMeta *m =
      gst_buffer_get_video_overlay_composition_meta (out);
  fail_unless (m != NULL, "no overlay composition meta");
  fail_unless_equals_int (gst_video_overlay_composition_n_rectangles
      (m->overlay), 1);
  gint x, y;
  guint w, hh;
  gst_video_overlay_rectangle_get_render_rectangle
      (gst_video_overlay_composition_get_rectangle (m->overlay, 0), &x, &y,
      &w, &hh);
  fail_unless (w > PX * 7 && w <= PANEL_W, "panel %u px wide", w);
  fail_unless_equals_int (x, W - (gint) w);
  fail_unless_equals_int (y, 0);
  fail_unless_equals_int (hh, PANEL_H);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* output kinds: a banner per class whose event is on, the classes of a
 * classes output and every value of a regression output, a line each */
GST_START_TEST (test_outputs_and_events)
{
  GstVideoInfo info;
  GstHarness *h = overlay (GST_VIDEO_FORMAT_NV12, "", &info);
  downstream_takes_meta (h, &info);
  GstBuffer *b = uniform_frame (&info, TRUE, TRUE);
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (b);
  gint ids[3] = { 1, 0, 2 };
  GQuark q[3] = { g_quark_from_string ("dog"), g_quark_from_string ("cat"),
    g_quark_from_string ("loudness")
  };
  gfloat v[3] = { 0.9f, 0.1f, 42.0f };
  GstMmFusionOutput outs[2] = {
    {g_quark_from_string ("cls"), GST_MM_FUSION_OUTPUT_CLASSES, 0, 2, ids, q,
        v, 0, NULL},
    {g_quark_from_string ("level"), GST_MM_FUSION_OUTPUT_REGRESSION,
        g_quark_from_string ("dB"), 1, ids + 2, q + 2, v + 2, 0, NULL},
  };
  GstMmFusionEvent events[2] = {
    {0, 1, q[0], GST_MM_FUSION_EVENT_ON, 0, 0, 0.9f, 0.95f},
    {0, 0, q[1], GST_MM_FUSION_EVENT_END, 0, 0, 0.1f, 0.7f},
  };
  gst_mm_fusion_meta_set_outputs (m, outs, 2, events, 2);
  GstBuffer *out = gst_harness_push_and_pull (h, b);
  GstVideoOverlayCompositionMeta *cm =
      gst_buffer_get_video_overlay_composition_meta (out);
  fail_unless (cm != NULL);
  gint x, y;
  guint w, hh;
  gst_video_overlay_rectangle_get_render_rectangle
      (gst_video_overlay_composition_get_rectangle (cm->overlay, 0), &x, &y,
      &w, &hh);
  /* one banner (the ended event is not shown), two classes, one value */
  fail_unless_equals_int (hh, 4 * (PX * 3 / 2) + 2 * (PX / 2));
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* the caps feature without the meta in the allocation answer, or a
 * downstream that takes any caps: blended, no meta */
GST_START_TEST (test_blends_unless_downstream_takes_meta)
{
  for (gint feature = 0; feature < 2; feature++) {
    GstVideoInfo info;
    GstHarness *h = overlay (GST_VIDEO_FORMAT_I420, "", &info);
    if (feature) {
      GstCaps *caps = gst_video_info_to_caps (&info);
      gst_caps_set_features (caps, 0, gst_caps_features_new
          (GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION, NULL));
      gst_harness_set_sink_caps (h, caps);
    }
    GstBuffer *out = gst_harness_push_and_pull (h, uniform_frame (&info, TRUE,
            TRUE));
    guint in, outside;
    count_changes (&info, out, 0, 0, PANEL_W, PANEL_H, &in, &outside);
    fail_unless (in > 1000, "feature %d: only %u pixels drawn", feature, in);
    fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* a property changed while playing redraws the panel for the same result
 * (the change is handed to the streaming thread under the object lock) */
GST_START_TEST (test_redraws_when_the_look_changes)
{
  GstVideoInfo info;
  GstHarness *h = overlay (GST_VIDEO_FORMAT_GRAY8, "", &info);
  GstBuffer *a = gst_harness_push_and_pull (h, uniform_frame (&info, TRUE,
          TRUE));
  GstElement *e = gst_harness_find_element (h, "mmoverlay");
  g_object_set (e, "background-color", 0xffffffff, NULL);
  gst_object_unref (e);
  GstBuffer *b = gst_harness_push_and_pull (h, uniform_frame (&info, TRUE,
          TRUE));
  GstMapInfo ma, mb;
  gst_buffer_map (a, &ma, GST_MAP_READ);
  gst_buffer_map (b, &mb, GST_MAP_READ);
  /* the panel's corner pixel: translucent black before, white (235,
   * video range) after */
  fail_unless (ma.data[0] < 128 && mb.data[0] > 200, "%u then %u",
      ma.data[0], mb.data[0]);
  gst_buffer_unmap (a, &ma);
  gst_buffer_unmap (b, &mb);
  gst_buffer_unref (a);
  gst_buffer_unref (b);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
overlay_suite (void)
{
  Suite *s = suite_create ("mmoverlay");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_changes_only_in_the_panel, 0,
      G_N_ELEMENTS (formats));
  tcase_add_test (tc, test_corner);
  tcase_add_test (tc, test_untouched_without_result);
  tcase_add_test (tc, test_attaches_meta_when_downstream_takes_it);
  tcase_add_test (tc, test_outputs_and_events);
  tcase_add_test (tc, test_blends_unless_downstream_takes_meta);
  tcase_add_test (tc, test_redraws_when_the_look_changes);
  return s;
}

GST_CHECK_MAIN (overlay);
