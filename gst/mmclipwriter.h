/* One clip file being written: a small pipeline of its own (appsrc per
 * stream, a parser where the muxer needs one, the muxer, filesink), so
 * that muxing and writing never run in the live pipeline's threads.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_CLIP_WRITER_H
#define MM_CLIP_WRITER_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  MM_CONTAINER_MATROSKA,
  MM_CONTAINER_MP4,
} MmContainer;

enum { MM_CLIP_VIDEO = 0, MM_CLIP_AUDIO = 1, MM_CLIP_N_STREAMS = 2 };

typedef struct _MmClipWriter MmClipWriter;

/* Builds and starts the writing pipeline for path. caps[i] is NULL for a
 * stream the clip does not have (at least one must be set). NULL and error
 * when the muxer cannot take a stream or the file cannot be opened. */
MmClipWriter *mm_clip_writer_new (const gchar * path, MmContainer container,
    GstCaps * caps[MM_CLIP_N_STREAMS], GError ** error);

/* Hands one buffer (timestamps already relative to the clip's start) to the
 * writer; never blocks. FALSE once the writer has failed. */
gboolean mm_clip_writer_push (MmClipWriter * w, guint stream, GstBuffer * buf);

/* TRUE once writing failed (disk full, muxer error): stop pushing */
gboolean mm_clip_writer_failed (MmClipWriter * w);

gboolean mm_clip_writer_has_stream (MmClipWriter * w, guint stream);

/* Ends every stream (non-blocking). */
void mm_clip_writer_end (MmClipWriter * w);

/* Waits until the file is complete (at most timeout), stops the pipeline
 * and frees the writer. FALSE with error when writing failed; the partial
 * file is then removed. */
gboolean mm_clip_writer_finish (MmClipWriter * w, GstClockTime timeout,
    GError ** error);

/* The container a file name asks for: .mp4, .m4v, .mov → MP4, anything
 * else Matroska. */
MmContainer mm_container_from_path (const gchar * path);

G_END_DECLS
#endif /* MM_CLIP_WRITER_H */
