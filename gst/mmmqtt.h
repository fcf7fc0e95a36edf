/* A publishing MQTT client that never blocks its caller: its own network
 * thread, reconnection with backoff (also when the broker is not up at the
 * start), and at most `limit` records held while the broker is away or
 * slow; beyond that the oldest waiting record is dropped and counted.
 * Optionally TLS (CA, client certificate), a user name and password, a
 * retained last-state topic and a status topic with a last will.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_MQTT_H
#define MM_MQTT_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MmMqtt MmMqtt;

/* Why the broker would not take us: conditions that do not pass by
 * themselves (a broker that is merely away is not one of them). */
typedef enum {
  MM_MQTT_PROBLEM_NONE,
  MM_MQTT_PROBLEM_REFUSED,      /* CONNACK refused: credentials, id, ... */
  MM_MQTT_PROBLEM_TLS,          /* handshake or certificate failed */
} MmMqttProblem;

/* Called from the network thread, no lock held, once per kind of problem
 * until a connection succeeds again. `reason` is the broker's or
 * OpenSSL's own words. */
typedef void (*MmMqttProblemFunc) (MmMqttProblem problem,
    const gchar * reason, gpointer user_data);

typedef struct {
  const gchar *host;
  gint port;                    /* 1 - 65535 */
  const gchar *topic;           /* of the records */
  gint qos;                     /* 0 - 2, records, state and status */
  const gchar *client_id;       /* NULL: the broker makes one up */
  guint limit;                  /* records held at most, >= 1 */

  /* TLS when `tls` or any file is set; no ca_file: the system's CAs */
  gboolean tls;
  const gchar *ca_file, *cert_file, *key_file;
  gboolean tls_verify;          /* the broker's certificate and name */

  const gchar *username, *password;     /* password needs a username */

  /* NULL for none: the latest state is published there, retained */
  const gchar *state_topic;
  /* NULL for none: `online` is published there, retained, at each
   * connection, `offline` at a clean stop, and `offline` is the will the
   * broker publishes if the connection is lost */
  const gchar *status_topic;
  const gchar *online, *offline;

  MmMqttProblemFunc on_problem; /* may be NULL */
  gpointer user_data;
} MmMqttConfig;

/* checks the settings (files readable, pairs complete) and connects in
 * the background; NULL with `error` set for bad settings */
MmMqtt *mm_mqtt_new (const MmMqttConfig * config, GError ** error);
/* waits up to 1 s for records in flight to be acknowledged */
void mm_mqtt_free (MmMqtt * m);

/* sends or holds one message; FALSE when that dropped one (counted) */
gboolean mm_mqtt_publish (MmMqtt * m, const gchar * payload, gsize len);
/* replaces the state that goes, retained, to the state topic: only the
 * newest is kept while the broker is away; no-op without a state topic */
void mm_mqtt_set_state (MmMqtt * m, const gchar * payload, gsize len);
guint64 mm_mqtt_dropped (MmMqtt * m);
/* messages the broker acknowledged (written out, at QoS 0) */
guint64 mm_mqtt_sent (MmMqtt * m);
gboolean mm_mqtt_connected (MmMqtt * m);
/* the problem reported since the last successful connection, if any */
MmMqttProblem mm_mqtt_problem (MmMqtt * m);

G_END_DECLS
#endif /* MM_MQTT_H */
