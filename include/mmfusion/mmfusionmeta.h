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
#define GST_MM_FUSION_META_MAX_OUTPUTS 8

/**
 * GstMmFusionOutputKind:
 * @GST_MM_FUSION_OUTPUT_CLASSES: mutually exclusive classes: the top-k
 * @GST_MM_FUSION_OUTPUT_MULTI_LABEL: independent classes: every class at
 *   or above the threshold, each with its own events
 * @GST_MM_FUSION_OUTPUT_REGRESSION: named values, every one reported
 *
 * What a model output holds (the model's `mmfusion.output.NAME.kind`).
 */
typedef enum {
  GST_MM_FUSION_OUTPUT_CLASSES,
  GST_MM_FUSION_OUTPUT_MULTI_LABEL,
  GST_MM_FUSION_OUTPUT_REGRESSION,
} GstMmFusionOutputKind;

/**
 * GstMmFusionEventState:
 * @GST_MM_FUSION_EVENT_START: the class crossed event-on at this result
 * @GST_MM_FUSION_EVENT_ON: the event goes on
 * @GST_MM_FUSION_EVENT_END: the class fell below event-off at this result
 *
 * Where an event is at the result that lists it.
 */
typedef enum {
  GST_MM_FUSION_EVENT_START,
  GST_MM_FUSION_EVENT_ON,
  GST_MM_FUSION_EVENT_END,
} GstMmFusionEventState;

/**
 * GstMmFusionOutput: (skip)
 * @name: the model output's name
 * @kind: its kind
 * @units: regression: the values' units, or 0
 * @n: how many entries: the top-k (classes), the classes at or above the
 *   threshold (multi-label), every value (regression)
 * @ids: (array length=n): class (or value) indices
 * @labels: (array length=n): their labels (or the values' names)
 * @values: (array length=n): their scores or values
 * @n_all: how many values @all holds, 0 for none
 * @all: (array length=n_all) (nullable): every value of the output, in the
 *   model's order (classes and multi-label with all-scores=true)
 *
 * One output's result, as given to gst_mm_fusion_meta_set_outputs(); the
 * meta copies it. Read it back with the gst_mm_fusion_meta_get_output_*()
 * accessors.
 */
typedef struct {
  GQuark name;
  GstMmFusionOutputKind kind;
  GQuark units;
  guint n;
  const gint *ids;
  const GQuark *labels;
  const gfloat *values;
  guint n_all;
  const gfloat *all;
} GstMmFusionOutput;

/**
 * GstMmFusionEvent: (skip)
 * @output: index of the output (below gst_mm_fusion_meta_get_n_outputs())
 * @class_id: the class's index in that output
 * @label: the class's label
 * @state: start, on or end
 * @start: running time of the result at which the event started
 * @duration: from @start to this result's running time
 * @score: the class's score in this result
 * @peak: the highest score since the start
 *
 * One class's event, as listed in a result.
 */
typedef struct {
  guint output;
  gint class_id;
  GQuark label;
  GstMmFusionEventState state;
  GstClockTime start;
  GstClockTime duration;
  gfloat score;
  gfloat peak;
} GstMmFusionEvent;

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
 * @source: the stream's name (gst_mm_fusion_meta_get_source())
 * @model_sha256: SHA-256 of the model file, hex
 *   (gst_mm_fusion_meta_get_model_sha256())
 * @utc: capture time in nanoseconds since 1970-01-01 UTC, or
 *   %GST_CLOCK_TIME_NONE
 * @width: width of the frame the result is for; 0 when audio leads
 * @height: its height
 * @outputs: private: every output's result and the events, read with
 *   the gst_mm_fusion_meta_get_output_*() and _get_event() accessors
 *
 * The result of one inference. Fields that are arrays are read with the
 * accessors, which bindings can call. The fields from @source on were
 * added with output kinds (mmfusion/2): the struct grew at its end, so a
 * program that keeps a bare copy (gst_mm_fusion_meta_copy_into()) must be
 * rebuilt with this header; one that reads metas on buffers need not.
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

  /* added with output kinds (mmfusion/2) */
  GQuark source;                /* the stream's name */
  GQuark model_sha256;          /* of the model file, hex */
  guint64 utc;                  /* capture time, ns since 1970 UTC */
  gint width, height;           /* the frame; 0 when audio leads */
  gpointer outputs;             /* private: use the accessors */
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
 * header, the all-scores array and the outputs block duplicated (dst's own
 * reused or freed). dst may be a meta on a buffer or a bare struct the
 * caller keeps, zeroed before first use (then release what it holds with
 * gst_mm_fusion_meta_clear() when done). */
void gst_mm_fusion_meta_copy_into (GstMmFusionMeta * dst,
    const GstMmFusionMeta * src);
/* frees what a bare struct filled by gst_mm_fusion_meta_copy_into() or the
 * setters holds (never call it on a meta attached to a buffer) */
void gst_mm_fusion_meta_clear (GstMmFusionMeta * meta);

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

/* Every output and the events (output kinds, mmfusion/2). The first
 * `classes` output is also in the top-k fields above, as before. */
void gst_mm_fusion_meta_set_outputs (GstMmFusionMeta * meta,
    const GstMmFusionOutput * outputs, guint n_outputs,
    const GstMmFusionEvent * events, guint n_events);
guint gst_mm_fusion_meta_get_n_outputs (const GstMmFusionMeta * meta);
const gchar *gst_mm_fusion_meta_get_output_name (const GstMmFusionMeta *
    meta, guint output);
GstMmFusionOutputKind gst_mm_fusion_meta_get_output_kind (const
    GstMmFusionMeta * meta, guint output);
const gchar *gst_mm_fusion_meta_get_output_units (const GstMmFusionMeta *
    meta, guint output);
gint gst_mm_fusion_meta_find_output (const GstMmFusionMeta * meta,
    const gchar * name);
guint gst_mm_fusion_meta_get_output_length (const GstMmFusionMeta * meta,
    guint output);
gint gst_mm_fusion_meta_get_output_class_id (const GstMmFusionMeta * meta,
    guint output, guint i);
const gchar *gst_mm_fusion_meta_get_output_label (const GstMmFusionMeta *
    meta, guint output, guint i);
gfloat gst_mm_fusion_meta_get_output_value (const GstMmFusionMeta * meta,
    guint output, guint i);
const gfloat *gst_mm_fusion_meta_get_output_all_values (const
    GstMmFusionMeta * meta, guint output, gsize * n);

guint gst_mm_fusion_meta_get_n_events (const GstMmFusionMeta * meta);
gboolean gst_mm_fusion_meta_get_event (const GstMmFusionMeta * meta,
    guint i, guint * output, gint * class_id,
    GstMmFusionEventState * state, GstClockTime * start,
    GstClockTime * duration, gfloat * score, gfloat * peak);
const gchar *gst_mm_fusion_meta_get_event_label (const GstMmFusionMeta *
    meta, guint i);
/* C: the event as a struct, NULL when i is out of range */
const GstMmFusionEvent *gst_mm_fusion_meta_peek_event (const
    GstMmFusionMeta * meta, guint i);

const gchar *gst_mm_fusion_meta_get_source (const GstMmFusionMeta * meta);
const gchar *gst_mm_fusion_meta_get_model_sha256 (const GstMmFusionMeta *
    meta);

G_END_DECLS
#endif /* MMFUSION_META_H */
