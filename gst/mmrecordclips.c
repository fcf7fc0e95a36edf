/* mmrecord's clip scheduling: the memory of encoded buffers, when a clip
 * begins (the last keyframe at or before start − pre) and ends (end + post,
 * in decode order, once no event can join it any more), events joining
 * clips, max-duration cuts, and handing finished clips to the writer's
 * finisher.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmrecord-private.h"

#include <string.h>

#define GST_CAT_DEFAULT mm_record_debug


guint
mm_record_key_stream (GstMmRecord * self)
{
  return self->streams[MM_CLIP_VIDEO].pad ? MM_CLIP_VIDEO : MM_CLIP_AUDIO;
}

void
mm_record_set_warning (GstMmRecord * self, gchar * text)
{
  if (self->failing || self->warning) {
    g_free (text);
    return;
  }
  self->failing = TRUE;
  self->warning = text;
}

/* posts a warning noted under the lock; call without it */
void
mm_record_post_warning (GstMmRecord * self)
{
  g_mutex_lock (&self->lock);
  gchar *text = self->warning;
  self->warning = NULL;
  g_mutex_unlock (&self->lock);
  if (text) {
    GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
        ("Cannot record a clip: %s", text),
        ("recording goes on; further failures are reported again once a "
            "clip has been written"));
    g_free (text);
  }
}

static gchar *
utc_now (void)
{
  GDateTime *now = g_date_time_new_now_utc ();
  gchar *s = g_date_time_format (now, "%Y%m%dT%H%M%S");
  gchar *r = g_strdup_printf ("%s.%03dZ", s,
      g_date_time_get_microsecond (now) / 1000);
  g_free (s);
  g_date_time_unref (now);
  return r;
}

/* a file-name-safe copy of a label or stream name */
static void
append_safe (GString * out, const gchar * s)
{
  for (; s && *s; s++)
    g_string_append_c (out, g_ascii_isalnum (*s) || *s == '-' || *s == '_'
        || *s == '.' || *s == '+' ? *s : '_');
}

static gchar *
source_name (GstMmRecord * self)
{
  GST_OBJECT_LOCK (self);
  gchar *s = g_strdup (self->source);
  GST_OBJECT_UNLOCK (self);
  if (s)
    return s;
  GstElement *f = self->fusion_element;
  GParamSpec *ps = f ? g_object_class_find_property (G_OBJECT_GET_CLASS (f),
      "source") : NULL;
  if (ps && ps->value_type == G_TYPE_STRING) {
    g_object_get (f, "source", &s, NULL);
    if (s && *s)
      return s;
    g_free (s);
  }
  return gst_object_get_name (GST_OBJECT (f ? (gpointer) f : (gpointer) self));
}

/* the template with {source}, {class}, {utc} and {n} filled in; a number is
 * appended when the file exists */
static gchar *
clip_path (GstMmRecord * self, MmClip * c)
{
  GST_OBJECT_LOCK (self);
  gchar *dir = g_strdup (self->directory);
  gchar *tmpl = g_strdup (self->file_template);
  GST_OBJECT_UNLOCK (self);
  gchar *source = source_name (self);
  GString *name = g_string_new (NULL);
  for (const gchar * p = tmpl; *p;) {
    if (g_str_has_prefix (p, "{source}")) {
      append_safe (name, source);
      p += 8;
    } else if (g_str_has_prefix (p, "{class}")) {
      gchar *cls = g_strdup (c->classes->str);
      g_strdelimit (cls, ",", '+');
      append_safe (name, *cls ? cls : "event");
      g_free (cls);
      p += 7;
    } else if (g_str_has_prefix (p, "{utc}")) {
      g_string_append (name, c->utc);
      p += 5;
    } else if (g_str_has_prefix (p, "{n}")) {
      g_string_append_printf (name, "%u", self->counter);
      p += 3;
    } else {
      g_string_append_c (name, *p++);
    }
  }
  self->counter++;
  gchar *path = g_build_filename (dir, name->str, NULL);
  for (guint i = 2; g_file_test (path, G_FILE_TEST_EXISTS) && i < 1000; i++) {
    const gchar *dot = strrchr (name->str, '.');
    gsize stem = dot ? (gsize) (dot - name->str) : name->len;
    gchar *alt = g_strdup_printf ("%.*s-%u%s", (int) stem, name->str, i,
        dot ? dot : "");
    g_free (path);
    path = g_build_filename (dir, alt, NULL);
    g_free (alt);
  }
  g_string_free (name, TRUE);
  g_free (source);
  g_free (tmpl);
  g_free (dir);
  return path;
}

MmClip *
mm_record_clip_new (GstMmRecord * self, GstClockTime want)
{
  MmClip *c = g_new0 (MmClip, 1);
  c->classes = g_string_new (NULL);
  c->utc = utc_now ();
  c->want = want;
  c->start = c->offset = c->stop = c->trigger_stop = GST_CLOCK_TIME_NONE;
  c->event_start = c->event_end = c->end = GST_CLOCK_TIME_NONE;
  c->last[0] = c->last[1] = GST_CLOCK_TIME_NONE;
  self->clips = g_list_append (self->clips, c);
  return c;
}

void
mm_record_clip_add_class (MmClip * c, const gchar * label)
{
  gchar **have = g_strsplit (c->classes->str, ",", -1);
  gboolean known = g_strv_contains ((const gchar * const *) have, label);
  g_strfreev (have);
  if (known)
    return;
  if (c->classes->len)
    g_string_append_c (c->classes, ',');
  g_string_append (c->classes, label);
}

static void
clip_free (MmClip * c)
{
  g_string_free (c->classes, TRUE);
  g_free (c->utc);
  g_free (c->path);
  if (c->self)
    gst_object_unref (c->self);
  g_free (c);
}

/* decode order: what tells whether a buffer was already written */
static GstClockTime
order_of (const MmRingEntry * e)
{
  return GST_CLOCK_TIME_IS_VALID (e->dts) ? e->dts : e->rt;
}

/* writes one buffer of the ring or the stream into an open clip */
void
mm_record_clip_feed (MmClip * c, guint stream, const MmRingEntry * e)
{
  if (c->done[stream] || !mm_clip_writer_has_stream (c->w, stream))
    return;
  /* in decode order: reordered frames shown before stop, and the frame
   * they depend on, are kept */
  if (GST_CLOCK_TIME_IS_VALID (c->stop) && order_of (e) >= c->stop) {
    c->done[stream] = TRUE;
    return;
  }
  if (e->rt < c->start)
    return;                     /* audio from before the first keyframe */
  if (GST_CLOCK_TIME_IS_VALID (c->last[stream])
      && order_of (e) <= c->last[stream])
    return;                     /* written already */
  c->last[stream] = order_of (e);
  GstBuffer *b = gst_buffer_copy (e->buf);
  GST_BUFFER_PTS (b) = e->rt - c->offset;
  GST_BUFFER_DTS (b) = GST_CLOCK_TIME_IS_VALID (e->dts) ?
      e->dts - c->offset : GST_CLOCK_TIME_NONE;
  mm_clip_writer_push (c->w, stream, b);
  c->written[stream]++;
  if (!GST_CLOCK_TIME_IS_VALID (c->end) || e->end > c->end)
    c->end = e->end;
}

/* An open clip whose end moved later: streams that had reached the old
 * end go on, from what the memory still holds after their last buffer
 * (the event came late, after the media). */
static void
clip_resume (GstMmRecord * self, MmClip * c)
{
  if (!c->open)
    return;
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++) {
    if (!c->done[i])
      continue;
    c->done[i] = FALSE;
    MmRing *r = &self->streams[i].ring;
    for (guint j = 0; j < r->len && !c->done[i]; j++)
      mm_record_clip_feed (c, i, mm_ring_at (r, j));
  }
}

/* Starts writing a pending clip: from the last keyframe at or before its
 * `want`, everything in the memory. FALSE when there is no keyframe yet, or
 * when the file cannot be written (the clip is then dropped). */
static gboolean
clip_open (GstMmRecord * self, MmClip * c)
{
  guint k = mm_record_key_stream (self);
  MmStream *ks = &self->streams[k];
  gint at = mm_ring_find_start (&ks->ring, c->want);
  if (at < 0)
    return FALSE;
  const MmRingEntry *first = mm_ring_at (&ks->ring, at);
  c->start = first->rt;
  c->offset = GST_CLOCK_TIME_IS_VALID (first->dts) ?
      MIN (first->rt, first->dts) : first->rt;

  GstCaps *caps[MM_CLIP_N_STREAMS] = { NULL, NULL };
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++)
    if (self->streams[i].pad && self->streams[i].caps)
      caps[i] = self->streams[i].caps;
  GST_OBJECT_LOCK (self);
  GstMmRecordContainer container = self->container;
  GST_OBJECT_UNLOCK (self);
  c->path = clip_path (self, c);
  MmContainer mc = container == GST_MM_RECORD_CONTAINER_MP4 ?
      MM_CONTAINER_MP4 : container == GST_MM_RECORD_CONTAINER_MATROSKA ?
      MM_CONTAINER_MATROSKA : mm_container_from_path (c->path);
  GError *err = NULL;
  c->w = mm_clip_writer_new (c->path, mc, caps, &err);
  if (!c->w) {
    GST_WARNING_OBJECT (self, "cannot write %s: %s", c->path, err->message);
    mm_record_set_warning (self, g_strdup_printf ("'%s': %s", c->path, err->message));
    g_error_free (err);
    return FALSE;
  }
  c->open = TRUE;
  GST_INFO_OBJECT (self, "clip %s from %" GST_TIME_FORMAT " (wanted %"
      GST_TIME_FORMAT ")", c->path, GST_TIME_ARGS (c->start),
      GST_TIME_ARGS (c->want));
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++) {
    MmRing *r = &self->streams[i].ring;
    GST_DEBUG_OBJECT (self, "stream %u: %u buffers in memory from %"
        GST_TIME_FORMAT, i, r->len, GST_TIME_ARGS (r->len ?
            mm_ring_at (r, 0)->rt : GST_CLOCK_TIME_NONE));
    for (guint j = i == k ? (guint) at : 0; j < r->len; j++)
      mm_record_clip_feed (c, i, mm_ring_at (r, j));
  }
  return TRUE;
}

void
mm_record_finish_clip (gpointer data, gpointer unused)
{
  MmClip *c = data;
  GstMmRecord *self = c->self;
  GError *err = NULL;
  gboolean ok = mm_clip_writer_finish (c->w, MM_RECORD_FINISH_TIMEOUT, &err);
  c->w = NULL;
  if (ok) {
    GST_INFO_OBJECT (self, "clip %s written", c->path);
    GstStructure *s = gst_structure_new ("mmrecord-clip",
        "path", G_TYPE_STRING, c->path,
        "start", G_TYPE_UINT64, c->start,
        "end", G_TYPE_UINT64, c->end,
        "event-start", G_TYPE_UINT64, c->event_start,
        "event-end", G_TYPE_UINT64, c->event_end,
        "class", G_TYPE_STRING, c->classes->str,
        "utc", G_TYPE_STRING, c->utc, NULL);
    GST_OBJECT_LOCK (self);
    self->clips_written++;
    GST_OBJECT_UNLOCK (self);
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self), s));
  } else {
    GST_WARNING_OBJECT (self, "clip %s failed: %s", c->path, err->message);
  }
  g_mutex_lock (&self->lock);
  if (ok)
    self->failing = FALSE;
  else
    mm_record_set_warning (self, g_strdup_printf ("'%s': %s", c->path, err->message));
  g_mutex_unlock (&self->lock);
  mm_record_post_warning (self);
  g_clear_error (&err);
  g_mutex_lock (&self->lock);
  self->unfinished--;
  g_cond_broadcast (&self->finished);
  g_mutex_unlock (&self->lock);
  clip_free (c);                /* drops its reference to self: last */
}

/* ends a clip: an open one goes to the finisher, a pending one is dropped */
static void
clip_close (GstMmRecord * self, MmClip * c)
{
  self->clips = g_list_remove (self->clips, c);
  if (self->current == c)
    self->current = NULL;
  if (!c->open) {
    clip_free (c);
    return;
  }
  GST_DEBUG_OBJECT (self, "closing %s: %u video, %u audio buffers", c->path,
      c->written[MM_CLIP_VIDEO], c->written[MM_CLIP_AUDIO]);
  mm_clip_writer_end (c->w);
  c->self = gst_object_ref (self);
  self->unfinished++;
  g_thread_pool_push (self->finisher, c, NULL);
}

/* a clip is complete when each of its streams reached its stop, or the key
 * stream is past it by more than the memory holds (the other stream has
 * stopped; merely lagging, as unsynchronized branches of a file pipeline
 * do, it is waited for) */
static void
check_complete (GstMmRecord * self, MmClip * c)
{
  if (!c->open)
    return;
  if (mm_clip_writer_failed (c->w)) {
    /* disk full or the like: end it now, the finisher says why */
    clip_close (self, c);
    return;
  }
  if (!GST_CLOCK_TIME_IS_VALID (c->stop))
    return;
  guint k = mm_record_key_stream (self);
  gboolean all = TRUE;
  for (guint i = 0; i < MM_CLIP_N_STREAMS; i++) {
    MmStream *s = &self->streams[i];
    if (!mm_clip_writer_has_stream (c->w, i))
      continue;
    if (!c->done[i] && (s->eos || (GST_CLOCK_TIME_IS_VALID (s->newest)
                && s->newest >= c->stop)))
      c->done[i] = TRUE;
    all &= c->done[i];
  }
  GstClockTime kn = self->streams[k].newest;
  GST_OBJECT_LOCK (self);
  GstClockTime grace = MAX (self->buffer_duration, self->pre);
  GstClockTime pre = self->pre;
  GST_OBJECT_UNLOCK (self);
  /* while the followed analysis has not passed stop + pre, an event that
   * would join this clip may still come */
  if (self->fusion_element && (!GST_CLOCK_TIME_IS_VALID (self->analysis_rt)
          || self->analysis_rt < c->stop + pre))
    return;
  if (all || (c->done[k] && GST_CLOCK_TIME_IS_VALID (kn)
          && kn >= c->stop + grace))
    clip_close (self, c);
}

void
mm_record_check_all (GstMmRecord * self)
{
  for (GList * l = self->clips; l;) {
    MmClip *c = l->data;
    l = l->next;
    if (c->open)
      check_complete (self, c);
  }
}

/* pending clips whose start the key stream has reached can begin */
void
mm_record_open_ready (GstMmRecord * self)
{
  MmStream *ks = &self->streams[mm_record_key_stream (self)];
  for (GList * l = self->clips; l;) {
    MmClip *c = l->data;
    l = l->next;
    if (c->open || !GST_CLOCK_TIME_IS_VALID (ks->newest)
        || ks->newest < c->want)
      continue;
    if (!clip_open (self, c) && c->w == NULL
        && mm_ring_find_start (&ks->ring, c->want) >= 0)
      clip_close (self, c);     /* cannot be written: dropped */
  }
}

GstClockTime
mm_record_now (GstMmRecord * self)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  GstClockTime now = GST_CLOCK_TIME_NONE;
  if (clock && GST_STATE (self) == GST_STATE_PLAYING) {
    GstClockTime t = gst_clock_get_time (clock);
    GstClockTime base = gst_element_get_base_time (GST_ELEMENT (self));
    now = t > base ? t - base : 0;
  }
  if (clock)
    gst_object_unref (clock);
  if (!GST_CLOCK_TIME_IS_VALID (now))
    now = self->streams[mm_record_key_stream (self)].newest;
  return GST_CLOCK_TIME_IS_VALID (now) ? now : 0;
}

/* An event of `label` began at running time t: join the current clip when
 * its span reaches t − pre, else begin a new one. */
void
mm_record_event_start (GstMmRecord * self, const gchar * label, GstClockTime t,
    gboolean counted)
{
  GST_OBJECT_LOCK (self);
  GstClockTime pre = self->pre;
  GST_OBJECT_UNLOCK (self);
  GstClockTime want = t > pre ? t - pre : 0;
  MmClip *c = self->current;
  if (!c || (GST_CLOCK_TIME_IS_VALID (c->stop) && want > c->stop)) {
    c = self->current = mm_record_clip_new (self, want);
    c->event_start = t;
  }
  if (counted) {
    c->active++;
    c->stop = GST_CLOCK_TIME_NONE;
    clip_resume (self, c);
  }
  mm_record_clip_add_class (c, label);
  GST_DEBUG_OBJECT (self, "event %s from %" GST_TIME_FORMAT, label,
      GST_TIME_ARGS (t));
  mm_record_open_ready (self);
}

void
mm_record_clip_set_stop (GstMmRecord * self, MmClip * c, GstClockTime stop)
{
  if (!GST_CLOCK_TIME_IS_VALID (c->stop) || stop > c->stop) {
    c->stop = stop;
    clip_resume (self, c);
  }
  check_complete (self, c);
}

void
mm_record_event_end (GstMmRecord * self, const gchar * label, GstClockTime t)
{
  MmClip *c = self->current;
  GST_DEBUG_OBJECT (self, "event %s ends at %" GST_TIME_FORMAT, label,
      GST_TIME_ARGS (t));
  if (!c || c->active == 0)
    return;
  GST_OBJECT_LOCK (self);
  GstClockTime post = self->post;
  GST_OBJECT_UNLOCK (self);
  if (!GST_CLOCK_TIME_IS_VALID (c->event_end) || t > c->event_end)
    c->event_end = t;
  if (--c->active == 0) {
    GstClockTime stop = t + post;
    if (GST_CLOCK_TIME_IS_VALID (c->trigger_stop))
      stop = MAX (stop, c->trigger_stop);
    mm_record_clip_set_stop (self, c, stop);
  }
}


void
mm_record_trim (GstMmRecord * self)
{
  GST_OBJECT_LOCK (self);
  GstClockTime keep = MAX (self->buffer_duration, self->pre);
  GST_OBJECT_UNLOCK (self);
  guint k = mm_record_key_stream (self);
  MmStream *ks = &self->streams[k];
  if (GST_CLOCK_TIME_IS_VALID (ks->newest))
    mm_ring_trim_gops (&ks->ring, ks->newest > keep ? ks->newest - keep : 0);
  if (k == MM_CLIP_VIDEO) {
    MmStream *as = &self->streams[MM_CLIP_AUDIO];
    /* audio from before the oldest keyframe can never be written; while
     * video has none yet, keep at most the configured span */
    if (ks->ring.len)
      mm_ring_trim_before (&as->ring, mm_ring_at (&ks->ring, 0)->rt);
    else if (GST_CLOCK_TIME_IS_VALID (as->newest) && as->newest > keep)
      mm_ring_trim_before (&as->ring, as->newest - keep);
  }
}


/* every clip ends now: open ones are finished, pending ones dropped */
void
mm_record_close_all (GstMmRecord * self)
{
  while (self->clips) {
    MmClip *c = self->clips->data;
    if (c->open && !GST_CLOCK_TIME_IS_VALID (c->stop))
      c->stop = c->end;
    clip_close (self, c);
  }
  self->current = NULL;
}

void
mm_record_wait_finished (GstMmRecord * self)
{
  while (self->unfinished)
    g_cond_wait (&self->finished, &self->lock);
}
