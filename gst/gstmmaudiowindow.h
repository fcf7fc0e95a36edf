/* mmaudiowindow: streaming log-mel (or waveform) windows, exact to the
 * sample.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_MM_AUDIO_WINDOW_H
#define GST_MM_AUDIO_WINDOW_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_MM_AUDIO_WINDOW (gst_mm_audio_window_get_type ())
G_DECLARE_FINAL_TYPE (GstMmAudioWindow, gst_mm_audio_window, GST,
    MM_AUDIO_WINDOW, GstElement)

G_END_DECLS
#endif /* GST_MM_AUDIO_WINDOW_H */
