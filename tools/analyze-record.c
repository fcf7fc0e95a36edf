/* mmfusion-analyze --record: the branches that take the encoded streams to
 * mmrecord (as they are from a file or URI, encoded once from live
 * sources) beside the analysis (docs/tools.md).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "analyze-graph.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *prog = "mmfusion-analyze";

GstElement *
analyze_make_recorder (Graph * g, const char *dir, const char *source,
    guint64 pre, guint64 post)
{
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR)
      || access (dir, W_OK | X_OK) != 0) {
    fprintf (stderr, "%s: warning: %s: %s; no clips are recorded\n", prog,
        dir, g_file_test (dir, G_FILE_TEST_IS_DIR) ?
        "the folder is not writable" : "no such folder");
    return NULL;
  }
  GstElement *rec = add (g, "mmrecord");
  if (!rec)
    return NULL;
  gchar *base = g_path_get_basename (source);
  char *dot = strrchr (base, '.');
  if (dot && dot != base)
    *dot = '\0';
  /* the memory covers pre, the analysis queues' lag (5 s) and a GOP */
  g_object_set (rec, "directory", dir, "fusion",
      GST_ELEMENT_NAME (g->fusion), "pre", pre, "post", post,
      "buffer-duration", MAX ((guint64) 15 * GST_SECOND,
          pre + 10 * GST_SECOND), "source", base, NULL);
  g_free (base);
  return rec;
}

/* --record on a file or URI: what mmrecord can store as it comes */
static const char *const recordable[] = {
  "video/x-h264", "video/x-h265", "video/x-vp8", "video/x-vp9",
  "video/x-av1", "image/jpeg", "audio/mpeg", "audio/x-opus",
  "audio/x-vorbis", "audio/x-flac", "audio/x-ac3", NULL
};

static GstElement *
add_synced (Graph * g, const char *factory)
{
  GstElement *e = add (g, factory);
  if (e)
    gst_element_sync_state_with_parent (e);
  return e;
}

/* The encoded branch runs ahead of the analysis by what this queue holds,
 * and mmrecord writes a clip as the media comes: an event's end is known
 * that much later, and its clip is that much longer. With an audio input
 * the queue must hold up to 5 s (an audio window fills while the demuxer
 * interleaves; mmrecord's memory covers that lag); a video-only model
 * needs no such wait, and a short queue keeps the clips tight. */
static void
set_analysis_queue (Graph * g, GstElement * q)
{
  g_object_set (q, "max-size-time", (guint64) (g->fusion_audio ? 5 : 1) *
      GST_SECOND, "max-size-buffers", 0, "max-size-bytes", 0, NULL);
}

/* decodebin found the raw stream: into the converters already linked to
 * the model's input */
static void
on_decoded_pad (GstElement * dec, GstPad * pad, gpointer user_data)
{
  GstElement *conv = user_data;
  GstPad *sink = gst_element_get_static_pad (conv, "sink");
  GstCaps *caps = gst_pad_query_caps (pad, NULL);
  const char *media = gst_structure_get_name (gst_caps_get_structure (caps,
          0));
  if (!gst_pad_is_linked (sink) && (g_str_has_prefix (media, "video/x-raw")
          || g_str_has_prefix (media, "audio/x-raw"))
      && gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    GST_ELEMENT_ERROR (dec, CORE, NEGOTIATION,
        ("Cannot link the decoded %s stream to the model input.", media),
        (NULL));
  gst_caps_unref (caps);
  gst_object_unref (sink);
}

/* parsebin's stream, still encoded: a tee sends it as it is to mmrecord
 * and, decoded and converted, to the model. The converters are linked to
 * the model input now (the decoder's pad comes later), so that when
 * parsebin has no more pads the inputs without a stream are known. */
void
analyze_on_parsed_pad (GstElement * parse, GstPad * pad, gpointer user_data)
{
  Graph *g = user_data;
  GstCaps *caps = gst_pad_query_caps (pad, NULL);
  const char *media = gst_structure_get_name (gst_caps_get_structure (caps,
          0));
  gboolean video = g_str_has_prefix (media, "video/")
      || g_str_has_prefix (media, "image/");
  gboolean audio = g_str_has_prefix (media, "audio/");
  gboolean store = FALSE;
  for (guint i = 0; recordable[i]; i++)
    store |= g_str_equal (media, recordable[i]);
  if ((video && g->has_video) || (audio && g->has_audio))
    video = audio = FALSE;      /* the first of each kind only */
  g->has_video |= video;
  g->has_audio |= audio;
  GstPad *target = video ? g->video_in : audio ? g->audio_in : NULL;
  gchar *what = g_strdup (media);
  gst_caps_unref (caps);
  if (!video && !audio) {
    GstElement *discard = add (g, "fakesink");
    g_object_set (discard, "sync", FALSE, "async", FALSE, NULL);
    gst_element_sync_state_with_parent (discard);
    gst_element_link_pads (parse, GST_PAD_NAME (pad), discard, "sink");
    g_free (what);
    return;
  }
  gboolean ok = TRUE;
  /* downstream first, so that nothing flows into an unlinked pad */
  GstElement *first_conv = NULL, *last = NULL;
  if (target) {
    if (video) {
      first_conv = last = add_synced (g, "videoconvert");
    } else {
      first_conv = add_synced (g, "audioconvert");
      last = add_synced (g, "audioresample");
      ok = first_conv && last && gst_element_link (first_conv, last);
    }
    GstPad *src = last ? gst_element_get_static_pad (last, "src") : NULL;
    ok = ok && src && gst_pad_link (src, target) == GST_PAD_LINK_OK;
    if (src)
      gst_object_unref (src);
  }
  GstElement *tee = add_synced (g, "tee");
  ok = ok && tee;
  if (ok && target) {
    GstElement *dec = add_synced (g, "decodebin");
    GstElement *q = add_synced (g, "queue");
    ok = first_conv && dec && q && gst_element_link (q, dec)
        && gst_element_link (tee, q);
    if (ok) {
      set_analysis_queue (g, q);
      g_signal_connect (dec, "pad-added", G_CALLBACK (on_decoded_pad),
          first_conv);
    }
  } else if (ok && !(store && g->recorder)) {
    /* neither the model nor the recorder takes it: it ends here */
    GstElement *discard = add (g, "fakesink");
    ok = discard != NULL;
    if (ok) {
      g_object_set (discard, "sync", FALSE, "async", FALSE, NULL);
      gst_element_sync_state_with_parent (discard);
      ok = gst_element_link (tee, discard);
    }
  }
  if (ok && store && g->recorder) {
    GstElement *rq = add_synced (g, "queue");
    GstPad *rpad = gst_element_request_pad_simple (g->recorder,
        video ? "video" : "audio");
    GstPad *rsrc = rq ? gst_element_get_static_pad (rq, "src") : NULL;
    ok = rq && rpad && gst_pad_link (rsrc, rpad) == GST_PAD_LINK_OK
        && gst_element_link (tee, rq);
    if (rsrc)
      gst_object_unref (rsrc);
    if (rpad)
      gst_object_unref (rpad);
  } else if (ok && g->recorder) {
    fprintf (stderr, "%s: warning: a %s stream cannot be recorded as it "
        "is; the clips go without it\n", prog, what);
  }
  ok = ok && gst_element_link_pads (parse, GST_PAD_NAME (pad), tee, "sink");
  if (!ok)
    GST_ELEMENT_ERROR (parse, CORE, NEGOTIATION,
        ("Cannot link the %s stream to the model input and the recorder.",
            what), (NULL));
  g_free (what);
}

void
analyze_on_source_pad (GstElement * src, GstPad * pad, gpointer user_data)
{
  GstElement *parse = user_data;
  GstPad *sink = gst_element_get_static_pad (parse, "sink");
  if (!gst_pad_is_linked (sink) && gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    GST_ELEMENT_ERROR (src, CORE, NEGOTIATION,
        ("Cannot read the input's stream."), (NULL));
  gst_object_unref (sink);
}

/* --record on a live source: the raw stream is encoded once (H.264 with
 * no frames held back; Opus, or Vorbis where the opus plugin is missing)
 * for mmrecord, and goes on raw to `*target`, which becomes the tee's
 * input. */
gboolean
analyze_record_live_stream (Graph * g, gboolean video, GstPad ** target)
{
  GstElement *tee = add (g, "tee"), *q = add (g, "queue");
  GstElement *conv = add (g, video ? "videoconvert" : "audioconvert");
  GstElement *enc, *tail, *format = NULL;
  if (video) {
    /* 4:2:0, which every player decodes (x264 would keep 4:4:4) */
    format = add (g, "capsfilter");
    if (format) {
      GstCaps *caps = gst_caps_from_string ("video/x-raw,format=I420");
      g_object_set (format, "caps", caps, NULL);
      gst_caps_unref (caps);
    }
    enc = add (g, "x264enc");
    /* x264enc's own output is what mmrecord takes; h264parse (-bad), when
     * there, adds what some muxers like (codec data in the caps) */
    GstElementFactory *parser = gst_element_factory_find ("h264parse");
    tail = parser ? add (g, "h264parse") : enc;
    if (parser)
      gst_object_unref (parser);
    if (enc) {
      gst_util_set_object_arg (G_OBJECT (enc), "tune", "zerolatency");
      gst_util_set_object_arg (G_OBJECT (enc), "speed-preset", "veryfast");
      /* a GOP of 1 s: a clip starts at most 1 s before start - pre */
      g_object_set (enc, "key-int-max", 30, NULL);
    }
  } else {
    GstElementFactory *opus = gst_element_factory_find ("opusenc");
    tail = add (g, "audioresample");
    enc = add (g, opus ? "opusenc" : "vorbisenc");
    if (opus)
      gst_object_unref (opus);
  }
  if (!tee || !q || !conv || !enc || !tail || (video && !format))
    return FALSE;
  gboolean ok = video ? gst_element_link_many (tee, q, conv, format, enc,
      NULL) && (tail == enc || gst_element_link (enc, tail))
      : gst_element_link_many (tee, q, conv, tail, enc, NULL);
  GstPad *rpad = gst_element_request_pad_simple (g->recorder,
      video ? "video" : "audio");
  GstPad *esrc = gst_element_get_static_pad (video ? tail : enc, "src");
  ok = ok && rpad && gst_pad_link (esrc, rpad) == GST_PAD_LINK_OK;
  gst_object_unref (esrc);
  if (rpad)
    gst_object_unref (rpad);
  if (*target) {
    GstElement *q2 = add (g, "queue");
    GstPad *qsrc = q2 ? gst_element_get_static_pad (q2, "src") : NULL;
    ok = ok && q2 && gst_element_link (tee, q2)
        && gst_pad_link (qsrc, *target) == GST_PAD_LINK_OK;
    if (qsrc)
      gst_object_unref (qsrc);
    gst_object_unref (*target);
  }
  *target = gst_element_get_static_pad (tee, "sink");
  return ok;
}

