/* A cache of the result meta's output blocks.
 *
 * Every result mmfusion attaches to a buffer carries a block with every
 * output's values and the events, and that buffer is freed a few frames
 * later downstream. Taking the block from the heap for each result and
 * freeing it there is an allocation per buffer in steady state; instead
 * freed blocks wait here, on one list per power-of-two size, for the next
 * result of about the same size. The lists are short (a stream has a few
 * results in flight at a time), and capped so a burst of results held by a
 * slow sink does not stay cached for ever.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mmblocks.h"

/* classes of 256 bytes << c; a bigger block goes to and from the heap */
#define N_CLASSES 10
#define MIN_SHIFT 8
/* blocks kept per class: enough for every result in flight of a few dozen
 * streams */
#define MAX_CACHED 256

/* in front of every block: its class, so that a block given back finds its
 * list; 16 bytes keep the block's own alignment */
typedef union {
  guint klass;
  gpointer next;                /* while cached */
  gdouble align[2];
} Head;

static struct {
  Head *free;
  guint n;
} lists[N_CLASSES];
G_LOCK_DEFINE_STATIC (lists);
static gint heap_count;

static guint
class_of (gsize size)
{
  guint c = 0;
  while (c < N_CLASSES && ((gsize) 1 << (MIN_SHIFT + c)) < size)
    c++;
  return c;                     /* N_CLASSES: too big to cache */
}

static gsize
capacity_of (const Head * h)
{
  return h->klass < N_CLASSES ? (gsize) 1 << (MIN_SHIFT + h->klass) : 0;
}

void
mm_block_put (gpointer block)
{
  if (!block)
    return;
  Head *h = (Head *) block - 1;
  guint c = h->klass;
  if (c < N_CLASSES) {
    G_LOCK (lists);
    if (lists[c].n < MAX_CACHED) {
      h->next = lists[c].free;
      lists[c].free = h;
      lists[c].n++;
      G_UNLOCK (lists);
      return;
    }
    G_UNLOCK (lists);
  }
  g_free (h);
}

gpointer
mm_block_get (gpointer old, gsize size)
{
  if (old) {
    Head *h = (Head *) old - 1;
    /* (a block too big to cache has no recorded size: replaced) */
    if (capacity_of (h) >= size)
      return old;
    mm_block_put (old);
  }
  guint c = class_of (size);
  Head *h = NULL;
  if (c < N_CLASSES) {
    G_LOCK (lists);
    h = lists[c].free;
    if (h) {
      lists[c].free = h->next;
      lists[c].n--;
    }
    G_UNLOCK (lists);
  }
  if (!h) {
    gsize bytes = c < N_CLASSES ? (gsize) 1 << (MIN_SHIFT + c) : size;
    h = g_malloc (sizeof (Head) + bytes);
    g_atomic_int_inc (&heap_count);
  }
  h->klass = c;
  return h + 1;
}

guint64
mm_block_heap_count (void)
{
  return (guint) g_atomic_int_get (&heap_count);
}
