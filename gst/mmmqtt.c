/* A non-blocking MQTT publisher on libmosquitto.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libmosquitto queues without limit while a broker is away; this client
 * keeps its own count of messages in flight (published, not yet
 * acknowledged) and refuses beyond the limit, so a broker outage costs at
 * most max_in_flight messages of memory and never blocks the pipeline.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmmqtt.h"

#include <gio/gio.h>
#include <mosquitto.h>

struct _MmMqtt {
  struct mosquitto *mosq;
  gchar *topic;
  gint qos;
  guint max_in_flight;
  GMutex lock;
  gboolean connected;
  guint in_flight;
  guint64 dropped;
};

static void
on_connect (struct mosquitto *mosq, void *data, int rc)
{
  MmMqtt *m = data;
  g_mutex_lock (&m->lock);
  m->connected = rc == 0;
  /* what was in flight before is resent by libmosquitto or lost with the
   * old session; either way the count starts afresh */
  m->in_flight = 0;
  g_mutex_unlock (&m->lock);
}

static void
on_disconnect (struct mosquitto *mosq, void *data, int rc)
{
  MmMqtt *m = data;
  g_mutex_lock (&m->lock);
  m->connected = FALSE;
  g_mutex_unlock (&m->lock);
}

static void
on_publish (struct mosquitto *mosq, void *data, int mid)
{
  MmMqtt *m = data;
  g_mutex_lock (&m->lock);
  if (m->in_flight > 0)
    m->in_flight--;
  g_mutex_unlock (&m->lock);
}

MmMqtt *
mm_mqtt_new (const gchar * host, gint port, const gchar * topic, gint qos,
    const gchar * client_id, guint max_in_flight, GError ** error)
{
  static gsize inited;
  if (g_once_init_enter (&inited)) {
    mosquitto_lib_init ();
    g_once_init_leave (&inited, 1);
  }
  if (!host || !*host || port < 1 || port > 65535 || !topic || !*topic
      || qos < 0 || qos > 2) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "MQTT needs a host, a port (1-65535), a topic and a QoS (0-2)");
    return NULL;
  }
  MmMqtt *m = g_new0 (MmMqtt, 1);
  g_mutex_init (&m->lock);
  m->topic = g_strdup (topic);
  m->qos = qos;
  m->max_in_flight = MAX (max_in_flight, 1);
  m->mosq = mosquitto_new (client_id, TRUE, m);
  if (!m->mosq) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "cannot create an MQTT client");
    mm_mqtt_free (m);
    return NULL;
  }
  mosquitto_connect_callback_set (m->mosq, on_connect);
  mosquitto_disconnect_callback_set (m->mosq, on_disconnect);
  mosquitto_publish_callback_set (m->mosq, on_publish);
  /* retry every 1 s, backing off to 5 s */
  mosquitto_reconnect_delay_set (m->mosq, 1, 5, true);
  /* a broker that is not there yet is not an error: the network thread
   * keeps trying */
  mosquitto_connect_async (m->mosq, host, port, 10);
  if (mosquitto_loop_start (m->mosq) != MOSQ_ERR_SUCCESS) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "cannot start the MQTT network thread");
    mm_mqtt_free (m);
    return NULL;
  }
  return m;
}

void
mm_mqtt_free (MmMqtt * m)
{
  if (!m)
    return;
  if (m->mosq) {
    mosquitto_disconnect (m->mosq);
    mosquitto_loop_stop (m->mosq, true);
    mosquitto_destroy (m->mosq);
  }
  g_mutex_clear (&m->lock);
  g_free (m->topic);
  g_free (m);
}

gboolean
mm_mqtt_publish (MmMqtt * m, const gchar * payload, gsize len)
{
  g_mutex_lock (&m->lock);
  gboolean ok = m->connected && m->in_flight < m->max_in_flight;
  if (ok)
    m->in_flight++;
  else
    m->dropped++;
  g_mutex_unlock (&m->lock);
  if (!ok)
    return FALSE;
  if (mosquitto_publish (m->mosq, NULL, m->topic, (int) len, payload, m->qos,
          false) != MOSQ_ERR_SUCCESS) {
    g_mutex_lock (&m->lock);
    m->in_flight--;
    m->dropped++;
    g_mutex_unlock (&m->lock);
    return FALSE;
  }
  return TRUE;
}

guint64
mm_mqtt_dropped (MmMqtt * m)
{
  g_mutex_lock (&m->lock);
  guint64 d = m->dropped;
  g_mutex_unlock (&m->lock);
  return d;
}

gboolean
mm_mqtt_connected (MmMqtt * m)
{
  g_mutex_lock (&m->lock);
  gboolean c = m->connected;
  g_mutex_unlock (&m->lock);
  return c;
}
