/* mmpublish: results as JSON Lines (schema mmfusion/2) to a file or stdout.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-mmpublish
 * @title: mmpublish
 *
 * A passthrough element that writes every fresh #GstMmFusionMeta result it
 * sees as one JSON object a line (schema `mmfusion/2`, docs/json.md, with
 * a JSON Schema in docs/mmfusion-2.schema.json): `schema`, `stream`,
 * `source`, `utc` (capture time, ISO 8601 with milliseconds and Z), `pts`,
 * `running_time`, `duration` (nanoseconds, integers), `frame` {`width`,
 * `height`}, `model` {`name`, `sha256`}, `top` and `classes` (the first
 * classes output, as in mmfusion/1), `outputs` {NAME: {`kind`, ...}} and
 * `inputs` {NAME: {`start`, `end`, `missing`}}. Every event start and end
 * of every class is a line `{"schema":"mmfusion/2","type":"event",
 * "state":"start"|"end","output":…,"class":…,"class_id":…,"score":…,
 * "peak_score":…,"duration":…,…}`. A stretch of GAP events (a camera
 * away) is a line `{…,"type":"gap","state":"start",…}` when it begins and
 * one with `"state":"end"` and its `duration` when data flows again.
 * Floats have 6 significant digits; infinite and NaN values are null.
 * Buffers pass untouched.
 *
 * With #GstMmPublish:mqtt-host set, each record is also published to an
 * MQTT broker, in the background: the client retries (0.1 s, doubling up
 * to 2 s) until the broker is there, records wait while it is away or
 * slow, and beyond #GstMmPublish:mqtt-queue-size the oldest waiting record
 * is dropped and counted in #GstMmPublish:dropped. Pushing never blocks.
 *
 * The connection may use TLS (#GstMmPublish:mqtt-ca-file,
 * #GstMmPublish:mqtt-cert-file and #GstMmPublish:mqtt-key-file; the
 * broker's certificate is verified unless #GstMmPublish:mqtt-tls-verify is
 * off) and a user name and password (the password can be set, never read
 * back). A broker that refuses the credentials, or a TLS handshake that
 * fails, gives one element warning naming the broker and the reason; the
 * client keeps retrying and records wait, then drop, as for an absent
 * broker. #GstMmPublish:mqtt-state-topic keeps the newest result retained
 * on the broker; #GstMmPublish:mqtt-will-topic carries online/offline,
 * offline also as the last will. `{source}` in the topics is the
 * #GstMmPublish:stream name when set, else the `source` of the mmfusion
 * element upstream (its name when it has no `source`), else this
 * element's name; `+`, `#` and `/` in it become `_`.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=50 ! video/x-raw,framerate=25/1 ! f.video \
 *   audiotestsrc num-buffers=100 ! audioconvert ! audioresample ! mmaudiowindow ! f.audio \
 *   mmfusion name=f model=tests/golden/meta/good.onnx ! mmpublish location=- ! fakesink
 * ]| Prints one JSON line per frame.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmfusionelements.h"
#include "mmmqtt.h"
#include "mmoutputs.h"

#include <gst/base/gstbasetransform.h>
#include <mmfusion/mmfusionmeta.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (mm_publish_debug);
#define GST_CAT_DEFAULT mm_publish_debug

#define GST_TYPE_MM_PUBLISH (gst_mm_publish_get_type ())
G_DECLARE_FINAL_TYPE (GstMmPublish, gst_mm_publish, GST, MM_PUBLISH,
    GstBaseTransform)

#define DEFAULT_LOCATION NULL
#define DEFAULT_STREAM NULL
#define DEFAULT_MQTT_HOST NULL
#define DEFAULT_MQTT_PORT 1883
#define DEFAULT_MQTT_TOPIC "mmfusion/results"
#define DEFAULT_MQTT_QOS 1
#define DEFAULT_MQTT_CLIENT_ID NULL
#define DEFAULT_MQTT_QUEUE 1000
#define DEFAULT_MQTT_TLS FALSE
#define DEFAULT_MQTT_CA_FILE NULL
#define DEFAULT_MQTT_CERT_FILE NULL
#define DEFAULT_MQTT_KEY_FILE NULL
#define DEFAULT_MQTT_TLS_VERIFY TRUE
#define DEFAULT_MQTT_USERNAME NULL
#define DEFAULT_MQTT_PASSWORD NULL
#define DEFAULT_MQTT_STATE_TOPIC NULL
#define DEFAULT_MQTT_WILL_TOPIC NULL
#define DEFAULT_MQTT_WILL_MESSAGE NULL

enum {
  PROP_0,
  PROP_LOCATION,
  PROP_STREAM,
  PROP_RECORDS,
  PROP_MQTT_HOST,
  PROP_MQTT_PORT,
  PROP_MQTT_TOPIC,
  PROP_MQTT_QOS,
  PROP_MQTT_CLIENT_ID,
  PROP_MQTT_QUEUE,
  PROP_MQTT_CONNECTED,
  PROP_DROPPED,
  PROP_MQTT_TLS,
  PROP_MQTT_CA_FILE,
  PROP_MQTT_CERT_FILE,
  PROP_MQTT_KEY_FILE,
  PROP_MQTT_TLS_VERIFY,
  PROP_MQTT_USERNAME,
  PROP_MQTT_PASSWORD,
  PROP_MQTT_STATE_TOPIC,
  PROP_MQTT_WILL_TOPIC,
  PROP_MQTT_WILL_MESSAGE,
};

struct _GstMmPublish {
  GstBaseTransform parent;
  /* properties, under the object lock */
  gchar *location;
  gchar *stream;                /* a GRefString: a result takes a
                                 * reference, not a copy */
  guint64 records;
  gchar *mqtt_host, *mqtt_topic, *mqtt_client_id;
  gint mqtt_port, mqtt_qos;
  guint mqtt_queue;
  gboolean mqtt_tls, mqtt_tls_verify;
  gchar *mqtt_ca_file, *mqtt_cert_file, *mqtt_key_file;
  gchar *mqtt_username, *mqtt_password;
  gchar *mqtt_state_topic, *mqtt_will_topic, *mqtt_will_message;
  /* streaming */
  FILE *out;
  gboolean out_is_stdout;
  MmMqtt *mqtt;
  gchar *mqtt_peer;             /* "host:port" for messages, while started */
  guint64 warned_at;            /* dropped count at the last warning */
  gint event_class;             /* from the last meta, -1: none */
  GString *line;                /* the record being written, reused */
  gint write_errno;             /* of the last failed write */
  gboolean warned_score;        /* a non-finite score was reported */
  /* a stretch of GAP events (no input upstream: a camera away): its start
   * (NONE outside one) and how far the gaps reached; the source of the
   * last result names it */
  GstClockTime gap_start, gap_end;
  GstClockTime gap_running_time;        /* of gap_start, in its segment */
  GQuark last_source;
};

G_DEFINE_TYPE (GstMmPublish, gst_mm_publish, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (mmpublish, "mmpublish", GST_RANK_NONE,
    GST_TYPE_MM_PUBLISH);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* JSON Lines by hand into one reused string: no allocation per record in
 * steady state, and every byte under our control. A JSON generator wrote
 * an infinite score as `inf.0` and passed control characters through,
 * and parsers reject both. */

/* a JSON string: quotes, backslashes and control characters escaped,
 * bytes that are not UTF-8 replaced by U+FFFD */
static void
put_string (GString * out, const char *str)
{
  g_string_append_c (out, '"');
  const char *p = str ? str : "";
  while (*p) {
    const char *end;            /* the first invalid byte, or the end */
    g_utf8_validate (p, -1, &end);
    for (; p < end; p++) {
      guchar c = (guchar) * p;
      switch (c) {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (gchar) c);
      }
    }
    if (*p) {                   /* an invalid byte */
      g_string_append (out, "\\ufffd");
      p++;
    }
  }
  g_string_append_c (out, '"');
}

/* the comma before a member or an array element, unless it is the first
 * or a member's value */
static void
put_separator (GString * out)
{
  gchar last = out->len ? out->str[out->len - 1] : '{';
  if (last != '{' && last != '[' && last != ':')
    g_string_append_c (out, ',');
}

static void
put_member (GString * out, const char *name)
{
  put_separator (out);
  put_string (out, name);
  g_string_append_c (out, ':');
}

static void
put_time (GString * out, const char *name, GstClockTime v)
{
  put_member (out, name);
  if (GST_CLOCK_TIME_IS_VALID (v))
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, v);
  else
    g_string_append (out, "null");
}

/* a float to 6 significant digits; null when it is not a number JSON
 * can hold (infinite or NaN), said once per run */
static void
put_float (GstMmPublish * self, GString * out, const char *what, gint id,
    gfloat v)
{
  if (isfinite (v)) {
    gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd (buf, sizeof buf, "%.6g", v);
    g_string_append (out, buf);
    /* numbers keep looking like floats, as 1.0 */
    if (!strpbrk (buf, ".en"))
      g_string_append (out, ".0");
    return;
  }
  g_string_append (out, "null");
  if (!self->warned_score) {
    self->warned_score = TRUE;
    GST_ELEMENT_WARNING (self, STREAM, FORMAT, (NULL),
        ("the model gave %s %d a value of %f: written as null (JSON has "
            "no infinity or NaN); this is said once", what, id, v));
  }
}

static void
put_score (GstMmPublish * self, GString * out, gint id, gfloat score)
{
  put_member (out, "score");
  put_float (self, out, "class", id, score);
}

static void
put_class (GstMmPublish * self, GString * out, gint id, GQuark label,
    gfloat score)
{
  put_separator (out);
  g_string_append_c (out, '{');
  put_member (out, "id");
  g_string_append_printf (out, "%d", id);
  put_member (out, "label");
  put_string (out, g_quark_to_string (label));
  put_score (self, out, id, score);
  g_string_append_c (out, '}');
}

/* ISO 8601 with milliseconds and Z, from ns since 1970; null unknown */
static void
put_utc (GString * out, guint64 utc)
{
  put_member (out, "utc");
  if (!GST_CLOCK_TIME_IS_VALID (utc)) {
    g_string_append (out, "null");
    return;
  }
  time_t secs = (time_t) (utc / GST_SECOND);
  struct tm tm;
  gchar buf[64];
  if (!gmtime_r (&secs, &tm)
      || !strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm)) {
    g_string_append (out, "null");
    return;
  }
  g_string_append_printf (out, "\"%s.%03uZ\"", buf,
      (guint) (utc % GST_SECOND / GST_MSECOND));
}

static void
begin_record (GString * out, const char *stream, const char *source)
{
  g_string_truncate (out, 0);
  g_string_append_c (out, '{');
  put_member (out, "schema");
  put_string (out, "mmfusion/2");
  put_member (out, "stream");
  put_string (out, stream);
  put_member (out, "source");
  put_string (out, source ? source : stream);
}

static void
put_model (const GstMmFusionMeta * m, GString * out)
{
  put_member (out, "model");
  g_string_append_c (out, '{');
  put_member (out, "name");
  put_string (out, g_quark_to_string (m->model));
  put_member (out, "sha256");
  if (m->model_sha256)
    put_string (out, g_quark_to_string (m->model_sha256));
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
}

/* the meta's source, else the stream's name */
static const char *
source_of (const GstMmFusionMeta * m, const char *stream)
{
  return m->source ? g_quark_to_string (m->source) : stream;
}

/* the record in self->line, ended, to the file and the broker */
static gboolean
write_line (GstMmPublish * self)
{
  GString *line = self->line;
  g_string_append_c (line, '}');
  gboolean ok = TRUE;
  if (self->out) {
    g_string_append_c (line, '\n');
    ok = fwrite (line->str, 1, line->len, self->out) == line->len
        && fflush (self->out) == 0;
    self->write_errno = ok ? 0 : errno;
    g_string_truncate (line, line->len - 1);
  }
  /* self->mqtt changes only in start/stop, when no buffer flows */
  if (self->mqtt && !mm_mqtt_publish (self->mqtt, line->str, line->len)) {
    /* records wait while the broker is away or slow; once more wait than
     * mqtt-queue-size the oldest are dropped, counted, never blocking:
     * said once per episode */
    guint64 dropped = mm_mqtt_dropped (self->mqtt);
    /* after a refusal or a TLS failure, whose warning said so already,
     * the drops that follow are no news */
    if (self->warned_at == 0
        && mm_mqtt_problem (self->mqtt) == MM_MQTT_PROBLEM_NONE)
      GST_ELEMENT_WARNING (self, RESOURCE, WRITE, (NULL),
          ("MQTT broker unreachable or too slow: more than mqtt-queue-size "
              "records waiting, %" G_GUINT64_FORMAT " dropped so far",
              dropped));
    self->warned_at = dropped;
  } else if (self->mqtt) {
    self->warned_at = 0;
  }
  return ok;
}

/* every output by its kind: classes and multi-label as lists of classes,
 * regression as named values */
static void
put_outputs (GstMmPublish * self, GString * out, const GstMmFusionMeta * m)
{
  put_member (out, "outputs");
  g_string_append_c (out, '{');
  for (guint o = 0; o < gst_mm_fusion_meta_get_n_outputs (m); o++) {
    GstMmFusionOutputKind kind = gst_mm_fusion_meta_get_output_kind (m, o);
    put_member (out, gst_mm_fusion_meta_get_output_name (m, o));
    g_string_append_c (out, '{');
    put_member (out, "kind");
    put_string (out, kind == GST_MM_FUSION_OUTPUT_CLASSES ? "classes" :
        kind == GST_MM_FUSION_OUTPUT_MULTI_LABEL ? "multi-label" :
        "regression");
    gboolean regression = kind == GST_MM_FUSION_OUTPUT_REGRESSION;
    const gchar *units = gst_mm_fusion_meta_get_output_units (m, o);
    if (regression && units) {
      put_member (out, "units");
      put_string (out, units);
    }
    put_member (out, regression ? "values" : "classes");
    g_string_append_c (out, '[');
    for (guint i = 0; i < gst_mm_fusion_meta_get_output_length (m, o); i++) {
      gint id = gst_mm_fusion_meta_get_output_class_id (m, o, i);
      put_separator (out);
      g_string_append_c (out, '{');
      put_member (out, "id");
      g_string_append_printf (out, "%d", id);
      put_member (out, regression ? "name" : "label");
      put_string (out, gst_mm_fusion_meta_get_output_label (m, o, i));
      put_member (out, regression ? "value" : "score");
      put_float (self, out, regression ? "value" : "class", id,
          gst_mm_fusion_meta_get_output_value (m, o, i));
      g_string_append_c (out, '}');
    }
    g_string_append (out, "]}");
  }
  g_string_append_c (out, '}');
}

static gboolean
write_result (GstMmPublish * self, const GstMmFusionMeta * m,
    const char *stream)
{
  GString *out = self->line;
  begin_record (out, stream, source_of (m, stream));
  put_utc (out, m->utc);
  put_time (out, "pts", m->pts);
  put_time (out, "running_time", m->running_time);
  put_time (out, "duration", m->duration);
  put_member (out, "frame");
  if (m->width > 0 && m->height > 0)
    g_string_append_printf (out, "{\"width\":%d,\"height\":%d}", m->width,
        m->height);
  else
    g_string_append (out, "null");
  put_model (m, out);
  put_member (out, "top");
  if (m->n_classes > 0)
    put_class (self, out, m->ids[0], m->labels[0], m->scores[0]);
  else
    g_string_append (out, "null");
  put_member (out, "classes");
  g_string_append_c (out, '[');
  for (guint i = 0; i < m->n_classes; i++)
    put_class (self, out, m->ids[i], m->labels[i], m->scores[i]);
  g_string_append_c (out, ']');
  put_outputs (self, out, m);
  put_member (out, "inputs");
  g_string_append_c (out, '{');
  for (guint i = 0; i < m->n_inputs; i++) {
    const GstMmFusionInputSpan *s = &m->inputs[i];
    put_member (out, g_quark_to_string (s->name));
    g_string_append_c (out, '{');
    put_time (out, "start", s->start);
    put_time (out, "end", s->end);
    put_member (out, "missing");
    g_string_append (out, s->missing ? "true" : "false");
    g_string_append_c (out, '}');
  }
  g_string_append_c (out, '}');
  gboolean ok = write_line (self);
  /* the retained last state, when asked for (a no-op otherwise) */
  if (self->mqtt)
    mm_mqtt_set_state (self->mqtt, out->str, out->len);
  return ok;
}

/* one event line: output and class, state, score, peak and, at the
 * end, the duration; output NULL for a meta without outputs (made before
 * output kinds), which has only the event class */
static gboolean
write_event (GstMmPublish * self, const GstMmFusionMeta * m,
    const gchar * output, const GstMmFusionEvent * e, const char *stream)
{
  GString *out = self->line;
  gboolean start = e->state == GST_MM_FUSION_EVENT_START;
  begin_record (out, stream, source_of (m, stream));
  put_member (out, "type");
  put_string (out, "event");
  put_member (out, "state");
  put_string (out, start ? "start" : "end");
  put_utc (out, m->utc);
  if (output) {
    put_member (out, "output");
    put_string (out, output);
  }
  put_member (out, "class");
  put_string (out, e->label ? g_quark_to_string (e->label) : "");
  put_member (out, "class_id");
  g_string_append_printf (out, "%d", e->class_id);
  put_member (out, "label");
  put_string (out, e->label ? g_quark_to_string (e->label) : "");
  if (output) {
    put_score (self, out, e->class_id, e->score);
    put_member (out, "peak_score");
    put_float (self, out, "class", e->class_id, e->peak);
    put_time (out, "start", e->start);
    if (!start)
      put_time (out, "duration", e->duration);
  }
  put_time (out, "pts", m->pts);
  put_time (out, "running_time", m->running_time);
  put_model (m, out);
  return write_line (self);
}

/* the stream's name for a record: a reference to the `stream` property's
 * string or the element's name (fixed once the element is in a
 * pipeline); give it back with stream_name_release() */
static const gchar *
stream_name_acquire (GstMmPublish * self)
{
  GST_OBJECT_LOCK (self);
  const gchar *name = self->stream ? g_ref_string_acquire (self->stream) :
      GST_OBJECT_NAME (self);
  GST_OBJECT_UNLOCK (self);
  return name;
}

static void
stream_name_release (GstMmPublish * self, const gchar * name)
{
  if (name != GST_OBJECT_NAME (self))
    g_ref_string_release ((gchar *) name);
}

/* a gap line: "start" when the first GAP event of a stretch comes, "end"
 * with its duration when data flows again (or at EOS); a back end sees an
 * outage as it begins, not only once it is over */
static gboolean
write_gap (GstMmPublish * self, gboolean start, GstClockTime until)
{
  const gchar *stream = stream_name_acquire (self);
  GString *out = self->line;
  begin_record (out, stream, self->last_source ?
      g_quark_to_string (self->last_source) : stream);
  stream_name_release (self, stream);
  put_member (out, "type");
  put_string (out, "gap");
  put_member (out, "state");
  put_string (out, start ? "start" : "end");
  /* taken at the start: data may come back in a new segment */
  if (start)
    self->gap_running_time = gst_segment_to_running_time
        (&GST_BASE_TRANSFORM (self)->segment, GST_FORMAT_TIME,
        self->gap_start);
  GstClockTime rt = self->gap_running_time;
  put_utc (out, mm_outputs_capture_utc (GST_ELEMENT (self), NULL, rt));
  put_time (out, "start", self->gap_start);
  put_time (out, "running_time", rt);
  if (!start) {
    /* in running time: the data that ends it may be in a new segment */
    GstClockTime until_rt = gst_segment_to_running_time
        (&GST_BASE_TRANSFORM (self)->segment, GST_FORMAT_TIME, until);
    GstClockTime d = until > self->gap_start ? until - self->gap_start : 0;
    if (GST_CLOCK_TIME_IS_VALID (rt) && GST_CLOCK_TIME_IS_VALID (until_rt))
      d = until_rt > rt ? until_rt - rt : 0;
    put_time (out, "duration", d);
  }
  return write_line (self);
}

/* the label of class_id, if the meta's top-k has it */
static GQuark
label_of (const GstMmFusionMeta * m, gint class_id)
{
  for (guint i = 0; i < m->n_classes; i++)
    if (m->ids[i] == class_id)
      return m->labels[i];
  return 0;
}

/* the file and the reason in the message itself: an application
 * (mmfusion-analyze) shows only that line */
static GstFlowReturn
write_failed (GstMmPublish * self)
{
  GST_OBJECT_LOCK (self);
  gchar *location = g_strdup (self->location);
  GST_OBJECT_UNLOCK (self);
  GST_ELEMENT_ERROR (self, RESOURCE, WRITE, ("Could not write to %s: %s",
          location, g_strerror (self->write_errno)), ("system error: %s",
          g_strerror (self->write_errno)));
  g_free (location);
  return GST_FLOW_ERROR;
}

/* GAP events mark a stretch without input; EOS ends one that is open */
static gboolean
gst_mm_publish_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstMmPublish *self = GST_MM_PUBLISH (trans);
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_GAP:{
      GstClockTime ts, dur;
      gst_event_parse_gap (event, &ts, &dur);
      if (!GST_CLOCK_TIME_IS_VALID (ts))
        break;
      GstClockTime end = GST_CLOCK_TIME_IS_VALID (dur) ? ts + dur : ts;
      if (!GST_CLOCK_TIME_IS_VALID (self->gap_start)) {
        self->gap_start = ts;
        self->gap_end = end;
        if (!write_gap (self, TRUE, end))
          write_failed (self);
      } else {
        self->gap_end = MAX (self->gap_end, end);
      }
      break;
    }
    case GST_EVENT_EOS:
      if (GST_CLOCK_TIME_IS_VALID (self->gap_start)) {
        if (!write_gap (self, FALSE, self->gap_end))
          write_failed (self);
        self->gap_start = GST_CLOCK_TIME_NONE;
      }
      break;
    case GST_EVENT_FLUSH_STOP:
      self->gap_start = GST_CLOCK_TIME_NONE;
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (gst_mm_publish_parent_class)->sink_event
      (trans, event);
}

static GstFlowReturn
gst_mm_publish_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstMmPublish *self = GST_MM_PUBLISH (trans);
  if (GST_CLOCK_TIME_IS_VALID (self->gap_start)) {
    /* data again: the stretch of gaps ends where this buffer starts */
    GstClockTime until = GST_BUFFER_PTS_IS_VALID (buf) ?
        GST_BUFFER_PTS (buf) : self->gap_end;
    gboolean ok = write_gap (self, FALSE, until);
    self->gap_start = GST_CLOCK_TIME_NONE;
    if (!ok)
      return write_failed (self);
  }
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (buf);
  if (!m || !m->fresh)
    return GST_FLOW_OK;
  self->last_source = m->source;
  const gchar *stream = stream_name_acquire (self);
  gboolean ok = write_result (self, m, stream);
  if (gst_mm_fusion_meta_get_n_outputs (m) > 0) {
    /* every class's own start and end */
    for (guint i = 0; ok && i < gst_mm_fusion_meta_get_n_events (m); i++) {
      const GstMmFusionEvent *e = gst_mm_fusion_meta_peek_event (m, i);
      if (e->state != GST_MM_FUSION_EVENT_ON)
        ok = write_event (self, m, gst_mm_fusion_meta_get_output_name (m,
                e->output), e, stream);
    }
  } else if (ok && m->event_class != self->event_class) {
    /* a meta with the event class only */
    GstMmFusionEvent e = {.class_id = self->event_class,
      .label = label_of (m, self->event_class),
      .state = GST_MM_FUSION_EVENT_END
    };
    if (self->event_class >= 0)
      ok = write_event (self, m, NULL, &e, stream);
    e.class_id = m->event_class;
    e.label = label_of (m, m->event_class);
    e.state = GST_MM_FUSION_EVENT_START;
    if (ok && m->event_class >= 0)
      ok = write_event (self, m, NULL, &e, stream);
  }
  self->event_class = m->event_class;
  stream_name_release (self, stream);
  if (!ok)
    return write_failed (self);
  GST_OBJECT_LOCK (self);
  self->records++;
  GST_OBJECT_UNLOCK (self);
  return GST_FLOW_OK;
}

/* `{source}` in a topic becomes the stream's name: one element per camera
 * then gets its own retained state and status. MQTT's wildcards and level
 * separator in a name would change the topic's meaning: they become _. */
static gchar *
expand_topic (const gchar * topic, const gchar * source)
{
  if (!topic)
    return NULL;
  gchar *safe = g_strdup (source);
  g_strdelimit (safe, "+#/", '_');
  gchar **parts = g_strsplit (topic, "{source}", -1);
  gchar *t = g_strjoinv (safe, parts);
  g_strfreev (parts);
  g_free (safe);
  return t;
}

/* The `source` of the mmfusion element upstream (its name when unset),
 * following the first sink pad of each element on the way, or NULL. Read
 * at start, when the pipeline's links are made; a few hops at most. */
static gchar *
upstream_source (GstMmPublish * self)
{
  GstPad *pad = gst_element_get_static_pad (GST_ELEMENT (self), "sink");
  gchar *found = NULL;
  for (gint hop = 0; pad && !found && hop < 16; hop++) {
    GstPad *peer = gst_pad_get_peer (pad);
    gst_object_unref (pad);
    pad = NULL;
    GstElement *e = peer ? gst_pad_get_parent_element (peer) : NULL;
    if (peer)
      gst_object_unref (peer);
    if (!e)
      break;
    GstElementFactory *f = gst_element_get_factory (e);
    if (f && g_str_equal (GST_OBJECT_NAME (f), "mmfusion")) {
      g_object_get (e, "source", &found, NULL);
      if (!found)
        found = gst_object_get_name (GST_OBJECT (e));
    } else {
      GstIterator *it = gst_element_iterate_sink_pads (e);
      GValue v = G_VALUE_INIT;
      if (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
        pad = g_value_dup_object (&v);
        g_value_unset (&v);
      }
      gst_iterator_free (it);
    }
    gst_object_unref (e);
  }
  if (pad)
    gst_object_unref (pad);
  return found;
}

/* the status the will topic carries: a record of the stream's */
static gchar *
status_record (const gchar * stream, const gchar * source,
    const gchar * state)
{
  GString *out = g_string_new (NULL);
  begin_record (out, stream, source);
  put_member (out, "type");
  put_string (out, "status");
  put_member (out, "state");
  put_string (out, state);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* the password does not outlive its use in freed memory */
static void
forget_secret (gchar * s)
{
  if (s) {
    memset (s, 0, strlen (s));
    g_free (s);
  }
}

/* from the MQTT network thread (no lock of ours held): the broker refused
 * us or TLS failed, told once per kind until a connection succeeds */
static void
on_mqtt_problem (MmMqttProblem problem, const gchar * reason, gpointer data)
{
  GstMmPublish *self = data;
  if (problem == MM_MQTT_PROBLEM_REFUSED)
    GST_ELEMENT_WARNING (self, RESOURCE, NOT_AUTHORIZED,
        ("MQTT broker %s refused the connection: %s", self->mqtt_peer,
            reason), ("check mqtt-username and mqtt-password (and the "
            "broker's rules for this client id); retrying every 2 s; "
            "records wait, at most mqtt-queue-size, then the oldest are "
            "dropped and counted in 'dropped'"));
  else
    GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ_WRITE,
        ("TLS connection to MQTT broker %s failed: %s", self->mqtt_peer,
            reason), ("check that mqtt-ca-file holds the CA that signed "
            "the broker's certificate, that mqtt-host is a name in that "
            "certificate, and mqtt-cert-file/mqtt-key-file; retrying every "
            "2 s; records wait, at most mqtt-queue-size, then the oldest "
            "are dropped and counted in 'dropped'"));
}

/* The MQTT client for the current settings, connecting in the
 * background; NULL with `error` set for settings that cannot work. */
static MmMqtt *
start_mqtt (GstMmPublish * self, GError ** error)
{
  gchar *source = upstream_source (self);
  GST_OBJECT_LOCK (self);
  gchar *stream = g_strdup (self->stream ? self->stream :
      GST_OBJECT_NAME (self));
  /* {source}: the stream property when set, else mmfusion's source */
  if (self->stream || !source) {
    g_free (source);
    source = g_strdup (stream);
  }
  MmMqttConfig config = {
    .host = g_strdup (self->mqtt_host), .port = self->mqtt_port,
    .topic = expand_topic (self->mqtt_topic, source), .qos = self->mqtt_qos,
    .client_id = g_strdup (self->mqtt_client_id), .limit = self->mqtt_queue,
    .tls = self->mqtt_tls, .tls_verify = self->mqtt_tls_verify,
    .ca_file = g_strdup (self->mqtt_ca_file),
    .cert_file = g_strdup (self->mqtt_cert_file),
    .key_file = g_strdup (self->mqtt_key_file),
    .username = g_strdup (self->mqtt_username),
    .password = g_strdup (self->mqtt_password),
    .state_topic = expand_topic (self->mqtt_state_topic, source),
    .status_topic = expand_topic (self->mqtt_will_topic, source),
    .offline = g_strdup (self->mqtt_will_message),
    .on_problem = on_mqtt_problem, .user_data = self,
  };
  GST_OBJECT_UNLOCK (self);
  gchar *online = status_record (stream, source, "online");
  config.online = online;
  if (!config.offline)
    config.offline = status_record (stream, source, "offline");
  /* read by on_mqtt_problem until stop, after the client has ended */
  g_free (self->mqtt_peer);
  self->mqtt_peer = g_strdup_printf ("%s:%d", config.host, config.port);

  /* the settings, never the password */
  GST_INFO_OBJECT (self, "MQTT to %s, topic %s, QoS %d, TLS %s%s, user %s, "
      "password %s, state topic %s, will topic %s", self->mqtt_peer,
      config.topic, config.qos, config.tls || config.ca_file
      || config.cert_file ? "on" : "off", config.tls_verify ? "" :
      " (not verified)", config.username ? config.username : "(none)",
      config.password ? "set" : "unset", GST_STR_NULL (config.state_topic),
      GST_STR_NULL (config.status_topic));
  MmMqtt *mqtt = mm_mqtt_new (&config, error);

  g_free (stream);
  g_free (source);
  g_free (online);
  g_free ((gchar *) config.host);
  g_free ((gchar *) config.topic);
  g_free ((gchar *) config.client_id);
  g_free ((gchar *) config.ca_file);
  g_free ((gchar *) config.cert_file);
  g_free ((gchar *) config.key_file);
  g_free ((gchar *) config.username);
  forget_secret ((gchar *) config.password);
  g_free ((gchar *) config.state_topic);
  g_free ((gchar *) config.status_topic);
  g_free ((gchar *) config.offline);
  return mqtt;
}

static gboolean
gst_mm_publish_start (GstBaseTransform * trans)
{
  GstMmPublish *self = GST_MM_PUBLISH (trans);
  GST_OBJECT_LOCK (self);
  gchar *location = g_strdup (self->location);
  gboolean use_mqtt = self->mqtt_host != NULL;
  self->records = 0;
  GST_OBJECT_UNLOCK (self);
  self->event_class = -1;
  self->warned_at = 0;
  self->warned_score = FALSE;
  self->gap_start = GST_CLOCK_TIME_NONE;
  self->last_source = 0;

  MmMqtt *mqtt = NULL;
  gboolean ok = TRUE;
  if (use_mqtt) {
    GError *err = NULL;
    mqtt = start_mqtt (self, &err);
    if (!mqtt) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("%s", err->message),
          (NULL));
      g_error_free (err);
      ok = FALSE;
    }
  }
  if (ok && !location && !mqtt) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND, (NULL),
        ("nowhere to write: set location (a file, or - for stdout) or "
            "mqtt-host"));
    ok = FALSE;
  }
  if (ok && location) {
    if (strcmp (location, "-") == 0) {
      self->out = stdout;
      self->out_is_stdout = TRUE;
    } else {
      /* appended: several runs, or several streams, may share one log */
      self->out = fopen (location, "a");
      self->out_is_stdout = FALSE;
    }
    if (!self->out) {
      int e = errno;
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
          ("Could not open %s for writing: %s", location, g_strerror (e)),
          ("system error: %s", g_strerror (e)));
      ok = FALSE;
    }
  }
  if (!ok)
    g_clear_pointer (&mqtt, mm_mqtt_free);
  /* get_property reads the client from the application's thread */
  GST_OBJECT_LOCK (self);
  self->mqtt = mqtt;
  GST_OBJECT_UNLOCK (self);
  g_free (location);
  return ok;
}

static gboolean
gst_mm_publish_stop (GstBaseTransform * trans)
{
  GstMmPublish *self = GST_MM_PUBLISH (trans);
  if (self->out && !self->out_is_stdout)
    fclose (self->out);
  self->out = NULL;
  GST_OBJECT_LOCK (self);
  MmMqtt *mqtt = self->mqtt;
  self->mqtt = NULL;
  GST_OBJECT_UNLOCK (self);
  mm_mqtt_free (mqtt);
  /* only now: the client's thread, which reads it, has ended */
  g_clear_pointer (&self->mqtt_peer, g_free);
  return TRUE;
}

static void
gst_mm_publish_set_property (GObject * object, guint id, const GValue * value,
    GParamSpec * pspec)
{
  GstMmPublish *self = GST_MM_PUBLISH (object);
  GST_OBJECT_LOCK (self);
  if (GST_STATE (self) > GST_STATE_READY) {
    GST_OBJECT_UNLOCK (self);
    g_warning ("mmpublish: property '%s' can only be changed in the NULL or "
        "READY state", pspec->name);
    return;
  }
  switch (id) {
    case PROP_LOCATION:
      g_free (self->location);
      self->location = g_value_dup_string (value);
      break;
    case PROP_STREAM:
      g_clear_pointer (&self->stream, g_ref_string_release);
      if (g_value_get_string (value))
        self->stream = g_ref_string_new (g_value_get_string (value));
      break;
    case PROP_MQTT_HOST:
      g_free (self->mqtt_host);
      self->mqtt_host = g_value_dup_string (value);
      break;
    case PROP_MQTT_PORT: self->mqtt_port = g_value_get_int (value); break;
    case PROP_MQTT_TOPIC:
      g_free (self->mqtt_topic);
      self->mqtt_topic = g_value_dup_string (value);
      break;
    case PROP_MQTT_QOS: self->mqtt_qos = g_value_get_int (value); break;
    case PROP_MQTT_CLIENT_ID:
      g_free (self->mqtt_client_id);
      self->mqtt_client_id = g_value_dup_string (value);
      break;
    case PROP_MQTT_QUEUE: self->mqtt_queue = g_value_get_uint (value); break;
    case PROP_MQTT_TLS: self->mqtt_tls = g_value_get_boolean (value); break;
    case PROP_MQTT_CA_FILE:
      g_free (self->mqtt_ca_file);
      self->mqtt_ca_file = g_value_dup_string (value);
      break;
    case PROP_MQTT_CERT_FILE:
      g_free (self->mqtt_cert_file);
      self->mqtt_cert_file = g_value_dup_string (value);
      break;
    case PROP_MQTT_KEY_FILE:
      g_free (self->mqtt_key_file);
      self->mqtt_key_file = g_value_dup_string (value);
      break;
    case PROP_MQTT_TLS_VERIFY:
      self->mqtt_tls_verify = g_value_get_boolean (value);
      break;
    case PROP_MQTT_USERNAME:
      g_free (self->mqtt_username);
      self->mqtt_username = g_value_dup_string (value);
      break;
    case PROP_MQTT_PASSWORD:
      forget_secret (self->mqtt_password);
      self->mqtt_password = g_value_dup_string (value);
      break;
    case PROP_MQTT_STATE_TOPIC:
      g_free (self->mqtt_state_topic);
      self->mqtt_state_topic = g_value_dup_string (value);
      break;
    case PROP_MQTT_WILL_TOPIC:
      g_free (self->mqtt_will_topic);
      self->mqtt_will_topic = g_value_dup_string (value);
      break;
    case PROP_MQTT_WILL_MESSAGE:
      g_free (self->mqtt_will_message);
      self->mqtt_will_message = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_publish_get_property (GObject * object, guint id, GValue * value,
    GParamSpec * pspec)
{
  GstMmPublish *self = GST_MM_PUBLISH (object);
  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_LOCATION: g_value_set_string (value, self->location); break;
    case PROP_STREAM: g_value_set_string (value, self->stream); break;
    case PROP_RECORDS: g_value_set_uint64 (value, self->records); break;
    case PROP_MQTT_HOST: g_value_set_string (value, self->mqtt_host); break;
    case PROP_MQTT_PORT: g_value_set_int (value, self->mqtt_port); break;
    case PROP_MQTT_TOPIC: g_value_set_string (value, self->mqtt_topic); break;
    case PROP_MQTT_QOS: g_value_set_int (value, self->mqtt_qos); break;
    case PROP_MQTT_CLIENT_ID:
      g_value_set_string (value, self->mqtt_client_id);
      break;
    case PROP_MQTT_QUEUE: g_value_set_uint (value, self->mqtt_queue); break;
    case PROP_MQTT_TLS: g_value_set_boolean (value, self->mqtt_tls); break;
    case PROP_MQTT_CA_FILE: g_value_set_string (value, self->mqtt_ca_file);
      break;
    case PROP_MQTT_CERT_FILE:
      g_value_set_string (value, self->mqtt_cert_file);
      break;
    case PROP_MQTT_KEY_FILE: g_value_set_string (value, self->mqtt_key_file);
      break;
    case PROP_MQTT_TLS_VERIFY:
      g_value_set_boolean (value, self->mqtt_tls_verify);
      break;
    case PROP_MQTT_USERNAME:
      g_value_set_string (value, self->mqtt_username);
      break;
      /* mqtt-password is write-only: never read back */
    case PROP_MQTT_STATE_TOPIC:
      g_value_set_string (value, self->mqtt_state_topic);
      break;
    case PROP_MQTT_WILL_TOPIC:
      g_value_set_string (value, self->mqtt_will_topic);
      break;
    case PROP_MQTT_WILL_MESSAGE:
      g_value_set_string (value, self->mqtt_will_message);
      break;
    case PROP_MQTT_CONNECTED:
      g_value_set_boolean (value, self->mqtt
          && mm_mqtt_connected (self->mqtt));
      break;
    case PROP_DROPPED:
      g_value_set_uint64 (value, self->mqtt ? mm_mqtt_dropped (self->mqtt) :
          0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_publish_finalize (GObject * object)
{
  GstMmPublish *self = GST_MM_PUBLISH (object);
  g_free (self->location);
  g_clear_pointer (&self->stream, g_ref_string_release);
  g_free (self->mqtt_host);
  g_free (self->mqtt_topic);
  g_free (self->mqtt_client_id);
  g_free (self->mqtt_ca_file);
  g_free (self->mqtt_cert_file);
  g_free (self->mqtt_key_file);
  g_free (self->mqtt_username);
  forget_secret (self->mqtt_password);
  g_free (self->mqtt_state_topic);
  g_free (self->mqtt_will_topic);
  g_free (self->mqtt_will_message);
  g_free (self->mqtt_peer);
  g_string_free (self->line, TRUE);
  G_OBJECT_CLASS (gst_mm_publish_parent_class)->finalize (object);
}

static void
gst_mm_publish_class_init (GstMmPublishClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *bt_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_mm_publish_set_property;
  gobject_class->get_property = gst_mm_publish_get_property;
  gobject_class->finalize = gst_mm_publish_finalize;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "File the JSON lines are appended to; - for standard output",
          DEFAULT_LOCATION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_STREAM,
      g_param_spec_string ("stream", "Stream name",
          "The records' \"stream\" field and {source} in MQTT topics "
          "(default: the element's name; {source}: mmfusion's source)",
          DEFAULT_STREAM, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
#define MQTT_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)
  g_object_class_install_property (gobject_class, PROP_MQTT_HOST,
      g_param_spec_string ("mqtt-host", "MQTT host",
          "Broker to publish each record to (unset: no MQTT)",
          DEFAULT_MQTT_HOST, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_PORT,
      g_param_spec_int ("mqtt-port", "MQTT port", "Broker port", 1, 65535,
          DEFAULT_MQTT_PORT, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_TOPIC,
      g_param_spec_string ("mqtt-topic", "MQTT topic", "Topic of the records ({source}: the stream name)",
          DEFAULT_MQTT_TOPIC, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_QOS,
      g_param_spec_int ("mqtt-qos", "MQTT QoS", "Quality of service, 0 to 2",
          0, 2, DEFAULT_MQTT_QOS, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_CLIENT_ID,
      g_param_spec_string ("mqtt-client-id", "MQTT client id",
          "Client identifier (unset: the broker makes one up)",
          DEFAULT_MQTT_CLIENT_ID, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_QUEUE,
      g_param_spec_uint ("mqtt-queue-size", "MQTT queue size",
          "Records waiting for the broker (away or slow) or for its "
          "acknowledgement, at most; beyond, the oldest waiting record is "
          "dropped (and counted)", 1,
          1000000, DEFAULT_MQTT_QUEUE, MQTT_FLAGS));
  /**
   * GstMmPublish:mqtt-tls:
   *
   * Connect with TLS even without a CA or certificate file (the system's
   * CAs are then trusted). Setting mqtt-ca-file or mqtt-cert-file turns
   * TLS on as well.
   */
  g_object_class_install_property (gobject_class, PROP_MQTT_TLS,
      g_param_spec_boolean ("mqtt-tls", "MQTT over TLS",
          "Connect with TLS (also on when mqtt-ca-file or mqtt-cert-file is "
          "set); without mqtt-ca-file the system's CAs are trusted",
          DEFAULT_MQTT_TLS, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_CA_FILE,
      g_param_spec_string ("mqtt-ca-file", "MQTT CA file",
          "PEM file of the CA certificates the broker's certificate must "
          "chain to; setting it turns TLS on", DEFAULT_MQTT_CA_FILE,
          MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_CERT_FILE,
      g_param_spec_string ("mqtt-cert-file", "MQTT client certificate",
          "PEM file of this client's certificate, for brokers that require "
          "one (with mqtt-key-file); turns TLS on", DEFAULT_MQTT_CERT_FILE,
          MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_KEY_FILE,
      g_param_spec_string ("mqtt-key-file", "MQTT client key",
          "PEM file of the private key of mqtt-cert-file (not encrypted)",
          DEFAULT_MQTT_KEY_FILE, MQTT_FLAGS));
  /**
   * GstMmPublish:mqtt-tls-verify:
   *
   * Turning it off accepts any broker certificate and name: the traffic
   * is encrypted but anyone on the path may pose as the broker. For tests
   * only.
   */
  g_object_class_install_property (gobject_class, PROP_MQTT_TLS_VERIFY,
      g_param_spec_boolean ("mqtt-tls-verify", "MQTT TLS verify",
          "Verify the broker's certificate and that it names mqtt-host "
          "(off: encrypted, but anyone may pose as the broker)",
          DEFAULT_MQTT_TLS_VERIFY, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_USERNAME,
      g_param_spec_string ("mqtt-username", "MQTT user name",
          "User name given to the broker (unset: none)",
          DEFAULT_MQTT_USERNAME, MQTT_FLAGS));
  /**
   * GstMmPublish:mqtt-password:
   *
   * Write-only: it cannot be read back, and it is never logged.
   */
  g_object_class_install_property (gobject_class, PROP_MQTT_PASSWORD,
      g_param_spec_string ("mqtt-password", "MQTT password",
          "Password given to the broker with mqtt-username; write-only",
          DEFAULT_MQTT_PASSWORD, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMmPublish:mqtt-state-topic:
   *
   * Each result record is also published here with the retain flag, so
   * the broker keeps the newest and gives it to every new subscriber at
   * once. While the broker is away only the newest waits.
   */
  g_object_class_install_property (gobject_class, PROP_MQTT_STATE_TOPIC,
      g_param_spec_string ("mqtt-state-topic", "MQTT state topic",
          "Topic that keeps the newest result retained ({source}: the "
          "stream name; unset: none)", DEFAULT_MQTT_STATE_TOPIC,
          MQTT_FLAGS));
  /**
   * GstMmPublish:mqtt-will-topic:
   *
   * At each connection an `online` status record is published here,
   * retained; at a clean stop the will message; and the broker publishes
   * the will message itself when the connection is lost without a
   * goodbye (a crash, a cut cable).
   */
  g_object_class_install_property (gobject_class, PROP_MQTT_WILL_TOPIC,
      g_param_spec_string ("mqtt-will-topic", "MQTT will topic",
          "Status topic: online at connection, the will message at stop or "
          "when the connection is lost, retained ({source}: the stream "
          "name; unset: no will)", DEFAULT_MQTT_WILL_TOPIC, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_WILL_MESSAGE,
      g_param_spec_string ("mqtt-will-message", "MQTT will message",
          "The offline message on mqtt-will-topic (unset: a status record "
          "{\"type\":\"status\",\"state\":\"offline\",...})",
          DEFAULT_MQTT_WILL_MESSAGE, MQTT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MQTT_CONNECTED,
      g_param_spec_boolean ("mqtt-connected", "MQTT connected",
          "Whether the broker connection is up", FALSE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_DROPPED,
      g_param_spec_uint64 ("dropped", "Dropped",
          "Records not published to MQTT (more than mqtt-queue-size "
          "waiting)", 0,
          G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_RECORDS,
      g_param_spec_uint64 ("records", "Records",
          "Result records written since the last start", 0, G_MAXUINT64, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class,
      "mmfusion results as JSON Lines", "Filter/Analyzer/Metadata",
      "Writes each fresh mmfusion result and event as a JSON line (schema "
      "mmfusion/2) to a file or stdout; buffers pass through",
      "gst-mmfusion authors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  bt_class->transform_ip = GST_DEBUG_FUNCPTR (gst_mm_publish_transform_ip);
  bt_class->start = GST_DEBUG_FUNCPTR (gst_mm_publish_start);
  bt_class->sink_event = GST_DEBUG_FUNCPTR (gst_mm_publish_sink_event);
  bt_class->stop = GST_DEBUG_FUNCPTR (gst_mm_publish_stop);
  bt_class->passthrough_on_same_caps = TRUE;
  GST_DEBUG_CATEGORY_INIT (mm_publish_debug, "mmpublish", 0,
      "mmfusion results as JSON Lines");
}

static void
gst_mm_publish_init (GstMmPublish * self)
{
  self->gap_start = GST_CLOCK_TIME_NONE;
  self->event_class = -1;
  self->line = g_string_sized_new (1024);
  self->mqtt_port = DEFAULT_MQTT_PORT;
  self->mqtt_topic = g_strdup (DEFAULT_MQTT_TOPIC);
  self->mqtt_qos = DEFAULT_MQTT_QOS;
  self->mqtt_queue = DEFAULT_MQTT_QUEUE;
  self->mqtt_tls = DEFAULT_MQTT_TLS;
  self->mqtt_tls_verify = DEFAULT_MQTT_TLS_VERIFY;
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
}
