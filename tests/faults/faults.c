/* The fault matrix: every fault injected on each input of
 *
 *   videotestsrc ! capsfilter ! mmfault(video) ! f.video
 *   audiotestsrc ! capsfilter ! mmfault(audio) ! audioconvert ! audioresample
 *     ! mmaudiowindow ! mmfault(windows) ! f.audio
 *   mmfusion name=f ! fakesink
 *
 * in a live pipeline (live sources, real clock, synchronizing sink) and a
 * file-like one (as fast as it goes), with the same invariants for each:
 *
 *   - no GLib or GStreamer CRITICAL or WARNING, no error message, EOS
 *     within a time limit (no crash, no hang);
 *   - exactly one output buffer per video frame that reached mmfusion
 *     (a flushing seek may discard the frames queued when it starts);
 *   - one result per tick: every output frame (every frame is a tick) has
 *     a fresh result, or was skipped for QoS, which only a late *video*
 *     may cause: a fault on the audio side never costs a live tick;
 *   - inputs that are absent are flagged missing (the faults that take
 *     audio away show flagged results);
 *   - memory stays bounded (resident size after all cases).
 *
 * Prints the matrix (ticks, results, skipped, flagged) as a Markdown table;
 * exit status 1 when an invariant fails. Faults: see mmfault.h; and caps
 * changes (capsfilter changed mid-stream), flushing seeks, the audio pad
 * released and requested again while playing.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mmfault.h"

#include <gst/base/gstbasesink.h>
#include <mmfusion/mmfusionmeta.h>
#include <stdio.h>
#include <string.h>

#define FPS 25
#define LIVE_FRAMES 30          /* 1.2 s of real time per live case */
#define FILE_FRAMES 100
#define FAULT_START (400 * GST_MSECOND)
#define FAULT_SPAN (400 * GST_MSECOND)

typedef enum { SIDE_VIDEO, SIDE_AUDIO, SIDE_WINDOWS, SIDE_PIPELINE } Side;
static const char *side_names[] = { "video", "audio", "windows", "both" };

/* faults that are not mmfault's */
typedef enum { EXTRA_NONE, EXTRA_CAPS, EXTRA_SEEK, EXTRA_RELEASE } Extra;

typedef struct {
  const char *name;
  MmFault fault;
  Extra extra;
  Side side;
  const char *missing;          /* the policy */
  gboolean live;

  /* counted while it runs */
  GstElement *pipe;
  gint frames_in, frames_out, results, flagged, seeks;
  /* live: frames that reached the sink after their render time, and
   * frames without a fresh result that reached it in time */
  gint late_at_sink, unresulted_on_time;
  gboolean done_extra, released;
  GstPad *released_peer;        /* the audio branch's end, while released */
  guint64 skipped, missing_ticks;
  guint warnings;               /* element warnings on the bus (allowed) */
  gchar *failure;
  gdouble seconds;
} Case;

static gint glib_complaints;
static GMutex complaints_lock;
static GString *complaints;

/* any CRITICAL or WARNING from GLib, GObject or GStreamer fails the suite */
static void
on_log (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer data)
{
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING
          | G_LOG_LEVEL_ERROR)) {
    g_atomic_int_inc (&glib_complaints);
    g_mutex_lock (&complaints_lock);
    g_string_append_printf (complaints, "%s: %s\n", domain ? domain : "",
        message);
    g_mutex_unlock (&complaints_lock);
  }
  g_log_default_handler (domain, level, message, data);
}

static GstPadProbeReturn
count_in (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Case *c = data;
  g_atomic_int_inc (&c->frames_in);
  return GST_PAD_PROBE_OK;
}

/* how late a frame reached the synchronizing sink: render is called
 * after the sink waited for the frame's time, at once for a late one */
static GstClockTimeDiff
lateness_at_sink (GstElement * sink, GstBuffer * buf)
{
  GstBaseSink *bsink = GST_BASE_SINK (sink);
  GstClockTime rt = gst_segment_to_running_time (&bsink->segment,
      GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
  GstClock *clock = gst_element_get_clock (sink);
  if (!clock || !GST_CLOCK_TIME_IS_VALID (rt)) {
    gst_clear_object (&clock);
    return 0;
  }
  GstClockTime now = gst_clock_get_time (clock) -
      gst_element_get_base_time (sink);
  gst_object_unref (clock);
  return GST_CLOCK_DIFF (rt + gst_base_sink_get_latency (bsink), now);
}

static void
on_handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer data)
{
  Case *c = data;
  g_atomic_int_inc (&c->frames_out);
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (buf);
  if (c->live) {
    gboolean late = lateness_at_sink (sink, buf) > 20 * GST_MSECOND;
    if (late)
      g_atomic_int_inc (&c->late_at_sink);
    else if (!m || !m->fresh)
      g_atomic_int_inc (&c->unresulted_on_time);
  }
  if (!m || !m->fresh)
    return;
  g_atomic_int_inc (&c->results);
  const GstMmFusionInputSpan *a = gst_mm_fusion_meta_get_input (m, "audio");
  if (a && a->missing)
    g_atomic_int_inc (&c->flagged);
}

/* caps change: the next frames are 32x24 (video), or the microphone goes
 * stereo at another rate (audio); set from the source's own thread */
static GstPadProbeReturn
change_caps (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Case *c = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  if (c->done_extra || GST_BUFFER_PTS (buf) < FAULT_START)
    return GST_PAD_PROBE_OK;
  c->done_extra = TRUE;
  const char *name = c->side == SIDE_VIDEO ? "vcaps" : "acaps";
  GstElement *filter = gst_bin_get_by_name (GST_BIN (c->pipe), name);
  GstCaps *caps = gst_caps_from_string (c->side == SIDE_VIDEO ?
      "video/x-raw,format=GRAY8,width=32,height=24" :
      "audio/x-raw,rate=32000,channels=2");
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  gst_object_unref (filter);
  return GST_PAD_PROBE_REMOVE;
}

/* The audio pad released while playing, then requested and linked again:
 * done from the audio branch's own thread, on the windows' timestamps.
 * While released the windows are dropped here (as an application does
 * with a blocking probe before it unlinks). */
static GstPadProbeReturn
release_and_request (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Case *c = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  if (!c->released && !c->done_extra && pts >= FAULT_START) {
    GstElement *f = gst_bin_get_by_name (GST_BIN (c->pipe), "f");
    GstPad *sink = gst_pad_get_peer (pad);
    gst_pad_unlink (pad, sink);
    gst_element_release_request_pad (f, sink);
    gst_object_unref (sink);
    gst_object_unref (f);
    c->released = TRUE;
  }
  if (c->released && pts >= FAULT_START + FAULT_SPAN) {
    GstElement *f = gst_bin_get_by_name (GST_BIN (c->pipe), "f");
    GstPad *sink = gst_element_request_pad_simple (f, "audio");
    if (!sink || gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
      c->failure = g_strdup ("the audio pad could not be requested again");
    gst_clear_object (&sink);
    gst_object_unref (f);
    c->released = FALSE;
    c->done_extra = TRUE;
  }
  return c->released ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

static gchar *
pipeline_description (const Case * c, const char *model)
{
  gint frames = c->live ? LIVE_FRAMES : FILE_FRAMES;
  /* audio: 20 ms buffers (10 ms after the caps change to 32 kHz), enough
   * for the whole video at either rate: the video ends each run */
  gint audio_buffers = frames * 4 + 20;
  const char *live = c->live ? "true" : "false";
  return g_strdup_printf ("videotestsrc name=vsrc is-live=%s num-buffers=%d "
      "pattern=ball ! capsfilter name=vcaps caps=video/x-raw,format=GRAY8,"
      "width=16,height=12,framerate=%d/1 ! mmfault name=fv ! f.video "
      "audiotestsrc name=asrc is-live=%s num-buffers=%d samplesperbuffer=320 "
      "wave=pink-noise ! capsfilter name=acaps caps=audio/x-raw,rate=16000,"
      "channels=1 ! mmfault name=fa ! audioconvert ! audioresample ! "
      "mmaudiowindow kind=waveform frames=10 win-length=400 hop-length=160 "
      "! mmfault name=fw ! f.audio "
      "mmfusion name=f model=%s missing=%s ! fakesink name=s sync=%s "
      "signal-handoffs=true", live, frames, FPS, live, audio_buffers, model,
      c->missing, live);
}

static const char *
fault_element (Side side)
{
  return side == SIDE_VIDEO ? "fv" : side == SIDE_AUDIO ? "fa" : "fw";
}

static void
run_case (Case * c, const char *model)
{
  gint64 t0 = g_get_monotonic_time ();
  gchar *desc = pipeline_description (c, model);
  GError *err = NULL;
  c->pipe = gst_parse_launch (desc, &err);
  g_free (desc);
  if (!c->pipe) {
    c->failure = g_strdup_printf ("pipeline: %s", err->message);
    g_error_free (err);
    return;
  }
  GstElement *f = gst_bin_get_by_name (GST_BIN (c->pipe), "f");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (c->pipe), "s");
  GstPad *vpad = gst_element_get_static_pad (f, "video");
  gst_pad_add_probe (vpad, GST_PAD_PROBE_TYPE_BUFFER, count_in, c, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), c);

  if (c->fault != MM_FAULT_NONE) {
    GstElement *inj = gst_bin_get_by_name (GST_BIN (c->pipe),
        fault_element (c->side));
    g_object_set (inj, "fault", c->fault, "start", FAULT_START, "duration",
        FAULT_SPAN, "jump", (guint64) 500 * GST_MSECOND, NULL);
    gst_object_unref (inj);
  }
  if (c->extra == EXTRA_CAPS) {
    const char *src = c->side == SIDE_VIDEO ? "vsrc" : "asrc";
    GstElement *e = gst_bin_get_by_name (GST_BIN (c->pipe), src);
    GstPad *p = gst_element_get_static_pad (e, "src");
    gst_pad_add_probe (p, GST_PAD_PROBE_TYPE_BUFFER, change_caps, c, NULL);
    gst_object_unref (p);
    gst_object_unref (e);
  } else if (c->extra == EXTRA_RELEASE) {
    GstElement *e = gst_bin_get_by_name (GST_BIN (c->pipe), "fw");
    GstPad *p = gst_element_get_static_pad (e, "src");
    gst_pad_add_probe (p, GST_PAD_PROBE_TYPE_BUFFER, release_and_request, c,
        NULL);
    gst_object_unref (p);
    gst_object_unref (e);
  }

  GstBus *bus = gst_element_get_bus (c->pipe);
  gst_element_set_state (c->pipe, GST_STATE_PLAYING);
  gint64 limit = g_get_monotonic_time () + (c->live ? 15 : 30) *
      G_USEC_PER_SEC;
  gboolean eos = FALSE;
  while (!eos && !c->failure) {
    if (c->extra == EXTRA_SEEK && c->seeks == 0
        && g_atomic_int_get (&c->frames_out) >= (c->live ? 10 : 40)) {
      /* back to 0.2 s, flushing */
      if (gst_element_seek_simple (c->pipe, GST_FORMAT_TIME,
              GST_SEEK_FLAG_FLUSH, 200 * GST_MSECOND))
        c->seeks++;
      else
        c->failure = g_strdup ("the flushing seek was refused");
    }
    GstMessage *msg = gst_bus_timed_pop (bus, 20 * GST_MSECOND);
    if (g_get_monotonic_time () > limit) {
      c->failure = g_strdup ("no EOS in time (hang)");
      gst_clear_message (&msg);
      break;
    }
    if (!msg)
      continue;
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        eos = TRUE;
        break;
      case GST_MESSAGE_ERROR:{
        GError *e;
        gchar *dbg;
        gst_message_parse_error (msg, &e, &dbg);
        c->failure = g_strdup_printf ("error from %s: %s (%s)",
            GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), e->message, dbg);
        g_error_free (e);
        g_free (dbg);
        break;
      }
      case GST_MESSAGE_WARNING:
        c->warnings++;
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  GstStructure *stats;
  g_object_get (f, "stats", &stats, NULL);
  gst_structure_get_uint64 (stats, "skipped-ticks", &c->skipped);
  gst_structure_get_uint64 (stats, "missing-inputs", &c->missing_ticks);
  gst_structure_free (stats);
  gst_element_set_state (c->pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (vpad);
  gst_object_unref (sink);
  gst_object_unref (f);
  gst_clear_object (&c->pipe);
  c->seconds = (g_get_monotonic_time () - t0) / 1e6;
}

/* the invariants; a failure is kept in c->failure */
static void
check_case (Case * c)
{
  if (c->failure)
    return;
  gint in = c->frames_in, out = c->frames_out;
  if (c->extra == EXTRA_SEEK) {
    /* the frames queued when the flush started never leave */
    if (out > in || in - out > 4 * c->seeks)
      c->failure = g_strdup_printf ("%d frames in, %d out around %d seeks",
          in, out, c->seeks);
  } else if (in != out) {
    c->failure = g_strdup_printf ("%d frames in, %d out", in, out);
  }
  if (c->failure)
    return;
  gboolean skip_policy = strcmp (c->missing, "skip") == 0;
  /* every output frame is a tick (interval 0): it has a fresh result, or
   * was skipped for QoS, or (policy skip) lacked an input */
  gint expected = out - (gint) c->skipped;
  if (skip_policy)
    expected -= (gint) c->missing_ticks;
  if (c->results != expected)
    c->failure = g_strdup_printf ("%d results for %d ticks (%" G_GUINT64_FORMAT
        " skipped for QoS, %" G_GUINT64_FORMAT " with an input missing)",
        c->results, out, c->skipped, c->missing_ticks);
  /* and the results that lacked an input say so */
  else if (!skip_policy && c->flagged > (gint) c->missing_ticks)
    c->failure = g_strdup_printf ("%d results flagged, %" G_GUINT64_FORMAT
        " ticks missed an input", c->flagged, c->missing_ticks);
  if (c->failure)
    return;
  /* only a late video may cost a live tick: a frame left without a result
   * must have reached the sink late (or, with missing=skip, lacked an
   * input) */
  gint allowed = skip_policy ? (gint) c->missing_ticks : 0;
  if (c->live && c->unresulted_on_time > allowed
      && !g_getenv ("MM_SLOW_RUN"))
    c->failure = g_strdup_printf ("%d frames reached the sink in time "
        "without a result (%" G_GUINT64_FORMAT " ticks skipped as late)",
        c->unresulted_on_time, c->skipped);
  /* faults that take the audio away show up as flagged results */
  gboolean audio_taken = c->side != SIDE_VIDEO && (c->fault == MM_FAULT_GAP
      || c->fault == MM_FAULT_DROP || c->fault == MM_FAULT_EOS
      || (c->fault == MM_FAULT_STALL && c->live)
      || (c->fault == MM_FAULT_NO_PTS && c->side == SIDE_WINDOWS)
      || c->extra == EXTRA_RELEASE);
  if (!c->failure && audio_taken && c->missing_ticks == 0)
    c->failure = g_strdup ("the audio was taken away but no result says "
        "it is missing");
}

static glong
resident_kib (void)
{
  gchar *status;
  glong kib = -1;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  const gchar *l = strstr (status, "VmRSS:");
  if (l)
    kib = strtol (l + 6, NULL, 10);
  g_free (status);
  return kib;
}

typedef struct {
  const char *name;
  MmFault fault;
  Extra extra;
  gboolean video, audio, windows, pipeline;
  const char *missing;
} Row;

static const Row rows[] = {
  {"none", MM_FAULT_NONE, EXTRA_NONE, FALSE, FALSE, FALSE, TRUE, "zeros"},
  {"GAP events", MM_FAULT_GAP, EXTRA_NONE, TRUE, TRUE, TRUE, FALSE, "zeros"},
  {"GAP events, missing=last", MM_FAULT_GAP, EXTRA_NONE, FALSE, FALSE, TRUE,
      FALSE, "last"},
  {"GAP events, missing=skip", MM_FAULT_GAP, EXTRA_NONE, FALSE, FALSE, TRUE,
      FALSE, "skip"},
  {"dropped buffers", MM_FAULT_DROP, EXTRA_NONE, TRUE, TRUE, TRUE, FALSE,
      "zeros"},
  {"DISCONT", MM_FAULT_DISCONT, EXTRA_NONE, TRUE, TRUE, TRUE, FALSE,
      "zeros"},
  {"timestamps 0.5 s back", MM_FAULT_JUMP_BACK, EXTRA_NONE, TRUE, TRUE, TRUE,
      FALSE, "zeros"},
  {"timestamps 0.5 s forward", MM_FAULT_JUMP_FORWARD, EXTRA_NONE, TRUE, TRUE,
      TRUE, FALSE, "zeros"},
  {"duplicated buffers", MM_FAULT_DUPLICATE, EXTRA_NONE, TRUE, TRUE, TRUE,
      FALSE, "zeros"},
  {"buffers without PTS", MM_FAULT_NO_PTS, EXTRA_NONE, TRUE, TRUE, TRUE,
      FALSE, "zeros"},
  {"stalled 0.4 s", MM_FAULT_STALL, EXTRA_NONE, TRUE, TRUE, TRUE, FALSE,
      "zeros"},
  {"stalled 0.4 s, missing=last", MM_FAULT_STALL, EXTRA_NONE, FALSE, FALSE,
      TRUE, FALSE, "last"},
  {"EOS on one pad", MM_FAULT_EOS, EXTRA_NONE, TRUE, TRUE, TRUE, FALSE,
      "zeros"},
  {"caps change", MM_FAULT_NONE, EXTRA_CAPS, TRUE, TRUE, FALSE, FALSE,
      "zeros"},
  {"flushing seek", MM_FAULT_NONE, EXTRA_SEEK, FALSE, FALSE, FALSE, TRUE,
      "zeros"},
  {"audio pad released and requested", MM_FAULT_NONE, EXTRA_RELEASE, FALSE,
      FALSE, TRUE, FALSE, "zeros"},
};

static void
worker (gpointer data, gpointer model)
{
  run_case (data, model);
  check_case (data);
}

static void
cell (GString * out, const Case * c)
{
  if (!c) {
    g_string_append (out, " – |");
    return;
  }
  g_string_append_printf (out, " %d / %d", c->frames_out, c->results);
  if (c->skipped)
    g_string_append_printf (out, " + %" G_GUINT64_FORMAT " QoS", c->skipped);
  if (c->late_at_sink)
    g_string_append_printf (out, " (%d late video)", c->late_at_sink);
  if (strcmp (c->missing, "skip") == 0)
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " without (skip)%s |",
        c->missing_ticks, c->failure ? " **FAIL**" : "");
  else
    g_string_append_printf (out, ", %d flagged%s |", c->flagged,
        c->failure ? " **FAIL**" : "");
}

/* GStreamer's streaming threads come from GLib's shared pool, whose idle
 * threads end by themselves 15 s after their last job: with 70 cases
 * that can be just when the process exits, and a thread ending while
 * LeakSanitizer stops the world for its exit check crashes the checker
 * ("Tracer caught signal 11", seen once in CI). They are told to end now,
 * and the process waits (at most 2 s) until none is left. */
static void
let_idle_threads_end (void)
{
  g_thread_pool_set_max_unused_threads (0);
  g_thread_pool_stop_unused_threads ();
  for (gint i = 0; i < 200 && g_thread_pool_get_num_unused_threads () > 0;
      i++)
    g_usleep (10 * 1000);
  /* (the count drops just before a thread returns) */
  g_usleep (50 * 1000);
}

int
main (int argc, char **argv)
{
  complaints = g_string_new (NULL);
  g_log_set_default_handler (on_log, NULL);
  const gchar *domains[] = { "GLib", "GLib-GObject", "GStreamer", NULL };
  for (gint i = 0; domains[i]; i++)
    g_log_set_handler (domains[i], G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL
        | G_LOG_FLAG_RECURSION, on_log, NULL);
  gst_init (&argc, &argv);
  mm_fault_register ();
  const gchar *dir = g_getenv ("MM_GOLDEN_SYNC");
  gchar *model = g_strdup_printf ("%s/probe_s10.onnx",
      dir ? dir : "tests/golden/sync");

  /* every (row, input, mode) case; live ones first, several at a time:
   * each pipeline is tiny, the clock is what they wait for */
  GPtrArray *cases = g_ptr_array_new_with_free_func (g_free);
  for (gint live = 1; live >= 0; live--) {
    for (guint r = 0; r < G_N_ELEMENTS (rows); r++) {
      const gboolean on[] = { rows[r].video, rows[r].audio, rows[r].windows,
        rows[r].pipeline
      };
      for (gint s = 0; s < 4; s++) {
        if (!on[s])
          continue;
        const gchar *only = g_getenv ("MM_FAULTS_ONLY");
        if (only && !strstr (rows[r].name, only))
          continue;
        Case *c = g_new0 (Case, 1);
        c->name = rows[r].name;
        c->fault = rows[r].fault;
        c->extra = rows[r].extra;
        c->side = s;
        c->missing = rows[r].missing;
        c->live = live;
        g_ptr_array_add (cases, c);
      }
    }
  }
  gint64 t0 = g_get_monotonic_time ();
  glong rss_start = resident_kib ();
  /* one case first, alone: the one-time costs (registry, types, the
   * model's first load) are not growth */
  Case *first = g_ptr_array_index (cases, 0);
  worker (first, model);
  glong rss_warm = resident_kib ();
  GThreadPool *pool = g_thread_pool_new (worker, model, 3, TRUE, NULL);
  for (guint i = 1; i < cases->len; i++)
    g_thread_pool_push (pool, g_ptr_array_index (cases, i), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  glong rss_end = resident_kib ();
  gdouble total = (g_get_monotonic_time () - t0) / 1e6;

  /* the table: output frames / fresh results (+ QoS skips), flagged */
  GString *t = g_string_new (NULL);
  g_string_append (t, "| fault | input | live: frames / results, flagged "
      "| file: frames / results, flagged |\n|---|---|---|---|\n");
  gint failed = 0;
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++) {
    for (gint s = 0; s < 4; s++) {
      Case *live = NULL, *file = NULL;
      for (guint i = 0; i < cases->len; i++) {
        Case *c = g_ptr_array_index (cases, i);
        if (c->name == rows[r].name && (gint) c->side == s)
          *(c->live ? &live : &file) = c;
      }
      if (!live && !file)
        continue;
      g_string_append_printf (t, "| %s | %s |", rows[r].name, side_names[s]);
      cell (t, live);
      cell (t, file);
      g_string_append_c (t, '\n');
    }
  }
  g_print ("%s\n", t->str);
  for (guint i = 0; i < cases->len; i++) {
    Case *c = g_ptr_array_index (cases, i);
    if (c->failure) {
      failed++;
      g_print ("FAIL: %s on %s (%s): %s\n", c->name, side_names[c->side],
          c->live ? "live" : "file", c->failure);
    }
    g_free (c->failure);
  }
  glong growth = rss_end - rss_warm, limit = 64 * 1024;
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer holds freed memory in quarantine (256 MiB by default)
   * before reusing it, so growth up to that is not ours; LeakSanitizer
   * checks for leaks in that build */
  limit += 256 * 1024;
#endif
  g_print ("%u cases in %.1f s; resident %ld KiB at start, %ld after the "
      "first case, %ld at the end (growth %ld KiB, limit %ld)\n",
      cases->len, total, rss_start, rss_warm, rss_end, growth, limit);
  if (growth > limit) {
    g_print ("FAIL: resident size grew by %ld KiB over the cases\n", growth);
    failed++;
  }
  if (g_atomic_int_get (&glib_complaints) > 0) {
    g_print ("FAIL: %d GLib/GStreamer warnings or criticals:\n%s",
        glib_complaints, complaints->str);
    failed++;
  }
  const gchar *table = g_getenv ("MM_FAULTS_TABLE");
  if (table)
    g_file_set_contents (table, t->str, -1, NULL);
  g_string_free (t, TRUE);
  g_ptr_array_free (cases, TRUE);
  g_free (model);
  let_idle_threads_end ();
  return failed ? 1 : 0;
}
