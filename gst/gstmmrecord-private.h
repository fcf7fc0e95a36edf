/* mmrecord's insides, shared by the element (gstmmrecord.c: pads, events,
 * properties, states, following mmfusion) and the clip scheduling
 * (mmrecordclips.c: memory, when clips begin and end, writing them).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_MM_RECORD_PRIVATE_H
#define GST_MM_RECORD_PRIVATE_H

#include "gstmmrecord.h"
#include "mmclipwriter.h"
#include "mmring.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (mm_record_debug);

/* how long the finisher waits for a clip's file to be complete */
#define MM_RECORD_FINISH_TIMEOUT (60 * GST_SECOND)

/* one input stream */
typedef struct {
  GstPad *pad;
  GstSegment segment;
  GstCaps *caps;
  MmRing ring;
  GstClockTime newest;          /* running time of the newest buffer */
  gboolean eos;
} MmStream;

/* one clip: pending (waiting for data to reach `want`), then open */
typedef struct {
  MmClipWriter *w;
  gchar *path;
  GString *classes;
  gchar *utc;
  GstClockTime want;            /* start − pre */
  GstClockTime start;           /* running time of its first keyframe */
  GstClockTime offset;          /* subtracted from its timestamps */
  GstClockTime stop;            /* end + post; NONE while an event is on */
  GstClockTime trigger_stop;    /* from `trigger`, applied once none is on */
  GstClockTime event_start, event_end;
  GstClockTime end;             /* end of the last media written */
  guint active;                 /* events on in this clip */
  gboolean open;
  gboolean done[MM_CLIP_N_STREAMS];
  GstClockTime last[MM_CLIP_N_STREAMS]; /* decode time of the last written */
  guint written[MM_CLIP_N_STREAMS];     /* buffers, for the debug log */
  GstMmRecord *self;            /* for the finisher: a reference */
} MmClip;

struct _GstMmRecord {
  GstElement parent;

  /* properties, under the object lock */
  gchar *directory, *file_template, *fusion, *source;
  GstClockTime pre, post, buffer_duration, max_duration;
  GstMmRecordContainer container;
  guint clips_written;

  /* streaming state, under `lock` */
  GMutex lock;
  GCond finished;
  MmStream streams[MM_CLIP_N_STREAMS];
  MmClip *current;              /* the clip new events join */
  GList *clips;                 /* pending and open clips, oldest first */
  GHashTable *active;           /* labels whose event is on */
  GThreadPool *finisher;
  guint unfinished;             /* clips handed to the finisher */
  gboolean failing;             /* a failure was reported, none succeeded since */
  gchar *warning;               /* to post once the lock is released */
  guint counter;

  /* following an mmfusion element: set in state changes only */
  GstBus *bus;
  gulong bus_handler;
  GstElement *fusion_element;   /* compared, never dereferenced */
  GstClockTime analysis_rt;     /* the followed element's latest result */
  GstPad *fusion_pad;           /* its source pad, watched for EOS */
  gulong fusion_probe;
  gboolean fusion_eos;          /* under lock, like the two below */
  gboolean eos_waiting;         /* our inputs ended, the analysis has not */
  guint32 eos_seqnum;
};

/* All of these run with `lock` held unless said otherwise. */
guint mm_record_key_stream (GstMmRecord * self);
/* notes a warning (once per run of failures) for post_warning */
void mm_record_set_warning (GstMmRecord * self, gchar * text);
/* posts the noted warning; call without the lock */
void mm_record_post_warning (GstMmRecord * self);
GstClockTime mm_record_now (GstMmRecord * self);

MmClip *mm_record_clip_new (GstMmRecord * self, GstClockTime want);
void mm_record_clip_add_class (MmClip * c, const gchar * label);
void mm_record_clip_feed (MmClip * c, guint stream, const MmRingEntry * e);
void mm_record_clip_set_stop (GstMmRecord * self, MmClip * c,
    GstClockTime stop);
/* the finisher pool's function: waits for one file, announces it */
void mm_record_finish_clip (gpointer data, gpointer unused);

/* events: counted ones are on until their end; a trigger is not */
void mm_record_event_start (GstMmRecord * self, const gchar * label,
    GstClockTime t, gboolean counted);
void mm_record_event_end (GstMmRecord * self, const gchar * label,
    GstClockTime t);

void mm_record_open_ready (GstMmRecord * self);
void mm_record_check_all (GstMmRecord * self);
void mm_record_trim (GstMmRecord * self);
void mm_record_close_all (GstMmRecord * self);
void mm_record_wait_finished (GstMmRecord * self);

G_END_DECLS
#endif /* GST_MM_RECORD_PRIVATE_H */
