/* A cache of the result meta's output blocks.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A block of at least @size bytes; @old (from mm_block_get, or NULL) is
 * reused when it is big enough and given back to the cache otherwise. */
G_GNUC_INTERNAL gpointer mm_block_get (gpointer old, gsize size);
/* gives a block back to the cache (NULL is fine) */
G_GNUC_INTERNAL void mm_block_put (gpointer block);
/* blocks taken from the heap so far (for the steady-state test) */
G_GNUC_INTERNAL guint64 mm_block_heap_count (void);

G_END_DECLS
