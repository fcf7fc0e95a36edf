/* mmfault: a test-only element that injects one fault into a stream at a
 * chosen time. Registered by the test program, not by the plugin.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* What happens to the buffers whose (incoming) PTS lies in
 * [start, start + duration). */
typedef enum {
  MM_FAULT_NONE,
  MM_FAULT_GAP,                 /* each replaced by a GAP event */
  MM_FAULT_DROP,                /* dropped silently */
  MM_FAULT_DISCONT,             /* the first flagged DISCONT */
  MM_FAULT_JUMP_BACK,           /* PTS moved `jump` earlier */
  MM_FAULT_JUMP_FORWARD,        /* PTS moved `jump` later */
  MM_FAULT_DUPLICATE,           /* each pushed twice */
  MM_FAULT_NO_PTS,              /* PTS and DTS removed */
  MM_FAULT_STALL,               /* the thread blocks `duration` (real time)
                                 * at the first, then they flow late */
  MM_FAULT_EOS,                 /* EOS at the first; nothing after */
} MmFault;

#define MM_TYPE_FAULT (mm_fault_get_type ())
G_DECLARE_FINAL_TYPE (MmFaultElement, mm_fault, MM, FAULT, GstElement)

/* registers "mmfault" (no plugin) */
gboolean mm_fault_register (void);
const gchar *mm_fault_nick (MmFault fault);

G_END_DECLS
#endif /* MM_FAULT_H */
