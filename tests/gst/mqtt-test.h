/* Helpers shared by the MQTT tests, which start a broker of their own:
 * a free TCP port on 127.0.0.1, whether something listens on one, the
 * result buffers they publish and the field they check the order by.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

/* a TCP port on 127.0.0.1 that nothing listened on a moment ago */
gint loopback_free_port (void);

/* TRUE when a TCP connect to 127.0.0.1:@port succeeds */
gboolean loopback_port_open (gint port);

/* a 4-byte buffer at PTS @i with a fresh result meta of model "probe",
 * running time and PTS @i */
GstBuffer *mqtt_test_result (guint64 i);

/* the "pts" member of one JSON record; fails the test if it does not parse */
gint64 mqtt_test_pts_of (const gchar * json);
