/* Scoring, smoothing, top-k and events for mmfusion.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmresults.h"

#include <math.h>
#include <string.h>

#define MAX_WINDOW 100

struct _MmResults {
  guint n;
  MmActivation activation;
  MmSmoothing smoothing;
  gdouble alpha;
  guint window;
  gfloat *current;              /* after activation */
  gfloat *smoothed;
  gfloat *history;              /* window * n, ring; smoothing=window only */
  guint history_len, history_at;
  gboolean have;
  gfloat *on, *off;
  gboolean *active;
  gfloat *peak;                 /* while active: the highest score */
};

MmResults *
mm_results_new (guint n, MmActivation activation)
{
  MmResults *r = g_new0 (MmResults, 1);
  r->n = n;
  r->activation = activation;
  r->current = g_new0 (gfloat, MAX (n, 1));
  r->smoothed = g_new0 (gfloat, MAX (n, 1));
  r->on = g_new (gfloat, MAX (n, 1));
  r->off = g_new (gfloat, MAX (n, 1));
  r->active = g_new0 (gboolean, MAX (n, 1));
  r->peak = g_new0 (gfloat, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    r->on[i] = r->off[i] = NAN;
  r->window = 1;
  r->alpha = 1.0;
  return r;
}

void
mm_results_free (MmResults * r)
{
  if (!r)
    return;
  g_free (r->current);
  g_free (r->smoothed);
  g_free (r->history);
  g_free (r->on);
  g_free (r->off);
  g_free (r->active);
  g_free (r->peak);
  g_free (r);
}

void
mm_results_set_smoothing (MmResults * r, MmSmoothing mode, gdouble alpha,
    guint window)
{
  r->smoothing = mode;
  r->alpha = CLAMP (alpha, 0.0, 1.0);
  r->window = CLAMP (window, 1, MAX_WINDOW);
  /* the history only for the mode that reads it, sized by its window */
  g_clear_pointer (&r->history, g_free);
  if (mode == MM_SMOOTHING_WINDOW)
    r->history = g_new0 (gfloat, (gsize) MAX (r->n, 1) * r->window);
  mm_results_reset (r);
}

void
mm_results_set_events (MmResults * r, const gfloat * on, const gfloat * off)
{
  memcpy (r->on, on, r->n * sizeof (gfloat));
  memcpy (r->off, off, r->n * sizeof (gfloat));
  memset (r->active, 0, r->n * sizeof (gboolean));
}

void
mm_results_reset (MmResults * r)
{
  r->have = FALSE;
  r->history_len = r->history_at = 0;
  memset (r->active, 0, r->n * sizeof (gboolean));
}

static void
activate (MmResults * r, const gfloat * raw)
{
  if (r->activation == MM_ACTIVATION_SOFTMAX) {
    gfloat mx = -INFINITY, sum = 0.0f;
    for (guint i = 0; i < r->n; i++)
      mx = MAX (mx, raw[i]);
    for (guint i = 0; i < r->n; i++) {
      r->current[i] = expf (raw[i] - mx);
      sum += r->current[i];
    }
    for (guint i = 0; i < r->n; i++)
      r->current[i] /= sum;
  } else if (r->activation == MM_ACTIVATION_SIGMOID) {
    for (guint i = 0; i < r->n; i++)
      r->current[i] = 1.0f / (1.0f + expf (-raw[i]));
  } else {
    memcpy (r->current, raw, r->n * sizeof (gfloat));
  }
}

guint
mm_results_update (MmResults * r, const gfloat * raw, MmEventChange * changes)
{
  activate (r, raw);
  if (r->smoothing == MM_SMOOTHING_EMA && r->have) {
    for (guint i = 0; i < r->n; i++)
      r->smoothed[i] = (gfloat) (r->alpha * r->current[i]
          + (1.0 - r->alpha) * r->smoothed[i]);
  } else if (r->smoothing == MM_SMOOTHING_WINDOW) {
    memcpy (r->history + (gsize) r->history_at * r->n, r->current,
        r->n * sizeof (gfloat));
    r->history_at = (r->history_at + 1) % r->window;
    r->history_len = MIN (r->history_len + 1, r->window);
    for (guint i = 0; i < r->n; i++) {
      gfloat acc = 0.0f;
      for (guint k = 0; k < r->history_len; k++)
        acc += r->history[(gsize) k * r->n + i];
      r->smoothed[i] = acc / r->history_len;
    }
  } else {
    memcpy (r->smoothed, r->current, r->n * sizeof (gfloat));
  }
  r->have = TRUE;

  guint n_changes = 0;
  for (guint i = 0; i < r->n; i++) {
    if (isnan (r->on[i]))
      continue;
    gfloat s = r->smoothed[i];
    if (!r->active[i] && s >= r->on[i]) {
      r->active[i] = TRUE;
      r->peak[i] = s;
      changes[n_changes++] = (MmEventChange) {
      i, TRUE, s, s};
    } else if (r->active[i] && s < r->off[i]) {
      r->active[i] = FALSE;
      changes[n_changes++] = (MmEventChange) {
      i, FALSE, s, r->peak[i]};
    } else if (r->active[i] && s > r->peak[i]) {
      r->peak[i] = s;
    }
  }
  return n_changes;
}

const gfloat *
mm_results_scores (const MmResults * r)
{
  return r->smoothed;
}

guint
mm_results_top (const MmResults * r, guint k, gfloat threshold, gint * ids,
    gfloat * scores)
{
  guint count = 0;
  /* selection by repeated scans: k is small */
  for (guint slot = 0; slot < k; slot++) {
    gint best = -1;
    for (guint i = 0; i < r->n; i++) {
      gboolean taken = FALSE;
      for (guint j = 0; j < count; j++)
        taken = taken || ids[j] == (gint) i;
      if (!taken && r->smoothed[i] >= threshold
          && (best < 0 || r->smoothed[i] > r->smoothed[best]))
        best = (gint) i;
    }
    if (best < 0)
      break;
    ids[count] = best;
    scores[count++] = r->smoothed[best];
  }
  return count;
}

gboolean
mm_results_event_on (const MmResults * r, guint i, gfloat * peak)
{
  if (i >= r->n || !r->active[i])
    return FALSE;
  if (peak)
    *peak = r->peak[i];
  return TRUE;
}

gint
mm_results_active_event (const MmResults * r)
{
  gint best = -1;
  for (guint i = 0; i < r->n; i++)
    if (r->active[i] && (best < 0 || r->smoothed[i] > r->smoothed[best]))
      best = (gint) i;
  return best;
}

/* one item of an event-on/off list, cut in place: "0.8" (label NULL) or
 * "label=0.8" */
static gboolean
parse_item (gchar * text, const gchar ** label, gdouble * v, GError ** error)
{
  gchar *item = g_strstrip (text);
  gchar *eq = strchr (item, '=');
  const gchar *num = eq ? eq + 1 : item;
  char *end;
  *v = g_ascii_strtod (num, &end);
  if (end == num || *end != '\0' || !isfinite (*v)) {
    g_set_error (error, MM_MODEL_ERROR, 0, "'%s' is not a threshold "
        "(expected a finite number: 0.8 or label=0.8)", item);
    return FALSE;
  }
  if (eq)
    *eq = '\0';
  *label = eq ? g_strstrip (item) : NULL;
  return TRUE;
}

gboolean
mm_results_parse_thresholds_outputs (const gchar * spec,
    const MmModel * model, gfloat ** out, GError ** error)
{
  for (guint o = 0; o < model->n_outputs; o++)
    for (guint i = 0; i < model->outputs[o].n; i++)
      out[o][i] = NAN;
  if (!spec || !*spec)
    return TRUE;
  gchar **parts = g_strsplit (spec, ",", -1);
  gboolean ok = TRUE;
  for (gchar ** p = parts; ok && *p; p++) {
    const gchar *label;
    gdouble v;
    if (!(ok = parse_item (*p, &label, &v, error)))
      break;
    gboolean found = FALSE;
    for (guint o = 0; o < model->n_outputs; o++) {
      const MmModelOutput *mo = &model->outputs[o];
      if (mo->kind == MM_OUTPUT_REGRESSION)
        continue;
      for (guint i = 0; i < mo->n; i++)
        if (!label || strcmp (mo->labels[i], label) == 0) {
          out[o][i] = (gfloat) v;
          found = TRUE;
        }
    }
    if (label && !found) {
      g_set_error (error, MM_MODEL_ERROR, 0, "the model has no class '%s'",
          label);
      ok = FALSE;
    }
  }
  g_strfreev (parts);
  return ok;
}
