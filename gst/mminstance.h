/* Models shared between mmfusion elements of one process (the
 * `model-instance` property): one loaded model per instance name,
 * refcounted, freed with its last user; and, for instances loaded for
 * batches, one inference worker that runs the ticks handed to it by all
 * users as one batch.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_INSTANCE_H
#define MM_INSTANCE_H

#include "mmmodel.h"

G_BEGIN_DECLS

typedef struct _MmInstance MmInstance;

/* One tick handed to the worker: one sample of every model input, filled
 * by the element; one sample of every output, filled by the worker. */
typedef struct {
  gfloat **inputs;              /* per model input */
  gfloat **outputs;             /* per model output */
  gint64 run_by;                /* g_get_monotonic_time () the batch may
                                 * wait until, at most */
  /* set by the worker */
  guint batch_size;             /* ticks in the batch it ran in */
  gdouble wait_ms, run_ms;      /* time queued, time of the batch's run */
  gboolean ok;
  /* private */
  gint64 queued_at;
  gboolean done;
  GList link;
} MmTick;

/* The instance `name`, loading `path` (with the labels file `labels`, or
 * NULL) for `batch` samples a run when it is not loaded yet; the batch
 * worker's session then runs on `threads` threads (the first user's). A
 * loaded instance must have been asked for with the same file, labels and
 * batch; the error says which differs. */
MmInstance *mm_instance_acquire (const gchar * name, const gchar * path,
    const gchar * labels, guint batch, gint threads, GError ** error);
void mm_instance_release (MmInstance * inst);
MmModel *mm_instance_model (MmInstance * inst);
/* samples a run: the batch asked for, or 1 when the file's batch axis is
 * fixed (mm_instance_fixed_batch then says so) */
guint mm_instance_batch (MmInstance * inst);
gboolean mm_instance_fixed_batch (MmInstance * inst);
/* mean time of the worker's recent runs, in µs (0 before any) */
gint64 mm_instance_run_estimate (MmInstance * inst);

/* A tick's buffers for this instance's model (one sample each) */
MmTick *mm_tick_new (MmInstance * inst);
void mm_tick_free (MmTick * tick);
/* Hands a tick to the worker and waits until its batch has run: the
 * batch runs when it is full, or when the earliest run_by of its ticks
 * has come. */
gboolean mm_instance_run (MmInstance * inst, MmTick * tick);

/* loaded instances, for tests */
guint mm_instance_count (void);

G_END_DECLS
#endif /* MM_INSTANCE_H */
