/* The elements of the mmfusion plugin.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_MMFUSION_ELEMENTS_H
#define GST_MMFUSION_ELEMENTS_H

#include <gst/gst.h>

G_BEGIN_DECLS

GST_ELEMENT_REGISTER_DECLARE (mmaudiowindow);
GST_ELEMENT_REGISTER_DECLARE (mmfusion);
GST_ELEMENT_REGISTER_DECLARE (mmpublish);
GST_ELEMENT_REGISTER_DECLARE (mmoverlay);
GST_ELEMENT_REGISTER_DECLARE (mmdecodebin);
GST_ELEMENT_REGISTER_DECLARE (mmrecord);

G_END_DECLS
#endif /* GST_MMFUSION_ELEMENTS_H */
