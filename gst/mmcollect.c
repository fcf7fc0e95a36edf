/* The inputs of one tick: see mmcollect.h and docs/synchronization.md.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmcollect.h"

#include <string.h>

GstClockTime
mm_collect_time_add (GstClockTime a, GstClockTime b)
{
  if (!GST_CLOCK_TIME_IS_VALID (a) || !GST_CLOCK_TIME_IS_VALID (b)
      || b >= GST_CLOCK_TIME_NONE - a)
    return GST_CLOCK_TIME_NONE;
  return a + b;
}

static gdouble
segment_rate (const GstSegment * seg)
{
  gdouble rate = ABS (seg->rate);
  return rate > 0.0 ? rate : 1.0;
}

GstClockTime
mm_collect_duration (GstBuffer * buf, const GstVideoInfo * info,
    const GstSegment * segment)
{
  GstClockTime d = GST_BUFFER_DURATION (buf);
  if (!GST_CLOCK_TIME_IS_VALID (d) && info && GST_VIDEO_INFO_FPS_N (info) > 0)
    d = gst_util_uint64_scale_int (GST_SECOND, GST_VIDEO_INFO_FPS_D (info),
        GST_VIDEO_INFO_FPS_N (info));
  if (!GST_CLOCK_TIME_IS_VALID (d))
    return 0;
  gdouble rate = segment_rate (segment);
  return rate != 1.0 ? (GstClockTime) (d / rate) : d;
}

/* NONE for a timestamp outside the segment, or without a time segment */
static GstClockTime
to_running_time (const GstSegment * seg, GstClockTime ts)
{
  if (seg->format != GST_FORMAT_TIME)
    return GST_CLOCK_TIME_NONE;
  return gst_segment_to_running_time (seg, GST_FORMAT_TIME, ts);
}

/* audio */

void
mm_audio_collector_init (MmAudioCollector * c, const MmModelInput * in)
{
  memset (c, 0, sizeof *c);
  c->in = in;
  const MmFeatureParams *p = &in->features;
  c->window_bytes = mm_feature_params_window_floats (p) * sizeof (gfloat);
  c->step = gst_util_uint64_scale (GST_SECOND,
      (guint64) mm_feature_params_step_samples (p), (guint64) p->rate);
  c->length = gst_util_uint64_scale (GST_SECOND,
      (guint64) mm_feature_params_window_samples (p), (guint64) p->rate);
  c->pending_start = c->pending_end = GST_CLOCK_TIME_NONE;
  c->last_start = c->last_end = GST_CLOCK_TIME_NONE;
}

void
mm_audio_collector_reset (MmAudioCollector * c)
{
  gst_clear_buffer (&c->pending);
  gst_clear_buffer (&c->last);
  c->pending_start = c->pending_end = GST_CLOCK_TIME_NONE;
  c->last_start = c->last_end = GST_CLOCK_TIME_NONE;
}

gboolean
mm_audio_collector_usable (MmAudioCollector * c, GstBuffer * buf)
{
  if (gst_buffer_get_size (buf) >= c->window_bytes)
    return TRUE;
  /* the base class turns GAP events into empty buffers flagged GAP */
  if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)) {
    c->warnings |= MM_COLLECT_WARN_SHORT;
    c->short_size = gst_buffer_get_size (buf);
  }
  return FALSE;
}

/* Older windows are taken off the queue (the newest kept pending, for
 * `last`); a newer one means a gap. A GAP up to a time says no window
 * ends before it: it is taken once that time is at most this tick's bound
 * (a window after it may still serve the tick), and makes the tick's
 * window missing otherwise. */
MmCollectAnswer
mm_audio_collect (MmAudioCollector * c, const MmQueue * q, GstClockTime end,
    gboolean timeout, GstBuffer ** window, GstClockTime * wstart,
    GstClockTime * wend)
{
  *window = NULL;
  *wstart = *wend = GST_CLOCK_TIME_NONE;
  /* a frame without a timestamp cannot be paired with audio */
  if (!GST_CLOCK_TIME_IS_VALID (end))
    return MM_COLLECT_MISSING;
  GstSegment seg;
  for (;;) {
    GstBuffer *buf = q->funcs->peek (q->queue);
    if (!buf) {
      if (q->funcs->is_eos (q->queue) || timeout)
        return MM_COLLECT_MISSING;
      return MM_COLLECT_WAIT;
    }
    /* read per window: a flush of the pad may replace it meanwhile */
    q->funcs->segment (q->queue, &seg);
    /* the window step in running time: a segment rate of 2 halves it */
    GstClockTime step = c->step;
    gdouble rate = segment_rate (&seg);
    if (rate != 1.0)
      step = (GstClockTime) (step / rate);
    GstClockTime lo = end > step / 2 ? end - step / 2 : 0;
    GstClockTime hi = mm_collect_time_add (end, step / 2);

    gboolean gap = !mm_audio_collector_usable (c, buf);
    if (!GST_BUFFER_PTS_IS_VALID (buf)) {
      /* nowhere in time: it can serve no tick */
      if (!gap)
        c->warnings |= MM_COLLECT_WARN_NO_PTS;
      gst_buffer_unref (buf);
      q->funcs->drop (q->queue);
      continue;
    }
    GstClockTime dur = GST_BUFFER_DURATION (buf);
    if (!GST_CLOCK_TIME_IS_VALID (dur))
      dur = gap ? 0 : c->length;
    /* the end decides; a window that starts before the segment but ends
     * inside it counts from the segment's start */
    GstClockTime e = to_running_time (&seg,
        mm_collect_time_add (GST_BUFFER_PTS (buf), dur));
    GstClockTime s = to_running_time (&seg, GST_BUFFER_PTS (buf));
    if (!GST_CLOCK_TIME_IS_VALID (s) && GST_CLOCK_TIME_IS_VALID (e))
      s = to_running_time (&seg, seg.start);
    if (!GST_CLOCK_TIME_IS_VALID (e) || e <= lo
        || (gap && GST_CLOCK_TIME_IS_VALID (hi) && e <= hi)) {
      /* too old for this tick and every later one */
      if (!gap) {
        gst_clear_buffer (&c->pending);
        c->pending = gst_buffer_ref (buf);
        c->pending_start = s;
        c->pending_end = e;
      }
      gst_buffer_unref (buf);
      q->funcs->drop (q->queue);
      continue;
    }
    if (!gap && (!GST_CLOCK_TIME_IS_VALID (hi) || e <= hi)) {
      /* stays on the queue: the next tick may want it too */
      *window = buf;
      *wstart = s;
      *wend = e;
      return MM_COLLECT_FOUND;
    }
    gst_buffer_unref (buf);
    return MM_COLLECT_MISSING;  /* a later window or a gap came */
  }
}

gboolean
mm_audio_copy_window (const MmModelInput * in, GstBuffer * buf, gfloat * dst)
{
  GstMapInfo map;
  gsize n = mm_feature_params_window_floats (&in->features);
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return FALSE;
  if (map.size < n * sizeof (gfloat)) {
    gst_buffer_unmap (buf, &map);
    return FALSE;
  }
  const gfloat *src = (const gfloat *) map.data;
  const MmFeatureParams *p = &in->features;
  if (p->kind == MM_FEATURE_KIND_LOG_MEL
      && in->layout == MM_LAYOUT_TIME_MAJOR) {
    for (gint m = 0; m < p->n_mels; m++)
      for (gint t = 0; t < p->frames; t++)
        dst[(gsize) t * p->n_mels + m] = src[(gsize) m * p->frames + t];
  } else {
    memcpy (dst, src, n * sizeof (gfloat));
  }
  gst_buffer_unmap (buf, &map);
  return TRUE;
}

gboolean
mm_audio_fill (MmAudioCollector * c, GstBuffer * window, MmMissing policy,
    gfloat * dst, GstClockTime * start, GstClockTime * end)
{
  if (window && mm_audio_copy_window (c->in, window, dst))
    return FALSE;
  GstBuffer *last = c->pending ? c->pending : c->last;
  if (policy == MM_MISSING_LAST && last
      && mm_audio_copy_window (c->in, last, dst)) {
    *start = c->pending ? c->pending_start : c->last_start;
    *end = c->pending ? c->pending_end : c->last_end;
    return TRUE;
  }
  memset (dst, 0, c->window_bytes);
  *start = *end = GST_CLOCK_TIME_NONE;
  return TRUE;
}

void
mm_audio_commit (MmAudioCollector * c)
{
  if (!c->pending)
    return;
  gst_clear_buffer (&c->last);
  c->last = c->pending;
  c->last_start = c->pending_start;
  c->last_end = c->pending_end;
  c->pending = NULL;
  c->pending_start = c->pending_end = GST_CLOCK_TIME_NONE;
}

/* video */

void
mm_clip_collector_init (MmClipCollector * c, const MmModelInput * in)
{
  memset (c, 0, sizeof *c);
  c->in = in;
  c->frame_floats = (gsize) in->channels * in->height * in->width;
  c->T = (guint) MAX (in->clip_frames, 1);
  c->cap = 2 * c->T;
  c->ring = g_new0 (gfloat, c->frame_floats * c->cap);
  c->start = c->end = GST_CLOCK_TIME_NONE;
}

void
mm_clip_collector_clear (MmClipCollector * c)
{
  g_clear_pointer (&c->ring, g_free);
}

void
mm_clip_collector_reset (MmClipCollector * c)
{
  c->len = 0;
  c->staged = 0;
  c->held = c->last = NULL;
  c->start = c->end = GST_CLOCK_TIME_NONE;
}

gboolean
mm_clip_stage (MmClipCollector * c, MmPreprocess * pp,
    const GstVideoInfo * info, GstBuffer * buf, GstClockTime start,
    GstClockTime end)
{
  GstVideoFrame vf;
  if (!pp || gst_buffer_get_size (buf) < GST_VIDEO_INFO_SIZE (info)
      || !gst_video_frame_map (&vf, info, buf, GST_MAP_READ))
    return FALSE;
  if (c->staged == c->T) {
    /* T newer frames fill the view: the oldest staged one is history */
    c->at = (c->at + 1) % c->cap;
    c->len++;
    c->staged--;
  }
  c->staged++;
  guint slot = (c->at + c->staged) % c->cap;
  if (c->held == (gconstpointer) buf && c->held_pts == GST_BUFFER_PTS (buf)
      && c->held_slot == slot)
    c->reused++;
  else
    mm_preprocess_frame (pp, &vf, c->ring + slot * c->frame_floats);
  gst_video_frame_unmap (&vf);
  c->held = NULL;
  c->last = buf;
  c->last_pts = GST_BUFFER_PTS (buf);
  c->last_slot = slot;
  c->start = start;
  c->end = end;
  return TRUE;
}

void
mm_clip_unstage (MmClipCollector * c)
{
  /* (the caller keeps a reference to the frame while it waits, so the
   * pointer cannot come back as another buffer meanwhile) */
  if (c->staged == 1) {
    c->held = c->last;
    c->held_pts = c->last_pts;
    c->held_slot = c->last_slot;
  }
  c->staged = 0;
}

MmCollectAnswer
mm_clip_collect (MmClipCollector * c, const MmQueue * q, MmPreprocess * pp,
    const GstVideoInfo * info, GstClockTime t, GstClockTime * start,
    GstClockTime * end)
{
  GstBuffer *vb;
  GstSegment seg;
  while (GST_CLOCK_TIME_IS_VALID (t) && (vb = q->funcs->peek (q->queue))) {
    q->funcs->segment (q->queue, &seg);
    GstClockTime vs = to_running_time (&seg, GST_BUFFER_PTS (vb));
    if (GST_CLOCK_TIME_IS_VALID (vs) && vs > t) {
      gst_buffer_unref (vb);
      break;
    }
    mm_clip_stage (c, pp, info, vb, vs, mm_collect_time_add (vs,
            mm_collect_duration (vb, info, &seg)));
    gst_buffer_unref (vb);
    q->funcs->drop (q->queue);
  }
  if (mm_clip_frames (c) == 0) {
    *start = *end = GST_CLOCK_TIME_NONE;
    return MM_COLLECT_MISSING;
  }
  *start = c->start;
  *end = c->end;
  return MM_COLLECT_FOUND;
}

guint64
mm_clip_frames (const MmClipCollector * c)
{
  return c->len + c->staged;
}

void
mm_clip_fill (MmClipCollector * c, gboolean missing, MmMissing policy,
    gfloat * dst)
{
  const MmModelInput *in = c->in;
  guint T = c->T;
  guint64 have = MIN (mm_clip_frames (c), T);
  if (have == 0 || (missing && policy != MM_MISSING_LAST)) {
    memset (dst, 0, c->frame_floats * T * sizeof (gfloat));
    return;
  }
  gsize hw = (gsize) in->height * in->width;
  guint newest = (c->at + c->staged) % c->cap;
  for (guint t = 0; t < T; t++) {
    /* oldest first; before T frames have come, the oldest repeats */
    guint back = MIN (T - 1 - t, (guint) have - 1);
    guint slot = (newest + c->cap - back) % c->cap;
    const gfloat *src = c->ring + slot * c->frame_floats;
    if (in->layout == MM_LAYOUT_NCTHW) {
      for (gint ch = 0; ch < in->channels; ch++)
        memcpy (dst + ((gsize) ch * T + t) * hw, src + ch * hw,
            hw * sizeof (gfloat));
    } else {                    /* NCHW (T = 1) and NTCHW */
      memcpy (dst + t * c->frame_floats, src,
          c->frame_floats * sizeof (gfloat));
    }
  }
}

void
mm_clip_commit (MmClipCollector * c)
{
  c->at = (c->at + c->staged) % c->cap;
  c->len += c->staged;
  c->staged = 0;
  c->held = NULL;
}
