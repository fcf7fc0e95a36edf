/* Loopback helpers for the tests that start a server of their own (an MQTT
 * broker): a free TCP port on 127.0.0.1, and whether something listens on
 * one.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* a TCP port on 127.0.0.1 that nothing listened on a moment ago */
gint loopback_free_port (void);

/* TRUE when a TCP connect to 127.0.0.1:@port succeeds */
gboolean loopback_port_open (gint port);
