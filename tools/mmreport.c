/* mmreport: reading mmfusion's JSON Lines records into a report.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "mmreport-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static void
series_free (gpointer p)
{
  MmSeries *s = p;
  g_free (s->label);
  g_array_unref (s->v);
  g_free (s);
}

static void
event_free (gpointer p)
{
  MmEvent *e = p;
  g_free (e->label);
  g_free (e->clip);
  g_free (e->thumb);
  g_free (e);
}

static void
clip_ref_free (gpointer p)
{
  MmClipRef *c = p;
  g_free (c->path);
  g_free (c->classes);
  g_free (c);
}

MmReport *
mm_report_new (void)
{
  MmReport *r = g_new0 (MmReport, 1);
  r->times = g_array_new (FALSE, FALSE, sizeof (gdouble));
  r->rts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  r->series = g_ptr_array_new_with_free_func (series_free);
  r->by_label = g_hash_table_new (g_str_hash, g_str_equal);
  r->events = g_ptr_array_new_with_free_func (event_free);
  r->open_events = g_hash_table_new (g_str_hash, g_str_equal);
  r->clips = g_ptr_array_new_with_free_func (clip_ref_free);
  r->max_classes = 12;
  r->max_thumbnails = 300;
  r->thumb_width = 160;
  return r;
}

void
mm_report_free (MmReport * r)
{
  if (!r)
    return;
  g_hash_table_unref (r->by_label);
  g_hash_table_unref (r->open_events);
  g_ptr_array_unref (r->series);
  g_ptr_array_unref (r->events);
  g_ptr_array_unref (r->clips);
  g_array_unref (r->times);
  g_array_unref (r->rts);
  g_free (r->model);
  g_free (r->source);
  g_free (r->media);
  g_free (r->user_model);
  g_free (r->user_source);
  g_free (r->event_on);
  g_free (r->event_off);
  g_free (r);
}

MmSeries *
mm_report_series (MmReport * r, const gchar * label)
{
  MmSeries *s = g_hash_table_lookup (r->by_label, label);
  if (s)
    return s;
  s = g_new0 (MmSeries, 1);
  s->label = g_strdup (label);
  s->v = g_array_sized_new (FALSE, FALSE, sizeof (gfloat), r->times->len);
  gfloat nan = NAN;
  for (guint i = 0; i < r->times->len; i++)
    g_array_append_val (s->v, nan);
  s->max = -INFINITY;
  s->min = INFINITY;
  s->on = s->off = NAN;
  g_ptr_array_add (r->series, s);
  g_hash_table_insert (r->by_label, s->label, s);
  return s;
}

static GstClockTime
get_time (JsonObject * o, const gchar * name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (!n || JSON_NODE_TYPE (n) != JSON_NODE_VALUE)
    return GST_CLOCK_TIME_NONE;
  gint64 v = json_node_get_int (n);
  return v < 0 ? GST_CLOCK_TIME_NONE : (GstClockTime) v;
}

static const gchar *
get_string (JsonObject * o, const gchar * name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (!n || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* mmfusion/1 `model` is a name; mmfusion/2 an object with one */
static void
note_info (MmReport * r, JsonObject * o)
{
  if (!r->model) {
    JsonNode *m = json_object_get_member (o, "model");
    if (m && json_node_get_value_type (m) == G_TYPE_STRING)
      r->model = g_strdup (json_node_get_string (m));
    else if (m && JSON_NODE_HOLDS_OBJECT (m)) {
      const gchar *name = get_string (json_node_get_object (m), "name");
      if (name)
        r->model = g_strdup (name);
    }
  }
  if (!r->source) {
    const gchar *s = get_string (o, "source");
    if (!s)
      s = get_string (o, "stream");
    if (s)
      r->source = g_strdup (s);
  }
}

static void
add_result (MmReport * r, JsonObject * o)
{
  GstClockTime pts = get_time (o, "pts");
  GstClockTime rt = get_time (o, "running_time");
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    pts = rt;
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return;
  /* the class list: mmfusion/1 `classes`, or the first `classes`-kind
   * output of mmfusion/2 */
  JsonArray *classes = NULL;
  if (json_object_has_member (o, "classes")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "classes")))
    classes = json_object_get_array_member (o, "classes");
  else if (json_object_has_member (o, "outputs")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "outputs"))) {
    JsonObject *outs = json_object_get_object_member (o, "outputs");
    GList *names = json_object_get_members (outs);
    for (GList * l = names; l && !classes; l = l->next) {
      JsonNode *n = json_object_get_member (outs, l->data);
      /* {"kind":"classes","classes":[...]}; a bare list as well */
      if (JSON_NODE_HOLDS_ARRAY (n)) {
        classes = json_node_get_array (n);
        continue;
      }
      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      JsonObject *out = json_node_get_object (n);
      const gchar *kind = get_string (out, "kind");
      JsonNode *list = json_object_get_member (out, "classes");
      if (kind && g_str_equal (kind, "classes") && list
          && JSON_NODE_HOLDS_ARRAY (list))
        classes = json_node_get_array (list);
    }
    g_list_free (names);
  }
  gdouble t = pts / (gdouble) GST_SECOND;
  g_array_append_val (r->times, t);
  g_array_append_val (r->rts, rt);
  gfloat nan = NAN;
  for (guint i = 0; i < r->series->len; i++)
    g_array_append_val (((MmSeries *) g_ptr_array_index (r->series, i))->v,
        nan);
  guint last = r->times->len - 1;
  for (guint i = 0; classes && i < json_array_get_length (classes); i++) {
    JsonNode *n = json_array_get_element (classes, i);
    if (!JSON_NODE_HOLDS_OBJECT (n))
      continue;
    JsonObject *c = json_node_get_object (n);
    const gchar *label = get_string (c, "label");
    if (!label || !json_object_has_member (c, "score"))
      continue;
    gfloat v = json_object_get_double_member (c, "score");
    MmSeries *s = mm_report_series (r, label);
    g_array_index (s->v, gfloat, last) = v;
    s->max = MAX (s->max, v);
    s->min = MIN (s->min, v);
  }
  note_info (r, o);
}

static void
add_event (MmReport * r, JsonObject * o)
{
  const gchar *state = get_string (o, "state");
  const gchar *label = get_string (o, "class");
  if (!label)
    label = get_string (o, "label");
  if (!state || !label)
    return;
  GstClockTime pts = get_time (o, "pts");
  GstClockTime rt = get_time (o, "running_time");
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    pts = rt;
  gdouble t = GST_CLOCK_TIME_IS_VALID (pts) ? pts / (gdouble) GST_SECOND :
      0.0;
  MmEvent *open = g_hash_table_lookup (r->open_events, label);
  if (!strcmp (state, "start") && !open) {
    MmEvent *e = g_new0 (MmEvent, 1);
    e->label = g_strdup (label);
    e->start = e->end = e->peak_t = t;
    e->rt_start = e->rt_end = rt;
    e->open = TRUE;
    e->peak = NAN;
    g_ptr_array_add (r->events, e);
    g_hash_table_insert (r->open_events, e->label, e);
    mm_report_series (r, label)->n_events++;
  } else if (!strcmp (state, "end") && open) {
    open->end = t;
    open->rt_end = rt;
    open->open = FALSE;
    g_hash_table_remove (r->open_events, label);
  }
  note_info (r, o);
}

gboolean
mm_report_add_line (MmReport * r, const gchar * line, gssize len,
    GError ** error)
{
  if (len < 0)
    len = strlen (line);
  while (len > 0 && g_ascii_isspace (line[len - 1]))
    len--;
  if (len == 0)
    return TRUE;
  JsonParser *p = json_parser_new ();
  GError *err = NULL;
  if (!json_parser_load_from_data (p, line, len, &err)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "not JSON: %s", err->message);
    g_error_free (err);
    g_object_unref (p);
    return FALSE;
  }
  JsonNode *root = json_parser_get_root (p);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "a record must be a JSON object");
    g_object_unref (p);
    return FALSE;
  }
  JsonObject *o = json_node_get_object (root);
  const gchar *type = get_string (o, "type");
  if (!type || !strcmp (type, "result"))
    add_result (r, o);
  else if (!strcmp (type, "event"))
    add_event (r, o);
  else if (!strcmp (type, "clip")) {
    const gchar *path = get_string (o, "path");
    if (path)
      mm_report_add_clip (r, path, get_time (o, "start"),
          get_time (o, "end"), get_string (o, "class"));
  }
  g_object_unref (p);
  return TRUE;
}

gboolean
mm_report_add_file (MmReport * r, const gchar * path, GError ** error)
{
  GFile *f = g_file_new_for_commandline_arg (path);
  GFileInputStream *in = g_file_read (f, NULL, error);
  g_object_unref (f);
  if (!in)
    return FALSE;
  GDataInputStream *data = g_data_input_stream_new (G_INPUT_STREAM (in));
  g_object_unref (in);
  gboolean ok = TRUE;
  gsize len;
  gchar *line;
  GError *err = NULL;
  for (guint n = 1; ok; n++) {
    line = g_data_input_stream_read_line (data, &len, NULL, &err);
    if (!line) {
      if (err) {
        g_propagate_error (error, err);
        ok = FALSE;
      }
      break;
    }
    if (!mm_report_add_line (r, line, len, &err)) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "line %u: %s", n, err->message);
      g_clear_error (&err);
      ok = FALSE;
    }
    g_free (line);
  }
  g_object_unref (data);
  return ok;
}

void
mm_report_add_clip (MmReport * r, const gchar * path, GstClockTime start,
    GstClockTime end, const gchar * classes)
{
  MmClipRef *c = g_new0 (MmClipRef, 1);
  c->path = g_strdup (path);
  c->classes = g_strdup (classes ? classes : "");
  c->start = start;
  c->end = end;
  g_ptr_array_add (r->clips, c);
}

gboolean
mm_report_set_thresholds (MmReport * r, const gchar * event_on,
    const gchar * event_off, GError ** error)
{
  /* checked here, applied per label when the page is written */
  const gchar *specs[2] = { event_on, event_off };
  for (guint k = 0; k < 2; k++) {
    if (!specs[k])
      continue;
    gchar **parts = g_strsplit (specs[k], ",", -1);
    for (gchar ** p = parts; *p; p++) {
      const gchar *v = strchr (*p, '=') ? strchr (*p, '=') + 1 : *p;
      gchar *end;
      g_ascii_strtod (v, &end);
      if (end == v || *end) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
            "'%s': not a threshold (use 0.8 or label=0.8,label2=0.6)",
            specs[k]);
        g_strfreev (parts);
        return FALSE;
      }
    }
    g_strfreev (parts);
  }
  g_free (r->event_on);
  g_free (r->event_off);
  r->event_on = g_strdup (event_on);
  r->event_off = g_strdup (event_off ? event_off : event_on);
  return TRUE;
}

void
mm_report_set_media (MmReport * r, const gchar * path_or_uri)
{
  g_free (r->media);
  r->media = g_strdup (path_or_uri);
}

void
mm_report_set_info (MmReport * r, const gchar * model, const gchar * source)
{
  if (model) {
    g_free (r->user_model);
    r->user_model = g_strdup (model);
  }
  if (source) {
    g_free (r->user_source);
    r->user_source = g_strdup (source);
  }
}

void
mm_report_set_limits (MmReport * r, guint max_classes, guint max_thumbnails,
    guint thumbnail_width)
{
  r->max_classes = MAX (max_classes, 1);
  r->max_thumbnails = max_thumbnails;
  r->thumb_width = CLAMP (thumbnail_width, 16, 1920);
}

gboolean
mm_report_write (MmReport * r, const gchar * html_path, GError ** error)
{
  FILE *out = fopen (html_path, "w");
  if (!out) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "cannot write: %s", g_strerror (errno));
    return FALSE;
  }
  gchar *dir = g_path_get_dirname (html_path);
  gboolean ok = mm_report_write_html (r, out, dir, error);
  g_free (dir);
  if (fclose (out) != 0 && ok) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "cannot write: %s", g_strerror (errno));
    ok = FALSE;
  }
  return ok;
}

guint
mm_report_n_results (const MmReport * r)
{
  return r->times->len;
}

guint
mm_report_n_events (const MmReport * r)
{
  return r->events->len;
}

guint
mm_report_n_thumbnails (const MmReport * r)
{
  return r->n_thumbnails;
}
