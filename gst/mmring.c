/* The pre-event memory of mmrecord: a ring of encoded buffers.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmring.h"

#include <string.h>

void
mm_ring_pop (MmRing * r)
{
  if (r->len == 0)
    return;
  gst_buffer_unref (r->e[r->head].buf);
  r->e[r->head].buf = NULL;
  r->head = (r->head + 1) % r->cap;
  r->len--;
}

void
mm_ring_clear (MmRing * r)
{
  while (r->len)
    mm_ring_pop (r);
  r->head = 0;
}

void
mm_ring_free (MmRing * r)
{
  mm_ring_clear (r);
  g_free (r->e);
  memset (r, 0, sizeof *r);
}

void
mm_ring_push (MmRing * r, const MmRingEntry * entry)
{
  if (r->len == r->cap) {
    /* doubles until it holds the configured duration, then stays */
    guint cap = MAX (64, r->cap * 2);
    MmRingEntry *e = g_new0 (MmRingEntry, cap);
    for (guint i = 0; i < r->len; i++)
      e[i] = *mm_ring_at (r, i);
    g_free (r->e);
    r->e = e;
    r->cap = cap;
    r->head = 0;
  }
  r->e[(r->head + r->len) % r->cap] = *entry;
  r->len++;
}

void
mm_ring_trim_gops (MmRing * r, GstClockTime keep_from)
{
  for (;;) {
    guint next = 1;
    while (next < r->len && !mm_ring_at (r, next)->key)
      next++;
    if (next >= r->len || mm_ring_at (r, next)->rt > keep_from)
      return;
    while (next--)
      mm_ring_pop (r);
  }
}

void
mm_ring_trim_before (MmRing * r, GstClockTime t)
{
  while (r->len && mm_ring_at (r, 0)->rt < t)
    mm_ring_pop (r);
}

gint
mm_ring_find_start (const MmRing * r, GstClockTime t)
{
  gint first = -1, best = -1;
  for (guint i = 0; i < r->len; i++) {
    const MmRingEntry *e = mm_ring_at (r, i);
    if (!e->key)
      continue;
    if (first < 0)
      first = i;
    if (e->rt <= t)
      best = i;
  }
  return best >= 0 ? best : first;
}
