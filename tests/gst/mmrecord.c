/* mmrecord: clips around events.
 *
 * The clip logic through the action signals on a harness (GOPs of 25
 * frames, events ahead of and behind the data, overlapping classes, a
 * trigger, max-duration), then whole pipelines where a probe model (score =
 * the picture's brightness) turns painted frames into mmfusion events at
 * chosen times: the clips begin at the last keyframe at or before
 * start − pre, end at or after end + post, hold exactly the event frames,
 * play back with video and audio, in Matroska and MP4; overlapping events
 * give one clip, a dim picture (below the threshold) none; an unwritable
 * folder gives one warning and the pipeline still ends.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>
#include <unistd.h>

static const char *sync_dir;

#define FRAME (40 * GST_MSECOND)

typedef struct {
  gchar *path, *cls;
  guint64 start, end, ev_start, ev_end;
} Clip;

static void
clip_free (gpointer p)
{
  Clip *c = p;
  g_free (c->path);
  g_free (c->cls);
  g_free (c);
}

static Clip *
parse_clip (GstMessage * msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  if (!s || !gst_structure_has_name (s, "mmrecord-clip"))
    return NULL;
  Clip *c = g_new0 (Clip, 1);
  c->path = g_strdup (gst_structure_get_string (s, "path"));
  c->cls = g_strdup (gst_structure_get_string (s, "class"));
  fail_unless (gst_structure_get_uint64 (s, "start", &c->start));
  fail_unless (gst_structure_get_uint64 (s, "end", &c->end));
  fail_unless (gst_structure_get_uint64 (s, "event-start", &c->ev_start));
  fail_unless (gst_structure_get_uint64 (s, "event-end", &c->ev_end));
  return c;
}

static gchar *
make_dir (void)
{
  gchar *dir = g_dir_make_tmp ("mmrecord-XXXXXX", NULL);
  fail_unless (dir != NULL);
  return dir;
}

static void
remove_dir (const gchar * dir)
{
  if (g_getenv ("MM_RECORD_KEEP"))
    return;                     /* to look at the clips */
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *n;
  while (d && (n = g_dir_read_name (d))) {
    gchar *p = g_build_filename (dir, n, NULL);
    g_unlink (p);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
}

/* ---- the clip logic, driven by the action signals ---- */

static void
push_frames (GstHarness * h, guint * n, guint upto)
{
  for (; *n < upto; (*n)++) {
    GstBuffer *b = gst_buffer_new_allocate (NULL, 64, NULL);
    gst_buffer_memset (b, 0, 0xff, 64);
    GST_BUFFER_PTS (b) = GST_BUFFER_DTS (b) = *n * FRAME;
    GST_BUFFER_DURATION (b) = FRAME;
    if (*n % 25)
      GST_BUFFER_FLAG_SET (b, GST_BUFFER_FLAG_DELTA_UNIT);
    fail_unless_equals_int (gst_harness_push (h, b), GST_FLOW_OK);
  }
}

#define S(x) ((guint64) ((x) * GST_SECOND))

GST_START_TEST (test_signals)
{
  gchar *dir = make_dir ();
  GstHarness *h = gst_harness_new_with_padnames ("mmrecord", "video", NULL);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  g_object_set (h->element, "directory", dir, "file-template",
      "{source}-{class}-{n}.mkv", "source", "cam", "pre", S (1), "post",
      S (1), "max-duration", S (6), "buffer-duration", S (2), NULL);
  gst_harness_set_src_caps_str (h,
      "image/jpeg,width=64,height=48,framerate=25/1");
  gst_harness_play (h);

  guint n = 0;
  GstElement *r = h->element;
  /* two classes overlapping, the events posted after the data */
  push_frames (h, &n, 88);      /* 3.5 s */
  g_signal_emit_by_name (r, "start", "a", S (3.0));
  push_frames (h, &n, 105);
  g_signal_emit_by_name (r, "start", "b", S (4.0));
  push_frames (h, &n, 138);
  g_signal_emit_by_name (r, "stop", "a", S (5.0));
  push_frames (h, &n, 153);
  g_signal_emit_by_name (r, "stop", "b", S (6.0));
  /* nothing from 8 to 12 s; then a trigger ahead of the data */
  push_frames (h, &n, 300);
  g_signal_emit_by_name (r, "trigger", "c", S (15.5), S (16.0));
  /* an event longer than max-duration (6 s): cut at keyframes */
  push_frames (h, &n, 488);     /* 19.5 s */
  g_signal_emit_by_name (r, "start", "d", S (19.5));
  push_frames (h, &n, 780);     /* 31.2 s */
  g_signal_emit_by_name (r, "stop", "d", S (31.0));
  push_frames (h, &n, 850);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  /* the element's EOS comes after every clip is written */
  GPtrArray *clips = g_ptr_array_new_with_free_func (clip_free);
  GstMessage *msg;
  while ((msg = gst_bus_timed_pop (bus, 30 * GST_SECOND))) {
    gboolean eos = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT) {
      Clip *c = parse_clip (msg);
      if (c)
        g_ptr_array_add (clips, c);
    }
    gst_message_unref (msg);
    if (eos)
      break;
  }
  fail_unless (msg != NULL, "no EOS from mmrecord");

  struct {
    const gchar *cls;
    gdouble start, end, ev_start, ev_end;
  } want[] = {
    /* [3 − 1, 6 + 1]: 2.0 s is a keyframe */
    {"a,b", 2.0, 7.0, 3.0, 6.0},
    /* [15.5 − 1, 16 + 1]: the keyframe before 14.5 is at 14 s */
    {"c", 14.0, 17.0, 15.5, 16.0},
    /* [18.5, 32]: the keyframe before 18.5 is 18 s; cut at 24 and 30 */
    {"d", 18.0, 24.0, 19.5, -1},
    {"d", 24.0, 30.0, 19.5, -1},
    {"d", 30.0, 32.0, 19.5, 31.0},
  };
  fail_unless_equals_int (clips->len, G_N_ELEMENTS (want));
  for (guint i = 0; i < clips->len; i++) {
    Clip *c = g_ptr_array_index (clips, i);
    GST_INFO ("clip %s %s %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT,
        c->path, c->cls, GST_TIME_ARGS (c->start), GST_TIME_ARGS (c->end));
    fail_unless_equals_string (c->cls, want[i].cls);
    fail_unless_equals_uint64 (c->start, S (want[i].start));
    fail_unless_equals_uint64 (c->end, S (want[i].end));
    fail_unless_equals_uint64 (c->ev_start, S (want[i].ev_start));
    if (want[i].ev_end >= 0)
      fail_unless_equals_uint64 (c->ev_end, S (want[i].ev_end));
    fail_unless (g_file_test (c->path, G_FILE_TEST_IS_REGULAR), "%s",
        c->path);
    gchar *base = g_path_get_basename (c->path);
    gchar *cls = g_strndup (want[i].cls, 1);
    gchar *prefix = g_strdup_printf ("cam-%s-", cls);
    /* named when it opened: after the first class */
    fail_unless (g_str_has_prefix (base, prefix), "%s", base);
    g_free (prefix);
    g_free (cls);
    g_free (base);
  }
  guint written;
  g_object_get (h->element, "clips", &written, NULL);
  fail_unless_equals_int (written, G_N_ELEMENTS (want));

  g_ptr_array_unref (clips);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  remove_dir (dir);
  g_free (dir);
}

GST_END_TEST;

/* A flushing seek ends the open clip and empties the memory; stopping the
 * pipeline in the middle of a clip still leaves a complete file. */
GST_START_TEST (test_flush_and_stop)
{
  gchar *dir = make_dir ();
  GstHarness *h = gst_harness_new_with_padnames ("mmrecord", "video", NULL);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  g_object_set (h->element, "directory", dir, "pre", S (1), "post", S (1),
      NULL);
  gst_harness_set_src_caps_str (h,
      "image/jpeg,width=64,height=48,framerate=25/1");
  gst_harness_play (h);
  guint n = 0;
  push_frames (h, &n, 100);     /* 4 s */
  g_signal_emit_by_name (h->element, "start", "a", S (3.5));
  push_frames (h, &n, 125);
  /* a seek back to 0 */
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  GstSegment seg;
  gst_segment_init (&seg, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL, "the seek did not end the clip");
  Clip *c = parse_clip (msg);
  gst_message_unref (msg);
  /* [2.0, 5.0): the keyframe at 2 s up to the flush */
  fail_unless_equals_uint64 (c->start, S (2));
  fail_unless_equals_uint64 (c->end, S (5));
  clip_free (c);

  /* after the seek only what came since is remembered: an event at 0.5 s
   * with pre = 1 s starts at the first keyframe, 0 s; then the pipeline
   * stops before the event ends */
  n = 0;
  push_frames (h, &n, 30);
  g_signal_emit_by_name (h->element, "start", "b", S (0.5));
  push_frames (h, &n, 50);
  gst_element_set_state (h->element, GST_STATE_NULL);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL, "stopping lost the open clip");
  c = parse_clip (msg);
  gst_message_unref (msg);
  fail_unless_equals_string (c->cls, "b");
  fail_unless_equals_uint64 (c->start, 0);
  fail_unless_equals_uint64 (c->end, S (2));
  GstDiscoverer *disc = gst_discoverer_new (10 * GST_SECOND, NULL);
  gchar *uri = gst_filename_to_uri (c->path, NULL);
  GstDiscovererInfo *info = gst_discoverer_discover_uri (disc, uri, NULL);
  fail_unless (info != NULL);
  fail_unless_equals_uint64 (gst_discoverer_info_get_duration (info), S (2));
  gst_discoverer_info_unref (info);
  g_object_unref (disc);
  g_free (uri);
  clip_free (c);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  remove_dir (dir);
  g_free (dir);
}

GST_END_TEST;

/* ---- whole pipelines: events from mmfusion ---- */

/* frame ranges painted white (events), and one painted dim grey (a score
 * of 0.45, under the 0.5 threshold: no event) */
static const struct {
  guint from, to, luma;
} paint[] = {
  {100, 150, 255},              /* 4.0 – 6.0 s */
  {250, 275, 255},              /* 10.0 – 11.0 s */
  {300, 325, 255},              /* 12.0 – 13.0 s: its clip overlaps */
  {400, 425, 115},              /* 16.0 – 17.0 s: no event */
};

#define N_FRAMES 500
#define PRE (1300 * GST_MSECOND)
#define POST (1300 * GST_MSECOND)
#define GOP (25 * FRAME)

static GstPadProbeReturn
paint_frame (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  guint n = GST_BUFFER_PTS (buf) / FRAME;
  guint luma = 0;
  for (guint i = 0; i < G_N_ELEMENTS (paint); i++)
    if (n >= paint[i].from && n < paint[i].to)
      luma = paint[i].luma;
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  /* I420 160x120: Y plane, then U and V at neutral */
  memset (map.data, luma, 160 * 120);
  memset (map.data + 160 * 120, 128, map.size - 160 * 120);
  gst_buffer_unmap (buf, &map);
  return GST_PAD_PROBE_OK;
}

/* the running time of every keyframe the encoder made */
static GstPadProbeReturn
note_keyframe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
    /* x264enc shifts its PTS by 1000 h and its segment with them */
    GstEvent *ev = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
    const GstSegment *seg;
    gst_event_parse_segment (ev, &seg);
    guint64 t = gst_segment_to_running_time (seg, GST_FORMAT_TIME,
        GST_BUFFER_PTS (buf));
    gst_event_unref (ev);
    g_array_append_val ((GArray *) data, t);
  }
  return GST_PAD_PROBE_OK;
}

typedef struct {
  GPtrArray *clips;
  GArray *ev_start, *ev_end;    /* from mmfusion-event */
  GArray *keyframes;
  guint warnings;
  gchar *warning;
} Run;

static void
run_free (Run * r)
{
  g_ptr_array_unref (r->clips);
  g_array_unref (r->ev_start);
  g_array_unref (r->ev_end);
  g_array_unref (r->keyframes);
  g_free (r->warning);
}

/* the generated clip: painted video (H.264, a keyframe every 25 frames)
 * and Opus audio in Matroska, interleaved as any file is */
static void
make_media (const gchar * path, GArray * keyframes)
{
  gchar *desc = g_strdup_printf ("videotestsrc name=v num-buffers=%d ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=25/1 ! "
      "x264enc name=enc speed-preset=ultrafast key-int-max=25 bframes=0 "
      "option-string=scenecut=0 ! m. "
      "audiotestsrc num-buffers=%d samplesperbuffer=960 ! "
      "audio/x-raw,rate=48000,channels=1 ! opusenc ! m. "
      "matroskamux name=m ! filesink location=%s", N_FRAMES, N_FRAMES * 2,
      path);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  fail_unless (pipe != NULL);
  GstElement *v = gst_bin_get_by_name (GST_BIN (pipe), "v");
  GstPad *pad = gst_element_get_static_pad (v, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, paint_frame, NULL, NULL);
  gst_object_unref (pad);
  gst_object_unref (v);
  GstElement *enc = gst_bin_get_by_name (GST_BIN (pipe), "enc");
  pad = gst_element_get_static_pad (enc, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, note_keyframe,
      keyframes, NULL);
  gst_object_unref (pad);
  gst_object_unref (enc);
  GstBus *bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
      "cannot make the clip");
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

/* the clip analysed: its encoded streams to mmrecord, the video decoded to
 * mmfusion */
static void
run_events_pipeline (const gchar * dir, const gchar * tmpl, Run * run)
{
  run->clips = g_ptr_array_new_with_free_func (clip_free);
  run->ev_start = g_array_new (FALSE, FALSE, sizeof (guint64));
  run->ev_end = g_array_new (FALSE, FALSE, sizeof (guint64));
  run->keyframes = g_array_new (FALSE, FALSE, sizeof (guint64));
  run->warnings = 0;
  run->warning = NULL;
  gchar *media_dir = make_dir ();
  gchar *media = g_build_filename (media_dir, "media.mkv", NULL);
  make_media (media, run->keyframes);

  gchar *desc = g_strdup_printf ("filesrc location=%s ! matroskademux name=d "
      "d.video_0 ! tee name=t t. ! queue ! r.video "
      "t. ! queue ! avdec_h264 ! videoconvert ! f.video "
      "d.audio_0 ! queue ! r.audio "
      "mmfusion name=f model=%s/probe_video_only.onnx event-on=0.5 ! "
      "fakesink mmrecord name=r fusion=f directory=%s file-template=%s "
      "pre=%" G_GUINT64_FORMAT " post=%" G_GUINT64_FORMAT, media, sync_dir,
      dir, tmpl, PRE, POST);
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL, "%s", err ? err->message : "");
  g_free (desc);

  GstBus *bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstMessage *msg;
  gboolean done = FALSE;
  while (!done && (msg = gst_bus_timed_pop (bus, 60 * GST_SECOND))) {
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      case GST_MESSAGE_ERROR:{
        GError *e;
        gst_message_parse_error (msg, &e, NULL);
        fail ("pipeline error: %s", e->message);
        break;
      }
      case GST_MESSAGE_WARNING:{
        GError *e;
        gst_message_parse_warning (msg, &e, NULL);
        run->warnings++;
        g_free (run->warning);
        run->warning = g_strdup (e->message);
        g_error_free (e);
        break;
      }
      case GST_MESSAGE_ELEMENT:{
        const GstStructure *s = gst_message_get_structure (msg);
        Clip *c = parse_clip (msg);
        if (c)
          g_ptr_array_add (run->clips, c);
        if (gst_structure_has_name (s, "mmfusion-event")) {
          guint64 t;
          fail_unless (gst_structure_get_uint64 (s, "running-time", &t));
          g_array_append_val (!g_strcmp0 (gst_structure_get_string (s,
                      "state"), "start") ? run->ev_start : run->ev_end, t);
        }
        break;
      }
      default:
        break;
    }
    gst_message_unref (msg);
  }
  fail_unless (done, "no EOS within 60 s");
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  g_unlink (media);
  remove_dir (media_dir);
  g_free (media);
  g_free (media_dir);
}

/* decoded content of a clip */
typedef struct {
  guint video, bright, audio;
  gboolean first_is_key, seen_first;
  GstClockTime first_pts;
} Decoded;

static void
on_video (GstElement * sink, GstBuffer * buf, GstPad * pad, Decoded * d)
{
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_READ);
  guint64 sum = 0;
  for (gsize i = 0; i < 160 * 120; i++)
    sum += map.data[i];
  gst_buffer_unmap (buf, &map);
  if (sum / (160 * 120) > 200)
    d->bright++;
  if (d->video++ == 0)
    d->first_pts = GST_BUFFER_PTS (buf);
}

static void
on_audio (GstElement * sink, GstBuffer * buf, GstPad * pad, Decoded * d)
{
  d->audio++;
}

static GstPadProbeReturn
first_coded (GstPad * pad, GstPadProbeInfo * info, Decoded * d)
{
  if (!d->seen_first) {
    d->seen_first = TRUE;
    d->first_is_key = !GST_BUFFER_FLAG_IS_SET (GST_PAD_PROBE_INFO_BUFFER
        (info), GST_BUFFER_FLAG_DELTA_UNIT);
  }
  return GST_PAD_PROBE_REMOVE;
}

static void
on_element (GstBin * bin, GstBin * sub, GstElement * e, Decoded * d)
{
  GstElementFactory *f = gst_element_get_factory (e);
  const gchar *klass = f ? gst_element_factory_get_metadata (f,
      GST_ELEMENT_METADATA_KLASS) : NULL;
  if (klass && strstr (klass, "Decoder") && strstr (klass, "Video")) {
    GstPad *pad = gst_element_get_static_pad (e, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
        (GstPadProbeCallback) first_coded, d, NULL);
    gst_object_unref (pad);
  }
}

static void
decode_clip (const gchar * path, Decoded * d)
{
  memset (d, 0, sizeof *d);
  gchar *desc = g_strdup_printf ("filesrc location=%s ! decodebin name=d "
      "d. ! videoconvert ! video/x-raw,format=GRAY8 ! "
      "fakesink name=vs signal-handoffs=true "
      "d. ! audioconvert ! fakesink name=as signal-handoffs=true", path);
  GstElement *pipe = gst_parse_launch (desc, NULL);
  g_free (desc);
  fail_unless (pipe != NULL);
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), "vs");
  g_signal_connect (e, "handoff", G_CALLBACK (on_video), d);
  gst_object_unref (e);
  e = gst_bin_get_by_name (GST_BIN (pipe), "as");
  g_signal_connect (e, "handoff", G_CALLBACK (on_audio), d);
  gst_object_unref (e);
  e = gst_bin_get_by_name (GST_BIN (pipe), "d");
  g_signal_connect (e, "deep-element-added", G_CALLBACK (on_element), d);
  gst_object_unref (e);
  GstBus *bus = gst_element_get_bus (pipe);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
      "%s does not decode to the end", path);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
}

static guint64
last_keyframe_at_or_before (GArray * keys, guint64 t)
{
  guint64 best = 0;
  for (guint i = 0; i < keys->len; i++)
    if (g_array_index (keys, guint64, i) <= t)
      best = g_array_index (keys, guint64, i);
  return best;
}

static void
check_event_clips (const gchar * ext, const gchar * container)
{
  gchar *dir = make_dir ();
  gchar *tmpl = g_strdup_printf ("{source}-{class}-{utc}.%s", ext);
  Run run;
  run_events_pipeline (dir, tmpl, &run);
  fail_unless_equals_int (run.warnings, 0);

  /* the probe model turned the white frames, and only them, into events */
  const guint64 ev_start[] = { S (4), S (10), S (12) };
  const guint64 ev_end[] = { S (6), S (11), S (13) };
  fail_unless_equals_int (run.ev_start->len, 3);
  fail_unless_equals_int (run.ev_end->len, 3);
  for (guint i = 0; i < 3; i++) {
    fail_unless_equals_uint64 (g_array_index (run.ev_start, guint64, i),
        ev_start[i]);
    fail_unless_equals_uint64 (g_array_index (run.ev_end, guint64, i),
        ev_end[i]);
  }
  /* the second and third events' clips overlap: one clip; the dim frames
   * made no event, hence no clip */
  fail_unless_equals_int (run.clips->len, 2);
  const guint64 span_start[] = { S (4), S (10) }, span_end[] = { S (6), S (13) };
  GstDiscoverer *disc = gst_discoverer_new (20 * GST_SECOND, NULL);
  for (guint i = 0; i < 2; i++) {
    Clip *c = g_ptr_array_index (run.clips, i);
    guint64 want_start = span_start[i] - PRE, want_end = span_end[i] + POST;
    GST_INFO ("clip %s %" GST_TIME_FORMAT " - %" GST_TIME_FORMAT, c->path,
        GST_TIME_ARGS (c->start), GST_TIME_ARGS (c->end));
    fail_unless_equals_string (c->cls, "video");
    fail_unless_equals_uint64 (c->ev_start, span_start[i]);
    fail_unless_equals_uint64 (c->ev_end, span_end[i]);
    /* begins at the last keyframe at or before start − pre */
    fail_unless_equals_uint64 (c->start,
        last_keyframe_at_or_before (run.keyframes, want_start));
    fail_unless (c->start <= want_start && c->start + GOP > want_start);
    fail_unless (c->end >= want_end, "clip ends at %" GST_TIME_FORMAT
        ", before %" GST_TIME_FORMAT, GST_TIME_ARGS (c->end),
        GST_TIME_ARGS (want_end));

    /* the file: both streams, a duration within one GOP of the span */
    gchar *uri = gst_filename_to_uri (c->path, NULL);
    GError *err = NULL;
    GstDiscovererInfo *info = gst_discoverer_discover_uri (disc, uri, &err);
    fail_unless (info != NULL, "%s", err ? err->message : "");
    fail_unless_equals_int (gst_discoverer_info_get_result (info),
        GST_DISCOVERER_OK);
    GList *vs = gst_discoverer_info_get_video_streams (info);
    GList *as = gst_discoverer_info_get_audio_streams (info);
    fail_unless_equals_int (g_list_length (vs), 1);
    fail_unless_equals_int (g_list_length (as), 1);
    gst_discoverer_stream_info_list_free (vs);
    gst_discoverer_stream_info_list_free (as);
    GstDiscovererStreamInfo *top = gst_discoverer_info_get_stream_info (info);
    GstCaps *caps = gst_discoverer_stream_info_get_caps (top);
    fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
            container), "%" GST_PTR_FORMAT, caps);
    gst_caps_unref (caps);
    gst_discoverer_stream_info_unref (top);
    GstClockTime dur = gst_discoverer_info_get_duration (info);
    GstClockTime expected = want_end - want_start;
    GST_INFO ("duration %" GST_TIME_FORMAT ", span %" GST_TIME_FORMAT,
        GST_TIME_ARGS (dur), GST_TIME_ARGS (expected));
    fail_unless (dur + GOP >= expected && dur <= expected + GOP,
        "duration %" GST_TIME_FORMAT " for a span of %" GST_TIME_FORMAT,
        GST_TIME_ARGS (dur), GST_TIME_ARGS (expected));
    gst_discoverer_info_unref (info);
    g_free (uri);

    /* it decodes: every frame from the keyframe to the end, exactly the
     * white event frames among them, and audio */
    Decoded d;
    decode_clip (c->path, &d);
    fail_unless (d.seen_first && d.first_is_key);
    fail_unless_equals_int (d.video, (c->end - c->start) / FRAME);
    fail_unless_equals_int (d.bright, 50);     /* 50, and 25 + 25 */
    fail_unless (d.audio > 0);
  }
  g_object_unref (disc);
  run_free (&run);
  g_free (tmpl);
  remove_dir (dir);
  g_free (dir);
}

GST_START_TEST (test_events_matroska)
{
  check_event_clips ("mkv", "video/x-matroska");
}

GST_END_TEST;

GST_START_TEST (test_events_mp4)
{
  check_event_clips ("mp4", "video/quicktime");
}

GST_END_TEST;

GST_START_TEST (test_unwritable_folder)
{
  /* root writes into a read-only mode folder anyway; sysfs refuses it */
  gchar *dir = NULL;
  const gchar *target = "/sys";
  if (geteuid () != 0) {
    dir = make_dir ();
    g_chmod (dir, 0555);
    target = dir;
  }
  Run run;
  run_events_pipeline (target, "{class}-{n}.mkv", &run);
  /* two clips failed: said once, and the pipeline went to its end */
  fail_unless_equals_int (run.clips->len, 0);
  fail_unless_equals_int (run.warnings, 1);
  fail_unless (strstr (run.warning, "Cannot record a clip") != NULL, "%s",
      run.warning);
  fail_unless_equals_int (run.ev_start->len, 3);
  run_free (&run);
  if (dir) {
    g_chmod (dir, 0755);
    remove_dir (dir);
    g_free (dir);
  }
}

GST_END_TEST;

static Suite *
mmrecord_suite (void)
{
  Suite *s = suite_create ("mmrecord");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_signals);
  tcase_add_test (tc, test_flush_and_stop);
  tcase_add_test (tc, test_events_matroska);
  tcase_add_test (tc, test_events_mp4);
  tcase_add_test (tc, test_unwritable_folder);
  return s;
}

int
main (int argc, char **argv)
{
  sync_dir = g_getenv ("MM_GOLDEN_SYNC");
  if (!sync_dir)
    sync_dir = "tests/golden/sync";
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (mmrecord_suite (), "mmrecord", __FILE__);
}
