/* GstMmFusionMeta: registration, copying and accessors.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/mmfusionmeta.h>

#include "mmblocks.h"

#include <string.h>

/* Every output's result and the events of one inference, in one block so
 * that a copy is one allocation; positions are offsets, not pointers, so
 * the block copies with memcpy. */
typedef struct {
  GQuark name, units;
  GstMmFusionOutputKind kind;
  guint n, n_all;
  gsize ids_at, labels_at, values_at, all_at;
} OutputRecord;

typedef struct {
  gsize size;
  guint n_outputs, n_events;
  OutputRecord out[GST_MM_FUSION_META_MAX_OUTPUTS];
  GstMmFusionEvent events[];
} OutputBlock;

#define AT(block, offset, type) ((type *) ((guint8 *) (block) + (offset)))

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
  m->source = 0;
  m->model_sha256 = 0;
  m->utc = GST_CLOCK_TIME_NONE;
  m->width = m->height = 0;
  m->outputs = NULL;
  return TRUE;
}

static void
meta_free (GstMeta * meta, GstBuffer * buffer)
{
  GstMmFusionMeta *m = (GstMmFusionMeta *) meta;
  g_clear_pointer (&m->all_scores, mm_block_put);
  g_clear_pointer (&m->outputs, mm_block_put);
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
  dst->source = src->source;
  dst->model_sha256 = src->model_sha256;
  dst->utc = src->utc;
  dst->width = src->width;
  dst->height = src->height;
  const OutputBlock *b = src->outputs;
  if (b) {
    dst->outputs = mm_block_get (dst->outputs, b->size);
    memcpy (dst->outputs, b, b->size);
  } else {
    g_clear_pointer (&dst->outputs, mm_block_put);
  }
  gst_mm_fusion_meta_set_all_scores (dst, src->all_scores ? src->n_all : 0,
      src->all_scores);
}

/**
 * gst_mm_fusion_meta_clear: (skip)
 * @meta: a bare result struct (not one attached to a buffer)
 *
 * Frees the all-scores array and the outputs block that
 * gst_mm_fusion_meta_copy_into() or the setters gave @meta, and zeroes
 * those fields; the outputs block goes back to the cache the metas share.
 */
void
gst_mm_fusion_meta_clear (GstMmFusionMeta * meta)
{
  g_return_if_fail (meta != NULL);
  meta_free ((GstMeta *) meta, NULL);
  meta->n_all = 0;
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
 * Copies every class's score (into a block from the cache the result metas
 * share, not a fresh allocation per result).
 */
void
gst_mm_fusion_meta_set_all_scores (GstMmFusionMeta * meta, gsize n,
    const gfloat * scores)
{
  meta->n_all = (guint) n;
  if (n > 0) {
    /* from the blocks the metas share (mmblocks.c), the one @meta holds
     * reused when big enough: no allocation per result */
    meta->all_scores = mm_block_get (meta->all_scores, n * sizeof (gfloat));
    memcpy (meta->all_scores, scores, n * sizeof (gfloat));
  } else {
    g_clear_pointer (&meta->all_scores, mm_block_put);
  }
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

/**
 * gst_mm_fusion_meta_set_outputs: (skip)
 * @meta: a result meta
 * @outputs: (array length=n_outputs): every output's result
 * @n_outputs: how many (at most %GST_MM_FUSION_META_MAX_OUTPUTS are kept)
 * @events: (array length=n_events) (nullable): the events of this result
 * @n_events: how many
 *
 * Copies every output's result and the events into the meta.
 */
void
gst_mm_fusion_meta_set_outputs (GstMmFusionMeta * meta,
    const GstMmFusionOutput * outputs, guint n_outputs,
    const GstMmFusionEvent * events, guint n_events)
{
  g_return_if_fail (meta != NULL);
  n_outputs = MIN (n_outputs, GST_MM_FUSION_META_MAX_OUTPUTS);
  gsize size = sizeof (OutputBlock) + n_events * sizeof (GstMmFusionEvent);
  for (guint o = 0; o < n_outputs; o++)
    size += outputs[o].n * (sizeof (gint) + sizeof (GQuark) + sizeof (gfloat))
        + (outputs[o].all ? outputs[o].n_all : 0) * sizeof (gfloat);
  /* the meta's last block when it is big enough, or one freed with an
   * earlier buffer (mmblocks.c): no allocation per result */
  OutputBlock *b = mm_block_get (meta->outputs, size);
  meta->outputs = b;
  memset (b, 0, sizeof (OutputBlock));
  b->size = size;
  b->n_outputs = n_outputs;
  b->n_events = n_events;
  if (n_events)
    memcpy (b->events, events, n_events * sizeof (GstMmFusionEvent));
  gsize at = sizeof (OutputBlock) + n_events * sizeof (GstMmFusionEvent);
  for (guint o = 0; o < n_outputs; o++) {
    const GstMmFusionOutput *src = &outputs[o];
    OutputRecord *r = &b->out[o];
    r->name = src->name;
    r->units = src->units;
    r->kind = src->kind;
    r->n = src->n;
    r->n_all = src->all ? src->n_all : 0;
    r->ids_at = at;
    memcpy (AT (b, at, gint), src->ids, r->n * sizeof (gint));
    at += r->n * sizeof (gint);
    r->labels_at = at;
    memcpy (AT (b, at, GQuark), src->labels, r->n * sizeof (GQuark));
    at += r->n * sizeof (GQuark);
    r->values_at = at;
    memcpy (AT (b, at, gfloat), src->values, r->n * sizeof (gfloat));
    at += r->n * sizeof (gfloat);
    r->all_at = at;
    if (r->n_all)
      memcpy (AT (b, at, gfloat), src->all, r->n_all * sizeof (gfloat));
    at += r->n_all * sizeof (gfloat);
  }
}

static const OutputRecord *
output_record (const GstMmFusionMeta * meta, guint output)
{
  const OutputBlock *b = meta->outputs;
  if (!b || output >= b->n_outputs)
    return NULL;
  return &b->out[output];
}

/**
 * gst_mm_fusion_meta_get_n_outputs:
 * @meta: a result meta
 *
 * Returns: how many model outputs the result holds (0 for a meta made
 * before output kinds, or by hand without gst_mm_fusion_meta_set_outputs()).
 */
guint
gst_mm_fusion_meta_get_n_outputs (const GstMmFusionMeta * meta)
{
  g_return_val_if_fail (meta != NULL, 0);
  const OutputBlock *b = meta->outputs;
  return b ? b->n_outputs : 0;
}

/**
 * gst_mm_fusion_meta_get_output_name:
 * @meta: a result meta
 * @output: below gst_mm_fusion_meta_get_n_outputs()
 *
 * Returns: (nullable): the model output's name.
 */
const gchar *
gst_mm_fusion_meta_get_output_name (const GstMmFusionMeta * meta,
    guint output)
{
  g_return_val_if_fail (meta != NULL, NULL);
  const OutputRecord *r = output_record (meta, output);
  g_return_val_if_fail (r != NULL, NULL);
  return g_quark_to_string (r->name);
}

/**
 * gst_mm_fusion_meta_find_output:
 * @meta: a result meta
 * @name: a model output's name
 *
 * Returns: the index of the output called @name, or -1.
 */
gint
gst_mm_fusion_meta_find_output (const GstMmFusionMeta * meta,
    const gchar * name)
{
  g_return_val_if_fail (meta != NULL && name != NULL, -1);
  GQuark q = g_quark_try_string (name);
  guint n = gst_mm_fusion_meta_get_n_outputs (meta);
  for (guint o = 0; q && o < n; o++)
    if (output_record (meta, o)->name == q)
      return (gint) o;
  return -1;
}

/**
 * gst_mm_fusion_meta_get_output_kind:
 * @meta: a result meta
 * @output: below gst_mm_fusion_meta_get_n_outputs()
 *
 * Returns: what the output holds.
 */
GstMmFusionOutputKind
gst_mm_fusion_meta_get_output_kind (const GstMmFusionMeta * meta,
    guint output)
{
  g_return_val_if_fail (meta != NULL, GST_MM_FUSION_OUTPUT_CLASSES);
  const OutputRecord *r = output_record (meta, output);
  g_return_val_if_fail (r != NULL, GST_MM_FUSION_OUTPUT_CLASSES);
  return r->kind;
}

/**
 * gst_mm_fusion_meta_get_output_units:
 * @meta: a result meta
 * @output: below gst_mm_fusion_meta_get_n_outputs()
 *
 * Returns: (nullable): the units of a regression output's values, when
 * the model gives them.
 */
const gchar *
gst_mm_fusion_meta_get_output_units (const GstMmFusionMeta * meta,
    guint output)
{
  g_return_val_if_fail (meta != NULL, NULL);
  const OutputRecord *r = output_record (meta, output);
  g_return_val_if_fail (r != NULL, NULL);
  return r->units ? g_quark_to_string (r->units) : NULL;
}

/**
 * gst_mm_fusion_meta_get_output_length:
 * @meta: a result meta
 * @output: below gst_mm_fusion_meta_get_n_outputs()
 *
 * Returns: how many entries the output has in this result: the top-k of
 * a classes output (best first), the classes of a multi-label output at
 * or above the threshold (best first), every value of a regression
 * output (in the model's order).
 */
guint
gst_mm_fusion_meta_get_output_length (const GstMmFusionMeta * meta,
    guint output)
{
  g_return_val_if_fail (meta != NULL, 0);
  const OutputRecord *r = output_record (meta, output);
  g_return_val_if_fail (r != NULL, 0);
  return r->n;
}

/**
 * gst_mm_fusion_meta_get_output_class_id:
 * @meta: a result meta
 * @output: below gst_mm_fusion_meta_get_n_outputs()
 * @i: below gst_mm_fusion_meta_get_output_length()
 *
 * Returns: the model's index of entry @i (the class, or the value).
 */
gint
gst_mm_fusion_meta_get_output_class_id (const GstMmFusionMeta * meta,
    guint output, guint i)
{
  g_return_val_if_fail (meta != NULL, -1);
  const OutputRecord *r = output_record (meta, output);
  g_return_val_if_fail (r != NULL && i < r->n, -1);
  return AT (meta->outputs, r->ids_at, gint)[i];
}

/**
 * gst_mm_fusion_meta_get_output_label:
 * @meta: a result meta
 * @output: below gst_mm_fusion_meta_get_n_outputs()
 * @i: below gst_mm_fusion_meta_get_output_length()
 *
 * Returns: (nullable): the label of entry @i (a regression value's name).
 */
const gchar *
gst_mm_fusion_meta_get_output_label (const GstMmFusionMeta * meta,
    guint output, guint i)
{
  g_return_val_if_fail (meta != NULL, NULL);
  const OutputRecord *r = output_record (meta, output);
  g_return_val_if_fail (r != NULL && i < r->n, NULL);
  return g_quark_to_string (AT (meta->outputs, r->labels_at, GQuark)[i]);
}

/**
 * gst_mm_fusion_meta_get_output_value:
 * @meta: a result meta
 * @output: below gst_mm_fusion_meta_get_n_outputs()
 * @i: below gst_mm_fusion_meta_get_output_length()
 *
 * Returns: the score (classes, multi-label) or value (regression) of
 * entry @i, after the output's activation and the smoothing.
 */
gfloat
gst_mm_fusion_meta_get_output_value (const GstMmFusionMeta * meta,
    guint output, guint i)
{
  g_return_val_if_fail (meta != NULL, 0.0f);
  const OutputRecord *r = output_record (meta, output);
  g_return_val_if_fail (r != NULL && i < r->n, 0.0f);
  return AT (meta->outputs, r->values_at, gfloat)[i];
}

/**
 * gst_mm_fusion_meta_get_output_all_values:
 * @meta: a result meta
 * @output: below gst_mm_fusion_meta_get_n_outputs()
 * @n: (out): how many values
 *
 * Returns: (transfer none) (array length=n) (nullable): every value of a
 * classes or multi-label output in the model's order, when the element
 * was asked for them (`all-scores=true`); %NULL and @n = 0 otherwise.
 */
const gfloat *
gst_mm_fusion_meta_get_output_all_values (const GstMmFusionMeta * meta,
    guint output, gsize * n)
{
  g_return_val_if_fail (meta != NULL && n != NULL, NULL);
  *n = 0;
  const OutputRecord *r = output_record (meta, output);
  g_return_val_if_fail (r != NULL, NULL);
  if (!r->n_all)
    return NULL;
  *n = r->n_all;
  return AT (meta->outputs, r->all_at, gfloat);
}

/**
 * gst_mm_fusion_meta_get_n_events:
 * @meta: a result meta
 *
 * Returns: how many events the result lists: every class whose event is
 * on, and those that ended at this result.
 */
guint
gst_mm_fusion_meta_get_n_events (const GstMmFusionMeta * meta)
{
  g_return_val_if_fail (meta != NULL, 0);
  const OutputBlock *b = meta->outputs;
  return b ? b->n_events : 0;
}

/**
 * gst_mm_fusion_meta_peek_event: (skip)
 * @meta: a result meta
 * @i: below gst_mm_fusion_meta_get_n_events()
 *
 * Returns: (nullable): event @i, valid while @meta is.
 */
const GstMmFusionEvent *
gst_mm_fusion_meta_peek_event (const GstMmFusionMeta * meta, guint i)
{
  g_return_val_if_fail (meta != NULL, NULL);
  const OutputBlock *b = meta->outputs;
  if (!b || i >= b->n_events)
    return NULL;
  return &b->events[i];
}

/**
 * gst_mm_fusion_meta_get_event:
 * @meta: a result meta
 * @i: below gst_mm_fusion_meta_get_n_events()
 * @output: (out) (optional): the output's index
 * @class_id: (out) (optional): the class's index in that output
 * @state: (out) (optional): start, on or end
 * @start: (out) (optional): running time of the result it started at
 * @duration: (out) (optional): from @start to this result
 * @score: (out) (optional): the class's score in this result
 * @peak: (out) (optional): the highest score since the start
 *
 * Returns: %FALSE when @i is out of range (nothing is written then).
 */
gboolean
gst_mm_fusion_meta_get_event (const GstMmFusionMeta * meta, guint i,
    guint * output, gint * class_id, GstMmFusionEventState * state,
    GstClockTime * start, GstClockTime * duration, gfloat * score,
    gfloat * peak)
{
  const GstMmFusionEvent *e = gst_mm_fusion_meta_peek_event (meta, i);
  if (!e)
    return FALSE;
  if (output)
    *output = e->output;
  if (class_id)
    *class_id = e->class_id;
  if (state)
    *state = e->state;
  if (start)
    *start = e->start;
  if (duration)
    *duration = e->duration;
  if (score)
    *score = e->score;
  if (peak)
    *peak = e->peak;
  return TRUE;
}

/**
 * gst_mm_fusion_meta_get_event_label:
 * @meta: a result meta
 * @i: below gst_mm_fusion_meta_get_n_events()
 *
 * Returns: (nullable): the label of event @i's class.
 */
const gchar *
gst_mm_fusion_meta_get_event_label (const GstMmFusionMeta * meta, guint i)
{
  const GstMmFusionEvent *e = gst_mm_fusion_meta_peek_event (meta, i);
  return e ? g_quark_to_string (e->label) : NULL;
}

/**
 * gst_mm_fusion_meta_get_source:
 * @meta: a result meta
 *
 * Returns: (nullable): the stream's name (mmfusion's `source`).
 */
const gchar *
gst_mm_fusion_meta_get_source (const GstMmFusionMeta * meta)
{
  g_return_val_if_fail (meta != NULL, NULL);
  return g_quark_to_string (meta->source);
}

/**
 * gst_mm_fusion_meta_get_model_sha256:
 * @meta: a result meta
 *
 * Returns: (nullable): the SHA-256 of the model file, 64 hex digits.
 */
const gchar *
gst_mm_fusion_meta_get_model_sha256 (const GstMmFusionMeta * meta)
{
  g_return_val_if_fail (meta != NULL, NULL);
  return g_quark_to_string (meta->model_sha256);
}
