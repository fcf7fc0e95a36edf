/* A publishing MQTT client that never blocks its caller: its own network
 * thread, reconnection with backoff (also when the broker is not up at the
 * start), and at most `limit` records held while the broker is away or
 * slow; beyond that the oldest waiting record is dropped and counted.
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
    gint qos, const gchar * client_id, guint limit, GError ** error);
/* waits up to 1 s for records in flight to be acknowledged */
void mm_mqtt_free (MmMqtt * m);

/* sends or holds one message; FALSE when that dropped one (counted) */
gboolean mm_mqtt_publish (MmMqtt * m, const gchar * payload, gsize len);
guint64 mm_mqtt_dropped (MmMqtt * m);
/* messages the broker acknowledged (written out, at QoS 0) */
guint64 mm_mqtt_sent (MmMqtt * m);
gboolean mm_mqtt_connected (MmMqtt * m);

G_END_DECLS
#endif /* MM_MQTT_H */
