/* A non-blocking MQTT publisher on libmosquitto.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The network thread is ours, not libmosquitto's loop_start(): that one
 * gives up for good when the very first connection fails (a broker that
 * starts after the camera pipeline, the usual boot order, was never
 * reached). Ours connects, runs the protocol, and when the connection
 * fails or drops tries again after 0.1 s, doubling up to every 2 s.
 *
 * Records wait in our own queue while the broker is away or slow and go
 * out, in order, as soon as it takes them; libmosquitto would queue without
 * limit, so we hand it at most `limit` unacknowledged records and hold at
 * most `limit` records in all (waiting + unacknowledged): beyond that the
 * oldest waiting record is dropped and counted. A broker outage costs
 * bounded memory and never blocks the pipeline.
 *
 * Locking: our lock is taken inside libmosquitto's callbacks and around
 * mosquitto_publish(), so records leave in the order they came. The
 * handle is in threaded mode, so mosquitto_publish() only queues a packet
 * and wakes our network thread: it never writes or calls back itself.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmmqtt.h"

#include <gio/gio.h>
#include <mosquitto.h>

#define KEEPALIVE_S 10
#define RETRY_MIN_US (100 * G_TIME_SPAN_MILLISECOND)
#define RETRY_MAX_US (2 * G_TIME_SPAN_SECOND)
/* the longest a loop iteration waits: how soon stop is noticed */
#define LOOP_MS 100
/* at stop, how long records in flight may take to be acknowledged */
#define DRAIN_US (1 * G_TIME_SPAN_SECOND)

struct _MmMqtt {
  struct mosquitto *mosq;
  gchar *host, *topic;
  gint port, qos;
  guint limit;
  GThread *thread;

  GMutex lock;                  /* everything below */
  GCond cond;                   /* stop asked, or in flight drained */
  gboolean stopping;
  gboolean connected;           /* CONNACK received, not lost since */
  GQueue waiting;               /* GBytes not yet given to libmosquitto */
  guint in_flight;              /* given, not yet acknowledged */
  guint64 dropped, sent;
};

/* Hands waiting records to libmosquitto while the broker is there and
 * takes more. Called with the lock held. */
static void
pump (MmMqtt * m)
{
  while (m->connected && m->in_flight < m->limit
      && !g_queue_is_empty (&m->waiting)) {
    GBytes *b = g_queue_pop_head (&m->waiting);
    gsize len;
    const void *data = g_bytes_get_data (b, &len);
    if (mosquitto_publish (m->mosq, NULL, m->topic, (int) len, data, m->qos,
            false) == MOSQ_ERR_SUCCESS) {
      m->in_flight++;
      g_bytes_unref (b);
    } else {
      /* the connection went in between: the record waits for the next */
      g_queue_push_head (&m->waiting, b);
      break;
    }
  }
}

static void
on_connect (struct mosquitto *mosq, void *data, int rc)
{
  MmMqtt *m = data;
  g_mutex_lock (&m->lock);
  m->connected = rc == 0;
  /* what was in flight before went with the old session (or is resent by
   * libmosquitto, whose acknowledgements then find nothing to count) */
  m->in_flight = 0;
  pump (m);
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
  m->sent++;
  pump (m);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

/* Sleeps until the deadline or a stop; TRUE when stopping. */
static gboolean
pause_until (MmMqtt * m, gint64 end)
{
  g_mutex_lock (&m->lock);
  while (!m->stopping && g_cond_wait_until (&m->cond, &m->lock, end));
  gboolean stopping = m->stopping;
  g_mutex_unlock (&m->lock);
  return stopping;
}

static gboolean
stopping (MmMqtt * m)
{
  g_mutex_lock (&m->lock);
  gboolean s = m->stopping;
  g_mutex_unlock (&m->lock);
  return s;
}

static gpointer
network_thread (gpointer data)
{
  MmMqtt *m = data;
  gboolean up = FALSE;
  gint64 retry = RETRY_MIN_US;
  while (!stopping (m)) {
    if (!up) {
      /* non-blocking: the TCP handshake completes in the loop below */
      up = mosquitto_connect_async (m->mosq, m->host, m->port,
          KEEPALIVE_S) == MOSQ_ERR_SUCCESS;
    } else {
      up = mosquitto_loop (m->mosq, LOOP_MS, 1) == MOSQ_ERR_SUCCESS;
    }
    if (up) {
      g_mutex_lock (&m->lock);
      if (m->connected)
        retry = RETRY_MIN_US;
      g_mutex_unlock (&m->lock);
      continue;
    }
    g_mutex_lock (&m->lock);
    m->connected = FALSE;
    g_mutex_unlock (&m->lock);
    if (pause_until (m, g_get_monotonic_time () + retry))
      break;
    retry = MIN (retry * 2, RETRY_MAX_US);
  }
  if (up) {
    /* a clean goodbye: the broker then drops no will and logs no error */
    mosquitto_disconnect (m->mosq);
    for (int i = 0; i < 5; i++)
      if (mosquitto_loop (m->mosq, LOOP_MS, 1) != MOSQ_ERR_SUCCESS)
        break;
  }
  return NULL;
}

MmMqtt *
mm_mqtt_new (const gchar * host, gint port, const gchar * topic, gint qos,
    const gchar * client_id, guint limit, GError ** error)
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
  g_cond_init (&m->cond);
  g_queue_init (&m->waiting);
  m->host = g_strdup (host);
  m->port = port;
  m->topic = g_strdup (topic);
  m->qos = qos;
  m->limit = MAX (limit, 1);
  m->mosq = mosquitto_new (client_id, TRUE, m);
  if (!m->mosq) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "cannot create an MQTT client");
    mm_mqtt_free (m);
    return NULL;
  }
  mosquitto_threaded_set (m->mosq, true);
  mosquitto_connect_callback_set (m->mosq, on_connect);
  mosquitto_disconnect_callback_set (m->mosq, on_disconnect);
  mosquitto_publish_callback_set (m->mosq, on_publish);
  m->thread = g_thread_try_new ("mmmqtt", network_thread, m, error);
  if (!m->thread) {
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
  g_mutex_lock (&m->lock);
  /* records already with libmosquitto get a moment to be acknowledged */
  gint64 end = g_get_monotonic_time () + DRAIN_US;
  while (m->connected && (m->in_flight > 0 || !g_queue_is_empty (&m->waiting))
      && g_cond_wait_until (&m->cond, &m->lock, end));
  m->stopping = TRUE;
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
  if (m->thread)
    g_thread_join (m->thread);
  if (m->mosq)
    mosquitto_destroy (m->mosq);
  g_queue_clear_full (&m->waiting, (GDestroyNotify) g_bytes_unref);
  g_cond_clear (&m->cond);
  g_mutex_clear (&m->lock);
  g_free (m->host);
  g_free (m->topic);
  g_free (m);
}

gboolean
mm_mqtt_publish (MmMqtt * m, const gchar * payload, gsize len)
{
  g_mutex_lock (&m->lock);
  if (m->connected && m->in_flight < m->limit
      && g_queue_is_empty (&m->waiting)
      && mosquitto_publish (m->mosq, NULL, m->topic, (int) len, payload,
          m->qos, false) == MOSQ_ERR_SUCCESS) {
    /* the usual case: straight out, no copy */
    m->in_flight++;
    g_mutex_unlock (&m->lock);
    return TRUE;
  }
  g_queue_push_tail (&m->waiting, g_bytes_new (payload, len));
  gboolean kept = TRUE;
  if (m->waiting.length + m->in_flight > m->limit) {
    /* the oldest waiting record makes room: the newest matter most */
    g_bytes_unref (g_queue_pop_head (&m->waiting));
    m->dropped++;
    kept = FALSE;
  }
  pump (m);
  g_mutex_unlock (&m->lock);
  return kept;
}

guint64
mm_mqtt_dropped (MmMqtt * m)
{
  g_mutex_lock (&m->lock);
  guint64 d = m->dropped;
  g_mutex_unlock (&m->lock);
  return d;
}

guint64
mm_mqtt_sent (MmMqtt * m)
{
  g_mutex_lock (&m->lock);
  guint64 s = m->sent;
  g_mutex_unlock (&m->lock);
  return s;
}

gboolean
mm_mqtt_connected (MmMqtt * m)
{
  g_mutex_lock (&m->lock);
  gboolean c = m->connected;
  g_mutex_unlock (&m->lock);
  return c;
}
