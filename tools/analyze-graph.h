/* mmfusion-analyze's pipeline graph, shared by the tool and the recording
 * branches it adds for --record (analyze-record.c).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ANALYZE_GRAPH_H
#define ANALYZE_GRAPH_H

#include <gst/gst.h>

/* The graph around mmfusion. Decoded streams arrive later (pad-added), so
 * this records where each one goes. */
typedef struct
{
  GstElement *pipe, *fusion;
  GstPad *fusion_video, *fusion_audio;  /* NULL: the model has no such input */
  GstPad *video_in, *audio_in;  /* where the decoded streams are linked */
  GstElement *mux;              /* --overlay only */
  GstPad *mux_audio;            /* the original audio's track in the mux */
  gboolean has_video, has_audio;        /* the input's decoded streams */
  GstElement *json_writer, *overlay_writer;     /* not owned */
  GstElement *recorder;         /* mmrecord (--record), not owned */
  GstElement *parser;           /* parsebin (--record on a file or URI) */
  gchar *records;               /* --report: the JSON Lines it reads */
  gboolean records_tmp;         /* ... a file of ours, deleted after */
} Graph;

/* a new element of this factory in the pipeline; NULL if there is none */
static inline GstElement *
add (Graph * g, const char *factory)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  if (e)
    gst_bin_add (GST_BIN (g->pipe), e);
  return e;
}

/* a decoded stream (mmdecodebin's pad-added) to its model input, or to a
 * fakesink when the model has none for it (user data: the Graph) */
void analyze_on_decoder_pad (GstElement * dec, GstPad * pad,
    gpointer graph);

/* every decoded stream is there (no-more-pads): model inputs the input has
 * no stream for are released; none at all is an error (user data: the
 * Graph) */
void analyze_on_decoder_done (GstElement * dec, gpointer graph);

/* drops the graph's references (and its temporary records file) */
void analyze_graph_clear (Graph * g);

/* mmfusion says why it refused a pad in a warning on the bus: a model with
 * one modality refuses the other (expected), a model that does not load
 * refuses both (then the reason is the error). The first, or NULL; the
 * bus's warnings are taken. */
gchar *analyze_take_refusal (GstBus * bus);

/* where the decoded streams go: video straight to mmfusion's video pad,
 * audio through `win` (mmaudiowindow) to its audio pad; FALSE when the
 * window does not link */
gboolean analyze_link_inputs (Graph * g, GstElement * win);

/* whether two names (paths or URIs) are one local file */
gboolean analyze_same_file (const char *a, const char *b);

/* --record: mmrecord following the analysis' mmfusion, its clips named
 * after `source` (a path or URI: its base name without extension); NULL,
 * said in one warning line (the analysis goes on), when `dir` is not a
 * writable folder */
GstElement *analyze_make_recorder (Graph * g, const char *dir,
    const char *source, guint64 pre, guint64 post);

/* --record on a file or URI: urisourcebin's pad to parsebin (user data),
 * and each parsed stream as it is to the recorder and decoded to the
 * model (user data: the Graph) */
void analyze_on_source_pad (GstElement * src, GstPad * pad, gpointer parse);
void analyze_on_parsed_pad (GstElement * parse, GstPad * pad,
    gpointer graph);

/* --record on a live source: the raw stream encoded once for the
 * recorder; `*target` (the model's input, may be NULL) becomes the tee
 * that feeds both */
gboolean analyze_record_live_stream (Graph * g, gboolean video,
    GstPad ** target);

#endif /* ANALYZE_GRAPH_H */
