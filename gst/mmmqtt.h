/* A publishing MQTT client that never blocks its caller: libmosquitto's
 * network thread, automatic reconnection, and a bounded number of records
 * in flight; what cannot be sent is dropped and counted.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_MQTT_H
#define MM_MQTT_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MmMqtt MmMqtt;

/* connects in the background; NULL only for bad arguments */
MmMqtt *mm_mqtt_new (const gchar * host, gint port, const gchar * topic,
    gint qos, const gchar * client_id, guint max_in_flight, GError ** error);
void mm_mqtt_free (MmMqtt * m);

/* queues one message; FALSE (and counted) when disconnected or full */
gboolean mm_mqtt_publish (MmMqtt * m, const gchar * payload, gsize len);
guint64 mm_mqtt_dropped (MmMqtt * m);
gboolean mm_mqtt_connected (MmMqtt * m);

G_END_DECLS
#endif /* MM_MQTT_H */
