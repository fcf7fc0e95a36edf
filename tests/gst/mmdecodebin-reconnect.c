/* mmdecodebin reconnect: an RTSP server in this process (127.0.0.1, a free
 * port) serves live H.264 + Opus; mmdecodebin reconnect=true feeds
 * mmaudiowindow and mmfusion. The server goes away for 5 s (its listening
 * source removed, every client connection closed) and comes back on the
 * same port. The pipeline never posts an error, warns naming the URI,
 * results carry on within 3 s of the server's return with running time
 * that went on, and the element says it reconnected. While the server is
 * away both inputs get GAP events; the first result after the return has
 * its audio marked missing (its window restarts after the hole) in the
 * meta and in mmpublish's JSON, and no result claims data in the hole.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <mmfusion/mmfusionmeta.h>
#include <glib/gstdio.h>
#include <unistd.h>

#define DOWN_SECONDS 5
#define RESUME_LIMIT_US (3 * G_USEC_PER_SEC)

static const char *sync_dir;
/* the stall timeout, s: 1, or 3 in a sanitizer build (MM_SLOW_RUN), whose
 * first connection (x264 under ASan) can take longer than 1 s to bring
 * data and would then be dropped again and again */
static gint stall_s = 1;

/* the server, run by its own thread and main context */
typedef struct {
  GMainContext *ctx;
  GMainLoop *loop;
  GThread *thread;
  GstRTSPServer *server;
  GSource *source;
  gint port;
  GstElement *media;            /* the latest media's pipeline */
} Server;

static void
on_media_configure (GstRTSPMediaFactory * f, GstRTSPMedia * media,
    Server * s)
{
  GstElement *e = gst_rtsp_media_get_element (media);
  GST_OBJECT_LOCK (e);
  gst_object_replace ((GstObject **) & s->media, GST_OBJECT (e));
  GST_OBJECT_UNLOCK (e);
  gst_object_unref (e);
}

/* the server stalls: connections stay open, no more data */
static void
server_stall (Server * s)
{
  fail_unless (s->media != NULL);
  for (gint i = 0; i < 2; i++) {
    GstElement *v = gst_bin_get_by_name (GST_BIN (s->media),
        i ? "agate" : "vgate");
    fail_unless (v != NULL);
    g_object_set (v, "drop", TRUE, NULL);
    gst_object_unref (v);
  }
}

static gpointer
server_main (gpointer data)
{
  Server *s = data;
  g_main_context_push_thread_default (s->ctx);
  g_main_loop_run (s->loop);
  g_main_context_pop_thread_default (s->ctx);
  return NULL;
}

/* listening again (on the port of the first start) */
static void
server_listen (Server * s)
{
  GError *err = NULL;
  s->source = gst_rtsp_server_create_source (s->server, NULL, &err);
  fail_unless (s->source != NULL, "RTSP server: %s",
      err ? err->message : "?");
  g_source_attach (s->source, s->ctx);
  if (s->port == 0) {
    s->port = gst_rtsp_server_get_bound_port (s->server);
    gchar *service = g_strdup_printf ("%d", s->port);
    gst_rtsp_server_set_service (s->server, service);
    g_free (service);
  }
}

static GstRTSPFilterResult
drop_client (GstRTSPServer * server, GstRTSPClient * client, gpointer data)
{
  return GST_RTSP_FILTER_REMOVE;
}

/* the server "dies": no more listening, every connection closed */
static void
server_kill (Server * s)
{
  g_source_destroy (s->source);
  g_source_unref (s->source);
  s->source = NULL;
  g_list_free (gst_rtsp_server_client_filter (s->server, drop_client, NULL));
}

static void
server_start (Server * s)
{
  s->ctx = g_main_context_new ();
  s->loop = g_main_loop_new (s->ctx, FALSE);
  s->server = gst_rtsp_server_new ();
  gst_rtsp_server_set_address (s->server, "127.0.0.1");
  gst_rtsp_server_set_service (s->server, "0");
  GstRTSPMediaFactory *f = gst_rtsp_media_factory_new ();
  /* small and cheap: the machine is shared; key frames every second so a
   * new client gets a picture soon even when the media is reused */
  gst_rtsp_media_factory_set_launch (f, "( videotestsrc is-live=true ! "
      "video/x-raw,width=160,height=120,framerate=10/1 ! valve name=vgate ! "
      "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! "
      "rtph264pay name=pay0 pt=96 config-interval=-1 "
      "audiotestsrc is-live=true wave=pink-noise ! "
      "audio/x-raw,rate=48000,channels=1 ! valve name=agate ! opusenc ! "
      "rtpopuspay name=pay1 pt=97 )");
  g_signal_connect (f, "media-configure", G_CALLBACK (on_media_configure), s);
  GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points (s->server);
  gst_rtsp_mount_points_add_factory (mounts, "/test", f);
  g_object_unref (mounts);
  server_listen (s);
  s->thread = g_thread_new ("rtsp-server", server_main, s);
}

static void
server_stop (Server * s)
{
  if (s->source)
    server_kill (s);
  g_main_loop_quit (s->loop);
  g_thread_join (s->thread);
  g_object_unref (s->server);
  gst_clear_object (&s->media);
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->ctx);
}

/* what leaves mmfusion: frames with a fresh result read from the meta */
static GMutex lock;
static gint64 last_result_us;   /* wall time of the latest fresh result */
static GstClockTime last_result_rt = GST_CLOCK_TIME_NONE;
static gint results, video_missing_after, gaps, gap_results, gap_audio_missing,
    gap_carried, audio_gaps;
static gboolean count_missing;
/* the first fresh result once watch_back is set */
static gboolean watch_back;
static GstClockTime back_rt = GST_CLOCK_TIME_NONE;
static gboolean back_audio_missing;
static GstClockTime back_audio_start;
static gchar *json_path;

/* GAP events reaching mmfusion's audio input */
static GstPadProbeReturn
count_audio_gaps (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_GAP) {
    g_mutex_lock (&lock);
    audio_gaps++;
    g_mutex_unlock (&lock);
  }
  return GST_PAD_PROBE_OK;
}

/* what mmfusion lets through for the hole: GAP events, or (mmfusion that
 * queues GAPs as buffers and passes them on) GAP-flagged buffers */
static GstPadProbeReturn
count_gaps (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  gboolean gap = FALSE;
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    gap = GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_GAP;
  else
    gap = GST_BUFFER_FLAG_IS_SET (GST_PAD_PROBE_INFO_BUFFER (info),
        GST_BUFFER_FLAG_GAP);
  if (gap) {
    g_mutex_lock (&lock);
    gaps++;
    g_mutex_unlock (&lock);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
read_meta (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMmFusionMeta *m = gst_buffer_get_mm_fusion_meta (buf);
  if (m && !m->fresh && GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)) {
    g_mutex_lock (&lock);
    gap_carried++;
    g_mutex_unlock (&lock);
  }
  if (m && m->fresh && GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)) {
    /* for the report: what mmfusion made of a GAP it took for a frame */
    const GstMmFusionInputSpan *a = gst_mm_fusion_meta_get_input (m, "audio");
    g_mutex_lock (&lock);
    gap_results++;
    if (a && a->missing)
      gap_audio_missing++;
    g_mutex_unlock (&lock);
  }
  /* a frame that came from the source: GAP buffers carry no picture */
  if (!m || !m->fresh || gst_buffer_get_size (buf) == 0)
    return GST_PAD_PROBE_OK;
  const GstMmFusionInputSpan *v = gst_mm_fusion_meta_get_input (m, "video");
  const GstMmFusionInputSpan *a = gst_mm_fusion_meta_get_input (m, "audio");
  g_mutex_lock (&lock);
  if (watch_back && !GST_CLOCK_TIME_IS_VALID (back_rt)) {
    back_rt = m->running_time;
    back_audio_missing = a && a->missing;
    back_audio_start = a ? a->start : GST_CLOCK_TIME_NONE;
  }
  last_result_us = g_get_monotonic_time ();
  last_result_rt = m->running_time;
  results++;
  if (count_missing && v && v->missing)
    video_missing_after++;
  g_mutex_unlock (&lock);
  return GST_PAD_PROBE_OK;
}

/* a camera-like latency (rtspsrc's default is 2 s) */
static void
on_element (GstBin * bin, GstBin * sub, GstElement * e, gpointer data)
{
  GstElementFactory *f = gst_element_get_factory (e);
  if (f && g_str_equal (GST_OBJECT_NAME (f), "rtspsrc"))
    g_object_set (e, "latency", 200, NULL);
}

static gint warnings, reconnected, stall_warnings;
static gchar *uri;

/* pops bus messages for `us` microseconds: an error fails the test */
static void
pump (GstBus * bus, gint64 us)
{
  gint64 end = g_get_monotonic_time () + us;
  while (g_get_monotonic_time () < end) {
    GstMessage *msg = gst_bus_timed_pop (bus, 50 * GST_MSECOND);
    if (!msg)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *e;
      gst_message_parse_error (msg, &e, NULL);
      fail ("error on the bus: %s", e->message);
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      GError *e;
      gst_message_parse_warning (msg, &e, NULL);
      GST_INFO ("warning: %s", e->message);
      if (strstr (e->message, uri))
        warnings++;
      if (strstr (e->message, uri) && strstr (e->message, "no data for"))
        stall_warnings++;
      g_error_free (e);
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
        && gst_message_has_name (msg, "mmdecodebin-reconnected")) {
      guint64 down = 0;
      gst_structure_get_uint64 (gst_message_get_structure (msg), "down-time",
          &down);
      GST_INFO ("reconnected after %" GST_TIME_FORMAT, GST_TIME_ARGS (down));
      reconnected++;
    }
    gst_message_unref (msg);
  }
}

static gint
get_results (gint64 * at, GstClockTime * rt)
{
  g_mutex_lock (&lock);
  gint n = results;
  if (at)
    *at = last_result_us;
  if (rt)
    *rt = last_result_rt;
  g_mutex_unlock (&lock);
  return n;
}

static GstElement *pipeline;
static GstBus *bus;
static Server server;

/* the server and the pipeline, results flowing */
static void
start (gint max_reconnects)
{
  memset (&server, 0, sizeof server);
  results = video_missing_after = gaps = warnings = reconnected = 0;
  gap_results = gap_audio_missing = stall_warnings = gap_carried = 0;
  audio_gaps = 0;
  count_missing = watch_back = FALSE;
  back_rt = GST_CLOCK_TIME_NONE;
  int fd = g_file_open_tmp ("reconnect-XXXXXX.jsonl", &json_path, NULL);
  fail_unless (fd >= 0);
  close (fd);
  server_start (&server);
  uri = g_strdup_printf ("rtsp://127.0.0.1:%d/test", server.port);
  gchar *desc = g_strdup_printf ("mmdecodebin name=d uri=%s reconnect=true "
      "stall-timeout=%" G_GUINT64_FORMAT " reconnect-delay=250000000 "
      "reconnect-max-delay=1000000000 max-reconnects=%d "
      "d.video ! f.video d.audio ! mmaudiowindow ! f.audio "
      "mmfusion name=f model=%s/probe_s10.onnx ! mmpublish location=%s ! "
      "fakesink sync=true", uri, stall_s * GST_SECOND, max_reconnects,
      sync_dir, json_path);
  GError *err = NULL;
  pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  fail_unless (pipeline != NULL, "%s", err ? err->message : "");
  g_signal_connect (pipeline, "deep-element-added", G_CALLBACK (on_element),
      NULL);
  GstElement *f = gst_bin_get_by_name (GST_BIN (pipeline), "f");
  GstPad *src = gst_element_get_static_pad (f, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, read_meta, NULL, NULL);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, count_gaps, NULL, NULL);
  gst_object_unref (src);
  GstPad *audio = gst_element_get_static_pad (f, "audio");
  fail_unless (audio != NULL);
  gst_pad_add_probe (audio, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      count_audio_gaps, NULL, NULL);
  gst_object_unref (audio);
  gst_object_unref (f);
  bus = gst_element_get_bus (pipeline);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);

  /* (waits only until the results come: generous for a sanitizer build
   * on a busy machine, where the first connection and x264 are slow) */
  gint64 deadline = g_get_monotonic_time () + 15 * stall_s * G_USEC_PER_SEC;
  while (get_results (NULL, NULL) < 20 && g_get_monotonic_time () < deadline)
    pump (bus, 100 * G_TIME_SPAN_MILLISECOND);
  fail_unless (get_results (NULL, NULL) >= 20, "no results before the cut");
  pump (bus, G_USEC_PER_SEC);
}

static void
stop (void)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  server_stop (&server);
  g_free (uri);
  g_unlink (json_path);
  g_clear_pointer (&json_path, g_free);
}

/* mmpublish's records: every line whole; none inside the hole (results
 * stop with the data before the loss and start again with the new data);
 * the first result after it (`back`, from the meta) has its audio missing
 * or made of new data only. (Running time is not checked to go up: a
 * jitter buffer may move its first timestamps back when the sender's
 * first report comes.) */
static void
check_json (GstClockTime before, GstClockTime back)
{
  gchar *text = NULL;
  fail_unless (g_file_get_contents (json_path, &text, NULL, NULL));
  gchar **lines = g_strsplit (text, "\n", -1);
  gint n_before = 0, n_after = 0, gap_starts = 0, gap_ends = 0;
  gboolean seen_back = FALSE;
  for (gchar ** l = lines; *l && **l; l++) {
    fail_unless (g_str_has_suffix (*l, "}"), "a cut line: %s", *l);
    const gchar *r = strstr (*l, "\"running_time\":");
    fail_unless (r != NULL, "%s", *l);
    GstClockTime rt = g_ascii_strtoull (r + 15, NULL, 10);
    if (strstr (*l, "\"type\":\"gap\"")) {
      /* the outage itself, marked by mmpublish from the GAP events: it
       * begins after the last result before the hole */
      fail_unless (rt >= before, "a gap before the hole: %s", *l);
      if (strstr (*l, "\"state\":\"start\""))
        gap_starts++;
      else
        gap_ends++;
      continue;
    }
    fail_if (rt > before + GST_SECOND && rt < back, "a record in the hole: "
        "%s", *l);
    if (rt < back)
      n_before++;
    else
      n_after++;
    if (rt == back) {
      seen_back = TRUE;
      /* as in the meta: missing, or new data only */
      const gchar *a = strstr (*l, "\"audio\":{\"start\":");
      fail_unless (a != NULL, "%s", *l);
      a += strlen ("\"audio\":{\"start\":");
      if (g_str_has_prefix (a, "null"))
        fail_unless (strstr (a, "\"missing\":true}") != NULL, "%s", *l);
      else
        fail_unless (g_ascii_strtoull (a, NULL, 10) >= before +
            (DOWN_SECONDS - 1) * GST_SECOND, "audio from before the hole: %s",
            *l);
      g_print ("first_record_after_hole_audio=%s\n",
          g_str_has_prefix (a, "null") ? "missing" : "new data");
    }
  }
  g_print ("json_records_before_hole=%d after=%d gap_lines=%d+%d\n",
      n_before, n_after, gap_starts, gap_ends);
  /* the hole is in the JSON: a gap that starts and ends */
  fail_unless (gap_starts >= 1 && gap_ends >= 1, "the hole is not marked");
  fail_unless (seen_back, "no record of the first result after the hole");
  fail_unless (n_before > 0 && n_after > 0);
  g_strfreev (lines);
  g_free (text);
}

/* waits for the first result made after `since`; its delay in µs */
static gint64
wait_results (gint64 since, gint64 limit_us)
{
  while (g_get_monotonic_time () < since + limit_us) {
    pump (bus, 20 * G_TIME_SPAN_MILLISECOND);
    gint64 at;
    get_results (&at, NULL);
    if (at > since)
      return at - since;
  }
  fail ("no results within %.1f s", limit_us / 1e6);
  return -1;
}

/* after the return: results go on, in running time that went on through
 * the hole, with the video input there */
static void
check_going_on (GstClockTime rt_before, GstClockTime hole)
{
  g_mutex_lock (&lock);
  count_missing = TRUE;
  g_mutex_unlock (&lock);
  gint n_back = get_results (NULL, NULL);
  pump (bus, 2 * G_USEC_PER_SEC);
  GstClockTime rt_after;
  gint n_end = get_results (NULL, &rt_after);
  fail_unless (n_end >= n_back + 10, "only %d results in 2 s after the return",
      n_end - n_back);
  fail_unless (rt_after >= rt_before + hole,
      "running time %" GST_TIME_FORMAT " after, %" GST_TIME_FORMAT " before",
      GST_TIME_ARGS (rt_after), GST_TIME_ARGS (rt_before));
  fail_unless_equals_int (video_missing_after, 0);
  fail_unless (reconnected >= 1, "no mmdecodebin-reconnected message");
}

GST_START_TEST (test_server_restart)
{
  Server *s = &server;
  start (-1);

  /* the server goes away */
  GstClockTime rt_before;
  get_results (NULL, &rt_before);
  server_kill (s);
  gint64 killed = g_get_monotonic_time ();
  GST_INFO ("server down at running time %" GST_TIME_FORMAT,
      GST_TIME_ARGS (rt_before));
  pump (bus, DOWN_SECONDS * G_USEC_PER_SEC);
  fail_unless (warnings >= 1, "no warning naming %s", uri);

  /* GAPs went downstream: time went on */
  g_mutex_lock (&lock);
  gint n_gaps = gaps;
  g_print ("gaps_in_hole=%d results_on_gaps=%d audio_missing_on_gaps=%d "
      "carried_on_gaps=%d\n", n_gaps, gap_results, gap_audio_missing,
      gap_carried);
  g_mutex_unlock (&lock);
  fail_unless (n_gaps > 0, "no GAP out of mmfusion while the source was away");
  g_mutex_lock (&lock);
  g_print ("audio_gaps_in_hole=%d\n", audio_gaps);
  fail_unless (audio_gaps > 0, "no GAP into mmfusion's audio input");
  watch_back = TRUE;
  g_mutex_unlock (&lock);

  /* back on the same port */
  server_listen (s);
  gint64 back = g_get_monotonic_time ();
  GST_INFO ("server back after %.1f s", (back - killed) / 1e6);
  gint64 delay = wait_results (back, 2 * RESUME_LIMIT_US);
  g_print ("resume_after_restart_s=%.2f\n", delay / 1e6);
  fail_unless (delay <= RESUME_LIMIT_US,
      "results resumed %.2f s after the server's return", delay / 1e6);
  check_going_on (rt_before, DOWN_SECONDS * GST_SECOND);
  /* the hole in the meta: the first result after it has no audio */
  g_mutex_lock (&lock);
  GstClockTime first_back = back_rt;
  gboolean missing = back_audio_missing;
  g_mutex_unlock (&lock);
  fail_unless (first_back >= rt_before + DOWN_SECONDS * GST_SECOND);
  /* its audio is missing, or made of new data only (when the new video
   * starts a window's length after the new audio, at its first key frame) */
  fail_unless (missing || back_audio_start >= rt_before + (DOWN_SECONDS - 1)
      * GST_SECOND, "the first result after the hole has audio from before "
      "it");
  gst_element_set_state (pipeline, GST_STATE_NULL);
  check_json (rt_before, first_back);
  stop ();
}

GST_END_TEST;

/* the connection stays, the data stops: stall-timeout (1 s; 3 s in a sanitizer build) drops it */
GST_START_TEST (test_server_stall)
{
  start (-1);
  GstClockTime rt_before;
  get_results (NULL, &rt_before);
  server_stall (&server);
  gint64 stalled = g_get_monotonic_time ();
  /* the stall is seen after stall_s, a new connection 0.25 s later gets a
   * new, flowing media: no result can come from it before stall_s */
  gint64 delay = wait_results (stalled + stall_s * G_USEC_PER_SEC,
      RESUME_LIMIT_US);
  g_print ("resume_after_stall_s=%.2f\n", (delay + stall_s * G_USEC_PER_SEC)
      / 1e6);
  fail_unless (stall_warnings >= 1, "no stall warning naming %s", uri);
  check_going_on (rt_before, G_GUINT64_CONSTANT (0));
  stop ();
}

GST_END_TEST;

/* a server that does not come back: after max-reconnects failed attempts
 * (waits 0.25, 0.5, 1 s) an error naming the URI */
GST_START_TEST (test_give_up)
{
  start (3);
  server_kill (&server);
  gint64 killed = g_get_monotonic_time ();
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error 10 s after the server went away");
  GError *e;
  gst_message_parse_error (msg, &e, NULL);
  GST_INFO ("error after %.1f s: %s", (g_get_monotonic_time () - killed) / 1e6,
      e->message);
  fail_unless (strstr (e->message, uri) != NULL, "%s", e->message);
  fail_unless (strstr (e->message, "gave up after 3 reconnection attempts")
      != NULL, "%s", e->message);
  g_error_free (e);
  gst_message_unref (msg);
  stop ();
}

GST_END_TEST;

/* an end of stream sent while the server is away (an application's
 * Ctrl-C during an outage) still ends the pipeline */
GST_START_TEST (test_eos_while_away)
{
  start (-1);
  server_kill (&server);
  /* the loss is seen (a warning), the worker waits to try again */
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (warnings == 0 && g_get_monotonic_time () < end)
    pump (bus, 100 * G_TIME_SPAN_MILLISECOND);
  fail_unless (warnings >= 1, "the loss was not seen");
  fail_unless (gst_element_send_event (pipeline, gst_event_new_eos ()));
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no end of stream 5 s after it was sent");
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  stop ();
}

GST_END_TEST;

static Suite *
reconnect_suite (void)
{
  Suite *s = suite_create ("mmdecodebin-reconnect");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 150);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_server_restart);
  tcase_add_test (tc, test_server_stall);
  tcase_add_test (tc, test_give_up);
  tcase_add_test (tc, test_eos_while_away);
  return s;
}

int
main (int argc, char **argv)
{
  sync_dir = g_getenv ("MM_GOLDEN_SYNC");
  if (g_getenv ("MM_SLOW_RUN"))
    stall_s = 3;
  if (!sync_dir)
    sync_dir = "tests/golden/sync";
  /* H.264 needs x264enc (ugly) and avdec_h264 (libav): this test widens
   * the whitelist, with a registry of its own so that the other tests'
   * registry is not rewritten */
  g_setenv ("GST_PLUGIN_LOADING_WHITELIST", "gstreamer:gst-plugins-base:"
      "gst-plugins-good:gst-plugins-ugly:gst-libav:gst-mmfusion", TRUE);
  const gchar *reg = g_getenv ("GST_REGISTRY");
  if (reg) {
    gchar *mine = g_strconcat (reg, ".reconnect", NULL);
    g_setenv ("GST_REGISTRY", mine, TRUE);
    g_free (mine);
  }
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (reconnect_suite (), "mmdecodebin-reconnect",
      __FILE__);
}
