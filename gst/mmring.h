/* The pre-event memory of mmrecord: the most recent encoded buffers of one
 * stream, in arrival order, beginning at a keyframe. Grows to its working
 * size once and then reuses its slots: no allocation per buffer.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_RING_H
#define MM_RING_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct {
  GstBuffer *buf;
  GstClockTime rt;              /* running time of the PTS (DTS without one) */
  GstClockTime dts;             /* running time of the DTS, or NONE */
  GstClockTime end;             /* rt + duration, or rt when unknown */
  gboolean key;                 /* a point a decoder can start from */
} MmRingEntry;

typedef struct {
  MmRingEntry *e;
  guint cap, head, len;
} MmRing;

void mm_ring_clear (MmRing * r);        /* drops every entry, keeps the slots */
void mm_ring_free (MmRing * r);
/* takes the reference in entry->buf */
void mm_ring_push (MmRing * r, const MmRingEntry * entry);
static inline MmRingEntry *
mm_ring_at (const MmRing * r, guint i)
{
  return &r->e[(r->head + i) % r->cap];
}
void mm_ring_pop (MmRing * r);

/* Drops whole GOPs from the head while the next keyframe is at or before
 * keep_from, so the ring still starts at a keyframe at or before it. */
void mm_ring_trim_gops (MmRing * r, GstClockTime keep_from);
/* Drops entries before t (streams whose every buffer is a keyframe). */
void mm_ring_trim_before (MmRing * r, GstClockTime t);
/* Index of the last keyframe at or before t; else of the first keyframe;
 * -1 when there is none. */
gint mm_ring_find_start (const MmRing * r, GstClockTime t);

G_END_DECLS
#endif /* MM_RING_H */
