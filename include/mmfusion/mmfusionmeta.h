/* GstMmFusionMeta: the result of one fused inference, attached to the
 * buffer it belongs to.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Link with pkg-config mmfusion-1.0. Reading a result in a pad probe:
 *
 *   GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (buffer);
 *   if (m && m->fresh)
 *     for (gsize i = 0; i < gst_mm_fusion_meta_get_length (m); i++)
 *       g_print ("%s %.3f\n",
 *           g_quark_to_string (gst_mm_fusion_meta_get_quark (m, i)),
 *           gst_mm_fusion_meta_get_level (m, i));
 *
 * The class accessors have the shape of GstAnalyticsClsMtd (GStreamer
 * 1.24): length, level (the score) and quark (the label), best first, so a
 * port to GstAnalytics is direct. The meta stores no coordinates, so it
 * carries no size or video tags and survives scaling untouched.
 */
#ifndef MMFUSION_META_H
#define MMFUSION_META_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_MM_FUSION_META_MAX_INPUTS 8
#define GST_MM_FUSION_META_MAX_CLASSES 32

/**
 * GstMmFusionInputSpan:
 * @name: the model input's name (gst_mm_fusion_input_span_get_name())
 * @start: running time of the data's start; %GST_CLOCK_TIME_NONE when missing
 * @end: running time of its end; %GST_CLOCK_TIME_NONE when missing
 * @missing: the input was absent: zeroed, reused or skipped
 *
 * The running-time span of one model input actually used.
 */
typedef struct {
  GQuark name;                  /* the model input's name */
  GstClockTime start, end;      /* running time; NONE when missing */
  gboolean missing;             /* absent: zeroed, reused or skipped */
} GstMmFusionInputSpan;

/**
 * GstMmFusionMeta:
 * @meta: the parent
 * @model: the model's name (gst_mm_fusion_meta_get_model_name())
 * @running_time: running time of the frame or window the result is for
 * @pts: its PTS
 * @duration: its duration
 * @fresh: %TRUE on a tick; %FALSE when carried from an earlier tick
 * @n_inputs: how many input spans
 * @inputs: the spans (gst_mm_fusion_meta_get_nth_input())
 * @n_classes: length of the top-k
 * @ids: class indices (gst_mm_fusion_meta_get_class_id())
 * @labels: labels (gst_mm_fusion_meta_get_quark())
 * @scores: scores (gst_mm_fusion_meta_get_level())
 * @n_all: how many classes @all_scores holds
 * @all_scores: (array length=n_all) (nullable): every class's score, with
 *   all-scores=true (gst_mm_fusion_meta_get_all_scores())
 * @event_class: the class whose event is on, or -1
 *
 * The result of one inference. Fields that are arrays are read with the
 * accessors, which bindings can call.
 */
typedef struct {
  GstMeta meta;

  GQuark model;                 /* model name (file base name) */
  GstClockTime running_time;    /* of the frame or window the result is for */
  GstClockTime pts;
  GstClockTime duration;
  gboolean fresh;               /* FALSE: carried from an earlier tick */

  guint n_inputs;
  GstMmFusionInputSpan inputs[GST_MM_FUSION_META_MAX_INPUTS];

  /* top-k, best first */
  guint n_classes;
  gint ids[GST_MM_FUSION_META_MAX_CLASSES];
  GQuark labels[GST_MM_FUSION_META_MAX_CLASSES];
  gfloat scores[GST_MM_FUSION_META_MAX_CLASSES];

  /* every class's score, when the element was asked for them */
  guint n_all;
  gfloat *all_scores;

  /* event state: the class whose event is on, or -1 */
  gint event_class;
} GstMmFusionMeta;

GType gst_mm_fusion_meta_api_get_type (void);
#define GST_MM_FUSION_META_API_TYPE (gst_mm_fusion_meta_api_get_type ())

const GstMetaInfo *gst_mm_fusion_meta_get_info (void);
#define GST_MM_FUSION_META_INFO (gst_mm_fusion_meta_get_info ())

/**
 * gst_buffer_add_mm_fusion_meta:
 * @buffer: (transfer none): a writable buffer
 *
 * Returns: (transfer none): a new meta with no classes and no inputs.
 */
GstMmFusionMeta *gst_buffer_add_mm_fusion_meta (GstBuffer * buffer);

/**
 * gst_buffer_get_mm_fusion_meta:
 * @buffer: (transfer none): a buffer
 *
 * In C a macro; bindings call the function of the same name (declared
 * below, with its name in parentheses so the macro does not expand it).
 *
 * Returns: (transfer none) (nullable): the buffer's result meta, valid
 * while the buffer is.
 */
#define gst_buffer_get_mm_fusion_meta(b) \
  ((GstMmFusionMeta *) gst_buffer_get_meta ((b), GST_MM_FUSION_META_API_TYPE))

/* GstAnalyticsClsMtd-shaped accessors; i < length */
gsize gst_mm_fusion_meta_get_length (const GstMmFusionMeta * meta);
gfloat gst_mm_fusion_meta_get_level (const GstMmFusionMeta * meta, gsize i);
GQuark gst_mm_fusion_meta_get_quark (const GstMmFusionMeta * meta, gsize i);
gint gst_mm_fusion_meta_get_class_id (const GstMmFusionMeta * meta, gsize i);

/* makes dst hold the same result as src: every field but the GstMeta
 * header, the all-scores array duplicated (dst's own is freed first).
 * dst may be a meta on a buffer or a bare struct the caller keeps (then
 * free its all_scores with g_free when done). */
void gst_mm_fusion_meta_copy_into (GstMmFusionMeta * dst,
    const GstMmFusionMeta * src);

/* copies the top-k (at most GST_MM_FUSION_META_MAX_CLASSES) */
void gst_mm_fusion_meta_set_classes (GstMmFusionMeta * meta, gsize n,
    const gint * ids, const GQuark * labels, const gfloat * scores);
/* copies all scores */
void gst_mm_fusion_meta_set_all_scores (GstMmFusionMeta * meta, gsize n,
    const gfloat * scores);
/* appends an input span; FALSE when GST_MM_FUSION_META_MAX_INPUTS are set */
gboolean gst_mm_fusion_meta_add_input (GstMmFusionMeta * meta,
    const gchar * name, GstClockTime start, GstClockTime end,
    gboolean missing);
/* the span of the input called name, or NULL */
const GstMmFusionInputSpan *gst_mm_fusion_meta_get_input (const
    GstMmFusionMeta * meta, const gchar * name);

/* Accessors for bindings (GObject introspection: the GstMmFusion-1.0
 * typelib, e.g. PyGObject), where a macro, a GQuark or a fixed array in a
 * field cannot be read. C code may use them too. */
GstMmFusionMeta *(gst_buffer_get_mm_fusion_meta) (GstBuffer * buffer);
const gchar *gst_mm_fusion_meta_get_model_name (const GstMmFusionMeta * meta);
const gchar *gst_mm_fusion_meta_get_label (const GstMmFusionMeta * meta,
    gsize i);
guint gst_mm_fusion_meta_get_n_inputs (const GstMmFusionMeta * meta);
const GstMmFusionInputSpan *gst_mm_fusion_meta_get_nth_input (const
    GstMmFusionMeta * meta, guint i);
const gfloat *gst_mm_fusion_meta_get_all_scores (const GstMmFusionMeta *
    meta, gsize * n);
const gchar *gst_mm_fusion_input_span_get_name (const GstMmFusionInputSpan *
    span);

G_END_DECLS
#endif /* MMFUSION_META_H */
