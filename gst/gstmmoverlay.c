/* mmoverlay: draws the latest mmfusion result on the video.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-mmoverlay
 * @title: mmoverlay
 *
 * Draws the result carried by each frame's #GstMmFusionMeta: the top-k
 * labels with score bars, and a banner while an event is on, in a corner
 * of the picture. A model with several outputs (output kinds) gets a
 * banner per class whose event is on, the top classes of each classes
 * and multi-label output (at most 5 each) and every value of each
 * regression output, as text with its units and a bar on a 0 to 1
 * scale (clamped). The panel is drawn with pango and cairo only when the
 * result changes. Frames without a result pass untouched.
 *
 * When downstream asks for `video/x-raw(meta:GstVideoOverlayComposition)`
 * in its caps and lists #GstVideoOverlayCompositionMeta in its allocation
 * answer (a compositing sink such as glimagesink), the panel travels as
 * that meta and the pixels are left alone; otherwise it is blended into
 * every frame (RGB, BGR, RGBx, BGRx, xRGB, xBGR, I420, NV12, GRAY8 at any
 * size: every format mmfusion takes).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=100 ! video/x-raw,framerate=25/1 ! f.video \
 *   audiotestsrc num-buffers=200 ! audioconvert ! audioresample ! mmaudiowindow ! f.audio \
 *   mmfusion name=f model=tests/golden/meta/good.onnx ! mmoverlay ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmfusionelements.h"

#include <gst/video/gstvideofilter.h>
#include <gst/video/video-overlay-composition.h>
#include <mmfusion/mmfusionmeta.h>
#include <pango/pangocairo.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (mm_overlay_debug);
#define GST_CAT_DEFAULT mm_overlay_debug

#define GST_TYPE_MM_OVERLAY (gst_mm_overlay_get_type ())
G_DECLARE_FINAL_TYPE (GstMmOverlay, gst_mm_overlay, GST, MM_OVERLAY,
    GstVideoFilter)

typedef enum {
  MM_CORNER_TOP_LEFT, MM_CORNER_TOP_RIGHT, MM_CORNER_BOTTOM_LEFT,
  MM_CORNER_BOTTOM_RIGHT,
} MmCorner;

#define DEFAULT_CORNER MM_CORNER_TOP_LEFT
#define DEFAULT_FONT_SIZE 0
#define DEFAULT_SHOW_STALE TRUE
#define DEFAULT_TEXT_COLOR 0xffffffff
#define DEFAULT_BAR_COLOR 0xff2e9bff
#define DEFAULT_EVENT_COLOR 0xffe0402c
#define DEFAULT_BACKGROUND_COLOR 0xa0000000

enum {
  PROP_0,
  PROP_CORNER,
  PROP_FONT_SIZE,
  PROP_SHOW_STALE,
  PROP_TEXT_COLOR,
  PROP_BAR_COLOR,
  PROP_EVENT_COLOR,
  PROP_BACKGROUND_COLOR,
};

struct _GstMmOverlay {
  GstVideoFilter parent;
  /* properties, under the object lock */
  MmCorner corner;
  guint font_size;
  gboolean show_stale;
  guint32 text_color, bar_color, event_color, background_color;
  gboolean look_changed;        /* a property changed: draw again */
  /* the panel drawn for the last result, reused while it stays the same;
   * streaming thread only */
  GstVideoOverlayComposition *comp;
  GstClockTime comp_rt;
  gboolean comp_valid;
  gint comp_width, comp_height;
  /* attach the panel as meta instead of blending: downstream negotiated
   * the meta's caps feature (then it is asked once, at the next frame)
   * and listed the meta in its allocation answer */
  gboolean attach, check_downstream;
};

G_DEFINE_TYPE (GstMmOverlay, gst_mm_overlay, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE (mmoverlay, "mmoverlay", GST_RANK_NONE,
    GST_TYPE_MM_OVERLAY);

/* every format mmfusion passes through, so that mmfusion ! mmoverlay
 * always links (GRAY8 gets the panel in grey) */
#define FORMATS "{ RGB, BGR, RGBx, BGRx, xRGB, xBGR, I420, NV12, GRAY8 }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));
#define OVERLAY_FEATURE GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS) ";"
        GST_VIDEO_CAPS_MAKE_WITH_FEATURES (OVERLAY_FEATURE, FORMATS)));

static GType
corner_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {MM_CORNER_TOP_LEFT, "Top left", "top-left"},
    {MM_CORNER_TOP_RIGHT, "Top right", "top-right"},
    {MM_CORNER_BOTTOM_LEFT, "Bottom left", "bottom-left"},
    {MM_CORNER_BOTTOM_RIGHT, "Bottom right", "bottom-right"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstMmOverlayCorner", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
set_color (cairo_t * cr, guint32 argb)
{
  cairo_set_source_rgba (cr, ((argb >> 16) & 0xff) / 255.0,
      ((argb >> 8) & 0xff) / 255.0, (argb & 0xff) / 255.0,
      (argb >> 24) / 255.0);
}

/* Draws the panel for one result into a new composition. */
static GstVideoOverlayComposition *
draw_panel (GstMmOverlay * self, const GstMmFusionMeta * m, gint width,
    gint height)
{
  GST_OBJECT_LOCK (self);
  guint font_size = self->font_size;
  MmCorner corner = self->corner;
  guint32 text = self->text_color, bar = self->bar_color;
  guint32 event = self->event_color, bg = self->background_color;
  GST_OBJECT_UNLOCK (self);
  /* a readable size by default: a 720-line picture gets 24 px text */
  gint px = font_size ? (gint) font_size : MAX (12, height / 30);
  gint pad = px / 2, line = px * 3 / 2, bar_w = px * 6;
  /* the lines: banners (bar < 0) first, then entries with a bar */
  GPtrArray *texts_arr = g_ptr_array_new ();
  GArray *bars = g_array_new (FALSE, FALSE, sizeof (gdouble));
  gdouble no_bar = -1.0;
  guint n_outputs = gst_mm_fusion_meta_get_n_outputs (m);
  if (n_outputs == 0) {
    /* a meta from before output kinds: the top-k and the event class */
    if (m->event_class >= 0) {
      const char *label = "";
      for (guint i = 0; i < m->n_classes; i++)
        if (m->ids[i] == m->event_class)
          label = g_quark_to_string (m->labels[i]);
      g_ptr_array_add (texts_arr, g_strdup_printf ("EVENT: %s", label));
      g_array_append_val (bars, no_bar);
    }
    for (guint i = 0; i < m->n_classes; i++) {
      gdouble v = CLAMP (m->scores[i], 0.0, 1.0);
      g_ptr_array_add (texts_arr, g_strdup_printf ("%s %.2f",
              g_quark_to_string (m->labels[i]), m->scores[i]));
      g_array_append_val (bars, v);
    }
  } else {
    for (guint i = 0; i < gst_mm_fusion_meta_get_n_events (m); i++) {
      const GstMmFusionEvent *e = gst_mm_fusion_meta_peek_event (m, i);
      if (e->state == GST_MM_FUSION_EVENT_END)
        continue;
      g_ptr_array_add (texts_arr, g_strdup_printf ("EVENT: %s",
              g_quark_to_string (e->label)));
      g_array_append_val (bars, no_bar);
    }
    for (guint o = 0; o < n_outputs; o++) {
      gboolean regression = gst_mm_fusion_meta_get_output_kind (m, o) ==
          GST_MM_FUSION_OUTPUT_REGRESSION;
      const gchar *units = gst_mm_fusion_meta_get_output_units (m, o);
      guint n = gst_mm_fusion_meta_get_output_length (m, o);
      if (!regression)
        n = MIN (n, 5);
      for (guint i = 0; i < n; i++) {
        gfloat v = gst_mm_fusion_meta_get_output_value (m, o, i);
        const gchar *label = gst_mm_fusion_meta_get_output_label (m, o, i);
        gdouble bar_v = CLAMP (v, 0.0, 1.0);
        g_ptr_array_add (texts_arr, regression ?
            g_strdup_printf ("%s %.3g%s%s", label, v, units ? " " : "",
                units ? units : "") : g_strdup_printf ("%s %.2f", label, v));
        g_array_append_val (bars, bar_v);
      }
    }
  }
  guint lines = texts_arr->len;
  g_ptr_array_add (texts_arr, NULL);
  gchar **texts = (gchar **) g_ptr_array_free (texts_arr, FALSE);
  if (lines == 0) {
    g_strfreev (texts);
    g_array_free (bars, TRUE);
    return NULL;
  }
  PangoFontDescription *font = pango_font_description_new ();
  pango_font_description_set_family (font, "Sans");
  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
  PangoContext *measure = pango_font_map_create_context
      (pango_cairo_font_map_get_default ());
  PangoLayout *layout = pango_layout_new (measure);
  pango_layout_set_font_description (layout, font);
  gint text_w = 0;
  for (guint i = 0; i < lines; i++) {
    gint w;
    pango_layout_set_text (layout, texts[i], -1);
    pango_layout_get_pixel_size (layout, &w, NULL);
    /* class lines start after the bar; banners at the left edge */
    text_w = MAX (text_w, w + (g_array_index (bars, gdouble, i) < 0 ? 0 :
            bar_w + pad));
  }
  g_object_unref (layout);
  g_object_unref (measure);
  gint pw = MIN (width, text_w + 2 * pad);
  gint ph = MIN (height, (gint) lines * line + 2 * pad);
  if (pw < 4 || ph < 4) {
    pango_font_description_free (font);
    g_strfreev (texts);
    g_array_free (bars, TRUE);
    return NULL;
  }

  cairo_surface_t *surf = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
      pw, ph);
  cairo_t *cr = cairo_create (surf);
  set_color (cr, bg);
  cairo_paint (cr);
  layout = pango_cairo_create_layout (cr);
  pango_layout_set_font_description (layout, font);
  gint y = pad;
  for (guint i = 0; i < lines; i++, y += line) {
    gdouble v = g_array_index (bars, gdouble, i);
    if (v < 0) {                /* a banner */
      set_color (cr, event);
      cairo_rectangle (cr, 0, y - pad / 2, pw, line);
      cairo_fill (cr);
      set_color (cr, text);
      cairo_move_to (cr, pad, y);
    } else {
      set_color (cr, bar);
      cairo_rectangle (cr, pad, y + px / 4, bar_w * v, px * 3 / 4);
      cairo_fill (cr);
      set_color (cr, text);
      cairo_move_to (cr, pad + bar_w + pad, y);
    }
    pango_layout_set_text (layout, texts[i], -1);
    pango_cairo_show_layout (cr, layout);
  }
  g_array_free (bars, TRUE);
  g_strfreev (texts);
  pango_font_description_free (font);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_flush (surf);

  /* cairo's ARGB32 is premultiplied BGRA in memory on little-endian */
  GstBuffer *pixels = gst_buffer_new_allocate (NULL, (gsize) pw * ph * 4,
      NULL);
  gst_buffer_fill (pixels, 0, cairo_image_surface_get_data (surf),
      (gsize) pw * ph * 4);
  cairo_surface_destroy (surf);
  gst_buffer_add_video_meta (pixels, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, pw, ph);
  gint x0 = corner == MM_CORNER_TOP_RIGHT || corner == MM_CORNER_BOTTOM_RIGHT
      ? width - pw : 0;
  gint y0 = corner == MM_CORNER_BOTTOM_LEFT
      || corner == MM_CORNER_BOTTOM_RIGHT ? height - ph : 0;
  GstVideoOverlayRectangle *rect =
      gst_video_overlay_rectangle_new_raw (pixels, x0, y0, pw, ph,
      GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
  gst_buffer_unref (pixels);
  GstVideoOverlayComposition *comp =
      gst_video_overlay_composition_new (rect);
  gst_video_overlay_rectangle_unref (rect);
  return comp;
}

static gboolean
has_overlay_feature (GstCaps * caps, guint i)
{
  GstCapsFeatures *f = gst_caps_get_features (caps, i);
  return f && !gst_caps_features_is_any (f)
      && gst_caps_features_contains (f, OVERLAY_FEATURE);
}

/* Source pads offer the sink caps plain and with the overlay meta feature;
 * sink pads take system memory, whatever the source side carried. */
static GstCaps *
gst_mm_overlay_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstCaps *out = gst_caps_new_empty ();
  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *s = gst_caps_get_structure (caps, i);
    GstCapsFeatures *f = gst_caps_get_features (caps, i);
    if (f && gst_caps_features_is_any (f))
      continue;
    out = gst_caps_merge_structure_full (out, gst_structure_copy (s),
        gst_caps_features_new_empty ());
    if (direction == GST_PAD_SINK)
      out = gst_caps_merge_structure_full (out, gst_structure_copy (s),
          gst_caps_features_new (OVERLAY_FEATURE, NULL));
  }
  if (filter) {
    GstCaps *t = gst_caps_intersect_full (filter, out,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (out);
    out = t;
  }
  return out;
}

/* The meta's caps only when downstream names the feature itself: a sink
 * that takes ANY caps (fakesink, appsink, filesink) gets plain frames. */
static GstCaps *
gst_mm_overlay_fixate_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * othercaps)
{
  if (direction == GST_PAD_SINK) {
    GstCaps *peer = gst_pad_peer_query_caps (trans->srcpad, NULL);
    gboolean want = FALSE;
    for (guint i = 0; peer && !gst_caps_is_any (peer)
        && i < gst_caps_get_size (peer); i++)
      want |= has_overlay_feature (peer, i);
    gst_clear_caps (&peer);
    GstCaps *chosen = gst_caps_new_empty ();
    for (guint i = 0; i < gst_caps_get_size (othercaps); i++)
      if (has_overlay_feature (othercaps, i) == want)
        chosen = gst_caps_merge_structure_full (chosen,
            gst_structure_copy (gst_caps_get_structure (othercaps, i)),
            gst_caps_features_copy (gst_caps_get_features (othercaps, i)));
    if (!gst_caps_is_empty (chosen)) {
      gst_caps_unref (othercaps);
      othercaps = chosen;
    } else {
      gst_caps_unref (chosen);
    }
  }
  return GST_BASE_TRANSFORM_CLASS (gst_mm_overlay_parent_class)->fixate_caps
      (trans, direction, caps, othercaps);
}

static gboolean
gst_mm_overlay_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  GstMmOverlay *self = GST_MM_OVERLAY (filter);
  self->attach = FALSE;
  self->check_downstream = has_overlay_feature (outcaps, 0);
  return TRUE;
}

/* Asked at the first frame after negotiation, when downstream has its caps
 * (an in-place transform makes no allocation query of its own). */
static void
check_downstream_takes_meta (GstMmOverlay * self)
{
  self->check_downstream = FALSE;
  GstCaps *caps = gst_pad_get_current_caps (GST_BASE_TRANSFORM_SRC_PAD (self));
  if (!caps)
    return;
  GstQuery *q = gst_query_new_allocation (caps, FALSE);
  if (gst_pad_peer_query (GST_BASE_TRANSFORM_SRC_PAD (self), q))
    self->attach = gst_query_find_allocation_meta (q,
        GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  gst_query_unref (q);
  gst_caps_unref (caps);
  GST_INFO_OBJECT (self, "downstream %s the overlay meta: %s",
      self->attach ? "takes" : "does not take",
      self->attach ? "attaching" : "blending");
}

static GstFlowReturn
gst_mm_overlay_transform_frame_ip (GstVideoFilter * filter,
    GstVideoFrame * frame)
{
  GstMmOverlay *self = GST_MM_OVERLAY (filter);
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (frame->buffer);
  GST_OBJECT_LOCK (self);
  gboolean show_stale = self->show_stale;
  if (self->look_changed)
    self->comp_valid = FALSE;
  self->look_changed = FALSE;
  GST_OBJECT_UNLOCK (self);
  if (!m || (!m->fresh && !show_stale))
    return GST_FLOW_OK;
  gint w = GST_VIDEO_FRAME_WIDTH (frame), h = GST_VIDEO_FRAME_HEIGHT (frame);
  /* a carried result is the same result: its running time says so */
  if (!self->comp_valid || self->comp_rt != m->running_time
      || self->comp_width != w || self->comp_height != h) {
    g_clear_pointer (&self->comp, gst_video_overlay_composition_unref);
    self->comp = draw_panel (self, m, w, h);
    self->comp_rt = m->running_time;
    self->comp_width = w;
    self->comp_height = h;
    self->comp_valid = TRUE;
  }
  if (self->check_downstream)
    check_downstream_takes_meta (self);
  if (self->comp && self->attach)
    gst_buffer_add_video_overlay_composition_meta (frame->buffer, self->comp);
  else if (self->comp
      && !gst_video_overlay_composition_blend (self->comp, frame))
    GST_WARNING_OBJECT (self, "could not blend into %s",
        gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (frame)));
  return GST_FLOW_OK;
}

static gboolean
gst_mm_overlay_stop (GstBaseTransform * trans)
{
  GstMmOverlay *self = GST_MM_OVERLAY (trans);
  g_clear_pointer (&self->comp, gst_video_overlay_composition_unref);
  self->comp_valid = FALSE;
  return TRUE;
}

static void
gst_mm_overlay_set_property (GObject * object, guint id, const GValue * value,
    GParamSpec * pspec)
{
  GstMmOverlay *self = GST_MM_OVERLAY (object);
  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_CORNER: self->corner = g_value_get_enum (value); break;
    case PROP_FONT_SIZE: self->font_size = g_value_get_uint (value); break;
    case PROP_SHOW_STALE: self->show_stale = g_value_get_boolean (value); break;
    case PROP_TEXT_COLOR: self->text_color = g_value_get_uint (value); break;
    case PROP_BAR_COLOR: self->bar_color = g_value_get_uint (value); break;
    case PROP_EVENT_COLOR: self->event_color = g_value_get_uint (value); break;
    case PROP_BACKGROUND_COLOR:
      self->background_color = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  /* the look changed: the streaming thread draws the panel again */
  self->look_changed = TRUE;
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_overlay_get_property (GObject * object, guint id, GValue * value,
    GParamSpec * pspec)
{
  GstMmOverlay *self = GST_MM_OVERLAY (object);
  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_CORNER: g_value_set_enum (value, self->corner); break;
    case PROP_FONT_SIZE: g_value_set_uint (value, self->font_size); break;
    case PROP_SHOW_STALE: g_value_set_boolean (value, self->show_stale); break;
    case PROP_TEXT_COLOR: g_value_set_uint (value, self->text_color); break;
    case PROP_BAR_COLOR: g_value_set_uint (value, self->bar_color); break;
    case PROP_EVENT_COLOR: g_value_set_uint (value, self->event_color); break;
    case PROP_BACKGROUND_COLOR:
      g_value_set_uint (value, self->background_color);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

#define ANY_STATE (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_PLAYING)

static void
gst_mm_overlay_class_init (GstMmOverlayClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_mm_overlay_set_property;
  gobject_class->get_property = gst_mm_overlay_get_property;

  g_object_class_install_property (gobject_class, PROP_CORNER,
      g_param_spec_enum ("corner", "Corner", "Where the panel is drawn",
          corner_get_type (), DEFAULT_CORNER, ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_FONT_SIZE,
      g_param_spec_uint ("font-size", "Font size",
          "Text height in pixels; 0 scales with the picture", 0, 512,
          DEFAULT_FONT_SIZE, ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_SHOW_STALE,
      g_param_spec_boolean ("show-stale", "Show stale results",
          "Also draw results carried from an earlier tick (not fresh)",
          DEFAULT_SHOW_STALE, ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_TEXT_COLOR,
      g_param_spec_uint ("text-color", "Text color", "Text colour as 0xAARRGGBB",
          0, G_MAXUINT32, DEFAULT_TEXT_COLOR, ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_BAR_COLOR,
      g_param_spec_uint ("bar-color", "Bar color", "Score bar colour as 0xAARRGGBB",
          0, G_MAXUINT32, DEFAULT_BAR_COLOR, ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_EVENT_COLOR,
      g_param_spec_uint ("event-color", "Event color",
          "Event banner colour as 0xAARRGGBB", 0, G_MAXUINT32, DEFAULT_EVENT_COLOR,
          ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_BACKGROUND_COLOR,
      g_param_spec_uint ("background-color", "Background color",
          "Panel background colour as 0xAARRGGBB (alpha for translucency)", 0,
          G_MAXUINT32, DEFAULT_BACKGROUND_COLOR, ANY_STATE));

  gst_element_class_set_static_metadata (element_class,
      "mmfusion result overlay", "Filter/Editor/Video",
      "Draws the latest mmfusion result (top-k with score bars, event "
      "banner) on the video", "gst-mmfusion authors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  GST_VIDEO_FILTER_CLASS (klass)->transform_frame_ip =
      GST_DEBUG_FUNCPTR (gst_mm_overlay_transform_frame_ip);
  GST_VIDEO_FILTER_CLASS (klass)->set_info =
      GST_DEBUG_FUNCPTR (gst_mm_overlay_set_info);
  GST_BASE_TRANSFORM_CLASS (klass)->stop =
      GST_DEBUG_FUNCPTR (gst_mm_overlay_stop);
  GST_BASE_TRANSFORM_CLASS (klass)->transform_caps =
      GST_DEBUG_FUNCPTR (gst_mm_overlay_transform_caps);
  GST_BASE_TRANSFORM_CLASS (klass)->fixate_caps =
      GST_DEBUG_FUNCPTR (gst_mm_overlay_fixate_caps);
  gst_type_mark_as_plugin_api (corner_get_type (), 0);
  GST_DEBUG_CATEGORY_INIT (mm_overlay_debug, "mmoverlay", 0,
      "mmfusion result overlay");
}

static void
gst_mm_overlay_init (GstMmOverlay * self)
{
  self->corner = DEFAULT_CORNER;
  self->font_size = DEFAULT_FONT_SIZE;
  self->show_stale = DEFAULT_SHOW_STALE;
  self->text_color = DEFAULT_TEXT_COLOR;
  self->bar_color = DEFAULT_BAR_COLOR;
  self->event_color = DEFAULT_EVENT_COLOR;
  self->background_color = DEFAULT_BACKGROUND_COLOR;
}
