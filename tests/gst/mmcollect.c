/* The input collectors (gst/mmcollect.h) alone, without an element: each
 * rule of docs/synchronization.md on a plain list of buffers. The probe
 * models of tests/golden/sync give the inputs: waveform windows of 1840
 * samples at 16 kHz, a step S of 10 hops of 160 samples (0.1 s); a 2×2
 * gray picture, alone or in clips of 4 (NCTHW).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include "mmcollect.h"

#include <math.h>
#include <string.h>

#define MS (GST_MSECOND)
#define STEP (100 * MS)

static const char *sync_dir;

/* a queue: buffers in a GQueue, an EOS flag and a segment */
typedef struct {
  GQueue q;
  gboolean eos;
  GstSegment seg;
  guint dropped;
} List;

static GstBuffer *
list_peek (gpointer l)
{
  GstBuffer *b = g_queue_peek_head (&((List *) l)->q);
  return b ? gst_buffer_ref (b) : NULL;
}

static void
list_drop (gpointer l)
{
  gst_buffer_unref (g_queue_pop_head (&((List *) l)->q));
  ((List *) l)->dropped++;
}

static gboolean
list_is_eos (gpointer l)
{
  return ((List *) l)->eos;
}

static void
list_segment (gpointer l, GstSegment * seg)
{
  *seg = ((List *) l)->seg;
}

static const MmQueueFuncs list_funcs = {
  list_peek, list_drop, list_is_eos, list_segment
};

static void
list_init (List * l)
{
  memset (l, 0, sizeof *l);
  g_queue_init (&l->q);
  gst_segment_init (&l->seg, GST_FORMAT_TIME);
}

static void
list_clear (List * l)
{
  g_queue_clear_full (&l->q, (GDestroyNotify) gst_buffer_unref);
}

static MmModel *
load (const char *name)
{
  gchar *path = g_strdup_printf ("%s/%s.onnx", sync_dir, name);
  GError *err = NULL;
  MmModel *m = mm_model_load (path, &err);
  fail_unless (m, "%s", err ? err->message : "");
  g_free (path);
  return m;
}

/* a window ending at `end`, of the probe's length, every sample `value` */
static GstBuffer *
window (const MmAudioCollector * c, GstClockTime end, gfloat value)
{
  gsize n = c->window_bytes / sizeof (gfloat);
  gfloat *d = g_new (gfloat, n);
  for (gsize i = 0; i < n; i++)
    d[i] = value;
  GstBuffer *b = gst_buffer_new_wrapped (d, c->window_bytes);
  GST_BUFFER_PTS (b) = end - c->length;
  GST_BUFFER_DURATION (b) = c->length;
  return b;
}

static GstBuffer *
gap (GstClockTime pts, GstClockTime dur)
{
  GstBuffer *b = gst_buffer_new ();
  GST_BUFFER_FLAG_SET (b, GST_BUFFER_FLAG_GAP);
  GST_BUFFER_PTS (b) = pts;
  GST_BUFFER_DURATION (b) = dur;
  return b;
}

typedef struct {
  MmModel *model;
  MmAudioCollector c;
  List l;
  MmQueue q;
  gfloat *x;
} Audio;

static void
audio_setup (Audio * a)
{
  a->model = load ("probe_s10");
  const MmModelInput *in = mm_model_find_input (a->model, "audio");
  mm_audio_collector_init (&a->c, in);
  list_init (&a->l);
  a->q = (MmQueue) { &list_funcs, &a->l };
  a->x = g_new0 (gfloat, a->c.window_bytes / sizeof (gfloat));
  fail_unless_equals_uint64 (a->c.step, STEP);
}

static void
audio_teardown (Audio * a)
{
  mm_audio_collector_reset (&a->c);
  list_clear (&a->l);
  g_free (a->x);
  mm_model_free (a->model);
}

static void
push (Audio * a, GstBuffer * b)
{
  g_queue_push_tail (&a->l.q, b);
}

/* collects for a tick ending at `end` and returns the window's value (its
 * first sample) or -1 with no window */
static MmCollectAnswer
collect (Audio * a, GstClockTime end, gboolean timeout, gfloat * value,
    GstClockTime * wend)
{
  GstBuffer *w;
  GstClockTime s, e;
  MmCollectAnswer ans = mm_audio_collect (&a->c, &a->q, end, timeout, &w,
      &s, &e);
  *value = -1;
  if (w) {
    GstMapInfo map;
    gst_buffer_map (w, &map, GST_MAP_READ);
    *value = ((gfloat *) map.data)[0];
    gst_buffer_unmap (w, &map);
    gst_buffer_unref (w);
  }
  if (wend)
    *wend = e;
  return ans;
}

/* the window of a tick is the one whose end lies in (E − S/2, E + S/2] */
GST_START_TEST (test_window_bounds)
{
  Audio a;
  audio_setup (&a);
  GstClockTime E = 1000 * MS;
  gfloat v;
  GstClockTime e;
  /* ending exactly at E − S/2: too old, taken off; at E + S/2: the one */
  push (&a, window (&a.c, E - STEP / 2, 1));
  push (&a, window (&a.c, E + STEP / 2, 2));
  fail_unless_equals_int (collect (&a, E, FALSE, &v, &e), MM_COLLECT_FOUND);
  fail_unless_equals_float (v, 2);
  fail_unless_equals_uint64 (e, E + STEP / 2);
  fail_unless_equals_int (a.l.dropped, 1);
  /* the window found stays: the next tick may want it too */
  fail_unless_equals_int (g_queue_get_length (&a.l.q), 1);
  fail_unless_equals_int (collect (&a, E + 10 * MS, FALSE, &v, NULL),
      MM_COLLECT_FOUND);
  fail_unless_equals_float (v, 2);
  /* one nanosecond later than E + S/2 is a later window: missing */
  fail_unless_equals_int (collect (&a, E - 1, FALSE, &v, NULL),
      MM_COLLECT_MISSING);
  fail_unless_equals_float (v, -1);
  fail_unless_equals_int (g_queue_get_length (&a.l.q), 1);
  audio_teardown (&a);
}

GST_END_TEST;

/* waiting: an empty queue waits, unless EOS or the (live) deadline */
GST_START_TEST (test_wait_eos_deadline)
{
  Audio a;
  audio_setup (&a);
  gfloat v;
  fail_unless_equals_int (collect (&a, 1000 * MS, FALSE, &v, NULL),
      MM_COLLECT_WAIT);
  fail_unless_equals_int (collect (&a, 1000 * MS, TRUE, &v, NULL),
      MM_COLLECT_MISSING);
  /* only older windows: they go, and it still waits */
  push (&a, window (&a.c, 800 * MS, 1));
  fail_unless_equals_int (collect (&a, 1000 * MS, FALSE, &v, NULL),
      MM_COLLECT_WAIT);
  fail_unless_equals_int (a.l.dropped, 1);
  a.l.eos = TRUE;
  fail_unless_equals_int (collect (&a, 1000 * MS, FALSE, &v, NULL),
      MM_COLLECT_MISSING);
  /* a tick without a time cannot be paired: missing at once */
  a.l.eos = FALSE;
  fail_unless_equals_int (collect (&a, GST_CLOCK_TIME_NONE, FALSE, &v, NULL),
      MM_COLLECT_MISSING);
  audio_teardown (&a);
}

GST_END_TEST;

/* a GAP ending at most at E + S/2 is taken (a window after it may serve
 * the tick); one reaching past it makes the tick's window missing */
GST_START_TEST (test_gap)
{
  Audio a;
  audio_setup (&a);
  GstClockTime E = 1000 * MS;
  gfloat v;
  push (&a, gap (900 * MS, E + STEP / 2 - 900 * MS));
  push (&a, window (&a.c, E + 10 * MS, 7));
  fail_unless_equals_int (collect (&a, E, FALSE, &v, NULL), MM_COLLECT_FOUND);
  fail_unless_equals_float (v, 7);
  fail_unless_equals_int (a.l.dropped, 1);
  list_clear (&a.l);
  g_queue_init (&a.l.q);
  push (&a, gap (900 * MS, E + STEP / 2 + 1 - 900 * MS));
  fail_unless_equals_int (collect (&a, E, FALSE, &v, NULL),
      MM_COLLECT_MISSING);
  fail_unless_equals_int (g_queue_get_length (&a.l.q), 1);
  /* a window too short for the model counts as a gap, and is told */
  GstBuffer *small = gst_buffer_new_allocate (NULL, 8, NULL);
  fail_if (mm_audio_collector_usable (&a.c, small));
  fail_unless (a.c.warnings & MM_COLLECT_WARN_SHORT);
  fail_unless_equals_uint64 (a.c.short_size, 8);
  gst_buffer_unref (small);
  /* a window without a timestamp serves nothing: dropped, told */
  list_clear (&a.l);
  g_queue_init (&a.l.q);
  GstBuffer *nopts = window (&a.c, E, 3);
  GST_BUFFER_PTS (nopts) = GST_CLOCK_TIME_NONE;
  push (&a, nopts);
  fail_unless_equals_int (collect (&a, E, FALSE, &v, NULL), MM_COLLECT_WAIT);
  fail_unless (a.c.warnings & MM_COLLECT_WARN_NO_PTS);
  audio_teardown (&a);
}

GST_END_TEST;

/* the missing policy: zeros without a span; `last` the newest window
 * that was too old, with its span (zeros before any) */
GST_START_TEST (test_missing_policy)
{
  Audio a;
  audio_setup (&a);
  gsize n = a.c.window_bytes / sizeof (gfloat);
  GstClockTime s, e;
  /* `last` before any window: zeros */
  a.x[0] = 9;
  fail_unless (mm_audio_fill (&a.c, NULL, MM_MISSING_LAST, a.x, &s, &e));
  fail_unless_equals_float (a.x[0], 0);
  fail_if (GST_CLOCK_TIME_IS_VALID (s) || GST_CLOCK_TIME_IS_VALID (e));
  push (&a, window (&a.c, 500 * MS, 4));
  push (&a, window (&a.c, 600 * MS, 5));
  push (&a, window (&a.c, 1200 * MS, 6));
  gfloat v;
  fail_unless_equals_int (collect (&a, 1000 * MS, FALSE, &v, NULL),
      MM_COLLECT_MISSING);
  fail_unless (mm_audio_fill (&a.c, NULL, MM_MISSING_LAST, a.x, &s, &e));
  fail_unless_equals_float (a.x[0], 5);
  fail_unless_equals_float (a.x[n - 1], 5);
  fail_unless_equals_uint64 (e, 600 * MS);
  fail_unless_equals_uint64 (s, 600 * MS - a.c.length);
  fail_unless (mm_audio_fill (&a.c, NULL, MM_MISSING_ZEROS, a.x, &s, &e));
  fail_unless_equals_float (a.x[0], 0);
  fail_unless_equals_float (a.x[n - 1], 0);
  fail_if (GST_CLOCK_TIME_IS_VALID (s));
  /* skip runs nothing; what the input holds then does not matter, but
   * it is flagged missing like the others */
  fail_unless (mm_audio_fill (&a.c, NULL, MM_MISSING_SKIP, a.x, &s, &e));
  /* a found window is not missing, and fills the input */
  GstBuffer *w = window (&a.c, 1000 * MS, 8);
  fail_if (mm_audio_fill (&a.c, w, MM_MISSING_LAST, a.x, &s, &e));
  fail_unless_equals_float (a.x[n / 2], 8);
  gst_buffer_unref (w);
  audio_teardown (&a);
}

GST_END_TEST;

/* nothing changes until the commit: asking again gives the same; the
 * windows taken meanwhile become `last` only at the commit */
GST_START_TEST (test_no_side_effects_until_commit)
{
  Audio a;
  audio_setup (&a);
  GstClockTime s, e;
  gfloat v;
  push (&a, window (&a.c, 400 * MS, 1));
  fail_unless_equals_int (collect (&a, 600 * MS, FALSE, &v, NULL),
      MM_COLLECT_WAIT);
  mm_audio_commit (&a.c);
  fail_unless (a.c.last != NULL);
  push (&a, window (&a.c, 700 * MS, 2));
  for (gint i = 0; i < 3; i++) {
    /* the tick at 1 s waits; the window at 0.7 s goes pending */
    fail_unless_equals_int (collect (&a, 1000 * MS, FALSE, &v, NULL),
        MM_COLLECT_WAIT);
    fail_unless (mm_audio_fill (&a.c, NULL, MM_MISSING_LAST, a.x, &s, &e));
    fail_unless_equals_float (a.x[0], 2);
    /* the committed `last` is still the one of the previous tick */
    fail_unless_equals_uint64 (a.c.last_end, 400 * MS);
  }
  push (&a, window (&a.c, 1000 * MS, 3));
  fail_unless_equals_int (collect (&a, 1000 * MS, FALSE, &v, NULL),
      MM_COLLECT_FOUND);
  fail_unless_equals_float (v, 3);
  fail_unless_equals_uint64 (a.c.last_end, 400 * MS);
  mm_audio_commit (&a.c);
  fail_unless_equals_uint64 (a.c.last_end, 700 * MS);
  fail_unless (a.c.pending == NULL);
  /* a flush forgets everything */
  mm_audio_collector_reset (&a.c);
  fail_unless (mm_audio_fill (&a.c, NULL, MM_MISSING_LAST, a.x, &s, &e));
  fail_unless_equals_float (a.x[0], 0);
  audio_teardown (&a);
}

GST_END_TEST;

/* running time everywhere: a segment's base moves the windows, its rate
 * divides the step */
GST_START_TEST (test_running_time)
{
  Audio a;
  audio_setup (&a);
  gfloat v;
  /* PTS 0.3 s in a segment with base 1 s: running time 1.3 s */
  a.l.seg.base = 1000 * MS;
  push (&a, window (&a.c, 300 * MS, 1));
  fail_unless_equals_int (collect (&a, 300 * MS, FALSE, &v, NULL),
      MM_COLLECT_MISSING);
  fail_unless_equals_int (collect (&a, 1300 * MS, FALSE, &v, NULL),
      MM_COLLECT_FOUND);
  fail_unless_equals_float (v, 1);
  list_clear (&a.l);
  g_queue_init (&a.l.q);
  /* rate 2: S becomes 50 ms in running time, so a window 40 ms late is
   * another tick's */
  gst_segment_init (&a.l.seg, GST_FORMAT_TIME);
  a.l.seg.rate = 2.0;
  push (&a, window (&a.c, 1080 * MS, 2));
  fail_unless_equals_int (collect (&a, 500 * MS, FALSE, &v, NULL),
      MM_COLLECT_MISSING);
  fail_unless_equals_int (collect (&a, 520 * MS, FALSE, &v, NULL),
      MM_COLLECT_FOUND);
  audio_teardown (&a);
}

GST_END_TEST;

/* video */

typedef struct {
  MmModel *model;
  const MmModelInput *in;
  MmClipCollector c;
  MmPreprocess *pp;
  GstVideoInfo info;
  gfloat *x;
  List l;
  MmQueue q;
} Video;

static void
video_setup (Video * v, const char *model)
{
  v->model = load (model);
  v->in = mm_model_find_input (v->model, "video");
  mm_clip_collector_init (&v->c, v->in);
  gst_video_info_set_format (&v->info, GST_VIDEO_FORMAT_GRAY8, 2, 2);
  GST_VIDEO_INFO_FPS_N (&v->info) = 10;
  GST_VIDEO_INFO_FPS_D (&v->info) = 1;
  v->pp = mm_preprocess_new (v->in, &v->info);
  fail_unless (v->pp);
  v->x = g_new0 (gfloat, v->c.frame_floats * v->c.T);
  list_init (&v->l);
  v->q = (MmQueue) { &list_funcs, &v->l };
}

static void
video_teardown (Video * v)
{
  mm_clip_collector_clear (&v->c);
  mm_preprocess_free (v->pp);
  list_clear (&v->l);
  g_free (v->x);
  mm_model_free (v->model);
}

/* a 2×2 gray frame of value k, 100 ms long */
static GstBuffer *
frame (const Video * v, guint k, GstClockTime pts)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, v->info.size, NULL);
  gst_buffer_memset (b, 0, (guint8) k, v->info.size);
  GST_BUFFER_PTS (b) = pts;
  GST_BUFFER_DURATION (b) = 100 * MS;
  return b;
}

/* which frame value the input holds at clip position t (checks that all
 * of that position's pixels agree) */
static gint
frame_at (const Video * v, guint t)
{
  const MmModelInput *in = v->in;
  gsize hw = (gsize) in->height * in->width;
  gfloat val = in->layout == MM_LAYOUT_NCTHW ? v->x[t * hw] :
      v->x[t * v->c.frame_floats];
  gfloat k = (val * in->std[0] + in->mean[0]) * 255.0f;
  return (gint) lrintf (k);
}

static void
stage (Video * v, guint k)
{
  GstBuffer *b = frame (v, k, k * 100 * MS);
  fail_unless (mm_clip_stage (&v->c, v->pp, &v->info, b, k * 100 * MS,
          (k + 1) * 100 * MS));
  gst_buffer_unref (b);
}

/* a clip is the T most recent frames ending with the tick's, oldest
 * first; before T frames came, the oldest repeats */
GST_START_TEST (test_clip_order)
{
  Video v;
  video_setup (&v, "probe_clip4");
  fail_unless_equals_int (v.c.T, 4);
  stage (&v, 10);
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  for (guint t = 0; t < 4; t++)
    fail_unless_equals_int (frame_at (&v, t), 10);
  mm_clip_commit (&v.c);
  stage (&v, 11);
  stage (&v, 12);               /* a following input: two frames a tick */
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  gint want[] = { 10, 10, 11, 12 };
  for (guint t = 0; t < 4; t++)
    fail_unless_equals_int (frame_at (&v, t), want[t]);
  mm_clip_commit (&v.c);
  for (guint k = 13; k < 20; k++) {
    stage (&v, k);
    mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
    for (guint t = 0; t < 4; t++)
      fail_unless_equals_int (frame_at (&v, t), (gint) (k - 3 + t));
    mm_clip_commit (&v.c);
  }
  /* more staged frames than the clip holds: the newest T count */
  for (guint k = 20; k < 27; k++)
    stage (&v, k);
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  for (guint t = 0; t < 4; t++)
    fail_unless_equals_int (frame_at (&v, t), (gint) (23 + t));
  video_teardown (&v);
}

GST_END_TEST;

/* the leading frame of a tick that waits is unstaged, the clip is as
 * before; committed, it is in */
GST_START_TEST (test_clip_unstage)
{
  Video v;
  video_setup (&v, "probe_clip4");
  for (guint k = 1; k <= 4; k++) {
    stage (&v, k);
    mm_clip_commit (&v.c);
  }
  for (gint i = 0; i < 3; i++) {
    stage (&v, 5);              /* the tick is collected, then waits */
    mm_clip_unstage (&v.c);
  }
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  for (guint t = 0; t < 4; t++)
    fail_unless_equals_int (frame_at (&v, t), (gint) (1 + t));
  stage (&v, 5);
  mm_clip_commit (&v.c);
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  for (guint t = 0; t < 4; t++)
    fail_unless_equals_int (frame_at (&v, t), (gint) (2 + t));
  fail_unless_equals_uint64 (mm_clip_frames (&v.c), 5);
  /* a frame with fewer bytes than its caps say holds no picture */
  GstBuffer *b = gst_buffer_new_allocate (NULL, 1, NULL);
  fail_if (mm_clip_stage (&v.c, v.pp, &v.info, b, 0, 0));
  gst_buffer_unref (b);
  /* a flush forgets the frames */
  mm_clip_collector_reset (&v.c);
  fail_unless_equals_uint64 (mm_clip_frames (&v.c), 0);
  video_teardown (&v);
}

GST_END_TEST;

/* a tick that waits for audio comes back with the same frame: its pixels
 * are still in their slot and are not preprocessed again; another frame,
 * a commit or a reset forget them */
GST_START_TEST (test_clip_held_while_waiting)
{
  Video v;
  video_setup (&v, "probe_clip4");
  for (guint k = 1; k <= 4; k++) {
    stage (&v, k);
    mm_clip_commit (&v.c);
  }
  GstBuffer *b = frame (&v, 5, 500 * MS);
  for (gint i = 0; i < 3; i++) {
    fail_unless (mm_clip_stage (&v.c, v.pp, &v.info, b, 500 * MS, 600 * MS));
    mm_clip_unstage (&v.c);
  }
  fail_unless_equals_uint64 (v.c.reused, 2);
  /* the slot really holds frame 5: staged once more and filled */
  fail_unless (mm_clip_stage (&v.c, v.pp, &v.info, b, 500 * MS, 600 * MS));
  fail_unless_equals_uint64 (v.c.reused, 3);
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  for (guint t = 0; t < 4; t++)
    fail_unless_equals_int (frame_at (&v, t), (gint) (2 + t));
  mm_clip_commit (&v.c);
  /* committed: the next frame into that buffer's old slot is preprocessed
   * (its content changed: a pool may hand the same buffer back) */
  gst_buffer_memset (b, 0, 9, v.info.size);
  fail_unless (mm_clip_stage (&v.c, v.pp, &v.info, b, 500 * MS, 600 * MS));
  fail_unless_equals_uint64 (v.c.reused, 3);
  mm_clip_unstage (&v.c);
  /* another frame after a wait is preprocessed, not taken for the held one */
  GstBuffer *other = frame (&v, 7, 700 * MS);
  fail_unless (mm_clip_stage (&v.c, v.pp, &v.info, other, 700 * MS,
          800 * MS));
  fail_unless_equals_uint64 (v.c.reused, 3);
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  fail_unless_equals_int (frame_at (&v, 3), 7);
  mm_clip_unstage (&v.c);
  /* a reset (flush) forgets it too */
  mm_clip_collector_reset (&v.c);
  fail_unless (mm_clip_stage (&v.c, v.pp, &v.info, other, 700 * MS,
          800 * MS));
  fail_unless_equals_uint64 (v.c.reused, 3);
  gst_buffer_unref (other);
  gst_buffer_unref (b);
  video_teardown (&v);
}

GST_END_TEST;

/* a missing picture: zeros, or with `last` the clip as it was */
GST_START_TEST (test_clip_missing)
{
  Video v;
  video_setup (&v, "probe_video_only");
  v.x[0] = 5;
  mm_clip_fill (&v.c, TRUE, MM_MISSING_LAST, v.x);
  fail_unless_equals_float (v.x[0], 0);     /* no frame yet: zeros */
  stage (&v, 200);
  mm_clip_commit (&v.c);
  mm_clip_fill (&v.c, TRUE, MM_MISSING_LAST, v.x);
  fail_unless_equals_int (frame_at (&v, 0), 200);
  mm_clip_fill (&v.c, TRUE, MM_MISSING_ZEROS, v.x);
  for (gsize i = 0; i < v.c.frame_floats; i++)
    fail_unless_equals_float (v.x[i], 0);
  video_teardown (&v);
}

GST_END_TEST;

/* another video input: its latest frame at or before the tick; frames
 * after the tick stay on the queue; none yet is missing, never a wait */
GST_START_TEST (test_follower)
{
  Video v;
  video_setup (&v, "probe_video_only");
  GstClockTime s, e;
  fail_unless_equals_int (mm_clip_collect (&v.c, &v.q, v.pp, &v.info,
          500 * MS, &s, &e), MM_COLLECT_MISSING);
  for (guint k = 3; k <= 7; k++)
    g_queue_push_tail (&v.l.q, frame (&v, k, k * 100 * MS));
  fail_unless_equals_int (mm_clip_collect (&v.c, &v.q, v.pp, &v.info,
          500 * MS, &s, &e), MM_COLLECT_FOUND);
  fail_unless_equals_uint64 (s, 500 * MS);
  fail_unless_equals_uint64 (e, 600 * MS);
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  fail_unless_equals_int (frame_at (&v, 0), 5);
  fail_unless_equals_int (g_queue_get_length (&v.l.q), 2);
  /* asked again (the tick waited for another input): the same */
  fail_unless_equals_int (mm_clip_collect (&v.c, &v.q, v.pp, &v.info,
          500 * MS, &s, &e), MM_COLLECT_FOUND);
  fail_unless_equals_uint64 (s, 500 * MS);
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  fail_unless_equals_int (frame_at (&v, 0), 5);
  mm_clip_commit (&v.c);
  /* a tick between frames uses the newest before it */
  fail_unless_equals_int (mm_clip_collect (&v.c, &v.q, v.pp, &v.info,
          550 * MS, &s, &e), MM_COLLECT_FOUND);
  fail_unless_equals_uint64 (s, 500 * MS);
  fail_unless_equals_int (mm_clip_collect (&v.c, &v.q, v.pp, &v.info,
          750 * MS, &s, &e), MM_COLLECT_FOUND);
  fail_unless_equals_uint64 (s, 700 * MS);
  mm_clip_fill (&v.c, FALSE, MM_MISSING_ZEROS, v.x);
  fail_unless_equals_int (frame_at (&v, 0), 7);
  video_teardown (&v);
}

GST_END_TEST;

static Suite *
mmcollect_suite (void)
{
  Suite *s = suite_create ("mmcollect");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_window_bounds);
  tcase_add_test (tc, test_wait_eos_deadline);
  tcase_add_test (tc, test_gap);
  tcase_add_test (tc, test_missing_policy);
  tcase_add_test (tc, test_no_side_effects_until_commit);
  tcase_add_test (tc, test_running_time);
  tcase_add_test (tc, test_clip_order);
  tcase_add_test (tc, test_clip_unstage);
  tcase_add_test (tc, test_clip_held_while_waiting);
  tcase_add_test (tc, test_clip_missing);
  tcase_add_test (tc, test_follower);
  return s;
}

int
main (int argc, char **argv)
{
  gst_check_init (&argc, &argv);
  sync_dir = g_getenv ("MM_GOLDEN_SYNC");
  if (!sync_dir)
    sync_dir = "tests/golden/sync";
  Suite *s = mmcollect_suite ();
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int n = srunner_ntests_failed (sr);
  srunner_free (sr);
  return n == 0 ? 0 : 1;
}
