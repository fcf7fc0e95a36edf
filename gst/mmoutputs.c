/* Reading every model output into a result (see mmoutputs.h).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmoutputs.h"

#include <math.h>
#include <string.h>

/* seconds from the NTP epoch (1900) to the Unix epoch (1970) */
#define NTP_UNIX_OFFSET_S G_GUINT64_CONSTANT (2208988800)

typedef struct {
  MmResults *results;
  GstClockTime *start;          /* per class: running time of its event's start */
  /* this result's entries, handed to the meta */
  gint *ids;
  GQuark *labels;
  gfloat *values;
} OutputState;

struct _MmOutputs {
  const MmModel *model;
  OutputState out[MM_MODEL_MAX_OUTPUTS];
  MmEventChange *changes;       /* the largest output's classes */
  GstMmFusionEvent *events;     /* every class of every output */
  /* the output whose top-k fills the meta's fields from before output
   * kinds: the first that is not a regression, or -1 */
  gint legacy;
};

static gboolean
has_events (const MmModelOutput * mo)
{
  return mo->kind != MM_OUTPUT_REGRESSION;
}

gsize
mm_outputs_state_bytes (const MmModel * model, const MmOutputsConfig * c)
{
  if (c->smoothing != MM_SMOOTHING_WINDOW)
    return 0;
  gsize total = 0;
  for (guint i = 0; i < model->n_outputs; i++)
    total += (gsize) model->outputs[i].n * c->window * sizeof (gfloat);
  return total;
}

/* an event value a class's scores can reach: softmax and sigmoid give
 * probabilities, so values outside 0 to 1 are a mistake (no event would
 * ever start, or one would never end) */
static gboolean
check_range (const MmModel * model, gfloat ** v, const char *what,
    GError ** error)
{
  for (guint o = 0; o < model->n_outputs; o++) {
    const MmModelOutput *mo = &model->outputs[o];
    if (!has_events (mo) || mo->activation == MM_ACTIVATION_NONE)
      continue;
    for (guint i = 0; i < mo->n; i++)
      if (!isnan (v[o][i]) && (v[o][i] < 0.0f || v[o][i] > 1.0f)) {
        g_set_error (error, MM_MODEL_ERROR, 0, "%s=%g for class '%s' of "
            "output '%s': its scores (%s) are probabilities, 0 to 1",
            what, v[o][i], mo->labels[i], mo->name,
            mo->activation == MM_ACTIVATION_SOFTMAX ? "softmax" : "sigmoid");
        return FALSE;
      }
  }
  return TRUE;
}

MmOutputs *
mm_outputs_new (const MmModel * model, const MmOutputsConfig * c,
    GError ** error)
{
  MmOutputs *o = g_new0 (MmOutputs, 1);
  o->model = model;
  o->legacy = -1;
  guint max_n = 1, total = 0;
  gfloat *on[MM_MODEL_MAX_OUTPUTS], *off[MM_MODEL_MAX_OUTPUTS];
  for (guint i = 0; i < model->n_outputs; i++) {
    const MmModelOutput *mo = &model->outputs[i];
    OutputState *s = &o->out[i];
    s->results = mm_results_new (mo->n, mo->activation);
    mm_results_set_smoothing (s->results, c->smoothing, c->alpha, c->window);
    s->start = g_new (GstClockTime, mo->n);
    s->ids = g_new (gint, mo->n);
    s->labels = g_new (GQuark, mo->n);
    s->values = g_new (gfloat, mo->n);
    on[i] = g_new (gfloat, mo->n);
    off[i] = g_new (gfloat, mo->n);
    max_n = MAX (max_n, mo->n);
    total += mo->n;
    if (o->legacy < 0 && has_events (mo))
      o->legacy = (gint) i;
  }
  o->changes = g_new (MmEventChange, max_n);
  o->events = g_new (GstMmFusionEvent, MAX (total, 1));
  gboolean ok = mm_results_parse_thresholds_outputs (c->event_on, model, on,
      error)
      && mm_results_parse_thresholds_outputs (c->event_off ? c->event_off :
      c->event_on, model, off, error)
      && check_range (model, on, "event-on", error)
      && check_range (model, off, "event-off", error);
  for (guint i = 0; i < model->n_outputs; i++) {
    if (ok) {
      for (guint k = 0; k < model->outputs[i].n; k++)
        if (off[i][k] > on[i][k])
          off[i][k] = on[i][k]; /* hysteresis needs off <= on */
      mm_results_set_events (o->out[i].results, on[i], off[i]);
    }
    g_free (on[i]);
    g_free (off[i]);
  }
  if (!ok) {
    mm_outputs_free (o);
    return NULL;
  }
  return o;
}

void
mm_outputs_free (MmOutputs * o)
{
  if (!o)
    return;
  for (guint i = 0; i < MM_MODEL_MAX_OUTPUTS; i++) {
    OutputState *s = &o->out[i];
    mm_results_free (s->results);
    g_free (s->start);
    g_free (s->ids);
    g_free (s->labels);
    g_free (s->values);
  }
  g_free (o->changes);
  g_free (o->events);
  g_free (o);
}

void
mm_outputs_reset (MmOutputs * o)
{
  for (guint i = 0; i < o->model->n_outputs; i++)
    mm_results_reset (o->out[i].results);
}

/* best first; equal scores in the model's order, so results repeat */
static gint
by_score (gconstpointer a, gconstpointer b, gpointer data)
{
  const gfloat *v = data;
  gint ia = *(const gint *) a, ib = *(const gint *) b;
  if (v[ia] != v[ib])
    return v[ia] > v[ib] ? -1 : 1;
  return ia - ib;
}

/* the entries of output i for this result; returns how many */
static guint
entries (MmOutputs * o, guint i, guint top_k, gfloat threshold)
{
  const MmModelOutput *mo = &o->model->outputs[i];
  OutputState *s = &o->out[i];
  const gfloat *v = mm_results_scores (s->results);
  guint n = 0;
  if (mo->kind == MM_OUTPUT_CLASSES) {
    n = mm_results_top (s->results, MIN (top_k,
            GST_MM_FUSION_META_MAX_CLASSES), threshold, s->ids, s->values);
  } else {
    for (guint k = 0; k < mo->n; k++)
      if (mo->kind == MM_OUTPUT_REGRESSION || v[k] >= threshold)
        s->ids[n++] = (gint) k;
    if (mo->kind == MM_OUTPUT_MULTI_LABEL)
      g_qsort_with_data (s->ids, n, sizeof (gint), by_score, (gpointer) v);
    for (guint k = 0; k < n; k++)
      s->values[k] = v[s->ids[k]];
  }
  for (guint k = 0; k < n; k++)
    s->labels[k] = mo->label_quarks[s->ids[k]];
  return n;
}

void
mm_outputs_read (MmOutputs * o, const gfloat * const *data, GstClockTime t,
    guint top_k, gfloat threshold, gboolean all_scores,
    GstMmFusionMeta * result)
{
  const MmModel *model = o->model;
  GstMmFusionOutput outs[MM_MODEL_MAX_OUTPUTS];
  guint n_events = 0;
  for (guint i = 0; i < model->n_outputs; i++) {
    const MmModelOutput *mo = &model->outputs[i];
    OutputState *s = &o->out[i];
    guint n_changes = mm_results_update (s->results, data[i], o->changes);
    /* the events of this output: those that started or ended now, and
     * those that go on, in class order */
    guint c = 0;
    for (guint k = 0; has_events (mo) && k < mo->n; k++) {
      GstMmFusionEvent *e = &o->events[n_events];
      gfloat peak;
      if (c < n_changes && o->changes[c].class_id == (gint) k) {
        const MmEventChange *ch = &o->changes[c++];
        if (ch->start)
          s->start[k] = t;
        e->state = ch->start ? GST_MM_FUSION_EVENT_START :
            GST_MM_FUSION_EVENT_END;
        e->peak = ch->peak;
      } else if (mm_results_event_on (s->results, k, &peak)) {
        e->state = GST_MM_FUSION_EVENT_ON;
        e->peak = peak;
      } else {
        continue;
      }
      e->output = i;
      e->class_id = (gint) k;
      e->label = mo->label_quarks[k];
      e->start = s->start[k];
      e->duration = GST_CLOCK_TIME_IS_VALID (t)
          && GST_CLOCK_TIME_IS_VALID (s->start[k]) && t >= s->start[k] ?
          t - s->start[k] : GST_CLOCK_TIME_NONE;
      e->score = mm_results_scores (s->results)[k];
      n_events++;
    }
    GstMmFusionOutput *out = &outs[i];
    out->name = g_quark_from_string (mo->name);
    out->kind = (GstMmFusionOutputKind) mo->kind;
    out->units = mo->units ? g_quark_from_string (mo->units) : 0;
    out->n = entries (o, i, top_k, threshold);
    out->ids = s->ids;
    out->labels = s->labels;
    out->values = s->values;
    gboolean all = all_scores && mo->kind != MM_OUTPUT_REGRESSION;
    out->n_all = all ? mo->n : 0;
    out->all = all ? mm_results_scores (s->results) : NULL;
  }
  gst_mm_fusion_meta_set_outputs (result, outs, model->n_outputs, o->events,
      n_events);

  /* the fields from before output kinds: the first output with classes */
  result->event_class = -1;
  if (o->legacy < 0)
    return;
  const GstMmFusionOutput *first = &outs[o->legacy];
  guint n = MIN (first->n, GST_MM_FUSION_META_MAX_CLASSES);
  if (first->kind == GST_MM_FUSION_OUTPUT_MULTI_LABEL)
    n = MIN (n, top_k);
  gst_mm_fusion_meta_set_classes (result, n, first->ids, first->labels,
      first->values);
  if (all_scores)
    gst_mm_fusion_meta_set_all_scores (result, model->outputs[o->legacy].n,
        mm_results_scores (o->out[o->legacy].results));
  result->event_class =
      mm_results_active_event (o->out[o->legacy].results);
}

void
mm_outputs_read_session (MmOutputs * o, nn_session * session, guint row,
    GstClockTime t, guint top_k, gfloat threshold, gboolean all_scores,
    GstMmFusionMeta * result)
{
  const gfloat *data[MM_MODEL_MAX_OUTPUTS];
  for (guint i = 0; i < o->model->n_outputs; i++) {
    const MmModelOutput *mo = &o->model->outputs[i];
    const nn_tensor *y = nn_session_output (session, mo->index);
    data[i] = (const gfloat *) y->data + (gsize) row * mo->n;
  }
  mm_outputs_read (o, data, t, top_k, threshold, all_scores, result);
}

guint64
mm_outputs_capture_utc (GstElement * element, GstBuffer * buffer,
    GstClockTime t)
{
  static GstStaticCaps ntp = GST_STATIC_CAPS ("timestamp/x-ntp");
  static GstStaticCaps unix_time = GST_STATIC_CAPS ("timestamp/x-unix");
  if (buffer) {
    GstCaps *caps = gst_static_caps_get (&ntp);
    GstReferenceTimestampMeta *r =
        gst_buffer_get_reference_timestamp_meta (buffer, caps);
    gst_caps_unref (caps);
    if (r && r->timestamp >= NTP_UNIX_OFFSET_S * GST_SECOND)
      return r->timestamp - NTP_UNIX_OFFSET_S * GST_SECOND;
    caps = gst_static_caps_get (&unix_time);
    r = gst_buffer_get_reference_timestamp_meta (buffer, caps);
    gst_caps_unref (caps);
    if (r && GST_CLOCK_TIME_IS_VALID (r->timestamp))
      return r->timestamp;
  }
  guint64 real = (guint64) g_get_real_time () * 1000;
  /* before PLAYING (a preroll) the base time is not set: no mapping */
  GST_OBJECT_LOCK (element);
  gboolean playing = GST_STATE (element) == GST_STATE_PLAYING;
  GST_OBJECT_UNLOCK (element);
  GstClock *clock = playing ? gst_element_get_clock (element) : NULL;
  if (!clock || !GST_CLOCK_TIME_IS_VALID (t)) {
    if (clock)
      gst_object_unref (clock);
    return real;
  }
  /* the frame's clock time is base time + running time; how long ago
   * that was on the pipeline's clock is how long ago on the wall clock */
  GstClockTime now = gst_clock_get_time (clock);
  GstClockTime at = gst_element_get_base_time (element) + t;
  gst_object_unref (clock);
  gint64 ago = (gint64) now - (gint64) at;
  return ago > 0 && (guint64) ago > real ? 0 : (guint64) ((gint64) real - ago);
}
