/* Output kinds end to end: a probe model with a classes head, a
 * multi-label head and a regression head (tests/golden/outputs, made by a
 * committed script with the values it must give) run by mmfusion on grey
 * frames of known brightness. Every value in the meta, the `mmfusion` bus
 * message and the JSON record equals the golden one (within 1e-6); every
 * class crossing event-on has its own start and end, with its peak and
 * duration, in meta, bus and JSON, and two tags are on at once; `source`
 * reaches all three; capture time (utc) comes from a
 * GstReferenceTimestampMeta (timestamp/x-ntp) when the frames have one,
 * and is within 1 s of the system clock on a live source; every JSON
 * record validates against docs/mmfusion-2.schema.json.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/app/gstappsrc.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <mmfusion/mmfusionmeta.h>

#include <math.h>
#include <string.h>

#include "mmjsonschema.h"

#define N_VALUES 8              /* cls 3, tags 3, level 2 */
#define FRAME (40 * GST_MSECOND)
#define ON 0.5
/* 2001-09-09T01:46:40Z as NTP time (seconds since 1900) */
#define NTP_BASE ((G_GUINT64_CONSTANT (1000000000) + \
        G_GUINT64_CONSTANT (2208988800)) * GST_SECOND)

static const char *golden_dir, *schema_path;
static const char *out_names[] = { "cls", "tags", "level" };
static const guint out_first[] = { 0, 3, 6 }, out_n[] = { 3, 3, 2 };
static const char *labels[] = { "low", "mid", "high", "a", "b", "c",
  "bright", "dark"
};

typedef struct {
  guint n;
  guint p[64];
  gdouble v[64][N_VALUES];
} Golden;

static Golden golden;

static void
load_golden (void)
{
  gchar *path = g_build_filename (golden_dir, "golden.csv", NULL), *text;
  fail_unless (g_file_get_contents (path, &text, NULL, NULL), "%s", path);
  gchar **lines = g_strsplit (text, "\n", -1);
  golden.n = 0;
  for (guint i = 1; lines[i] && lines[i][0]; i++) {
    gchar **f = g_strsplit (lines[i], ",", -1);
    fail_unless_equals_int (g_strv_length (f), N_VALUES + 1);
    golden.p[golden.n] = atoi (f[0]);
    for (guint k = 0; k < N_VALUES; k++)
      golden.v[golden.n][k] = g_ascii_strtod (f[k + 1], NULL);
    golden.n++;
    g_strfreev (f);
  }
  fail_unless (golden.n > 20);
  g_strfreev (lines);
  g_free (text);
  g_free (path);
}

/* the events the golden scores give with event-on = event-off = ON */
typedef struct {
  guint output, cls;            /* cls: index within the output */
  gboolean start;
  guint frame;                  /* where it started or ended */
  guint start_frame;
  gdouble peak;
} Expected;

static guint
expected_events (Expected * ev)
{
  guint n = 0;
  for (guint o = 0; o < 2; o++)
    for (guint c = 0; c < out_n[o]; c++) {
      gboolean on = FALSE;
      guint since = 0;
      gdouble peak = 0;
      for (guint f = 0; f < golden.n; f++) {
        gdouble s = golden.v[f][out_first[o] + c];
        if (!on && s >= ON) {
          on = TRUE;
          since = f;
          peak = s;
          ev[n++] = (Expected) {
          o, c, TRUE, f, f, s};
        } else if (on && s < ON) {
          on = FALSE;
          ev[n++] = (Expected) {
          o, c, FALSE, f, since, peak};
        } else if (on) {
          peak = MAX (peak, s);
        }
      }
    }
  return n;
}

static gboolean
close_to (gdouble got, gdouble want)
{
  return fabs (got - want) <= 1e-6;
}

/* what the probe read from each frame's meta */
typedef struct {
  guint frames;
  gboolean bad;
  GString *why;
  GstMmFusionMeta metas[64];    /* copies, for checking after the run */
} Seen;

static GstPadProbeReturn
on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Seen *seen = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (buf);
  if (!m || !m->fresh || seen->frames >= 64) {
    seen->bad = TRUE;
    g_string_append_printf (seen->why, "frame %u: no fresh meta; ",
        seen->frames);
  } else {
    GstMmFusionMeta *c = &seen->metas[seen->frames];
    memset (c, 0, sizeof *c);
    gst_mm_fusion_meta_copy_into (c, m);
  }
  seen->frames++;
  return GST_PAD_PROBE_OK;
}

static GstBuffer *
grey_frame (guint p, guint i, gboolean ntp)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, 4 * 2, NULL);
  /* GRAY8 2x2: rows of 4 bytes (strides are multiples of 4) */
  gst_buffer_memset (b, 0, (guint8) p, 8);
  GST_BUFFER_PTS (b) = i * FRAME;
  GST_BUFFER_DURATION (b) = FRAME;
  if (ntp) {
    GstCaps *caps = gst_caps_new_empty_simple ("timestamp/x-ntp");
    gst_buffer_add_reference_timestamp_meta (b, caps, NTP_BASE + i * FRAME,
        GST_CLOCK_TIME_NONE);
    gst_caps_unref (caps);
  }
  return b;
}

typedef struct {
  GList *results;               /* GstStructure, in order */
  GList *events;
} Bus;

/* runs the golden sequence; returns the JSON file's path */
static gchar *
run (Seen * seen, Bus * bus, gboolean ntp, const char *extra)
{
  gchar *json = g_build_filename (g_get_tmp_dir (), "mmfusion-outputs-XXXXXX",
      NULL);
  gint fd = g_mkstemp (json);
  fail_unless (fd >= 0);
  close (fd);
  gchar *desc = g_strdup_printf ("appsrc name=src format=time "
      "caps=video/x-raw,format=GRAY8,width=2,height=2,framerate=25/1 ! "
      "f.video mmfusion name=f model=%s/probe_outputs.onnx all-scores=true top-k=3 "
      "event-on=%g %s ! mmpublish location=%s ! fakesink name=sink",
      golden_dir, ON, extra ? extra : "", json);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL, "%s", err ? err->message : "");
  g_free (desc);
  GstElement *f = gst_bin_get_by_name (GST_BIN (pipe), "f");
  GstPad *srcpad = gst_element_get_static_pad (f, "src");
  gst_pad_add_probe (srcpad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, seen,
      NULL);
  gst_object_unref (srcpad);
  gst_object_unref (f);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipe), "src");
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  for (guint i = 0; i < golden.n; i++)
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src),
            grey_frame (golden.p[i], i, ntp)), GST_FLOW_OK);
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  gst_object_unref (src);
  GstBus *b = gst_element_get_bus (pipe);
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (b, 60 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    fail_unless (msg != NULL, "no EOS");
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *e;
      gst_message_parse_error (msg, &e, NULL);
      fail ("error: %s", e->message);
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
      gst_message_unref (msg);
      break;
    }
    const GstStructure *s = gst_message_get_structure (msg);
    if (gst_structure_has_name (s, "mmfusion"))
      bus->results = g_list_append (bus->results, gst_structure_copy (s));
    else if (gst_structure_has_name (s, "mmfusion-event"))
      bus->events = g_list_append (bus->events, gst_structure_copy (s));
    gst_message_unref (msg);
  }
  gst_object_unref (b);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  fail_if (seen->bad, "%s", seen->why->str);
  fail_unless_equals_int (seen->frames, golden.n);
  return json;
}

static void
seen_init (Seen * s)
{
  memset (s, 0, sizeof *s);
  s->why = g_string_new (NULL);
}

static void
seen_clear (Seen * s)
{
  for (guint i = 0; i < MIN (s->frames, 64); i++)
    gst_mm_fusion_meta_clear (&s->metas[i]);
  g_string_free (s->why, TRUE);
}

static void
bus_clear (Bus * b)
{
  g_list_free_full (b->results, (GDestroyNotify) gst_structure_free);
  g_list_free_full (b->events, (GDestroyNotify) gst_structure_free);
}

/* the golden value of output o's class (or value) id at frame f */
static gdouble
want (guint f, guint o, gint id)
{
  return golden.v[f][out_first[o] + id];
}

static void
check_meta (const Seen * seen)
{
  for (guint f = 0; f < golden.n; f++) {
    const GstMmFusionMeta *m = &seen->metas[f];
    fail_unless_equals_string (gst_mm_fusion_meta_get_source (m), "cam7");
    fail_unless_equals_int (m->width, 2);
    fail_unless_equals_int (m->height, 2);
    fail_unless_equals_int (strlen (gst_mm_fusion_meta_get_model_sha256 (m)),
        64);
    fail_unless_equals_int (gst_mm_fusion_meta_get_n_outputs (m), 3);
    for (guint o = 0; o < 3; o++) {
      fail_unless_equals_string (gst_mm_fusion_meta_get_output_name (m, o),
          out_names[o]);
      fail_unless_equals_int (gst_mm_fusion_meta_get_output_kind (m, o), o);
      gsize n;
      const gfloat *all = gst_mm_fusion_meta_get_output_all_values (m, o, &n);
      if (o < 2) {
        /* every value, in the model's order */
        fail_unless_equals_int (n, out_n[o]);
        for (guint k = 0; k < n; k++)
          fail_unless (close_to (all[k], want (f, o, k)), "frame %u %s[%u]: "
              "%.9g, golden %.9g", f, out_names[o], k, all[k], want (f, o,
                  k));
      } else {
        fail_unless (all == NULL && n == 0);
        fail_unless_equals_string (gst_mm_fusion_meta_get_output_units (m,
                o), "u");
      }
      /* the entries: every class (threshold 0) or value, best first for
       * classes and multi-label, in order for regression */
      guint len = gst_mm_fusion_meta_get_output_length (m, o);
      fail_unless_equals_int (len, out_n[o]);
      for (guint i = 0; i < len; i++) {
        gint id = gst_mm_fusion_meta_get_output_class_id (m, o, i);
        gfloat v = gst_mm_fusion_meta_get_output_value (m, o, i);
        fail_unless (close_to (v, want (f, o, id)), "frame %u %s entry %u",
            f, out_names[o], i);
        fail_unless_equals_string (gst_mm_fusion_meta_get_output_label (m,
                o, i), labels[out_first[o] + id]);
        if (o == 2) {
          fail_unless_equals_int (id, i);
        } else if (i > 0) {
          fail_unless (v <= gst_mm_fusion_meta_get_output_value (m, o,
                  i - 1));
        }
      }
    }
    /* the fields from before output kinds: the classes output's top-k */
    fail_unless_equals_int (m->n_classes, 3);
    fail_unless (close_to (m->scores[0], want (f, 0, m->ids[0])));
  }
}

static void
check_events (const Seen * seen, const Bus * bus, const Expected * ev,
    guint n_ev)
{
  /* meta: the events that started or ended at each frame, and every
   * event that goes on */
  guint met = 0, overlap = 0;
  for (guint f = 0; f < golden.n; f++) {
    const GstMmFusionMeta *m = &seen->metas[f];
    guint on_tags = 0;
    for (guint i = 0; i < gst_mm_fusion_meta_get_n_events (m); i++) {
      const GstMmFusionEvent *e = gst_mm_fusion_meta_peek_event (m, i);
      if (e->output == 1 && e->state != GST_MM_FUSION_EVENT_END)
        on_tags++;
      fail_unless_equals_string (gst_mm_fusion_meta_get_event_label (m, i),
          labels[out_first[e->output] + e->class_id]);
      fail_unless (close_to (e->score, want (f, e->output, e->class_id)));
      if (e->state == GST_MM_FUSION_EVENT_ON)
        continue;
      const Expected *x = NULL;
      for (guint k = 0; k < n_ev; k++)
        if (ev[k].frame == f && ev[k].output == e->output
            && (gint) ev[k].cls == e->class_id
            && ev[k].start == (e->state == GST_MM_FUSION_EVENT_START))
          x = &ev[k];
      fail_unless (x != NULL, "frame %u: unexpected event %s.%d", f,
          out_names[e->output], e->class_id);
      fail_unless_equals_uint64 (e->start, x->start_frame * FRAME);
      fail_unless (close_to (e->peak, x->peak), "peak %g, golden %g",
          e->peak, x->peak);
      if (!x->start) {
        fail_unless_equals_uint64 (e->duration, (f - x->start_frame) * FRAME);
      }
      met++;
    }
    if (on_tags >= 2)
      overlap++;
  }
  fail_unless_equals_int (met, n_ev);
  /* two multi-label classes on at once, each with its own start and end */
  fail_unless (overlap >= 3, "tags a and b never on together");

  /* bus: one mmfusion-event per start and end, in frame order per class */
  fail_unless_equals_int (g_list_length (bus->events), n_ev);
  for (GList * l = bus->events; l; l = l->next) {
    const GstStructure *s = l->data;
    const gchar *output = gst_structure_get_string (s, "output");
    gint cls;
    guint64 ts, start;
    gdouble peak;
    fail_unless (gst_structure_get_int (s, "class-id", &cls));
    fail_unless (gst_structure_get_uint64 (s, "timestamp", &ts));
    fail_unless (gst_structure_get_uint64 (s, "start-running-time", &start));
    fail_unless (gst_structure_get_double (s, "peak-score", &peak));
    gboolean st = g_str_equal (gst_structure_get_string (s, "state"),
        "start");
    fail_unless_equals_string (gst_structure_get_string (s, "source"),
        "cam7");
    const Expected *x = NULL;
    for (guint k = 0; k < n_ev; k++)
      if (g_str_equal (out_names[ev[k].output], output)
          && (gint) ev[k].cls == cls && ev[k].start == st
          && ev[k].frame * FRAME == ts)
        x = &ev[k];
    fail_unless (x != NULL, "bus: unexpected event %s.%d at %" G_GUINT64_FORMAT,
        output, cls, ts);
    fail_unless (close_to (peak, x->peak));
    fail_unless_equals_uint64 (start, x->start_frame * FRAME);
    guint64 d;
    fail_unless (gst_structure_get_uint64 (s, "duration", &d) == !st);
    if (!st) {
      fail_unless_equals_uint64 (d, (x->frame - x->start_frame) * FRAME);
    }
  }
}

static void
check_bus_results (const Bus * bus)
{
  fail_unless_equals_int (g_list_length (bus->results), golden.n);
  guint f = 0;
  for (GList * l = bus->results; l; l = l->next, f++) {
    const GstStructure *s = l->data;
    fail_unless_equals_string (gst_structure_get_string (s, "source"),
        "cam7");
    const GValue *outs = gst_structure_get_value (s, "outputs");
    fail_unless_equals_int (gst_value_list_get_size (outs), 3);
    for (guint o = 0; o < 3; o++) {
      const GstStructure *os =
          gst_value_get_structure (gst_value_list_get_value (outs, o));
      fail_unless_equals_string (gst_structure_get_string (os, "name"),
          out_names[o]);
      const GValue *ids = gst_structure_get_value (os, "ids");
      const GValue *values = gst_structure_get_value (os, "values");
      fail_unless_equals_int (gst_value_list_get_size (values), out_n[o]);
      for (guint i = 0; i < out_n[o]; i++) {
        gint id = g_value_get_int (gst_value_list_get_value (ids, i));
        gdouble v = g_value_get_double (gst_value_list_get_value (values, i));
        fail_unless (close_to (v, want (f, o, id)), "bus frame %u %s", f,
            out_names[o]);
      }
    }
  }
}

static void
check_json (const gchar * path, const Expected * ev, guint n_ev,
    gboolean ntp)
{
  gchar *text;
  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  gchar **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  JsonParser *p = json_parser_new ();
  guint f = 0, events = 0;
  for (guint i = 0; lines[i] && lines[i][0]; i++) {
    fail_unless (json_parser_load_from_data (p, lines[i], -1, NULL));
    JsonObject *o = json_node_get_object (json_parser_get_root (p));
    fail_unless_equals_string (json_object_get_string_member (o, "schema"),
        "mmfusion/2");
    fail_unless_equals_string (json_object_get_string_member (o, "source"),
        "cam7");
    const gchar *utc = json_object_get_string_member (o, "utc");
    if (ntp) {
      /* the reference time of the frame, to the millisecond */
      guint64 pts = json_object_get_int_member (o, "pts");
      gchar *w = g_strdup_printf ("2001-09-09T01:46:%02u.%03uZ",
          (guint) (40 + pts / GST_SECOND),
          (guint) (pts % GST_SECOND / GST_MSECOND));
      fail_unless_equals_string (utc, w);
      g_free (w);
    }
    if (json_object_has_member (o, "type")) {
      const gchar *output = json_object_get_string_member (o, "output");
      gint cls = json_object_get_int_member (o, "class_id");
      gboolean st = g_str_equal (json_object_get_string_member (o, "state"),
          "start");
      guint64 pts = json_object_get_int_member (o, "pts");
      const Expected *x = NULL;
      for (guint k = 0; k < n_ev; k++)
        if (g_str_equal (out_names[ev[k].output], output)
            && (gint) ev[k].cls == cls && ev[k].start == st
            && ev[k].frame * FRAME == pts)
          x = &ev[k];
      fail_unless (x != NULL, "JSON: unexpected %s", lines[i]);
      fail_unless_equals_string (json_object_get_string_member (o, "class"),
          labels[out_first[x->output] + cls]);
      fail_unless (close_to (json_object_get_double_member (o, "peak_score"),
              x->peak), "%s", lines[i]);
      if (!st) {
        fail_unless_equals_uint64 (json_object_get_int_member (o,
                "duration"), (x->frame - x->start_frame) * FRAME);
      } else {
        fail_if (json_object_has_member (o, "duration"));
      }
      events++;
      continue;
    }
    JsonObject *frame = json_object_get_object_member (o, "frame");
    fail_unless_equals_int (json_object_get_int_member (frame, "width"), 2);
    JsonObject *model = json_object_get_object_member (o, "model");
    fail_unless_equals_string (json_object_get_string_member (model, "name"),
        "probe_outputs");
    fail_unless_equals_int (strlen (json_object_get_string_member (model,
                "sha256")), 64);
    JsonObject *outs = json_object_get_object_member (o, "outputs");
    for (guint k = 0; k < 3; k++) {
      JsonObject *out = json_object_get_object_member (outs, out_names[k]);
      JsonArray *list = json_object_get_array_member (out,
          k == 2 ? "values" : "classes");
      fail_unless_equals_int (json_array_get_length (list), out_n[k]);
      for (guint i = 0; i < out_n[k]; i++) {
        JsonObject *e = json_array_get_object_element (list, i);
        gint id = json_object_get_int_member (e, "id");
        gdouble v = json_object_get_double_member (e, k == 2 ? "value" :
            "score");
        fail_unless (close_to (v, want (f, k, id)), "JSON frame %u %s[%d] "
            "%.9g, golden %.9g", f, out_names[k], id, v, want (f, k, id));
      }
    }
    f++;
  }
  fail_unless_equals_int (f, golden.n);
  fail_unless_equals_int (events, n_ev);
  g_object_unref (p);
  g_strfreev (lines);

  /* and every record is what the schema says */
  GError *err = NULL;
  fail_unless (mm_json_schema_validate_file (schema_path, path, &err), "%s",
      err ? err->message : "");
}

GST_START_TEST (test_every_value_and_event)
{
  load_golden ();
  Expected ev[64];
  guint n_ev = expected_events (ev);
  /* tags a and b each start and end; c and cls's classes too */
  fail_unless (n_ev >= 8, "%u events", n_ev);
  Seen seen;
  Bus bus = { 0 };
  seen_init (&seen);
  gchar *json = run (&seen, &bus, FALSE, "source=cam7");
  check_meta (&seen);
  check_events (&seen, &bus, ev, n_ev);
  check_bus_results (&bus);
  check_json (json, ev, n_ev, FALSE);
  g_unlink (json);
  g_free (json);
  seen_clear (&seen);
  bus_clear (&bus);
}

GST_END_TEST;

/* NTP reference timestamps on the frames (as rtpjitterbuffer attaches
 * from RTCP sender reports) are the capture time */
GST_START_TEST (test_reference_timestamp)
{
  load_golden ();
  Expected ev[64];
  guint n_ev = expected_events (ev);
  Seen seen;
  Bus bus = { 0 };
  seen_init (&seen);
  gchar *json = run (&seen, &bus, TRUE, "source=cam7");
  for (guint f = 0; f < golden.n; f++)
    fail_unless_equals_uint64 (seen.metas[f].utc,
        G_GUINT64_CONSTANT (1000000000) * GST_SECOND + f * FRAME);
  guint64 utc = 0;
  fail_unless (gst_structure_get_uint64 (bus.results->data, "utc", &utc));
  fail_unless_equals_uint64 (utc, G_GUINT64_CONSTANT (1000000000) *
      GST_SECOND);
  check_json (json, ev, n_ev, TRUE);
  g_unlink (json);
  g_free (json);
  seen_clear (&seen);
  bus_clear (&bus);
}

GST_END_TEST;

/* live: the capture time is the system's clock when the frame was
 * captured; the probe sees each frame within a few ms of that */
static GstPadProbeReturn
on_live_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  gint64 *worst = data;
  GstMmFusionMeta *m =
      gst_buffer_get_mm_fusion_meta (GST_PAD_PROBE_INFO_BUFFER (info));
  if (m && m->fresh) {
    gint64 now = g_get_real_time () * 1000;
    gint64 d = ABS (now - (gint64) m->utc);
    *worst = MAX (*worst, d);
  } else {
    *worst = G_MAXINT64;
  }
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_live_utc)
{
  gchar *json = g_build_filename (g_get_tmp_dir (), "mmfusion-live-XXXXXX",
      NULL);
  gint fd = g_mkstemp (json);
  close (fd);
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true num-buffers=25 ! "
      "video/x-raw,format=GRAY8,width=2,height=2,framerate=25/1 ! "
      "f.video mmfusion name=f model=%s/probe_outputs.onnx ! mmpublish location=%s ! "
      "fakesink sync=true", golden_dir, json);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  GstElement *f = gst_bin_get_by_name (GST_BIN (pipe), "f");
  GstPad *pad = gst_element_get_static_pad (f, "src");
  gint64 worst = 0;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_live_buffer, &worst,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (f);
  gint64 t0 = g_get_real_time ();
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gint64 t1 = g_get_real_time ();
  gst_object_unref (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  fail_unless (worst < GST_SECOND, "utc %" G_GINT64_FORMAT " ms from the "
      "system clock", worst / 1000000);

  /* the JSON's utc: within the run, to the second */
  gchar *text;
  fail_unless (g_file_get_contents (json, &text, NULL, NULL));
  gchar **lines = g_strsplit (text, "\n", -1);
  JsonParser *p = json_parser_new ();
  guint n = 0;
  for (guint i = 0; lines[i] && lines[i][0]; i++, n++) {
    fail_unless (json_parser_load_from_data (p, lines[i], -1, NULL));
    JsonObject *o = json_node_get_object (json_parser_get_root (p));
    GDateTime *dt = g_date_time_new_from_iso8601
        (json_object_get_string_member (o, "utc"), NULL);
    fail_unless (dt != NULL, "%s", lines[i]);
    gint64 us = g_date_time_to_unix (dt) * G_USEC_PER_SEC +
        g_date_time_get_microsecond (dt);
    fail_unless (us >= t0 - G_USEC_PER_SEC && us <= t1 + G_USEC_PER_SEC,
        "utc %s outside the run", json_object_get_string_member (o, "utc"));
    g_date_time_unref (dt);
  }
  fail_unless_equals_int (n, 25);
  g_object_unref (p);
  g_strfreev (lines);
  g_free (text);
  GError *err = NULL;
  fail_unless (mm_json_schema_validate_file (schema_path, json, &err), "%s",
      err ? err->message : "");
  g_unlink (json);
  g_free (json);
}

GST_END_TEST;

/* bad output metadata is refused naming the key; event values outside a
 * probability output's range are refused naming the class */
GST_START_TEST (test_event_range)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=1 ! "
      "video/x-raw,format=GRAY8,width=2,height=2 ! f.video mmfusion name=f "
      "model=%s/probe_outputs.onnx event-on=b=1.5 ! fakesink", golden_dir);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR);
  GError *e;
  gst_message_parse_error (msg, &e, NULL);
  fail_unless (strstr (e->message, "event-on=1.5 for class 'b' of output "
          "'tags'") != NULL, "%s", e->message);
  g_error_free (e);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* output metadata that is wrong: READY->PAUSED fails, the message names
 * the key (and what was expected) */
static const struct {
  const char *model, *needle;
} bad_models[] = {
  {"bad_output_kind", "mmfusion.output.tags.kind is 'multilabel'; classes, "
        "multi-label or regression is expected"},
  {"bad_output_name", "mmfusion.output.tag.kind: the model has no output "
        "'tag' (outputs: cls, tags, level)"},
  {"bad_output_key", "mmfusion.output.tags.unit: unknown key 'unit'"},
  {"bad_output_labels", "mmfusion.output.level.labels has 1 labels but "
        "output 'level' has 2 values"},
  {"bad_output_activation", "mmfusion.output.cls.activation is 'relu'"},
  {"bad_output_units", "mmfusion.output.tags.units is set but the output "
        "is not of kind regression"},
};

GST_START_TEST (test_bad_output_metadata)
{
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=1 ! "
      "video/x-raw,format=GRAY8,width=2,height=2 ! f.video mmfusion name=f "
      "model=%s/%s.onnx ! fakesink", golden_dir, bad_models[__i__].model);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  fail_unless (pipe != NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "%s: no "
      "error", bad_models[__i__].model);
  GError *e;
  gst_message_parse_error (msg, &e, NULL);
  fail_unless (strstr (e->message, bad_models[__i__].needle) != NULL,
      "%s: '%s'", bad_models[__i__].model, e->message);
  g_error_free (e);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
}

GST_END_TEST;

/* {source} in mmpublish's MQTT topics is the source of the mmfusion
 * upstream (through a queue), with / made _; read from mmpublish's INFO
 * line of its settings (no broker needed: the client connects in the
 * background) */
static gchar *logged_topic;

static void
find_topic (GstDebugCategory * cat, GstDebugLevel level, const gchar * file,
    const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer data)
{
  const gchar *text = gst_debug_message_get (message);
  const gchar *t = text ? strstr (text, ", topic ") : NULL;
  if (g_str_equal (gst_debug_category_get_name (cat), "mmpublish") && t
      && !logged_topic) {
    t += strlen (", topic ");
    logged_topic = g_strndup (t, strcspn (t, ","));
  }
}

GST_START_TEST (test_source_in_topic)
{
  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_for_name ("mmpublish", GST_LEVEL_INFO);
  gst_debug_add_log_function (find_topic, NULL, NULL);
  gchar *desc = g_strdup_printf ("videotestsrc num-buffers=2 ! "
      "video/x-raw,format=GRAY8,width=2,height=2 ! f.video mmfusion name=f "
      "model=%s/probe_outputs.onnx source=door/1 ! queue ! mmpublish "
      "mqtt-host=127.0.0.1 mqtt-port=9 mqtt-topic=cameras/{source}/results "
      "! fakesink", golden_dir);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  gst_element_set_state (pipe, GST_STATE_PAUSED);
  gst_element_get_state (pipe, NULL, NULL, 10 * GST_SECOND);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (pipe);
  gst_debug_remove_log_function (find_topic);
  gst_debug_set_threshold_for_name ("mmpublish", GST_LEVEL_NONE);
  fail_unless_equals_string (logged_topic, "cameras/door_1/results");
  g_clear_pointer (&logged_topic, g_free);
}

GST_END_TEST;

static Suite *
outputs_suite (void)
{
  Suite *s = suite_create ("mmfusion-outputs");
  TCase *tc = tcase_create ("general");
  golden_dir = g_getenv ("MM_GOLDEN_OUTPUTS");
  schema_path = g_getenv ("MM_JSON_SCHEMA");
  tcase_add_test (tc, test_every_value_and_event);
  tcase_add_test (tc, test_reference_timestamp);
  tcase_add_test (tc, test_live_utc);
  tcase_add_test (tc, test_event_range);
  tcase_add_test (tc, test_source_in_topic);
  tcase_add_loop_test (tc, test_bad_output_metadata, 0,
      G_N_ELEMENTS (bad_models));
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (outputs);
