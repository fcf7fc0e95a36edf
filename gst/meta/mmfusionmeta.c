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

/**
 * gst_mm_fusion_meta_copy_into:
 * @dst: the meta written
 * @src: the meta copied
 *
 * Copies every field of @src into @dst (all-scores duplicated), the
 * GstMeta header of @dst left alone.
 */
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

/**
 * gst_mm_fusion_meta_get_length:
 * @meta: a result meta
 *
 * Returns: how many classes the top-k holds.
 */
gsize
gst_mm_fusion_meta_get_length (const GstMmFusionMeta * meta)
{
  return meta->n_classes;
}

/**
 * gst_mm_fusion_meta_get_level:
 * @meta: a result meta
 * @i: a rank, below the length; 0 is the best
 *
 * Returns: the score of the class at rank @i.
 */
gfloat
gst_mm_fusion_meta_get_level (const GstMmFusionMeta * meta, gsize i)
{
  g_return_val_if_fail (i < meta->n_classes, 0.0f);
  return meta->scores[i];
}

/**
 * gst_mm_fusion_meta_get_quark:
 * @meta: a result meta
 * @i: a rank, below the length; 0 is the best
 *
 * Returns: the label of the class at rank @i, as a quark.
 */
GQuark
gst_mm_fusion_meta_get_quark (const GstMmFusionMeta * meta, gsize i)
{
  g_return_val_if_fail (i < meta->n_classes, 0);
  return meta->labels[i];
}

/**
 * gst_mm_fusion_meta_get_class_id:
 * @meta: a result meta
 * @i: a rank, below the length; 0 is the best
 *
 * Returns: the model's index of the class at rank @i.
 */
gint
gst_mm_fusion_meta_get_class_id (const GstMmFusionMeta * meta, gsize i)
{
  g_return_val_if_fail (i < meta->n_classes, -1);
  return meta->ids[i];
}

/**
 * gst_mm_fusion_meta_set_classes:
 * @meta: a result meta
 * @n: how many classes (at most %GST_MM_FUSION_META_MAX_CLASSES are kept)
 * @ids: (array length=n): class indices, best first
 * @labels: (array length=n): their labels
 * @scores: (array length=n): their scores
 *
 * Copies the top-k.
 */
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

/**
 * gst_mm_fusion_meta_set_all_scores:
 * @meta: a result meta
 * @n: how many classes
 * @scores: (array length=n) (nullable): every class's score
 *
 * Copies every class's score.
 */
void
gst_mm_fusion_meta_set_all_scores (GstMmFusionMeta * meta, gsize n,
    const gfloat * scores)
{
  g_clear_pointer (&meta->all_scores, g_free);
  meta->n_all = (guint) n;
  if (n > 0)
    meta->all_scores = g_memdup2 (scores, n * sizeof (gfloat));
}

/**
 * gst_mm_fusion_meta_add_input:
 * @meta: a result meta
 * @name: the model input's name
 * @start: running time of the data's start; %GST_CLOCK_TIME_NONE when missing
 * @end: running time of its end
 * @missing: the input was absent (zeroed, reused or skipped)
 *
 * Returns: %FALSE when %GST_MM_FUSION_META_MAX_INPUTS spans are set.
 */
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

/**
 * gst_mm_fusion_meta_get_input:
 * @meta: a result meta
 * @name: a model input's name
 *
 * Returns: (transfer none) (nullable): the span of the input called @name,
 * valid while @meta is.
 */
const GstMmFusionInputSpan *
gst_mm_fusion_meta_get_input (const GstMmFusionMeta * meta, const gchar * name)
{
  GQuark q = g_quark_try_string (name);
  for (guint i = 0; q && i < meta->n_inputs; i++)
    if (meta->inputs[i].name == q)
      return &meta->inputs[i];
  return NULL;
}

/* Accessors for bindings: see the header */

/* the macro of the same name is for C; parentheses keep it from expanding */
GstMmFusionMeta *(gst_buffer_get_mm_fusion_meta) (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  return (GstMmFusionMeta *) gst_buffer_get_meta (buffer,
      GST_MM_FUSION_META_API_TYPE);
}

/**
 * gst_mm_fusion_meta_get_model_name:
 * @meta: a result meta
 *
 * Returns: (nullable): the model's name (its file's base name).
 */
const gchar *
gst_mm_fusion_meta_get_model_name (const GstMmFusionMeta * meta)
{
  g_return_val_if_fail (meta != NULL, NULL);
  return g_quark_to_string (meta->model);
}

/**
 * gst_mm_fusion_meta_get_label:
 * @meta: a result meta
 * @i: a rank, below the length; 0 is the best
 *
 * Returns: (nullable): the label of the class at rank @i.
 */
const gchar *
gst_mm_fusion_meta_get_label (const GstMmFusionMeta * meta, gsize i)
{
  g_return_val_if_fail (meta != NULL, NULL);
  g_return_val_if_fail (i < meta->n_classes, NULL);
  return g_quark_to_string (meta->labels[i]);
}

/**
 * gst_mm_fusion_meta_get_n_inputs:
 * @meta: a result meta
 *
 * Returns: how many input spans the meta holds.
 */
guint
gst_mm_fusion_meta_get_n_inputs (const GstMmFusionMeta * meta)
{
  g_return_val_if_fail (meta != NULL, 0);
  return meta->n_inputs;
}

/**
 * gst_mm_fusion_meta_get_nth_input:
 * @meta: a result meta
 * @i: below gst_mm_fusion_meta_get_n_inputs()
 *
 * Returns: (transfer none) (nullable): the @i-th input span, in the
 * model's input order, valid while @meta is.
 */
const GstMmFusionInputSpan *
gst_mm_fusion_meta_get_nth_input (const GstMmFusionMeta * meta, guint i)
{
  g_return_val_if_fail (meta != NULL, NULL);
  g_return_val_if_fail (i < meta->n_inputs, NULL);
  return &meta->inputs[i];
}

/**
 * gst_mm_fusion_meta_get_all_scores:
 * @meta: a result meta
 * @n: (out): how many scores
 *
 * Returns: (transfer none) (array length=n) (nullable): every class's score
 * in the model's class order, when the element was asked for them
 * (`all-scores=true`); %NULL and @n = 0 otherwise.
 */
const gfloat *
gst_mm_fusion_meta_get_all_scores (const GstMmFusionMeta * meta, gsize * n)
{
  g_return_val_if_fail (meta != NULL && n != NULL, NULL);
  *n = meta->all_scores ? meta->n_all : 0;
  return meta->all_scores;
}

/**
 * gst_mm_fusion_input_span_get_name:
 * @span: an input span
 *
 * Returns: the model input's name.
 */
const gchar *
gst_mm_fusion_input_span_get_name (const GstMmFusionInputSpan * span)
{
  g_return_val_if_fail (span != NULL, NULL);
  return g_quark_to_string (span->name);
}
