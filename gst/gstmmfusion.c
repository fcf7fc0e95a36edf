/* mmfusion: one model fed with synchronized video frames and audio
 * windows; results as meta, bus messages and events.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-mmfusion
 * @title: mmfusion
 *
 * Runs one neural network (an ONNX file exported from PyTorch, see
 * docs/model-format.md for the metadata it reads) on video frames and audio
 * feature windows that belong to the same instant. Request one sink pad per
 * model input, named after it (`f.video`, `f.audio`): video pads take raw
 * video at any size in 8-bit RGB (packed, with or without alpha), YUV
 * (I420, YV12, NV12, NV21, Y42B, Y444, YUY2, UYVY, YVYU), GRAY8, or 10-bit
 * YUV (I420_10LE, P010_10LE, Y444_10LE); other raw formats are refused
 * with an error that says to add videoconvert. Audio pads demand exactly
 * the feature caps the model was trained with, so an upstream
 * mmaudiowindow configures itself.
 *
 * Synchronization (docs/synchronization.md), all in running time: video leads
 * and every input frame leaves as it came, with a #GstMmFusionMeta. On a
 * tick (every frame, or the first frame at or after each `interval`) for
 * the frame [t, t+d), the audio input is the one window whose end falls in
 * (t+d−S/2, t+d+S/2], S being the window step. mmfusion waits for it; when
 * a later window arrives instead, the pad is at EOS, or (live) the deadline
 * from the aggregator latency passes, the `missing` policy decides; a GAP
 * or a window too short counts as missing. Frames between ticks carry the
 * latest result, marked not fresh. The meta records the running-time span
 * of every input used. Live, a tick is skipped (QoS) only when its frame
 * reached mmfusion after the end of its display slot; a frame without a
 * timestamp is a tick of its own, with the audio missing.
 *
 * Every output the model's metadata names is read by its kind (classes:
 * top-k; multi-label: every class at or above #GstMmFusion:threshold;
 * regression: every value; docs/model-format.md). Each fresh result is
 * also posted as an element message `mmfusion` with `timestamp`,
 * `stream-time`, `running-time`, `duration`, `utc` (guint64), `source`,
 * `label` (string), `score` (double), `labels` and `scores` (lists,
 * top-k of the first output) and `outputs` (a list of structures: `name`,
 * `kind`, `ids`, `labels`, `values`, `units`); every start and end of
 * each class's event (#GstMmFusion:event-on / #GstMmFusion:event-off) as
 * `mmfusion-event` with `state` "start" or "end", `output`, `label`,
 * `class-id`, `score`, `peak-score`, `start-running-time`, `duration`
 * (end), `timestamp`, `running-time` and `source`.
 *
 * Elements that name the same #GstMmFusion:model-instance share one loaded
 * model; with #GstMmFusion:batch-size above 1 one worker runs their ticks
 * as batches, waiting at most #GstMmFusion:batch-timeout (live, never past
 * a tick's deadline) for a batch to fill.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=clip.mkv ! decodebin name=d \
 *   d. ! queue ! videoconvert ! f.video \
 *   d. ! queue ! audioconvert ! audioresample ! mmaudiowindow ! f.audio \
 *   mmfusion name=f model=tests/golden/meta/good.onnx ! videoconvert ! autovideosink
 * ]| A file: video and audio decoded, the audio cut into the model's windows.
 * |[
 * gst-launch-1.0 -m videotestsrc is-live=true ! video/x-raw,framerate=25/1 ! f.video \
 *   audiotestsrc is-live=true ! audioconvert ! audioresample ! mmaudiowindow ! f.audio \
 *   mmfusion name=f model=tests/golden/meta/good.onnx ! fakesink sync=true
 * ]| Live sources: results appear on the bus (-m) as `mmfusion` messages.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmfusion.h"
#include "gstmmfusionelements.h"
#include "mmcollect.h"
#include "mminstance.h"
#include "mmmodel.h"
#include "mmpreprocess.h"
#include "mmoutputs.h"
#include "mmresults.h"

#include <gst/video/video.h>
#include <mmfusion/mmfusionmeta.h>
#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (mm_fusion_debug);
#define GST_CAT_DEFAULT mm_fusion_debug

#define DEFAULT_INTERVAL 0
#define DEFAULT_TOP_K 5
#define DEFAULT_THRESHOLD 0.0
#define DEFAULT_THREADS 1
#define DEFAULT_MISSING GST_MM_FUSION_MISSING_ZEROS
#define DEFAULT_SMOOTHING GST_MM_FUSION_SMOOTHING_NONE
#define DEFAULT_SMOOTHING_ALPHA 0.5
#define DEFAULT_SMOOTHING_WINDOW 5
#define DEFAULT_ALL_SCORES FALSE
#define DEFAULT_BATCH_SIZE 1
#define DEFAULT_BATCH_TIMEOUT 0
#define DEFAULT_SOURCE NULL

enum {
  PROP_0,
  PROP_MODEL,
  PROP_LABELS,
  PROP_INTERVAL,
  PROP_TOP_K,
  PROP_THRESHOLD,
  PROP_THREADS,
  PROP_MISSING,
  PROP_SMOOTHING,
  PROP_SMOOTHING_ALPHA,
  PROP_SMOOTHING_WINDOW,
  PROP_EVENT_ON,
  PROP_EVENT_OFF,
  PROP_ALL_SCORES,
  PROP_STATS,
  PROP_MODEL_INSTANCE,
  PROP_BATCH_SIZE,
  PROP_BATCH_TIMEOUT,
  PROP_SOURCE,
};

/* the pad of one model input */
struct _GstMmFusionPad {
  GstAggregatorPad parent;
  const MmModelInput *input;    /* into the element's model */
  GstVideoInfo vinfo;
  gboolean have_info;
  MmPreprocess *pp;
  /* the input's collector (mmcollect.h), the one of its modality; only
   * the source pad's thread uses it once streaming */
  MmClipCollector clip;
  MmAudioCollector audio;
};

G_DEFINE_TYPE (GstMmFusionPad, gst_mm_fusion_pad, GST_TYPE_AGGREGATOR_PAD);

struct _GstMmFusion {
  GstAggregator parent;

  /* properties, under the object lock */
  gchar *model_path, *labels_path;
  GstClockTime interval;
  guint top_k;
  gdouble threshold;
  gint threads;
  GstMmFusionMissing missing;
  GstMmFusionSmoothing smoothing;
  gdouble smoothing_alpha;
  guint smoothing_window;
  gchar *event_on, *event_off;
  gboolean all_scores;
  gchar *model_instance;
  guint batch_size;
  GstClockTime batch_timeout;
  gchar *source;

  /* the model, loaded at the first pad request or READY -> PAUSED; owned,
   * or the shared model of `instance` */
  MmModel *model;
  MmInstance *instance;
  nn_session *session;          /* own runs */
  MmTick *tick;                 /* runs in the instance's batches instead */
  MmOutputs *outputs;           /* every output's results state */
  GQuark source_quark, sha256_quark;    /* for the meta, from start on */

  /* streaming state, on the source pad's thread */
  GstClockTime next_tick;
  gboolean have_result;
  GstMmFusionMeta last;         /* the latest result, carried between ticks */
  gpointer scratch;             /* a result's output block, reused */
  gpointer scratch_all;         /* and its all-scores block */
  /* the leading buffer the source thread first saw waiting for its other
   * inputs, and the clock time then: a live tick is late only when the
   * video itself came late, never because the audio made it wait */
  GstBuffer *seen;
  GstClockTime seen_at;
  gint flushed;                 /* atomic: a flush came, see apply_flush */
  /* held while aggregate() peeks and pops the sink pads' buffers, and by
   * release_pad around the base class's release (see release_pad) */
  GRecMutex pads_lock;
  /* problems told once per run (element warnings), not once per buffer */
  gboolean warned_no_pts, warned_window_pts, warned_window_size;

  /* the latency the pipeline runs with (the LATENCY event from the
   * sinks), under the object lock */
  GstClockTime pipeline_latency;

  /* stats, under the object lock */
  guint64 inferences, skipped, missing_count;
  gdouble infer_ms_total, infer_ms_max;
  guint64 batch_total, batch_max;       /* sizes of the batches run in */
  gdouble batch_wait_total, batch_wait_max;     /* ms queued for them */
};

#define gst_mm_fusion_parent_class parent_class
G_DEFINE_TYPE (GstMmFusion, gst_mm_fusion, GST_TYPE_AGGREGATOR);
GST_ELEMENT_REGISTER_DEFINE (mmfusion, "mmfusion", GST_RANK_NONE,
    GST_TYPE_MM_FUSION);

static GType
missing_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_MM_FUSION_MISSING_ZEROS, "Run with the absent input zeroed",
        "zeros"},
    {GST_MM_FUSION_MISSING_LAST, "Reuse the last window", "last"},
    {GST_MM_FUSION_MISSING_SKIP, "No inference on this tick", "skip"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstMmFusionMissing", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static GType
smoothing_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_MM_FUSION_SMOOTHING_NONE, "Report each result as it is", "none"},
    {GST_MM_FUSION_SMOOTHING_EMA, "Exponential moving average "
          "(smoothing-alpha)", "ema"},
    {GST_MM_FUSION_SMOOTHING_WINDOW, "Mean of the last smoothing-window "
          "results", "window"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstMmFusionSmoothing", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("%s",
    GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("video/x-raw, format = (string) " MM_PREPROCESS_FORMATS
        "; audio/x-mmfusion-features"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw; audio/x-mmfusion-features"));

/* pads */

static void
gst_mm_fusion_pad_finalize (GObject * object)
{
  GstMmFusionPad *pad = GST_MM_FUSION_PAD (object);
  mm_preprocess_free (pad->pp);
  mm_clip_collector_clear (&pad->clip);
  mm_audio_collector_reset (&pad->audio);
  G_OBJECT_CLASS (gst_mm_fusion_pad_parent_class)->finalize (object);
}

static void
gst_mm_fusion_pad_class_init (GstMmFusionPadClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_mm_fusion_pad_finalize;
}

static void
gst_mm_fusion_pad_init (GstMmFusionPad * pad)
{
}

static gsize
input_floats (const MmModelInput * in)
{
  if (in->modality == MM_MODALITY_AUDIO)
    return mm_feature_params_window_floats (&in->features);
  return (gsize) in->channels * in->height * in->width;
}

/* points the pad's collector at its input (NULL: unbound) */
static void
bind_collector (GstMmFusionPad * pad, const MmModelInput * in)
{
  pad->input = in;
  mm_clip_collector_clear (&pad->clip);
  mm_audio_collector_reset (&pad->audio);
  memset (&pad->clip, 0, sizeof pad->clip);
  memset (&pad->audio, 0, sizeof pad->audio);
  if (in && in->modality == MM_MODALITY_AUDIO)
    mm_audio_collector_init (&pad->audio, in);
  else if (in)
    mm_clip_collector_init (&pad->clip, in);
}

/* model */

static gboolean
ensure_model (GstMmFusion * self, GError ** error)
{
  if (self->model)
    return TRUE;
  GST_OBJECT_LOCK (self);
  gchar *path = g_strdup (self->model_path);
  gchar *labels = g_strdup (self->labels_path);
  gchar *instance = g_strdup (self->model_instance);
  guint batch = self->batch_size;
  gint threads = self->threads;
  GST_OBJECT_UNLOCK (self);
  if (!path) {
    g_set_error (error, MM_MODEL_ERROR, 0, "no model: set the 'model' "
        "property to an .onnx file");
    g_free (instance);
    return FALSE;
  }
  if (instance) {
    /* shared: loaded by the first element naming the instance */
    self->instance = mm_instance_acquire (instance, path, labels, batch,
        threads, error);
    g_free (instance);
    g_free (path);
    g_free (labels);
    if (!self->instance)
      return FALSE;
    self->model = mm_instance_model (self->instance);
    return TRUE;
  }
  MmModel *m = mm_model_load (path, error);
  if (m && labels && !mm_model_set_labels_file (m, labels, error)) {
    mm_model_free (m);
    m = NULL;
  }
  g_free (path);
  g_free (labels);
  if (!m)
    return FALSE;
  self->model = m;
  return TRUE;
}

/* lets go of a model: its own, or its share of an instance */
static void
drop_model (MmModel * model, MmInstance * instance)
{
  if (instance)
    mm_instance_release (instance);
  else
    mm_model_free (model);
}

/* "video, audio": the model's input names, for messages */
static gchar *
input_names (const MmModel * model)
{
  GString *names = g_string_new (NULL);
  for (guint i = 0; i < model->n_inputs; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "",
        model->inputs[i].name);
  if (model->n_inputs == 0)
    g_string_append (names, "none");
  return g_string_free (names, FALSE);
}

/* A pad per model input, named after it. When the model cannot be loaded,
 * or the name is not one of its inputs, the pad is made all the same,
 * unbound: the READY to PAUSED change then fails with an error that says
 * why (gst-launch shows it; a refused request would only give "could not
 * link"). The plain modality names are the exception: requesting "video"
 * or "audio" from a loaded model without such an input fails, which is how
 * applications find out what a model takes. */
static GstAggregatorPad *
gst_mm_fusion_create_new_pad (GstAggregator * agg, GstPadTemplate * templ,
    const gchar * req_name, const GstCaps * caps)
{
  GstMmFusion *self = GST_MM_FUSION (agg);
  GError *err = NULL;
  if (!req_name) {
    GST_ELEMENT_WARNING (self, CORE, PAD, ("mmfusion's pads are requested "
            "by the model input's name (f.video, f.audio)"), (NULL));
    return NULL;
  }
  GstPad *existing = gst_element_get_static_pad (GST_ELEMENT (self),
      req_name);
  if (existing) {
    gst_object_unref (existing);
    GST_ELEMENT_WARNING (self, CORE, PAD, ("mmfusion's pad '%s' was already "
            "requested", req_name), (NULL));
    return NULL;
  }
  const MmModelInput *in = NULL;
  if (!ensure_model (self, &err)) {
    GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ,
        ("Could not load the model: %s", err->message), (NULL));
    g_error_free (err);
  } else if (!(in = mm_model_find_input (self->model, req_name))) {
    gchar *names = input_names (self->model);
    GST_ELEMENT_WARNING (self, CORE, PAD, ("model %s has no input '%s'; its "
            "inputs: %s", self->model->path, req_name, names), (NULL));
    g_free (names);
    if (g_str_equal (req_name, "video") || g_str_equal (req_name, "audio"))
      return NULL;
  }
  GstMmFusionPad *pad = g_object_new (GST_TYPE_MM_FUSION_PAD, "name",
      req_name, "direction", GST_PAD_SINK, "template", templ, NULL);
  bind_collector (pad, in);
  return GST_AGGREGATOR_PAD (pad);
}

/* the pad every output follows: the first video input, else the first
 * audio input (audio-only models output one buffer per window). Looked up
 * each time, with a reference: pads may be released while streaming. */
static GstMmFusionPad *
find_leader (GstMmFusion * self)
{
  GstMmFusionPad *audio = NULL, *video = NULL;
  GST_OBJECT_LOCK (self);
  for (GList * l = GST_ELEMENT (self)->sinkpads; l; l = l->next) {
    GstMmFusionPad *p = l->data;
    if (!p->input)
      continue;                 /* unbound: the start refuses it */
    if (p->input->modality == MM_MODALITY_VIDEO && !video)
      video = p;
    if (p->input->modality == MM_MODALITY_AUDIO && !audio)
      audio = p;
  }
  GstMmFusionPad *lead = video ? video : audio;
  if (lead)
    gst_object_ref (lead);
  GST_OBJECT_UNLOCK (self);
  return lead;
}

/* Points every pad at its input in the (re)loaded model and sizes its
 * buffers; FALSE when a pad names an input the model does not have. */
static gboolean
bind_pads (GstMmFusion * self, GError ** error)
{
  GST_OBJECT_LOCK (self);
  /* check every pad first, so a refusal leaves all of them untouched */
  for (GList * l = GST_ELEMENT (self)->sinkpads; l; l = l->next) {
    if (!mm_model_find_input (self->model, GST_PAD_NAME (l->data))) {
      gchar *names = input_names (self->model);
      g_set_error (error, MM_MODEL_ERROR, 0, "model %s has no input '%s'; "
          "its inputs: %s (request the pads by these names)",
          self->model->path, GST_PAD_NAME (l->data), names);
      g_free (names);
      GST_OBJECT_UNLOCK (self);
      return FALSE;
    }
  }
  for (GList * l = GST_ELEMENT (self)->sinkpads; l; l = l->next) {
    GstMmFusionPad *pad = l->data;
    bind_collector (pad, mm_model_find_input (self->model,
            GST_PAD_NAME (pad)));
  }
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
gst_mm_fusion_start (GstAggregator * agg)
{
  GstMmFusion *self = GST_MM_FUSION (agg);
  GError *err = NULL;
  /* loaded afresh for every run: the file, or the property, may have
   * changed since the last one. The old model stays until the new one
   * loads and fits the pads, which point into it until then. */
  MmModel *old = self->model;
  MmInstance *old_instance = self->instance;
  if (old_instance) {
    /* a share is let go first: asking again with other settings (a new
     * batch-size) must not meet this element's own hold. The pads are
     * unbound until the new model binds them. */
    GST_OBJECT_LOCK (self);
    for (GList * l = GST_ELEMENT (self)->sinkpads; l; l = l->next)
      bind_collector (l->data, NULL);
    GST_OBJECT_UNLOCK (self);
    drop_model (old, old_instance);
    old = NULL;
    old_instance = NULL;
  }
  self->model = NULL;
  self->instance = NULL;
  gboolean loaded = ensure_model (self, &err);
  gboolean bound = loaded && bind_pads (self, &err);
  if (bound) {
    drop_model (old, old_instance);
  } else {
    if (self->model)
      drop_model (self->model, self->instance);
    self->model = old;
    self->instance = old_instance;
  }
  if (!loaded) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
        ("Could not load the model: %s", err->message), (NULL));
    g_error_free (err);
    return FALSE;
  }
  if (!bound) {
    GST_ELEMENT_ERROR (self, CORE, PAD, ("%s", err->message), (NULL));
    g_error_free (err);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  nn_session_options opts = {.threads = self->threads };
  GstMmFusionSmoothing smoothing = self->smoothing;
  gdouble alpha = self->smoothing_alpha;
  guint window = self->smoothing_window;
  gchar *on = g_strdup (self->event_on), *off = g_strdup (self->event_off);
  self->inferences = self->skipped = self->missing_count = 0;
  self->infer_ms_total = self->infer_ms_max = 0.0;
  self->batch_total = self->batch_max = 0;
  self->batch_wait_total = self->batch_wait_max = 0.0;
  guint batch_size = self->batch_size;
  GstClockTime batch_timeout = self->batch_timeout;
  GST_OBJECT_UNLOCK (self);

  MmOutputsConfig oc = {.smoothing = (MmSmoothing) smoothing,.alpha = alpha,
    .window = window,.event_on = on,.event_off = off
  };
  gsize state = mm_outputs_state_bytes (self->model, &oc);
  if (state > MM_MODEL_CLASS_STATE_BUDGET) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT, ("smoothing-window=%u "
            "with the %u classes of %s needs %" G_GSIZE_FORMAT " MiB of "
            "history, over the %" G_GSIZE_FORMAT " MiB budget; lower "
            "smoothing-window or use smoothing=ema", window,
            (guint) (state / sizeof (gfloat) / window), self->model->path,
            state >> 20, MM_MODEL_CLASS_STATE_BUDGET >> 20), (NULL));
    g_free (on);
    g_free (off);
    return FALSE;
  }
  gboolean batched = self->instance
      && mm_instance_batch (self->instance) > 1;
  if (self->instance && batch_size > 1
      && mm_instance_fixed_batch (self->instance))
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("model %s has a fixed batch axis (1): batch-size=%u falls back to "
            "one tick a run; export it with a dynamic batch axis to batch",
            self->model->path, batch_size), (NULL));
  mm_tick_free (self->tick);
  self->tick = NULL;
  if (batched)
    self->tick = mm_tick_new (self->instance);
  else
    self->session = nn_session_new (self->model->nn, &opts, &err);
  /* a batch may wait batch-timeout for more ticks: the latency says so,
   * so that the live deadline leaves that room */
  gst_aggregator_set_latency (agg, batched ? batch_timeout : 0,
      batched ? batch_timeout : 0);
  g_clear_pointer (&self->outputs, mm_outputs_free);
  if (self->session || self->tick)
    self->outputs = mm_outputs_new (self->model, &oc, &err);
  g_free (on);
  g_free (off);
  if (!self->outputs) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS, ("%s", err->message),
        (NULL));
    g_error_free (err);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  self->source_quark = g_quark_from_string (self->source ? self->source :
      GST_OBJECT_NAME (self));
  GST_OBJECT_UNLOCK (self);
  self->sha256_quark = self->model->sha256[0] ?
      g_quark_from_string (self->model->sha256) : 0;
  GstMmFusionPad *lead = find_leader (self);
  if (!lead) {
    gchar *names = input_names (self->model);
    GST_ELEMENT_ERROR (self, CORE, PAD, ("mmfusion has no input pads: "
            "request one per input of model %s (%s)", self->model->path,
            names), (NULL));
    g_free (names);
    return FALSE;
  }
  gst_object_unref (lead);
  self->next_tick = GST_CLOCK_TIME_NONE;
  self->have_result = FALSE;
  g_atomic_int_set (&self->flushed, 0);
  self->warned_no_pts = self->warned_window_pts = FALSE;
  self->warned_window_size = FALSE;
  return TRUE;
}

static gboolean
gst_mm_fusion_stop (GstAggregator * agg)
{
  GstMmFusion *self = GST_MM_FUSION (agg);
  g_clear_pointer (&self->session, nn_session_free);
  g_clear_pointer (&self->tick, mm_tick_free);
  g_clear_pointer (&self->outputs, mm_outputs_free);
  gst_clear_buffer (&self->seen);
  GST_OBJECT_LOCK (self);
  /* no window of a stopped run is held on to */
  for (GList * l = GST_ELEMENT (self)->sinkpads; l; l = l->next) {
    mm_audio_collector_reset (&GST_MM_FUSION_PAD (l->data)->audio);
    mm_clip_collector_reset (&GST_MM_FUSION_PAD (l->data)->clip);
  }
  self->pipeline_latency = GST_CLOCK_TIME_NONE;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* caps */

static gboolean
gst_mm_fusion_negotiate (GstAggregator * agg)
{
  /* the source caps follow the leading pad's caps (see sink_event) */
  return TRUE;
}

/* The leading video pad's frames go downstream unchanged, so it can only
 * take what downstream takes too: without this, a source offered every
 * format we preprocess picks one (ABGR, say) that an mmoverlay or encoder
 * further on refuses, and the stream stops with not-negotiated. Takes
 * ownership of @mine. */
static GstCaps *
restrict_to_downstream (GstMmFusion * self, GstMmFusionPad * pad,
    GstCaps * mine)
{
  GstMmFusionPad *lead = find_leader (self);
  gboolean leads = lead == pad;
  if (lead)
    gst_object_unref (lead);
  if (!leads)
    return mine;
  GstCaps *down =
      gst_pad_peer_query_caps (GST_AGGREGATOR_SRC_PAD (GST_AGGREGATOR (self)),
      NULL);
  if (!down)
    return mine;
  if (!gst_caps_is_any (down)) {
    GstCaps *tmp = gst_caps_intersect_full (mine, down,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (mine);
    mine = tmp;
  }
  gst_caps_unref (down);
  return mine;
}

static gboolean
gst_mm_fusion_sink_query (GstAggregator * agg, GstAggregatorPad * apad,
    GstQuery * query)
{
  GstMmFusionPad *pad = GST_MM_FUSION_PAD (apad);
  /* an unbound pad (see create_new_pad) answers with its template */
  if (pad->input && (GST_QUERY_TYPE (query) == GST_QUERY_CAPS
          || GST_QUERY_TYPE (query) == GST_QUERY_ACCEPT_CAPS)) {
    GstCaps *mine = mm_model_input_caps (pad->input);
    gboolean in_video = pad->input->modality == MM_MODALITY_VIDEO;
    if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
      GstCaps *filter;
      gst_query_parse_caps (query, &filter);
      if (pad->input->modality == MM_MODALITY_VIDEO)
        mine = restrict_to_downstream (GST_MM_FUSION (agg), pad, mine);
      if (filter) {
        GstCaps *tmp = gst_caps_intersect_full (filter, mine,
            GST_CAPS_INTERSECT_FIRST);
        gst_caps_unref (mine);
        mine = tmp;
      }
      gst_query_set_caps_result (query, mine);
    } else {
      GstCaps *caps;
      gst_query_parse_accept_caps (query, &caps);
      /* a raw format we cannot preprocess still passes, so that the caps
       * event reaches set_pad_caps and its error says what to do */
      gst_query_set_accept_caps_result (query, gst_caps_can_intersect (caps,
              mine) || (in_video && mm_preprocess_caps_other_raw (caps)));
    }
    gst_caps_unref (mine);
    return TRUE;
  }
  return GST_AGGREGATOR_CLASS (parent_class)->sink_query (agg, apad, query);
}

static gboolean
set_pad_caps (GstMmFusion * self, GstMmFusionPad * pad, GstCaps * caps)
{
  const MmModelInput *in = pad->input;
  if (in->modality == MM_MODALITY_AUDIO) {
    GstCaps *want = mm_model_input_caps (in);
    gboolean ok = gst_caps_can_intersect (caps, want);
    gst_caps_unref (want);
    if (!ok) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
          ("pad %s: the audio features %" GST_PTR_FORMAT " are not those "
              "the model was trained with", GST_PAD_NAME (pad), caps));
      return FALSE;
    }
    return TRUE;
  }
  GstVideoInfo info;
  if (!gst_video_info_from_caps (&info, caps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("pad %s: invalid video caps %" GST_PTR_FORMAT, GST_PAD_NAME (pad),
            caps));
    return FALSE;
  }
  /* a new resolution mid-stream: new tables, same clip history */
  GST_OBJECT_LOCK (pad);
  mm_preprocess_free (pad->pp);
  pad->pp = mm_preprocess_new (in, &info);
  pad->vinfo = info;
  pad->have_info = pad->pp != NULL;
  GST_OBJECT_UNLOCK (pad);
  if (!pad->pp) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("pad %s: video format %s is not supported; add videoconvert "
            "before mmfusion (it converts to a supported format)",
            GST_PAD_NAME (pad),
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info))));
    return FALSE;
  }
  return TRUE;
}

static gboolean
gst_mm_fusion_sink_event (GstAggregator * agg, GstAggregatorPad * apad,
    GstEvent * event)
{
  GstMmFusion *self = GST_MM_FUSION (agg);
  GstMmFusionPad *pad = GST_MM_FUSION_PAD (apad);
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    GstCaps *caps;
    gst_event_parse_caps (event, &caps);
    if (!set_pad_caps (self, pad, caps)) {
      gst_event_unref (event);
      return FALSE;
    }
    GstMmFusionPad *lead = find_leader (self);
    if (pad == lead)
      gst_aggregator_set_src_caps (agg, caps);
    gst_clear_object (&lead);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT) {
    /* output frames keep the leader's timestamps and segment */
    GstMmFusionPad *lead = find_leader (self);
    if (pad == lead) {
      const GstSegment *seg;
      gst_event_parse_segment (event, &seg);
      gst_aggregator_update_segment (agg, seg);
    }
    gst_clear_object (&lead);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_GAP) {
    /* the base class clips a GAP against the pad's segment, which must be
     * in time (a critical otherwise); without one the gap says nothing */
    GST_OBJECT_LOCK (pad);
    gboolean timed = apad->segment.format == GST_FORMAT_TIME;
    GST_OBJECT_UNLOCK (pad);
    if (!timed) {
      GST_DEBUG_OBJECT (pad, "GAP without a time segment: dropped");
      gst_event_unref (event);
      return TRUE;
    }
  }
  return GST_AGGREGATOR_CLASS (parent_class)->sink_event (agg, apad, event);
}

static gboolean
gst_mm_fusion_src_event (GstAggregator * agg, GstEvent * event)
{
  GstMmFusion *self = GST_MM_FUSION (agg);
  if (GST_EVENT_TYPE (event) == GST_EVENT_LATENCY) {
    GstClockTime latency;
    gst_event_parse_latency (event, &latency);
    GST_OBJECT_LOCK (self);
    self->pipeline_latency = latency;
    GST_OBJECT_UNLOCK (self);
  }
  return GST_AGGREGATOR_CLASS (parent_class)->src_event (agg, event);
}

/* GstAggregator has no flush of its own to chain up to. It calls this from
 * the thread of the last flush-stop, and when the flush was not a seek on
 * every pad its source thread keeps aggregating meanwhile: so the state
 * that thread owns is reset by that thread, at its next turn. */
static GstFlowReturn
gst_mm_fusion_flush (GstAggregator * agg)
{
  GstMmFusion *self = GST_MM_FUSION (agg);
  g_atomic_int_set (&self->flushed, 1);
  return GST_FLOW_OK;
}

/* on the source pad's thread: the reset a flush asked for */
static void
apply_flush (GstMmFusion * self)
{
  if (!g_atomic_int_compare_and_exchange (&self->flushed, 1, 0))
    return;
  self->next_tick = GST_CLOCK_TIME_NONE;
  self->have_result = FALSE;
  gst_clear_buffer (&self->seen);
  if (self->outputs)
    mm_outputs_reset (self->outputs);
  GST_OBJECT_LOCK (self);
  for (GList * l = GST_ELEMENT (self)->sinkpads; l; l = l->next) {
    GstMmFusionPad *p = l->data;
    mm_audio_collector_reset (&p->audio);
    mm_clip_collector_reset (&p->clip);
  }
  GST_OBJECT_UNLOCK (self);
}

/* synchronization */

/* A copy of the pad's segment: a flush of that one pad (from upstream,
 * not a seek) resets it from the upstream thread while aggregate() runs. */
static GstSegment
pad_segment (GstAggregatorPad * pad)
{
  GST_OBJECT_LOCK (pad);
  GstSegment seg = pad->segment;
  GST_OBJECT_UNLOCK (pad);
  return seg;
}

/* NONE for a timestamp outside the segment, and when the pad has no time
 * segment (yet) */
static GstClockTime
running_time (GstAggregatorPad * pad, GstClockTime ts)
{
  GstSegment seg = pad_segment (pad);
  if (seg.format != GST_FORMAT_TIME)
    return GST_CLOCK_TIME_NONE;
  return gst_segment_to_running_time (&seg, GST_FORMAT_TIME, ts);
}

/* the same as stream time, for the messages */
static GstClockTime
stream_time (GstAggregatorPad * pad, GstClockTime ts)
{
  GstSegment seg = pad_segment (pad);
  if (seg.format != GST_FORMAT_TIME)
    return GST_CLOCK_TIME_NONE;
  return gst_segment_to_stream_time (&seg, GST_FORMAT_TIME, ts);
}

/* duration of a buffer in running time (the rate of the segment counts) */
static GstClockTime
buffer_duration (GstMmFusionPad * pad, GstBuffer * buf)
{
  GstSegment seg = pad_segment (GST_AGGREGATOR_PAD (pad));
  return mm_collect_duration (buf, pad->have_info ? &pad->vinfo : NULL, &seg);
}

/* a + b, NONE when either is NONE or on overflow (the collectors') */
#define time_add mm_collect_time_add

/* an aggregator pad as the collectors' queue */
static GstBuffer *
queue_peek (gpointer pad)
{
  return gst_aggregator_pad_peek_buffer (pad);
}

static void
queue_drop (gpointer pad)
{
  gst_aggregator_pad_drop_buffer (pad);
}

static gboolean
queue_is_eos (gpointer pad)
{
  return gst_aggregator_pad_is_eos (pad);
}

static void
queue_segment (gpointer pad, GstSegment * segment)
{
  *segment = pad_segment (pad);
}

static const MmQueueFuncs pad_queue = {
  queue_peek, queue_drop, queue_is_eos, queue_segment
};

/* problems a collector saw, told once per run */
static void
tell_collect_warnings (GstMmFusion * self, GstMmFusionPad * pad)
{
  guint w = pad->audio.warnings;
  pad->audio.warnings = 0;
  if ((w & MM_COLLECT_WARN_SHORT) && !self->warned_window_size) {
    self->warned_window_size = TRUE;
    GST_ELEMENT_WARNING (self, STREAM, FORMAT, (NULL),
        ("pad %s: a window of %" G_GSIZE_FORMAT " bytes where the model "
            "needs %" G_GSIZE_FORMAT "; such windows count as missing",
            GST_PAD_NAME (pad), pad->audio.short_size,
            pad->audio.window_bytes));
  }
  if ((w & MM_COLLECT_WARN_NO_PTS) && !self->warned_window_pts) {
    self->warned_window_pts = TRUE;
    GST_ELEMENT_WARNING (self, STREAM, FORMAT, (NULL),
        ("pad %s: audio windows without timestamps are dropped (they "
            "cannot be paired with video)", GST_PAD_NAME (pad)));
  }
}

/* every input's collected data becomes history: the tick is done (run,
 * skipped, late, or no tick at all) */
static void
commit_inputs (GstMmFusion * self)
{
  GST_OBJECT_LOCK (self);
  for (GList * l = GST_ELEMENT (self)->sinkpads; l; l = l->next) {
    GstMmFusionPad *p = l->data;
    if (!p->input)
      continue;
    if (p->input->modality == MM_MODALITY_AUDIO)
      mm_audio_commit (&p->audio);
    else
      mm_clip_commit (&p->clip);
  }
  GST_OBJECT_UNLOCK (self);
}

/* the element's clock time, or NONE without a clock; with the object
 * lock held */
static GstClockTime
clock_now_locked (GstMmFusion * self, GstClockTime * base)
{
  GstClock *clock = GST_ELEMENT_CLOCK (self);
  if (base)
    *base = GST_ELEMENT (self)->base_time;
  return clock ? gst_clock_get_time (clock) : GST_CLOCK_TIME_NONE;
}

/* QoS, live only (the aggregator reports no latency otherwise): the frame
 * [rt, rt + d) reached us (`seen_at`, a clock time) after the end of its
 * display slot (rt + d + latency), so it is shown late whatever we do and
 * inference would only add to that. Time spent waiting for the other
 * inputs does not count: that wait ends at the frame's deadline by design,
 * and then the `missing` policy decides. */
static gboolean
is_late (GstMmFusion * self, GstClockTime rt, GstClockTime d,
    GstClockTime seen_at)
{
  GstClockTime latency = gst_aggregator_get_latency (GST_AGGREGATOR (self));
  if (!GST_CLOCK_TIME_IS_VALID (latency) || !GST_CLOCK_TIME_IS_VALID (rt))
    return FALSE;
  GST_OBJECT_LOCK (self);
  /* the sinks show the frame at rt + the pipeline's latency, which stays
   * when an input is released and ours shrinks with it */
  if (GST_CLOCK_TIME_IS_VALID (self->pipeline_latency))
    latency = MAX (latency, self->pipeline_latency);
  GstClockTime base;
  GstClockTime now = clock_now_locked (self, &base);
  GST_OBJECT_UNLOCK (self);
  GstClockTime at = GST_CLOCK_TIME_IS_VALID (seen_at) ? seen_at : now;
  if (!GST_CLOCK_TIME_IS_VALID (at) || at < base)
    return FALSE;
  GST_LOG_OBJECT (self, "frame %" GST_TIME_FORMAT " at %" GST_TIME_FORMAT
      " now %" GST_TIME_FORMAT " latency %" GST_TIME_FORMAT, GST_TIME_ARGS (rt),
      GST_TIME_ARGS (at - base), GST_TIME_ARGS (now - base),
      GST_TIME_ARGS (latency));
  return at - base > time_add (time_add (rt, d), latency);
}

static void
append_value (GValue * list, GType type, gconstpointer v)
{
  GValue x = G_VALUE_INIT;
  g_value_init (&x, type);
  if (type == G_TYPE_STRING)
    g_value_set_string (&x, v);
  else if (type == G_TYPE_INT)
    g_value_set_int (&x, *(const gint *) v);
  else
    g_value_set_double (&x, *(const gdouble *) v);
  gst_value_list_append_and_take_value (list, &x);
}

/* one output's entries as a structure: name, kind, ids, labels, values
 * (and units) */
static GstStructure *
output_structure (const GstMmFusionMeta * m, guint o)
{
  GstStructure *s = gst_structure_new ("output",
      "name", G_TYPE_STRING, gst_mm_fusion_meta_get_output_name (m, o),
      "kind", G_TYPE_STRING, mm_output_kind_name ((MmOutputKind)
          gst_mm_fusion_meta_get_output_kind (m, o)), NULL);
  const gchar *units = gst_mm_fusion_meta_get_output_units (m, o);
  if (units)
    gst_structure_set (s, "units", G_TYPE_STRING, units, NULL);
  GValue ids = G_VALUE_INIT, labels = G_VALUE_INIT, values = G_VALUE_INIT;
  g_value_init (&ids, GST_TYPE_LIST);
  g_value_init (&labels, GST_TYPE_LIST);
  g_value_init (&values, GST_TYPE_LIST);
  for (guint i = 0; i < gst_mm_fusion_meta_get_output_length (m, o); i++) {
    gint id = gst_mm_fusion_meta_get_output_class_id (m, o, i);
    gdouble v = gst_mm_fusion_meta_get_output_value (m, o, i);
    append_value (&ids, G_TYPE_INT, &id);
    append_value (&labels, G_TYPE_STRING,
        gst_mm_fusion_meta_get_output_label (m, o, i));
    append_value (&values, G_TYPE_DOUBLE, &v);
  }
  gst_structure_take_value (s, "ids", &ids);
  gst_structure_take_value (s, "labels", &labels);
  gst_structure_take_value (s, "values", &values);
  return s;
}

static void
post_result (GstMmFusion * self, const GstMmFusionMeta * m,
    GstClockTime stream_time)
{
  GstStructure *s = gst_structure_new ("mmfusion",
      "timestamp", G_TYPE_UINT64, m->pts,
      "stream-time", G_TYPE_UINT64, stream_time,
      "running-time", G_TYPE_UINT64, m->running_time,
      "duration", G_TYPE_UINT64, m->duration,
      "source", G_TYPE_STRING, g_quark_to_string (m->source),
      "utc", G_TYPE_UINT64, m->utc, NULL);
  GValue labels = G_VALUE_INIT, scores = G_VALUE_INIT, outputs = G_VALUE_INIT;
  g_value_init (&labels, GST_TYPE_LIST);
  g_value_init (&scores, GST_TYPE_LIST);
  for (guint i = 0; i < m->n_classes; i++) {
    gdouble v = m->scores[i];
    append_value (&labels, G_TYPE_STRING, g_quark_to_string (m->labels[i]));
    append_value (&scores, G_TYPE_DOUBLE, &v);
  }
  gst_structure_set (s, "label", G_TYPE_STRING,
      m->n_classes ? g_quark_to_string (m->labels[0]) : "",
      "score", G_TYPE_DOUBLE, m->n_classes ? (gdouble) m->scores[0] : 0.0,
      NULL);
  gst_structure_take_value (s, "labels", &labels);
  gst_structure_take_value (s, "scores", &scores);
  g_value_init (&outputs, GST_TYPE_LIST);
  for (guint o = 0; o < gst_mm_fusion_meta_get_n_outputs (m); o++) {
    GValue v = G_VALUE_INIT;
    g_value_init (&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&v, output_structure (m, o));
    gst_value_list_append_and_take_value (&outputs, &v);
  }
  gst_structure_take_value (s, "outputs", &outputs);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* an mmfusion-event message for every event that started or ended */
static void
post_events (GstMmFusion * self, const GstMmFusionMeta * m)
{
  for (guint i = 0; i < gst_mm_fusion_meta_get_n_events (m); i++) {
    const GstMmFusionEvent *e = gst_mm_fusion_meta_peek_event (m, i);
    if (e->state == GST_MM_FUSION_EVENT_ON)
      continue;
    gboolean start = e->state == GST_MM_FUSION_EVENT_START;
    GstStructure *s = gst_structure_new ("mmfusion-event",
        "state", G_TYPE_STRING, start ? "start" : "end",
        "label", G_TYPE_STRING, g_quark_to_string (e->label),
        "class-id", G_TYPE_INT, e->class_id,
        "output", G_TYPE_STRING, gst_mm_fusion_meta_get_output_name (m,
            e->output),
        "score", G_TYPE_DOUBLE, (gdouble) e->score,
        "peak-score", G_TYPE_DOUBLE, (gdouble) e->peak,
        "start-running-time", G_TYPE_UINT64, e->start,
        "timestamp", G_TYPE_UINT64, m->pts,
        "running-time", G_TYPE_UINT64, m->running_time,
        "source", G_TYPE_STRING, g_quark_to_string (m->source), NULL);
    if (!start)
      gst_structure_set (s, "duration", G_TYPE_UINT64, e->duration, NULL);
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self), s));
  }
}

static gpointer
ref_pad (gconstpointer pad, gpointer unused)
{
  return gst_object_ref ((gpointer) pad);
}

/* where the tick's data for model input `index` goes */
static gfloat *
tick_input (GstMmFusion * self, gint index)
{
  if (self->tick)
    return self->tick->inputs[index];
  return nn_session_input (self->session, index)->data;
}

/* one sample of model output `index`, after run_model() */
static const gfloat *
tick_output (GstMmFusion * self, gint index)
{
  if (self->tick)
    return self->tick->outputs[index];
  return nn_session_output (self->session, index)->data;
}

/* How long a batch may wait for other elements' ticks: batch-timeout, but
 * never so long that this tick [t, t+d) would miss its live deadline (its
 * running time plus the latency, less one run). In µs. */
static gint64
batch_wait (GstMmFusion * self, GstClockTime t)
{
  GST_OBJECT_LOCK (self);
  GstClockTime wait = self->batch_timeout;
  GstClockTime base;
  GstClockTime now = clock_now_locked (self, &base);
  GST_OBJECT_UNLOCK (self);
  GstClockTime latency = gst_aggregator_get_latency (GST_AGGREGATOR (self));
  if (GST_CLOCK_TIME_IS_VALID (latency) && GST_CLOCK_TIME_IS_VALID (t)
      && GST_CLOCK_TIME_IS_VALID (now) && now >= base) {
    GstClockTime deadline = time_add (t, latency);
    GstClockTime run = mm_instance_run_estimate (self->instance) * GST_USECOND;
    GstClockTime left = deadline > now - base + run ?
        deadline - (now - base) - run : 0;
    wait = MIN (wait, left);
  }
  return (gint64) (wait / GST_USECOND);
}

/* runs the model on the tick's inputs, alone or in a batch; the time the
 * run took, in ms */
static gdouble
run_model (GstMmFusion * self, GstClockTime t)
{
  if (!self->tick) {
    gint64 t0 = g_get_monotonic_time ();
    nn_session_run (self->session, NULL);
    return (g_get_monotonic_time () - t0) / 1000.0;
  }
  self->tick->run_by = g_get_monotonic_time () + batch_wait (self, t);
  mm_instance_run (self->instance, self->tick);
  GST_OBJECT_LOCK (self);
  self->batch_total += self->tick->batch_size;
  self->batch_max = MAX (self->batch_max, self->tick->batch_size);
  self->batch_wait_total += self->tick->wait_ms;
  self->batch_wait_max = MAX (self->batch_wait_max, self->tick->wait_ms);
  GST_OBJECT_UNLOCK (self);
  return self->tick->run_ms;
}

/* Runs the model for one tick; fills `result` (inputs, classes, events).
 * Returns FALSE when the `skip` policy or QoS leaves this tick without a
 * result. Events travel in the result (the meta), posted by the caller. */
static gboolean
infer (GstMmFusion * self, GstMmFusionPad * leader, GstClockTime t,
    GstClockTime d, GstBuffer * lead, gboolean lead_ok, gboolean timeout,
    GstMmFusionMeta * result, gboolean * wait)
{
  GST_OBJECT_LOCK (self);
  GstMmFusionMissing policy = self->missing;
  guint top_k = self->top_k;
  gfloat threshold = (gfloat) self->threshold;
  gboolean all = self->all_scores;
  GST_OBJECT_UNLOCK (self);

  /* every input: its data, span and missing flag */
  result->n_inputs = 0;
  gboolean any_missing = FALSE;
  GST_OBJECT_LOCK (self);
  GList *pads = g_list_copy_deep (GST_ELEMENT (self)->sinkpads, ref_pad,
      NULL);
  GST_OBJECT_UNLOCK (self);
  /* Collect, then fill: asking a collector again gives the same answer,
   * so a tick that waits leaves nothing behind (see mmcollect.h); what
   * it used becomes history at commit_inputs(), once the tick is done. */
  for (GList * l = pads; l; l = l->next) {
    GstMmFusionPad *pad = l->data;
    const MmModelInput *in = pad->input;
    gfloat *x = tick_input (self, in->index);
    GstClockTime s = GST_CLOCK_TIME_NONE, e = GST_CLOCK_TIME_NONE;
    gboolean missing;
    MmQueue q = { &pad_queue, pad };
    if (in->modality == MM_MODALITY_VIDEO) {
      if (pad == leader) {
        /* its frame was staged by aggregate_frame() */
        s = t;
        e = time_add (t, d);
        missing = !lead_ok;
      } else {
        /* another video input: its latest frame at or before t */
        missing = mm_clip_collect (&pad->clip, &q, pad->pp, &pad->vinfo, t,
            &s, &e) != MM_COLLECT_FOUND;
      }
      missing = missing || mm_clip_frames (&pad->clip) == 0;
      mm_clip_fill (&pad->clip, missing, (MmMissing) policy, x);
      if (missing)
        s = e = GST_CLOCK_TIME_NONE;
    } else if (pad == leader) {
      /* audio-only: the leading window itself, unless it is too short
       * (GAPs never get here) */
      missing = !lead_ok || !mm_audio_copy_window (in, lead, x);
      if (missing)
        memset (x, 0, pad->audio.window_bytes);
      else {
        s = t;
        e = time_add (t, d);
      }
    } else {
      GstBuffer *w = NULL;
      MmCollectAnswer st = mm_audio_collect (&pad->audio, &q,
          GST_CLOCK_TIME_IS_VALID (t) ? time_add (t, d) : GST_CLOCK_TIME_NONE,
          timeout, &w, &s, &e);
      tell_collect_warnings (self, pad);
      if (st == MM_COLLECT_WAIT) {
        *wait = TRUE;
        g_list_free_full (pads, gst_object_unref);
        return FALSE;
      }
      missing = mm_audio_fill (&pad->audio, w, (MmMissing) policy, x, &s, &e);
      gst_clear_buffer (&w);
    }
    any_missing = any_missing || missing;
    gst_mm_fusion_meta_add_input (result, in->name, s, e, missing);
  }
  g_list_free_full (pads, gst_object_unref);
  /* inputs with no pad at all are missing on every tick */
  for (guint i = 0; i < self->model->n_inputs; i++) {
    const MmModelInput *in = &self->model->inputs[i];
    if (gst_mm_fusion_meta_get_input (result, in->name))
      continue;
    memset (tick_input (self, in->index), 0,
        input_floats (in) * sizeof (gfloat) * MAX (in->clip_frames, 1));
    gst_mm_fusion_meta_add_input (result, in->name, GST_CLOCK_TIME_NONE,
        GST_CLOCK_TIME_NONE, TRUE);
    any_missing = TRUE;
  }
  if (any_missing) {
    GST_OBJECT_LOCK (self);
    self->missing_count++;
    GST_OBJECT_UNLOCK (self);
    if (policy == GST_MM_FUSION_MISSING_SKIP)
      return FALSE;
  }

  gdouble ms = run_model (self, t);
  /* each output's row of this tick: the session's, or the batch's copy */
  const gfloat *data[MM_MODEL_MAX_OUTPUTS];
  for (guint i = 0; i < self->model->n_outputs; i++)
    data[i] = tick_output (self, self->model->outputs[i].index);
  mm_outputs_read (self->outputs, data, t, top_k, threshold, all, result);
  GST_OBJECT_LOCK (self);
  self->inferences++;
  self->infer_ms_total += ms;
  self->infer_ms_max = MAX (self->infer_ms_max, ms);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static GstFlowReturn aggregate_frame (GstMmFusion * self,
    GstMmFusionPad * lead, gboolean timeout);

/* Live: the deadline of the next output is the running time of the next
 * leading buffer (plus the latency, which the base class adds). Without
 * this the base class would wait for data on every pad, forever when an
 * input stalls. Called on the source pad's thread before it waits, so it
 * also notes when the leading buffer was first seen (see is_late). */
static GstClockTime
gst_mm_fusion_get_next_time (GstAggregator * agg)
{
  GstMmFusion *self = GST_MM_FUSION (agg);
  apply_flush (self);
  GstMmFusionPad *lead = find_leader (self);
  if (!lead)
    return GST_CLOCK_TIME_NONE;
  GstAggregatorPad *alead = GST_AGGREGATOR_PAD (lead);
  GstBuffer *buf = gst_aggregator_pad_peek_buffer (alead);
  GstClockTime t = GST_CLOCK_TIME_NONE;
  if (buf) {
    GST_OBJECT_LOCK (self);
    GstClockTime base;
    GstClockTime now = clock_now_locked (self, &base);
    GST_OBJECT_UNLOCK (self);
    if (buf != self->seen) {
      gst_clear_buffer (&self->seen);
      self->seen = gst_buffer_ref (buf);
      self->seen_at = now;
    }
    t = running_time (alead, GST_BUFFER_PTS (buf));
    /* a frame without a timestamp is due at once: nothing to wait for
     * (the base class adds the latency to this, so 0 is in the past) */
    if (!GST_BUFFER_PTS_IS_VALID (buf))
      t = 0;
    gst_buffer_unref (buf);
  }
  gst_object_unref (lead);
  return t;
}

static GstFlowReturn
gst_mm_fusion_aggregate (GstAggregator * agg, gboolean timeout)
{
  GstMmFusion *self = GST_MM_FUSION (agg);
  apply_flush (self);
  GstMmFusionPad *lead = find_leader (self);
  if (!lead)
    return GST_FLOW_EOS;        /* every input pad was released */
  GstFlowReturn ret = aggregate_frame (self, lead, timeout);
  gst_object_unref (lead);
  return ret;
}

/* An empty leading buffer stands for a GAP event (the base class queues
 * GAP events as such): no frame, so no output buffer and no tick; the gap
 * goes on downstream as an event once the stream's segment is there. */
static GstFlowReturn
forward_gap (GstMmFusion * self, GstBuffer * buf)
{
  GstPad *src = GST_AGGREGATOR_SRC_PAD (self);
  GstEvent *segment = gst_pad_get_sticky_event (src, GST_EVENT_SEGMENT, 0);
  if (segment && GST_BUFFER_PTS_IS_VALID (buf)) {
    gst_pad_push_event (src, gst_event_new_gap (GST_BUFFER_PTS (buf),
            GST_BUFFER_DURATION (buf)));
  }
  if (segment)
    gst_event_unref (segment);
  gst_buffer_unref (buf);
  return GST_FLOW_OK;
}

static GstFlowReturn
aggregate_frame (GstMmFusion * self, GstMmFusionPad * lead, gboolean timeout)
{
  GstAggregator *agg = GST_AGGREGATOR (self);
  GstAggregatorPad *alead = GST_AGGREGATOR_PAD (lead);
  /* until the leading buffer is popped (see gst_mm_fusion_release_pad);
   * every return below lets it go before anything is pushed */
  g_rec_mutex_lock (&self->pads_lock);
  GstBuffer *buf = gst_aggregator_pad_peek_buffer (alead);
  if (!buf) {
    gboolean eos = gst_aggregator_pad_is_eos (alead);
    g_rec_mutex_unlock (&self->pads_lock);
    return eos ? GST_FLOW_EOS : GST_FLOW_OK;
  }
  /* when this buffer reached us: noted while waiting for other inputs, or
   * now; the note is let go here so the buffer can be made writable */
  GstClockTime seen_at = GST_CLOCK_TIME_NONE;
  if (buf == self->seen)
    seen_at = self->seen_at;
  gst_clear_buffer (&self->seen);

  if (gst_buffer_get_size (buf) == 0
      && GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)) {
    gst_aggregator_pad_drop_buffer (alead);
    g_rec_mutex_unlock (&self->pads_lock);
    return forward_gap (self, buf);
  }

  GstClockTime t = GST_CLOCK_TIME_NONE;
  if (GST_BUFFER_PTS_IS_VALID (buf)) {
    t = running_time (alead, GST_BUFFER_PTS (buf));
    if (!GST_CLOCK_TIME_IS_VALID (t)) {
      /* outside the segment: it would not be shown; pass it through */
      gst_aggregator_pad_drop_buffer (alead);
      g_rec_mutex_unlock (&self->pads_lock);
      return gst_aggregator_finish_buffer (agg, buf);
    }
  } else if (!self->warned_no_pts) {
    /* still a tick: the model sees this frame, the inputs that need a time
     * to be paired with are missing for it */
    self->warned_no_pts = TRUE;
    GST_ELEMENT_WARNING (self, STREAM, FORMAT, (NULL),
        ("pad %s: buffers without timestamps: each is inferred on its own, "
            "with the other inputs missing (they cannot be paired with it); "
            "give the source a framerate or do-timestamp=true",
            GST_PAD_NAME (lead)));
  }
  GstClockTime d = buffer_duration (lead, buf);

  GST_OBJECT_LOCK (self);
  GstClockTime interval = self->interval;
  GST_OBJECT_UNLOCK (self);
  gboolean tick = interval == 0 || !GST_CLOCK_TIME_IS_VALID (t)
      || !GST_CLOCK_TIME_IS_VALID (self->next_tick) || t >= self->next_tick;

  gboolean timed = pad_segment (alead).format == GST_FORMAT_TIME;
  /* QoS first: a frame too late for inference is not preprocessed */
  gboolean late = tick && timed && is_late (self, t, d, seen_at);

  /* clips need every frame, ticks or not; a single frame only a tick that
   * will run */
  gboolean pushed = FALSE, lead_ok = TRUE;
  if (lead->input->modality == MM_MODALITY_VIDEO
      && (lead->input->clip_frames > 1 || (tick && timed && !late))) {
    pushed = mm_clip_stage (&lead->clip, lead->pp, &lead->vinfo, buf, t,
        time_add (t, d));
    lead_ok = pushed;
  } else if (lead->input->modality == MM_MODALITY_AUDIO) {
    lead_ok = mm_audio_collector_usable (&lead->audio, buf);
    tell_collect_warnings (self, lead);
  }

  GstMmFusionMeta result;
  memset (&result, 0, sizeof result);
  result.event_class = -1;
  result.outputs = g_steal_pointer (&self->scratch);
  result.all_scores = g_steal_pointer (&self->scratch_all);
  gboolean fresh = FALSE, wait = FALSE;
  if (tick && timed) {
    if (late) {
      /* QoS: the frame came too late for inference; never delay video */
      GST_DEBUG_OBJECT (self, "late: frame at %" GST_TIME_FORMAT " seen at "
          "%" GST_TIME_FORMAT, GST_TIME_ARGS (t), GST_TIME_ARGS (seen_at));
      GST_OBJECT_LOCK (self);
      self->skipped++;
      GST_OBJECT_UNLOCK (self);
    } else {
      fresh = infer (self, lead, t, d, buf, lead_ok, timeout, &result,
          &wait);
    }
    if (wait) {
      /* the audio window for this frame is still on its way */
      /* the frame comes back next time: take back its clip slot */
      if (pushed)
        mm_clip_unstage (&lead->clip);
      /* keep the note of when it came (the peeked reference with it) */
      if (!GST_CLOCK_TIME_IS_VALID (seen_at)) {
        GST_OBJECT_LOCK (self);
        seen_at = clock_now_locked (self, NULL);
        GST_OBJECT_UNLOCK (self);
      }
      self->seen = buf;
      self->seen_at = seen_at;
      self->scratch = result.outputs;
      self->scratch_all = result.all_scores;
      g_rec_mutex_unlock (&self->pads_lock);
      return GST_FLOW_OK;
    }
    if (interval > 0 && GST_CLOCK_TIME_IS_VALID (t)) {
      /* the next tick is the first interval boundary after t, counted
       * from the first tick */
      GstClockTime next = GST_CLOCK_TIME_IS_VALID (self->next_tick) ?
          self->next_tick : t;
      if (t >= next)
        next += interval * ((t - next) / interval + 1);
      self->next_tick = next;
    }
  }
  commit_inputs (self);
  gst_aggregator_pad_drop_buffer (alead);
  g_rec_mutex_unlock (&self->pads_lock);

  buf = gst_buffer_make_writable (buf);
  GstMmFusionMeta *m = NULL;
  if (fresh) {
    result.model = g_quark_from_string (self->model->name);
    result.running_time = t;
    result.pts = GST_BUFFER_PTS (buf);
    result.duration = d;
    result.fresh = TRUE;
    result.source = self->source_quark;
    result.model_sha256 = self->sha256_quark;
    result.utc = mm_outputs_capture_utc (GST_ELEMENT (self), buf, t);
    if (lead->input->modality == MM_MODALITY_VIDEO && lead->have_info) {
      result.width = GST_VIDEO_INFO_WIDTH (&lead->vinfo);
      result.height = GST_VIDEO_INFO_HEIGHT (&lead->vinfo);
    }
    m = gst_buffer_add_mm_fusion_meta (buf);
    gst_mm_fusion_meta_copy_into (m, &result);
    gst_mm_fusion_meta_copy_into (&self->last, &result);
    self->have_result = TRUE;
  } else if (self->have_result) {
    m = gst_buffer_add_mm_fusion_meta (buf);
    gst_mm_fusion_meta_copy_into (m, &self->last);
    m->fresh = FALSE;
  }
  self->scratch = result.outputs;
  self->scratch_all = result.all_scores;

  GstClockTime st = stream_time (alead, GST_BUFFER_PTS (buf));
  GstFlowReturn ret = gst_aggregator_finish_buffer (agg, buf);
  /* messages after the buffer left, with no lock held; self->last is the
   * fresh result and only this thread writes it */
  if (fresh) {
    post_result (self, &self->last, st);
    post_events (self, &self->last);
  }
  return ret;
}

/* GStreamer 1.22.0's GstAggregator drops a released pad's peeked buffer
 * without the pad's lock (fixed upstream in 1.22.7), while pop_buffer() on
 * the source thread may be handing that same reference to aggregate(): the
 * reference is dropped twice and the frame is freed under us (found by
 * fuzz-mmfusion as a bad buffer in make_writable). aggregate() holds
 * pads_lock while it touches queued buffers, so a release waits for that
 * part of a tick to end. get_next_time() needs no such care: the base class
 * calls it, like release_pad, with its source lock held. The lock is not
 * held while a buffer is pushed downstream, so a release never waits for a
 * blocked downstream. */
static void
gst_mm_fusion_release_pad (GstElement * element, GstPad * pad)
{
  GstMmFusion *self = GST_MM_FUSION (element);
  g_rec_mutex_lock (&self->pads_lock);
  GST_ELEMENT_CLASS (parent_class)->release_pad (element, pad);
  g_rec_mutex_unlock (&self->pads_lock);
}

/* properties */

static gboolean
may_change (GstMmFusion * self, GParamSpec * pspec)
{
  if (!(pspec->flags & GST_PARAM_MUTABLE_READY))
    return TRUE;
  if (GST_STATE (self) <= GST_STATE_READY)
    return TRUE;
  g_warning ("mmfusion: property '%s' can only be changed in the NULL or "
      "READY state", pspec->name);
  return FALSE;
}

static void
gst_mm_fusion_set_property (GObject * object, guint id, const GValue * value,
    GParamSpec * pspec)
{
  GstMmFusion *self = GST_MM_FUSION (object);
  GST_OBJECT_LOCK (self);
  if (!may_change (self, pspec)) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  switch (id) {
    case PROP_MODEL:
      g_free (self->model_path);
      self->model_path = g_value_dup_string (value);
      break;
    case PROP_LABELS:
      g_free (self->labels_path);
      self->labels_path = g_value_dup_string (value);
      break;
    case PROP_INTERVAL: self->interval = g_value_get_uint64 (value); break;
    case PROP_TOP_K: self->top_k = g_value_get_uint (value); break;
    case PROP_THRESHOLD:
    case PROP_SMOOTHING_ALPHA:{
      /* NaN passes GParamSpecDouble's range check */
      gdouble v = g_value_get_double (value);
      if (isnan (v))
        g_warning ("mmfusion: property '%s' cannot be NaN", pspec->name);
      else if (id == PROP_THRESHOLD)
        self->threshold = v;
      else
        self->smoothing_alpha = v;
      break;
    }
    case PROP_THREADS: self->threads = g_value_get_int (value); break;
    case PROP_MISSING: self->missing = g_value_get_enum (value); break;
    case PROP_SMOOTHING: self->smoothing = g_value_get_enum (value); break;
    case PROP_SMOOTHING_WINDOW:
      self->smoothing_window = g_value_get_uint (value);
      break;
    case PROP_EVENT_ON:
      g_free (self->event_on);
      self->event_on = g_value_dup_string (value);
      break;
    case PROP_EVENT_OFF:
      g_free (self->event_off);
      self->event_off = g_value_dup_string (value);
      break;
    case PROP_ALL_SCORES: self->all_scores = g_value_get_boolean (value); break;
    case PROP_MODEL_INSTANCE:
      g_free (self->model_instance);
      self->model_instance = g_value_dup_string (value);
      break;
    case PROP_BATCH_SIZE: self->batch_size = g_value_get_uint (value); break;
    case PROP_BATCH_TIMEOUT:
      self->batch_timeout = g_value_get_uint64 (value);
      break;
    case PROP_SOURCE:
      g_free (self->source);
      self->source = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_fusion_get_property (GObject * object, guint id, GValue * value,
    GParamSpec * pspec)
{
  GstMmFusion *self = GST_MM_FUSION (object);
  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_MODEL: g_value_set_string (value, self->model_path); break;
    case PROP_LABELS: g_value_set_string (value, self->labels_path); break;
    case PROP_INTERVAL: g_value_set_uint64 (value, self->interval); break;
    case PROP_TOP_K: g_value_set_uint (value, self->top_k); break;
    case PROP_THRESHOLD: g_value_set_double (value, self->threshold); break;
    case PROP_THREADS: g_value_set_int (value, self->threads); break;
    case PROP_MISSING: g_value_set_enum (value, self->missing); break;
    case PROP_SMOOTHING: g_value_set_enum (value, self->smoothing); break;
    case PROP_SMOOTHING_ALPHA:
      g_value_set_double (value, self->smoothing_alpha);
      break;
    case PROP_SMOOTHING_WINDOW:
      g_value_set_uint (value, self->smoothing_window);
      break;
    case PROP_EVENT_ON: g_value_set_string (value, self->event_on); break;
    case PROP_EVENT_OFF: g_value_set_string (value, self->event_off); break;
    case PROP_ALL_SCORES: g_value_set_boolean (value, self->all_scores); break;
    case PROP_MODEL_INSTANCE:
      g_value_set_string (value, self->model_instance);
      break;
    case PROP_BATCH_SIZE: g_value_set_uint (value, self->batch_size); break;
    case PROP_BATCH_TIMEOUT:
      g_value_set_uint64 (value, self->batch_timeout);
      break;
    case PROP_SOURCE: g_value_set_string (value, self->source); break;
    case PROP_STATS:
      g_value_take_boxed (value, gst_structure_new ("mmfusion-stats",
              "inferences", G_TYPE_UINT64, self->inferences,
              "skipped-ticks", G_TYPE_UINT64, self->skipped,
              "missing-inputs", G_TYPE_UINT64, self->missing_count,
              "mean-inference-ms", G_TYPE_DOUBLE, self->inferences ?
              self->infer_ms_total / self->inferences : 0.0,
              "max-inference-ms", G_TYPE_DOUBLE, self->infer_ms_max,
              "mean-batch-size", G_TYPE_DOUBLE, self->inferences ?
              (gdouble) self->batch_total / self->inferences : 0.0,
              "max-batch-size", G_TYPE_UINT64, self->batch_max,
              "mean-batch-wait-ms", G_TYPE_DOUBLE, self->inferences ?
              self->batch_wait_total / self->inferences : 0.0,
              "max-batch-wait-ms", G_TYPE_DOUBLE, self->batch_wait_max,
              NULL));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_fusion_finalize (GObject * object)
{
  GstMmFusion *self = GST_MM_FUSION (object);
  g_free (self->model_path);
  g_free (self->labels_path);
  g_free (self->event_on);
  g_free (self->event_off);
  g_free (self->model_instance);
  gst_mm_fusion_meta_clear (&self->last);
  /* the spare blocks of the results built on the stack */
  GstMmFusionMeta spare = {.outputs = self->scratch,
    .all_scores = self->scratch_all
  };
  gst_mm_fusion_meta_clear (&spare);
  g_clear_pointer (&self->session, nn_session_free);
  g_clear_pointer (&self->outputs, mm_outputs_free);
  g_free (self->source);
  gst_clear_buffer (&self->seen);
  g_clear_pointer (&self->tick, mm_tick_free);
  if (self->model)
    drop_model (self->model, self->instance);
  g_rec_mutex_clear (&self->pads_lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

#define READY_ONLY (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)
#define ANY_STATE (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_PLAYING)

static void
gst_mm_fusion_class_init (GstMmFusionClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstAggregatorClass *agg_class = GST_AGGREGATOR_CLASS (klass);

  gobject_class->set_property = gst_mm_fusion_set_property;
  gobject_class->get_property = gst_mm_fusion_get_property;
  gobject_class->finalize = gst_mm_fusion_finalize;

  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "ONNX model file (inputs, preprocessing and labels come from its "
          "metadata_props); read again at every READY to PAUSED", NULL,
          READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_LABELS,
      g_param_spec_string ("labels", "Labels file",
          "Text file with one label a line, overriding the model's labels",
          NULL, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_uint64 ("interval", "Interval",
          "Run the model on the first frame at or after every interval "
          "(ns); 0 runs it on every frame", 0, G_MAXUINT64, DEFAULT_INTERVAL,
          ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_TOP_K,
      g_param_spec_uint ("top-k", "Top k", "Classes reported per result",
          1, GST_MM_FUSION_META_MAX_CLASSES, DEFAULT_TOP_K, ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
      g_param_spec_double ("threshold", "Threshold",
          "Classes scoring below this (after the output's activation) are "
          "not reported: the top-k of classes outputs, the classes listed "
          "for multi-label outputs", 0.0, 1.0, DEFAULT_THRESHOLD, ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_THREADS,
      g_param_spec_int ("threads", "Threads", "Threads the model runs on",
          1, 64, DEFAULT_THREADS, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_MISSING,
      g_param_spec_enum ("missing", "Missing input",
          "What a tick does when an input has no data for it",
          missing_get_type (), DEFAULT_MISSING, ANY_STATE));
  g_object_class_install_property (gobject_class, PROP_SMOOTHING,
      g_param_spec_enum ("smoothing", "Smoothing",
          "Smoothing of scores over successive results", smoothing_get_type (),
          DEFAULT_SMOOTHING, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_SMOOTHING_ALPHA,
      g_param_spec_double ("smoothing-alpha", "Smoothing alpha",
          "Weight of the newest result in the exponential average", 0.0, 1.0,
          DEFAULT_SMOOTHING_ALPHA, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_SMOOTHING_WINDOW,
      g_param_spec_uint ("smoothing-window", "Smoothing window",
          "Results averaged by smoothing=window", 1, 100,
          DEFAULT_SMOOTHING_WINDOW, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_EVENT_ON,
      g_param_spec_string ("event-on", "Event on",
          "Score at which a class's event starts: one value for every "
          "class (0.8) or per label (dog=0.8,cat=0.6); unset: no events",
          NULL, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_EVENT_OFF,
      g_param_spec_string ("event-off", "Event off",
          "Score below which an event ends (same form as event-on, at most "
          "its value); unset: the event-on value", NULL, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_ALL_SCORES,
      g_param_spec_boolean ("all-scores", "All scores",
          "Put every class's score in the meta, not only the top-k",
          DEFAULT_ALL_SCORES, ANY_STATE));
  /**
   * GstMmFusion:source:
   *
   * The stream's name in every result: the meta, the `mmfusion` and
   * `mmfusion-event` messages, the JSON records (`source`) and `{source}`
   * in mmpublish's MQTT topics. Unset: the element's name. Set it per
   * camera (`source=door`) when several streams share a back end.
   */
  g_object_class_install_property (gobject_class, PROP_SOURCE,
      g_param_spec_string ("source", "Source",
          "The stream's name in results, bus messages, JSON and MQTT topics "
          "(unset: the element's name)", DEFAULT_SOURCE, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters since start: inferences run, ticks skipped as late "
          "(skipped-ticks, QoS), inputs found missing (missing-inputs), "
          "mean and max inference time in ms; with a batched model-instance "
          "the size of the batches this element's ticks ran in "
          "(mean-batch-size, max-batch-size) and the time they waited for "
          "them (mean-batch-wait-ms, max-batch-wait-ms)", GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_MODEL_INSTANCE,
      g_param_spec_string ("model-instance", "Model instance",
          "Share one loaded model with the mmfusion elements of this process "
          "that name the same instance (the same model file and labels "
          "required); each keeps its own pads, synchronization, smoothing "
          "and events. Unset: a model of its own", NULL, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_BATCH_SIZE,
      g_param_spec_uint ("batch-size", "Batch size",
          "With model-instance: the most ticks of the sharing elements one "
          "run takes (one worker runs them as a batch); the same for every "
          "element of the instance. 1: each element runs its own ticks",
          1, 64, DEFAULT_BATCH_SIZE, READY_ONLY));
  g_object_class_install_property (gobject_class, PROP_BATCH_TIMEOUT,
      g_param_spec_uint64 ("batch-timeout", "Batch timeout",
          "With batch-size > 1: the longest a tick waits (ns) for others to "
          "fill its batch; live, never past the tick's deadline; added to "
          "the reported latency", 0, 10 * GST_SECOND, DEFAULT_BATCH_TIMEOUT,
          READY_ONLY));

  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_mm_fusion_release_pad);
  gst_element_class_set_static_metadata (element_class,
      "Audio-visual fusion inference", "Filter/Analyzer/Video/Audio",
      "Runs one ONNX model on synchronized video frames and audio feature "
      "windows; results as meta, bus messages and events",
      "gst-mmfusion authors");
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &sink_template, GST_TYPE_MM_FUSION_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &src_template, GST_TYPE_AGGREGATOR_PAD);

  agg_class->create_new_pad = GST_DEBUG_FUNCPTR (gst_mm_fusion_create_new_pad);
  agg_class->start = GST_DEBUG_FUNCPTR (gst_mm_fusion_start);
  agg_class->stop = GST_DEBUG_FUNCPTR (gst_mm_fusion_stop);
  agg_class->negotiate = GST_DEBUG_FUNCPTR (gst_mm_fusion_negotiate);
  agg_class->sink_query = GST_DEBUG_FUNCPTR (gst_mm_fusion_sink_query);
  agg_class->sink_event = GST_DEBUG_FUNCPTR (gst_mm_fusion_sink_event);
  agg_class->src_event = GST_DEBUG_FUNCPTR (gst_mm_fusion_src_event);
  agg_class->flush = GST_DEBUG_FUNCPTR (gst_mm_fusion_flush);
  agg_class->aggregate = GST_DEBUG_FUNCPTR (gst_mm_fusion_aggregate);
  agg_class->get_next_time = GST_DEBUG_FUNCPTR (gst_mm_fusion_get_next_time);

  gst_type_mark_as_plugin_api (GST_TYPE_MM_FUSION_PAD, 0);
  gst_type_mark_as_plugin_api (missing_get_type (), 0);
  gst_type_mark_as_plugin_api (smoothing_get_type (), 0);
  GST_DEBUG_CATEGORY_INIT (mm_fusion_debug, "mmfusion", 0,
      "mmfusion audio-visual inference");
}

static void
gst_mm_fusion_init (GstMmFusion * self)
{
  self->interval = DEFAULT_INTERVAL;
  self->top_k = DEFAULT_TOP_K;
  self->threshold = DEFAULT_THRESHOLD;
  self->threads = DEFAULT_THREADS;
  self->missing = DEFAULT_MISSING;
  self->smoothing = DEFAULT_SMOOTHING;
  self->smoothing_alpha = DEFAULT_SMOOTHING_ALPHA;
  self->smoothing_window = DEFAULT_SMOOTHING_WINDOW;
  self->all_scores = DEFAULT_ALL_SCORES;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->batch_timeout = DEFAULT_BATCH_TIMEOUT;
  self->last.event_class = -1;
  self->pipeline_latency = GST_CLOCK_TIME_NONE;
  g_rec_mutex_init (&self->pads_lock);
  gst_aggregator_set_latency (GST_AGGREGATOR (self), 0, 0);
}
