/* mmrecord: clips of encoded video and audio around events.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_MM_RECORD_H
#define GST_MM_RECORD_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_MM_RECORD (gst_mm_record_get_type ())
G_DECLARE_FINAL_TYPE (GstMmRecord, gst_mm_record, GST, MM_RECORD, GstElement)

typedef enum {
  GST_MM_RECORD_CONTAINER_AUTO,
  GST_MM_RECORD_CONTAINER_MATROSKA,
  GST_MM_RECORD_CONTAINER_MP4,
} GstMmRecordContainer;

G_END_DECLS
#endif /* GST_MM_RECORD_H */
