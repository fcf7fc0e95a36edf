/* mmfusion-analyze with several inputs in one process (analyze-multi.c).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ANALYZE_MULTI_H
#define ANALYZE_MULTI_H

#include <gst/gst.h>

/* one input: its name (the stream's "source"; a file and topic name part)
 * and what to decode (a URI, or a path) */
typedef struct
{
  gchar *name, *uri;
} AnalyzeInput;

/* what applies to every input */
typedef struct
{
  const gchar *model;
  const gchar *json;            /* NULL, "-", a folder, or a {source} template */
  guint64 interval;
  guint top_k;
  const gchar *event_on, *event_off;
  const gchar *mqtt_host;       /* NULL: no MQTT */
  gint mqtt_port;
  const gchar *mqtt_topic;      /* NULL: mmpublish's default; {source} expands */
  gint max_reconnects;          /* network streams: failed attempts in a row */
  gint batch;                   /* 0: the number of inputs */
} AnalyzeMultiOptions;

/* Reads `name URI` lines (blank lines and # comments skipped) from FILE
 * and appends them to `inputs`; FALSE with the one-line reason in *why. */
gboolean analyze_read_inputs (const gchar * file, GArray * inputs,
    gchar ** why);

/* An input from the command line: a name made from its path or URI (a
 * file's base name without extension; a URI's host and path), made unique
 * among `inputs`. */
void analyze_add_input (GArray * inputs, const gchar * what);

/* that name alone (not made unique) */
gchar *analyze_input_name (const gchar * what);

/* Checks names and output paths; 0, or 1 after printing the one error
 * line. */
int analyze_multi_check (GArray * inputs, const AnalyzeMultiOptions * o);

/* Runs every input, each in its own pipeline, all in this process with one
 * shared model; prints a line per input that fails for good (the others
 * go on) and a summary. Exit status: 0 when every input ended normally
 * (or by Ctrl-C), 1 otherwise. */
int analyze_multi_run (GArray * inputs, const AnalyzeMultiOptions * o);

void analyze_inputs_free (GArray * inputs);

#endif /* ANALYZE_MULTI_H */
