/* The mmfusion plugin: registers its elements and nothing else.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmfusionelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ok = FALSE;
  ok |= GST_ELEMENT_REGISTER (mmaudiowindow, plugin);
  ok |= GST_ELEMENT_REGISTER (mmfusion, plugin);
  ok |= GST_ELEMENT_REGISTER (mmpublish, plugin);
  ok |= GST_ELEMENT_REGISTER (mmoverlay, plugin);
  ok |= GST_ELEMENT_REGISTER (mmdecodebin, plugin);
  ok |= GST_ELEMENT_REGISTER (mmrecord, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, mmfusion,
    "Streaming audio-visual inference: feature windows, fused models, results",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
