/* Gathering the inputs of one tick (docs/synchronization.md): one collector
 * per model input, which looks at its input's queue and answers found,
 * missing or wait for a tick, and writes the model's input tensor by the
 * `missing` policy. mmfusion runs them in a loop; the tests run them on
 * plain lists of buffers (tests/gst/mmcollect.c).
 *
 * Nothing a collector answers changes until the tick is committed: asking
 * again for the same tick gives the same answer and the same data. It
 * only takes off its queue what no tick can use any more (an audio window
 * that ends too early for this tick ends too early for every later one; a
 * frame of a following video input at or before the tick is history), and
 * keeps such data aside, pending, until the commit.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_COLLECT_H
#define MM_COLLECT_H

#include <gst/gst.h>
#include <gst/video/video.h>
#include "mmmodel.h"
#include "mmpreprocess.h"

G_BEGIN_DECLS

typedef enum {
  MM_COLLECT_FOUND,             /* the data of this tick is there */
  MM_COLLECT_MISSING,           /* there is none and will be none */
  MM_COLLECT_WAIT,              /* it may still come */
} MmCollectAnswer;

/* the `missing` property's values (GstMmFusionMissing has the same) */
typedef enum {
  MM_MISSING_ZEROS, MM_MISSING_LAST, MM_MISSING_SKIP
} MmMissing;

/* The queue of buffers of one input, as the collectors see it: in mmfusion
 * an aggregator pad, in the tests a list. peek returns the head with a new
 * reference, or NULL when the queue is empty. */
typedef struct {
  GstBuffer *(*peek) (gpointer queue);
  void (*drop) (gpointer queue);        /* lets go of the head */
  gboolean (*is_eos) (gpointer queue);  /* empty for good */
  void (*segment) (gpointer queue, GstSegment * segment);
} MmQueueFuncs;

typedef struct {
  const MmQueueFuncs *funcs;
  gpointer queue;
} MmQueue;

/* problems a collector saw, for the element to tell once (bits of
 * `warnings`, which the element clears) */
enum {
  MM_COLLECT_WARN_SHORT = 1 << 0,       /* a window smaller than the model's */
  MM_COLLECT_WARN_NO_PTS = 1 << 1,      /* a window without a timestamp */
};

/* a + b, or NONE when either is NONE or the sum would overflow */
GstClockTime mm_collect_time_add (GstClockTime a, GstClockTime b);
/* a buffer's duration in running time: its own, else one frame of the
 * caps' frame rate (info may be NULL), divided by the segment's rate; 0
 * when unknown */
GstClockTime mm_collect_duration (GstBuffer * buf, const GstVideoInfo * info,
    const GstSegment * segment);

/* Audio: the window of a tick on the frame ending at running time `end`
 * is the one whose end lies in (end − S/2, end + S/2], S the window step
 * (divided by the segment's rate). */
typedef struct {
  const MmModelInput *in;
  gsize window_bytes;
  GstClockTime step, length;    /* at rate 1 */
  /* the newest window too old for the tick being collected: taken off the
   * queue, and the `last` window once the tick is committed */
  GstBuffer *pending;
  GstClockTime pending_start, pending_end;
  GstBuffer *last;
  GstClockTime last_start, last_end;
  guint warnings;
  gsize short_size;             /* bytes of the last window too short */
} MmAudioCollector;

void mm_audio_collector_init (MmAudioCollector * c, const MmModelInput * in);
/* lets go of every window held (a flush, a new run, the end) */
void mm_audio_collector_reset (MmAudioCollector * c);
/* FALSE for a buffer that holds no window: a GAP, or one smaller than the
 * model's window (which sets MM_COLLECT_WARN_SHORT) */
gboolean mm_audio_collector_usable (MmAudioCollector * c, GstBuffer * buf);
/* Found: *window is the tick's window (a new reference), [*start, *end)
 * its span in running time. A later window or a GAP reaching past the
 * tick makes it missing, so does EOS, and `timeout` (the live deadline
 * passed) when the queue is empty. */
MmCollectAnswer mm_audio_collect (MmAudioCollector * c, const MmQueue * q,
    GstClockTime end, gboolean timeout, GstBuffer ** window,
    GstClockTime * start, GstClockTime * wend);
/* Writes the model input (window_floats floats, in the model's layout)
 * from `window`, or when that is NULL or cannot be read, by the policy:
 * `last` the last window (pending or committed) with its span, else
 * zeros and no span. Returns TRUE when the input is missing. */
gboolean mm_audio_fill (MmAudioCollector * c, GstBuffer * window,
    MmMissing policy, gfloat * dst, GstClockTime * start, GstClockTime * end);
/* copies one window into the model input, transposing for time-major
 * models; FALSE when the buffer cannot be read */
gboolean mm_audio_copy_window (const MmModelInput * in, GstBuffer * buf,
    gfloat * dst);
void mm_audio_commit (MmAudioCollector * c);

/* Video: the model input is the T most recent frames ending with the
 * tick's (T = 1 for a single picture), oldest first; until T frames came
 * the oldest repeats. Committed frames sit in a ring of 2T slots; frames
 * of the tick being collected are staged after them. */
typedef struct {
  const MmModelInput *in;
  gsize frame_floats;
  guint T, cap;
  gfloat *ring;
  guint at;                     /* slot of the newest committed frame */
  guint64 len;                  /* frames committed since the reset */
  guint staged;                 /* frames after `at`, not committed */
  GstClockTime start, end;      /* span of the newest frame */
  /* the frame unstaged when its tick had to wait for audio: its slot
   * still holds its pixels, so staging the same buffer (with the same
   * PTS) into the same slot again costs no preprocessing; NULL when none */
  gconstpointer held;
  GstClockTime held_pts;
  guint held_slot;
  gconstpointer last;           /* the buffer staged last, and its slot */
  GstClockTime last_pts;
  guint last_slot;
  guint64 reused;               /* stagings that found the pixels held */
} MmClipCollector;

void mm_clip_collector_init (MmClipCollector * c, const MmModelInput * in);
void mm_clip_collector_clear (MmClipCollector * c);     /* frees */
void mm_clip_collector_reset (MmClipCollector * c);     /* forgets frames */
/* preprocesses a frame into the next staged slot; FALSE when it holds no
 * picture (fewer bytes than its caps say, or no preprocessing yet) */
gboolean mm_clip_stage (MmClipCollector * c, MmPreprocess * pp,
    const GstVideoInfo * info, GstBuffer * buf, GstClockTime start,
    GstClockTime end);
/* forgets the staged frames (the leading frame stays on its queue and is
 * staged again when its tick is collected again: its preprocessed pixels
 * are kept for that, while nothing else is staged) */
void mm_clip_unstage (MmClipCollector * c);
/* A following video input: stages its frames at or before running time
 * t, taking them off the queue; found when it has had a frame by then
 * (it never waits). [*start, *end) the span of the newest one. */
MmCollectAnswer mm_clip_collect (MmClipCollector * c, const MmQueue * q,
    MmPreprocess * pp, const GstVideoInfo * info, GstClockTime t,
    GstClockTime * start, GstClockTime * end);
/* frames in the tick's view, committed and staged */
guint64 mm_clip_frames (const MmClipCollector * c);
/* Writes the model input from the clip (T frames, the model's layout);
 * a missing input gets zeros unless the policy is `last` and there are
 * frames. */
void mm_clip_fill (MmClipCollector * c, gboolean missing, MmMissing policy,
    gfloat * dst);
void mm_clip_commit (MmClipCollector * c);

G_END_DECLS
#endif /* MM_COLLECT_H */
