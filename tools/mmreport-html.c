/* mmreport: the page. Everything inline (CSS, SVG, script, JPEG in base64)
 * so the file opens anywhere, offline. Each timeline is decimated to one
 * min/max pair per pixel column, so an hour of results at 25 per second
 * draws as ~2000 points per class, and peaks are never lost.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "mmreport-private.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#define PLOT_X 44               /* left margin: score labels */
#define PLOT_W 1000             /* columns: one min/max pair each */
#define PLOT_Y 8
#define PLOT_H 64
#define SVG_W (PLOT_X + PLOT_W + 8)
#define SVG_H (PLOT_Y + PLOT_H + 22)

static const char style[] =
    "body{font:14px/1.4 'DejaVu Sans',sans-serif;margin:24px;color:#1d232b;"
    "background:#f6f7f9}h1{font-size:22px;margin:0 0 8px}"
    "h2{font-size:17px;margin:28px 0 8px}"
    "h3{font-size:15px;margin:0 0 4px}h3 small{font-weight:normal;color:#666}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;"
    "margin:0}dt{color:#666}dd{margin:0;word-break:break-all}"
    ".timeline{background:#fff;border:1px solid #dde1e6;border-radius:6px;"
    "padding:8px 12px;margin:8px 0}.chart{width:100%;height:auto;display:block}"
    ".score{fill:none;stroke:#1f5fbf;stroke-width:1.2}"
    ".span{fill:#e5484d;fill-opacity:.18;stroke:#e5484d;stroke-opacity:.5}"
    ".span.hl{fill-opacity:.45}.span-label{font-size:10px;fill:#b42318}"
    ".th-on{stroke:#e5484d;stroke-dasharray:6 4}"
    ".th-off{stroke:#f59e0b;stroke-dasharray:2 3}"
    ".axis{stroke:#9aa4b2}.tick{font-size:10px;fill:#5b6573}"
    ".grid{stroke:#eef0f3}"
    "table{border-collapse:collapse;background:#fff;width:100%}"
    "th,td{border-bottom:1px solid #e3e6ea;padding:4px 8px;text-align:left;"
    "vertical-align:middle}th{background:#eef1f5}tr.event{cursor:pointer}"
    "tr.event:hover{background:#f0f6ff}td.num{font-variant-numeric:"
    "tabular-nums}.thumb{display:block;border-radius:3px}"
    "#cursor{position:fixed;pointer-events:none;background:#1d232b;color:#fff;"
    "font-size:11px;padding:2px 5px;border-radius:3px;display:none}"
    ".note{color:#666;font-size:12px}";

/* clicking an event row marks its span and shows its timeline; hovering a
 * chart shows the time under the pointer */
static const char script[] =
    "(function(){"
    "var tip=document.getElementById('cursor');"
    "function fmt(t){var h=Math.floor(t/3600),m=Math.floor(t/60)%60,"
    "s=(t%60).toFixed(2);if(s.length<5)s='0'+s;"
    "return(h?h+':'+(m<10?'0':''):'')+m+':'+s;}"
    "document.querySelectorAll('svg.chart').forEach(function(svg){"
    "var t0=parseFloat(svg.dataset.t0),t1=parseFloat(svg.dataset.t1);"
    "svg.addEventListener('mousemove',function(ev){"
    "var r=svg.getBoundingClientRect(),k=r.width/" G_STRINGIFY (SVG_W) ";"
    "var x=(ev.clientX-r.left)/k-" G_STRINGIFY (PLOT_X) ";"
    "if(x<0||x>" G_STRINGIFY (PLOT_W) "){tip.style.display='none';return;}"
    "tip.textContent=fmt(t0+(t1-t0)*x/" G_STRINGIFY (PLOT_W) ");"
    "tip.style.left=(ev.clientX+12)+'px';tip.style.top=(ev.clientY+12)+'px';"
    "tip.style.display='block';});"
    "svg.addEventListener('mouseleave',function(){tip.style.display='none';});"
    "});"
    "document.querySelectorAll('tr.event').forEach(function(row){"
    "row.addEventListener('click',function(){"
    "document.querySelectorAll('.span.hl').forEach(function(s){"
    "s.classList.remove('hl');});"
    "var s=document.getElementById('span-'+row.dataset.index);"
    "if(s){s.classList.add('hl');s.closest('section').scrollIntoView("
    "{behavior:'smooth',block:'center'});}});});"
    "document.body.offsetHeight;"
    "document.body.dataset.renderMs=Math.round(performance.now());"
    "})();";

static gchar *
fmt_time (gdouble t)
{
  if (!isfinite (t) || t < 0)
    return g_strdup ("–");
  guint64 ms = (guint64) llround (t * 1000.0);
  guint h = ms / 3600000, m = (ms / 60000) % 60;
  gdouble s = (ms % 60000) / 1000.0;
  return h ? g_strdup_printf ("%u:%02u:%06.3f", h, m, s) :
      g_strdup_printf ("%u:%06.3f", m, s);
}

static gchar *
esc (const gchar * s)
{
  return g_markup_escape_text (s ? s : "", -1);
}

/* "0.8" (every class) or "a=0.8,b=0.6": the value for label, or NAN */
static gdouble
threshold_for (const gchar * spec, const gchar * label)
{
  if (!spec)
    return NAN;
  gdouble v = NAN;
  gchar **parts = g_strsplit (spec, ",", -1);
  for (gchar ** p = parts; *p; p++) {
    gchar *eq = strchr (*p, '=');
    if (!eq)
      v = g_ascii_strtod (*p, NULL);
    else if ((gsize) (eq - *p) == strlen (label)
        && !strncmp (*p, label, eq - *p))
      v = g_ascii_strtod (eq + 1, NULL);
  }
  g_strfreev (parts);
  return v;
}

static gint
by_priority (gconstpointer a, gconstpointer b)
{
  const MmSeries *x = *(MmSeries **) a, *y = *(MmSeries **) b;
  if ((x->n_events > 0) != (y->n_events > 0))
    return x->n_events > 0 ? -1 : 1;
  /* classes with events in label order; the others by their best score */
  if (x->n_events == 0 && x->max != y->max)
    return x->max > y->max ? -1 : 1;
  return g_utf8_collate (x->label, y->label);
}

static const MmEvent *const *sort_events;
static gint
by_peak (gconstpointer a, gconstpointer b)
{
  const MmEvent *x = sort_events[*(const guint *) a];
  const MmEvent *y = sort_events[*(const guint *) b];
  gfloat px = isnan (x->peak) ? -INFINITY : x->peak;
  gfloat py = isnan (y->peak) ? -INFINITY : y->peak;
  return px > py ? -1 : px < py ? 1 : 0;
}

static gint
by_index (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

/* a link from the page's folder to the clip */
static gchar *
clip_href (const gchar * clip, const gchar * dir)
{
  gchar *abs_dir = g_canonicalize_filename (dir, NULL);
  gchar *abs = g_canonicalize_filename (clip, NULL);
  gchar *href;
  gsize n = strlen (abs_dir);
  if (g_str_has_prefix (abs, abs_dir) && abs[n] == '/')
    href = g_uri_escape_string (abs + n + 1, "/", TRUE);
  else
    href = g_filename_to_uri (abs, NULL, NULL);
  g_free (abs);
  g_free (abs_dir);
  return href ? href : g_strdup ("");
}

static void
set_thumb (MmReport * r, MmEvent * e, gchar * thumb)
{
  g_free (e->thumb);
  e->thumb = thumb;
  if (thumb)
    r->n_thumbnails++;
}

/* peaks, clips, thumbnails */
static void
complete_events (MmReport * r, const gchar * dir)
{
  const gdouble *times = (const gdouble *) r->times->data;
  gdouble last = r->times->len ? times[r->times->len - 1] : 0.0;
  for (guint i = 0; i < r->events->len; i++) {
    MmEvent *e = g_ptr_array_index (r->events, i);
    if (e->open)
      e->end = MAX (e->end, last);
    MmSeries *s = mm_report_series (r, e->label);
    e->peak = NAN;
    e->peak_t = e->start;
    e->peak_rt = e->rt_start;
    for (guint j = 0; j < r->times->len; j++) {
      gfloat v = g_array_index (s->v, gfloat, j);
      if (times[j] < e->start || times[j] > e->end || isnan (v))
        continue;
      if (isnan (e->peak) || v > e->peak) {
        e->peak = v;
        e->peak_t = times[j];
        e->peak_rt = g_array_index (r->rts, GstClockTime, j);
      }
    }
    g_clear_pointer (&e->clip, g_free);
    e->clip_ref = NULL;
    for (guint k = 0; k < r->clips->len && !e->clip; k++) {
      MmClipRef *c = g_ptr_array_index (r->clips, k);
      gchar **cls = g_strsplit (c->classes, ",", -1);
      gboolean mine = !*c->classes
          || g_strv_contains ((const gchar * const *) cls, e->label);
      g_strfreev (cls);
      gboolean overlaps = !GST_CLOCK_TIME_IS_VALID (e->rt_start)
          || !GST_CLOCK_TIME_IS_VALID (c->start)
          || ((e->open || !GST_CLOCK_TIME_IS_VALID (c->end)
                  || e->rt_start <= c->end)
              && (!GST_CLOCK_TIME_IS_VALID (e->rt_end) || e->open
                  || e->rt_end >= c->start));
      if (mine && overlaps) {
        e->clip = clip_href (c->path, dir);
        e->clip_ref = c;
      }
    }
  }

  r->n_thumbnails = 0;
  guint n = MIN (r->events->len, r->max_thumbnails);
  if ((!r->media && r->clips->len == 0) || n == 0)
    return;
  /* the highest peaks get pictures, taken in media order */
  guint *idx = g_new (guint, r->events->len);
  for (guint i = 0; i < r->events->len; i++)
    idx[i] = i;
  sort_events = (const MmEvent * const *) r->events->pdata;
  qsort (idx, r->events->len, sizeof *idx, by_peak);
  qsort (idx, n, sizeof *idx, by_index);
  if (r->media) {
    gdouble *at = g_new (gdouble, n);
    for (guint i = 0; i < n; i++)
      at[i] = ((MmEvent *) g_ptr_array_index (r->events, idx[i]))->peak_t;
    gchar **thumbs = mm_thumbnails (r->media, at, n, r->thumb_width);
    for (guint i = 0; i < n; i++)
      set_thumb (r, g_ptr_array_index (r->events, idx[i]), thumbs[i]);
    g_free (thumbs);            /* the strings now belong to the events */
    g_free (at);
  } else {
    /* no media (a live source): the picture comes from the event's clip,
     * at the peak's running time less the clip's start */
    for (guint k = 0; k < r->clips->len; k++) {
      MmClipRef *c = g_ptr_array_index (r->clips, k);
      if (!g_file_test (c->path, G_FILE_TEST_IS_REGULAR))
        continue;
      GArray *at = g_array_new (FALSE, FALSE, sizeof (gdouble));
      GPtrArray *of = g_ptr_array_new ();
      for (guint i = 0; i < n; i++) {
        MmEvent *e = g_ptr_array_index (r->events, idx[i]);
        if (e->clip_ref != c || !GST_CLOCK_TIME_IS_VALID (e->peak_rt)
            || !GST_CLOCK_TIME_IS_VALID (c->start))
          continue;
        gdouble t = e->peak_rt > c->start ?
            (e->peak_rt - c->start) / (gdouble) GST_SECOND : 0.0;
        g_array_append_val (at, t);
        g_ptr_array_add (of, e);
      }
      if (of->len) {
        gchar **thumbs = mm_thumbnails (c->path, (gdouble *) at->data,
            of->len, r->thumb_width);
        for (guint i = 0; i < of->len; i++)
          set_thumb (r, g_ptr_array_index (of, i), thumbs[i]);
        g_free (thumbs);
      }
      g_ptr_array_unref (of);
      g_array_unref (at);
    }
  }
  g_free (idx);
}

/* x of a media time in the plot */
static gdouble
x_of (gdouble t, gdouble t0, gdouble t1)
{
  return PLOT_X + (t - t0) / (t1 - t0) * PLOT_W;
}

static void
write_axis (FILE * out, gdouble t0, gdouble t1)
{
  static const gdouble steps[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60,
    120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400
  };
  gdouble step = steps[G_N_ELEMENTS (steps) - 1];
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if ((t1 - t0) / steps[i] <= 10) {
      step = steps[i];
      break;
    }
  fprintf (out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
      "y2=\"%d\"/>", PLOT_X, PLOT_Y + PLOT_H, PLOT_X + PLOT_W, PLOT_Y + PLOT_H);
  for (gdouble t = ceil (t0 / step) * step; t <= t1 + 1e-9; t += step) {
    gdouble x = x_of (t, t0, t1);
    gchar *label = fmt_time (t);
    /* whole seconds need no milliseconds */
    if (step >= 1 && strchr (label, '.'))
      *strchr (label, '.') = '\0';
    fprintf (out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
        "y2=\"%d\"/><text class=\"tick\" x=\"%.1f\" y=\"%d\" "
        "text-anchor=\"middle\">%s</text>", x, PLOT_Y, x, PLOT_Y + PLOT_H, x,
        PLOT_Y + PLOT_H + 14, label);
    g_free (label);
  }
}

static void
write_timeline (FILE * out, MmReport * r, MmSeries * s, guint index,
    gdouble t0, gdouble t1)
{
  /* scores of an activation lie in [0, 1]; anything else is scaled to
   * its own range */
  gdouble lo = 0, hi = 1;
  if (s->min < 0 || s->max > 1) {
    lo = MIN (0, s->min);
    hi = MAX (s->max, lo + 1e-6);
  }
#define Y(v) (PLOT_Y + PLOT_H - ((v) - lo) / (hi - lo) * PLOT_H)
  gchar *label = esc (s->label);
  fprintf (out, "<section class=\"timeline\" id=\"timeline-%u\" "
      "data-class=\"%s\"><h3>%s <small>highest %.3g · %u event%s</small></h3>"
      "<svg class=\"chart\" viewBox=\"0 0 %d %d\" data-t0=\"%.6f\" "
      "data-t1=\"%.6f\" role=\"img\" aria-label=\"score of %s over time\">",
      index, label, label, isfinite (s->max) ? s->max : 0.0, s->n_events,
      s->n_events == 1 ? "" : "s", SVG_W, SVG_H, t0, t1, label);
  write_axis (out, t0, t1);
  fprintf (out, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" "
      "text-anchor=\"end\">%.3g</text><text class=\"tick\" x=\"%d\" "
      "y=\"%.1f\" text-anchor=\"end\">%.3g</text>", PLOT_X - 4, Y (hi) + 4,
      hi, PLOT_X - 4, Y (lo), lo);

  /* event spans under the curve */
  for (guint i = 0; i < r->events->len; i++) {
    MmEvent *e = g_ptr_array_index (r->events, i);
    if (strcmp (e->label, s->label))
      continue;
    gdouble x0 = x_of (e->start, t0, t1), x1 = x_of (e->end, t0, t1);
    fprintf (out, "<rect class=\"span\" id=\"span-%u\" data-class=\"%s\" "
        "data-start=\"%.6f\" data-end=\"%.6f\" x=\"%.2f\" y=\"%d\" "
        "width=\"%.2f\" height=\"%d\"><title>%s %.3f – %.3f s, peak %.3g"
        "</title></rect><text class=\"span-label\" x=\"%.2f\" y=\"%d\">%s"
        "</text>", i, label, e->start, e->end, x0, PLOT_Y, MAX (x1 - x0, 1.0),
        PLOT_H, label, e->start, e->end, isnan (e->peak) ? 0.0 : e->peak,
        x0 + 2, PLOT_Y + 10, label);
  }
  if (isfinite (s->on))
    fprintf (out, "<line class=\"th-on\" x1=\"%d\" x2=\"%d\" y1=\"%.2f\" "
        "y2=\"%.2f\"><title>event-on %.3g</title></line>", PLOT_X,
        PLOT_X + PLOT_W, Y (s->on), Y (s->on), s->on);
  if (isfinite (s->off) && s->off != s->on)
    fprintf (out, "<line class=\"th-off\" x1=\"%d\" x2=\"%d\" y1=\"%.2f\" "
        "y2=\"%.2f\"><title>event-off %.3g</title></line>", PLOT_X,
        PLOT_X + PLOT_W, Y (s->off), Y (s->off), s->off);

  /* one min/max pair per column; a class absent from a result (outside
   * its top-k) counts as 0 */
  gfloat *mn = g_new (gfloat, PLOT_W), *mx = g_new (gfloat, PLOT_W);
  for (guint c = 0; c < PLOT_W; c++) {
    mn[c] = INFINITY;
    mx[c] = -INFINITY;
  }
  const gdouble *times = (const gdouble *) r->times->data;
  for (guint j = 0; j < r->times->len; j++) {
    gint c = (gint) ((times[j] - t0) / (t1 - t0) * PLOT_W);
    c = CLAMP (c, 0, PLOT_W - 1);
    gfloat v = g_array_index (s->v, gfloat, j);
    if (isnan (v))
      v = 0;
    mn[c] = MIN (mn[c], v);
    mx[c] = MAX (mx[c], v);
  }
  fputs ("<polyline class=\"score\" points=\"", out);
  for (guint c = 0; c < PLOT_W; c++) {
    if (!isfinite (mx[c]))
      continue;
    gdouble x = PLOT_X + c + 0.5;
    fprintf (out, "%.1f,%.1f ", x, Y (mx[c]));
    if (mn[c] != mx[c])
      fprintf (out, "%.1f,%.1f ", x, Y (mn[c]));
  }
  fputs ("\"/></svg></section>\n", out);
  g_free (mn);
  g_free (mx);
  g_free (label);
#undef Y
}

static void
write_events_table (FILE * out, MmReport * r)
{
  fputs ("<table id=\"events\"><thead><tr><th>#</th><th>class</th>"
      "<th>start</th><th>end</th><th>duration</th><th>peak</th>"
      "<th>picture at the peak</th><th>clip</th></tr></thead><tbody>\n", out);
  for (guint i = 0; i < r->events->len; i++) {
    MmEvent *e = g_ptr_array_index (r->events, i);
    gchar *label = esc (e->label);
    gchar *start = fmt_time (e->start), *end = fmt_time (e->end);
    gchar *peak_t = fmt_time (e->peak_t);
    fprintf (out, "<tr class=\"event\" data-index=\"%u\" data-class=\"%s\" "
        "data-start=\"%.6f\" data-end=\"%.6f\"><td class=\"num\">%u</td>"
        "<td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s%s</td>"
        "<td class=\"num\">%.3f s</td>", i, label, e->start, e->end, i + 1,
        label, start, end, e->open ? " (open)" : "", e->end - e->start);
    if (isnan (e->peak))
      fputs ("<td>–</td>", out);
    else
      fprintf (out, "<td class=\"num\">%.3f at %s</td>", e->peak, peak_t);
    if (e->thumb)
      fprintf (out, "<td><img class=\"thumb\" width=\"%u\" alt=\"%s at %s\" "
          "src=\"data:image/jpeg;base64,%s\"></td>", r->thumb_width, label,
          peak_t, e->thumb);
    else
      fputs ("<td></td>", out);
    if (e->clip) {
      gchar *href = esc (e->clip);
      const gchar *slash = strrchr (e->clip, '/');
      gchar *name = esc (slash ? slash + 1 : e->clip);
      fprintf (out, "<td><a class=\"clip\" href=\"%s\">%s</a></td>", href,
          name);
      g_free (name);
      g_free (href);
    } else {
      fputs ("<td></td>", out);
    }
    fputs ("</tr>\n", out);
    g_free (label);
    g_free (start);
    g_free (end);
    g_free (peak_t);
  }
  fputs ("</tbody></table>\n", out);
}

gboolean
mm_report_write_html (MmReport * r, FILE * out, const gchar * dir,
    GError ** error)
{
  for (guint i = 0; i < r->series->len; i++) {
    MmSeries *s = g_ptr_array_index (r->series, i);
    s->on = threshold_for (r->event_on, s->label);
    s->off = threshold_for (r->event_off, s->label);
    if (!isfinite (s->off))
      s->off = s->on;
  }
  complete_events (r, dir);

  const gdouble *times = (const gdouble *) r->times->data;
  gdouble t0 = r->times->len ? times[0] : 0, t1 = t0;
  for (guint j = 0; j < r->times->len; j++) {
    t0 = MIN (t0, times[j]);
    t1 = MAX (t1, times[j]);
  }
  for (guint i = 0; i < r->events->len; i++) {
    MmEvent *e = g_ptr_array_index (r->events, i);
    t0 = MIN (t0, e->start);
    t1 = MAX (t1, e->end);
  }
  if (t1 <= t0)
    t1 = t0 + 1;

  const gchar *model = r->user_model ? r->user_model : r->model;
  const gchar *source = r->user_source ? r->user_source : r->source;
  gchar *e_model = esc (model ? model : "unknown");
  gchar *e_source = esc (source ? source : "unknown");
  gchar *e_media = esc (r->media ? r->media : "not given");
  gchar *e_on = esc (r->event_on ? r->event_on : "not given");
  gchar *e_off = esc (r->event_off ? r->event_off : "not given");
  gchar *span0 = fmt_time (t0), *span1 = fmt_time (t1);
  GDateTime *now = g_date_time_new_now_utc ();
  gchar *when = g_date_time_format (now, "%Y-%m-%d %H:%M:%S UTC");
  g_date_time_unref (now);

  fprintf (out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
      "charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
      "<title>mmfusion report: %s</title><style>%s</style></head><body>\n"
      "<h1>mmfusion report: %s</h1><dl id=\"info\">"
      "<dt>model</dt><dd id=\"model\">%s</dd><dt>source</dt><dd id=\"source\">"
      "%s</dd><dt>media</dt><dd>%s</dd><dt>results</dt><dd>%u, from %s to "
      "%s</dd><dt>events</dt><dd>%u</dd><dt>event-on / event-off</dt>"
      "<dd>%s / %s</dd><dt>made</dt><dd>%s</dd></dl>\n",
      e_source, style, e_source, e_model, e_source, e_media, r->times->len,
      span0, span1, r->events->len, e_on, e_off, when);

  GPtrArray *shown = g_ptr_array_new ();
  for (guint i = 0; i < r->series->len; i++)
    g_ptr_array_add (shown, g_ptr_array_index (r->series, i));
  g_ptr_array_sort (shown, by_priority);
  guint n_shown = MIN (shown->len, r->max_classes);
  fprintf (out, "<h2>Scores over time</h2>");
  if (shown->len > n_shown)
    fprintf (out, "<p class=\"note\">%u of %u classes: those with events, "
        "then the highest scores.</p>", n_shown, shown->len);
  fputs ("<p class=\"note\">Shaded: events. Dashed: event-on (red) and "
      "event-off (orange) thresholds. A class outside a result's top-k is "
      "drawn at 0.</p>\n", out);
  for (guint i = 0; i < n_shown; i++)
    write_timeline (out, r, g_ptr_array_index (shown, i), i, t0, t1);
  g_ptr_array_unref (shown);

  fprintf (out, "<h2>Events</h2>\n");
  write_events_table (out, r);
  fprintf (out, "<div id=\"cursor\"></div><script>%s</script></body>"
      "</html>\n", script);

  g_free (e_model);
  g_free (e_source);
  g_free (e_media);
  g_free (e_on);
  g_free (e_off);
  g_free (span0);
  g_free (span1);
  g_free (when);
  if (ferror (out)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "write failed");
    return FALSE;
  }
  return TRUE;
}
