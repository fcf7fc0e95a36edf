/* GstMmFusionMeta: registration, copying and accessors.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/mmfusionmeta.h>

#include <string.h>

GType
gst_mm_fusion_meta_api_get_type (void)
{
  static GType type = 0;
  /* no size/video tags: the meta holds no coordinates to rescale */
  static const gchar *tags[] = { NULL };
  if (g_once_init_enter (&type)) {
    GType t = gst_meta_api_type_register ("GstMmFusionMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
meta_init (GstMeta * meta, gpointer params, GstBuffer * buffer)
{
  GstMmFusionMeta *m = (GstMmFusionMeta *) meta;
  m->model = 0;
  m->running_time = m->pts = m->duration = GST_CLOCK_TIME_NONE;
  m->fresh = FALSE;
  m->n_inputs = 0;
  m->n_classes = 0;
  m->n_all = 0;
  m->all_scores = NULL;
  m->event_class = -1;
  return TRUE;
}

static void
meta_free (GstMeta * meta, GstBuffer * buffer)
{
  GstMmFusionMeta *m = (GstMmFusionMeta *) meta;
  g_clear_pointer (&m->all_scores, g_free);
}

static gboolean
meta_transform (GstBuffer * dest, GstMeta * meta, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  GstMmFusionMeta *src = (GstMmFusionMeta *) meta;
  /* copies and any transformation: the result describes the content, which
   * neither scaling nor copying changes */
  GstMmFusionMeta *dst = gst_buffer_add_mm_fusion_meta (dest);
  if (!dst)
    return FALSE;
  gst_mm_fusion_meta_copy_into (dst, src);
  return TRUE;
}

const GstMetaInfo *
gst_mm_fusion_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;
  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *i = gst_meta_register (GST_MM_FUSION_META_API_TYPE,
        "GstMmFusionMeta", sizeof (GstMmFusionMeta), meta_init, meta_free,
        meta_transform);
    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) i);
  }
  return info;
}

GstMmFusionMeta *
gst_buffer_add_mm_fusion_meta (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  return (GstMmFusionMeta *) gst_buffer_add_meta (buffer,
      GST_MM_FUSION_META_INFO, NULL);
}

void
gst_mm_fusion_meta_copy_into (GstMmFusionMeta * dst,
    const GstMmFusionMeta * src)
{
  g_return_if_fail (dst != NULL && src != NULL);
  if (dst == src)
    return;
  dst->model = src->model;
  dst->running_time = src->running_time;
  dst->pts = src->pts;
  dst->duration = src->duration;
  dst->fresh = src->fresh;
  dst->n_inputs = MIN (src->n_inputs, GST_MM_FUSION_META_MAX_INPUTS);
  memcpy (dst->inputs, src->inputs, dst->n_inputs * sizeof (src->inputs[0]));
  dst->n_classes = MIN (src->n_classes, GST_MM_FUSION_META_MAX_CLASSES);
  memcpy (dst->ids, src->ids, dst->n_classes * sizeof (gint));
  memcpy (dst->labels, src->labels, dst->n_classes * sizeof (GQuark));
  memcpy (dst->scores, src->scores, dst->n_classes * sizeof (gfloat));
  dst->event_class = src->event_class;
  gst_mm_fusion_meta_set_all_scores (dst, src->all_scores ? src->n_all : 0,
      src->all_scores);
}

gsize
gst_mm_fusion_meta_get_length (const GstMmFusionMeta * meta)
{
  return meta->n_classes;
}

gfloat
gst_mm_fusion_meta_get_level (const GstMmFusionMeta * meta, gsize i)
{
  g_return_val_if_fail (i < meta->n_classes, 0.0f);
  return meta->scores[i];
}

GQuark
gst_mm_fusion_meta_get_quark (const GstMmFusionMeta * meta, gsize i)
{
  g_return_val_if_fail (i < meta->n_classes, 0);
  return meta->labels[i];
}

gint
gst_mm_fusion_meta_get_class_id (const GstMmFusionMeta * meta, gsize i)
{
  g_return_val_if_fail (i < meta->n_classes, -1);
  return meta->ids[i];
}

void
gst_mm_fusion_meta_set_classes (GstMmFusionMeta * meta, gsize n,
    const gint * ids, const GQuark * labels, const gfloat * scores)
{
  n = MIN (n, GST_MM_FUSION_META_MAX_CLASSES);
  meta->n_classes = (guint) n;
  memcpy (meta->ids, ids, n * sizeof (gint));
  memcpy (meta->labels, labels, n * sizeof (GQuark));
  memcpy (meta->scores, scores, n * sizeof (gfloat));
}

void
gst_mm_fusion_meta_set_all_scores (GstMmFusionMeta * meta, gsize n,
    const gfloat * scores)
{
  g_clear_pointer (&meta->all_scores, g_free);
  meta->n_all = (guint) n;
  if (n > 0)
    meta->all_scores = g_memdup2 (scores, n * sizeof (gfloat));
}

gboolean
gst_mm_fusion_meta_add_input (GstMmFusionMeta * meta, const gchar * name,
    GstClockTime start, GstClockTime end, gboolean missing)
{
  if (meta->n_inputs >= GST_MM_FUSION_META_MAX_INPUTS)
    return FALSE;
  GstMmFusionInputSpan *s = &meta->inputs[meta->n_inputs++];
  s->name = g_quark_from_string (name);
  s->start = start;
  s->end = end;
  s->missing = missing;
  return TRUE;
}

const GstMmFusionInputSpan *
gst_mm_fusion_meta_get_input (const GstMmFusionMeta * meta, const gchar * name)
{
  GQuark q = g_quark_try_string (name);
  for (guint i = 0; q && i < meta->n_inputs; i++)
    if (meta->inputs[i].name == q)
      return &meta->inputs[i];
  return NULL;
}
