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
 * libmosquitto's log callback may run inside any of its calls, so what it
 * keeps has a lock of its own.
 *
 * Failures that will not pass by themselves (the broker refuses our
 * credentials, TLS fails: an untrusted certificate, a wrong host name, a
 * key that does not load) are told to the owner once per kind until a
 * connection succeeds; the retries go on, so fixing the broker's side is
 * enough. A broker that is merely away is not told: the owner sees that
 * from the drops. The password is handed to libmosquitto and not kept.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmmqtt.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <mosquitto.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define KEEPALIVE_S 10
#define RETRY_MIN_US (100 * G_TIME_SPAN_MILLISECOND)
#define RETRY_MAX_US (2 * G_TIME_SPAN_SECOND)
/* the longest a loop iteration waits: how soon stop is noticed */
#define LOOP_MS 100
/* at stop, how long records in flight may take to be acknowledged */
#define DRAIN_US (1 * G_TIME_SPAN_SECOND)
/* the CAs a TLS connection trusts when no CA file is given (Debian's
 * ca-certificates) */
#define SYSTEM_CA_DIR "/etc/ssl/certs"

struct _MmMqtt {
  struct mosquitto *mosq;
  gchar *host, *topic;
  gint port, qos;
  guint limit;
  gboolean tls;
  gchar *state_topic, *status_topic, *online, *offline;
  MmMqttProblemFunc on_problem;
  gpointer user_data;
  GThread *thread;

  GMutex log_lock;              /* first_error */
  gchar first_error[256];       /* libmosquitto's first error this attempt */

  GMutex lock;                  /* everything below */
  GCond cond;                   /* stop asked, or in flight drained */
  gboolean stopping;
  gboolean connected;           /* CONNACK received, not lost since */
  GQueue waiting;               /* GBytes not yet given to libmosquitto */
  guint in_flight;              /* given, not yet acknowledged */
  guint64 dropped, sent;
  GString *state;               /* the newest state, NULL: no state topic */
  gboolean state_due;           /* not yet handed to libmosquitto */
  gint state_mid, status_mid;   /* their messages in flight, 0: none */
  gint refused;                 /* CONNACK code of this attempt, 0: none */
  MmMqttProblem told;           /* since the last good connection */
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
  /* one state in flight at a time: newer ones replace the one waiting */
  if (m->connected && m->state_due && m->state_mid == 0) {
    int mid = 0;
    if (mosquitto_publish (m->mosq, &mid, m->state_topic, (int) m->state->len,
            m->state->str, m->qos, true) == MOSQ_ERR_SUCCESS) {
      m->state_due = FALSE;
      m->state_mid = mid;
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
  m->state_mid = m->status_mid = 0;
  if (rc != 0) {
    m->refused = rc;
  } else {
    m->told = MM_MQTT_PROBLEM_NONE;
    if (m->status_topic)
      mosquitto_publish (m->mosq, &m->status_mid, m->status_topic,
          (int) strlen (m->online), m->online, m->qos, true);
    /* the broker may have lost its retained copy: say it again */
    if (m->state && m->state->len > 0)
      m->state_due = TRUE;
  }
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
  if (mid == m->status_mid) {
    m->status_mid = 0;
  } else if (mid == m->state_mid) {
    m->state_mid = 0;
  } else {
    if (m->in_flight > 0)
      m->in_flight--;
    m->sent++;
  }
  pump (m);
  g_cond_broadcast (&m->cond);
  g_mutex_unlock (&m->lock);
}

/* OpenSSL's reasons reach us only as libmosquitto's error log lines */
static void
on_log (struct mosquitto *mosq, void *data, int level, const char *str)
{
  MmMqtt *m = data;
  if (!(level & MOSQ_LOG_ERR))
    return;
  g_mutex_lock (&m->log_lock);
  /* the first is the cause; the ones after it are consequences */
  if (!m->first_error[0])
    g_strlcpy (m->first_error, str, sizeof m->first_error);
  g_mutex_unlock (&m->log_lock);
}

static void
new_attempt (MmMqtt * m)
{
  g_mutex_lock (&m->lock);
  m->refused = 0;
  g_mutex_unlock (&m->lock);
  g_mutex_lock (&m->log_lock);
  m->first_error[0] = '\0';
  g_mutex_unlock (&m->log_lock);
}

/* After a failed attempt or a lost connection (rc): tells the owner when
 * the broker refused us or TLS failed, once per kind and episode. */
static void
classify_failure (MmMqtt * m, int rc)
{
  gchar reason[sizeof m->first_error];
  g_mutex_lock (&m->log_lock);
  g_strlcpy (reason, m->first_error, sizeof reason);
  g_mutex_unlock (&m->log_lock);
  g_mutex_lock (&m->lock);
  MmMqttProblem p = MM_MQTT_PROBLEM_NONE;
  if (m->refused) {
    p = MM_MQTT_PROBLEM_REFUSED;
    g_strlcpy (reason, mosquitto_connack_string (m->refused), sizeof reason);
  } else if (m->tls && (rc == MOSQ_ERR_TLS || rc == MOSQ_ERR_TLS_HANDSHAKE
          || g_str_has_prefix (reason, "OpenSSL"))) {
    p = MM_MQTT_PROBLEM_TLS;
    if (!reason[0])
      g_strlcpy (reason, mosquitto_strerror (rc), sizeof reason);
  }
  gboolean tell = p != MM_MQTT_PROBLEM_NONE && p != m->told;
  if (p != MM_MQTT_PROBLEM_NONE)
    m->told = p;
  g_mutex_unlock (&m->lock);
  if (tell && m->on_problem)
    m->on_problem (p, reason, m->user_data);
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
    int rc;
    if (!up) {
      new_attempt (m);
      /* non-blocking: the TCP (and TLS) handshakes complete in the loop */
      rc = mosquitto_connect_async (m->mosq, m->host, m->port, KEEPALIVE_S);
    } else {
      rc = mosquitto_loop (m->mosq, LOOP_MS, 1);
    }
    up = rc == MOSQ_ERR_SUCCESS;
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
    classify_failure (m, rc);
    if (pause_until (m, g_get_monotonic_time () + retry))
      break;
    retry = MIN (retry * 2, RETRY_MAX_US);
  }
  if (up) {
    /* a clean goodbye: the broker then drops the will and logs no error,
     * so the status topic is told here */
    g_mutex_lock (&m->lock);
    gboolean told = FALSE;
    if (m->connected && m->status_topic)
      told = mosquitto_publish (m->mosq, &m->status_mid, m->status_topic,
          (int) strlen (m->offline), m->offline, m->qos,
          true) == MOSQ_ERR_SUCCESS;
    g_mutex_unlock (&m->lock);
    /* at QoS 2 the broker drops a message whose handshake a disconnect
     * cuts short: wait for its acknowledgement (0.5 s at most) */
    for (int i = 0; told && i < 5; i++) {
      g_mutex_lock (&m->lock);
      gboolean done = m->status_mid == 0;
      g_mutex_unlock (&m->lock);
      if (done || mosquitto_loop (m->mosq, LOOP_MS, 1) != MOSQ_ERR_SUCCESS)
        break;
    }
    mosquitto_disconnect (m->mosq);
    for (int i = 0; i < 5; i++)
      if (mosquitto_loop (m->mosq, LOOP_MS, 1) != MOSQ_ERR_SUCCESS)
        break;
  }
  return NULL;
}

/* a file setting that names a file nobody can read fails at start,
 * naming it, rather than at each connection attempt */
static gboolean
readable (const gchar * what, const gchar * path, GError ** error)
{
  if (!path || g_access (path, R_OK) == 0)
    return TRUE;
  int e = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
      "cannot read %s %s: %s", what, path, g_strerror (e));
  return FALSE;
}

/* an encrypted client key is refused rather than asked for on the
 * terminal (OpenSSL's default without a callback) */
static int
no_passphrase (char *buf, int size, int rwflag, void *userdata)
{
  return 0;
}

static gboolean
check_config (const MmMqttConfig * c, GError ** error)
{
  if (!c->host || !*c->host || c->port < 1 || c->port > 65535 || !c->topic
      || !*c->topic || c->qos < 0 || c->qos > 2) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "MQTT needs a host, a port (1-65535), a topic and a QoS (0-2)");
    return FALSE;
  }
  if (!c->cert_file != !c->key_file) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "MQTT client certificate and key go together: set both "
        "mqtt-cert-file and mqtt-key-file, or neither");
    return FALSE;
  }
  if (c->password && !c->username) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "an MQTT password needs a user name (mqtt-username)");
    return FALSE;
  }
  if ((c->state_topic && !*c->state_topic)
      || (c->status_topic && !*c->status_topic)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "MQTT state and status topics may be unset, not empty");
    return FALSE;
  }
  return readable ("mqtt-ca-file", c->ca_file, error)
      && readable ("mqtt-cert-file", c->cert_file, error)
      && readable ("mqtt-key-file", c->key_file, error);
}

/* TLS, credentials and will on a new handle */
static gboolean
configure (MmMqtt * m, const MmMqttConfig * c, GError ** error)
{
  int rc = MOSQ_ERR_SUCCESS;
  if (m->tls) {
    rc = mosquitto_tls_set (m->mosq, c->ca_file,
        c->ca_file ? NULL : SYSTEM_CA_DIR, c->cert_file, c->key_file,
        no_passphrase);
    if (rc == MOSQ_ERR_SUCCESS)
      rc = mosquitto_tls_opts_set (m->mosq, c->tls_verify ? 1 : 0, NULL,
          NULL);
    /* verification includes the broker's name in its certificate */
    if (rc == MOSQ_ERR_SUCCESS)
      rc = mosquitto_tls_insecure_set (m->mosq, !c->tls_verify);
  }
  if (rc == MOSQ_ERR_SUCCESS && c->username)
    rc = mosquitto_username_pw_set (m->mosq, c->username, c->password);
  if (rc == MOSQ_ERR_SUCCESS && m->status_topic)
    rc = mosquitto_will_set (m->mosq, m->status_topic,
        (int) strlen (m->offline), m->offline, m->qos, true);
  if (rc != MOSQ_ERR_SUCCESS) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "MQTT settings refused (TLS, user name or will): %s",
        mosquitto_strerror (rc));
    return FALSE;
  }
  return TRUE;
}

MmMqtt *
mm_mqtt_new (const MmMqttConfig * c, GError ** error)
{
  static gsize inited;
  if (g_once_init_enter (&inited)) {
    mosquitto_lib_init ();
    g_once_init_leave (&inited, 1);
  }
  if (!check_config (c, error))
    return NULL;
  MmMqtt *m = g_new0 (MmMqtt, 1);
  g_mutex_init (&m->lock);
  g_mutex_init (&m->log_lock);
  g_cond_init (&m->cond);
  g_queue_init (&m->waiting);
  m->host = g_strdup (c->host);
  m->port = c->port;
  m->topic = g_strdup (c->topic);
  m->qos = c->qos;
  m->limit = MAX (c->limit, 1);
  m->tls = c->tls || c->ca_file || c->cert_file;
  m->state_topic = g_strdup (c->state_topic);
  if (m->state_topic)
    m->state = g_string_sized_new (1024);
  m->status_topic = g_strdup (c->status_topic);
  m->online = g_strdup (c->online ? c->online : "online");
  m->offline = g_strdup (c->offline ? c->offline : "offline");
  m->on_problem = c->on_problem;
  m->user_data = c->user_data;
  m->mosq = mosquitto_new (c->client_id, TRUE, m);
  if (!m->mosq) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "cannot create an MQTT client");
    mm_mqtt_free (m);
    return NULL;
  }
  if (!configure (m, c, error)) {
    mm_mqtt_free (m);
    return NULL;
  }
  mosquitto_threaded_set (m->mosq, true);
  mosquitto_connect_callback_set (m->mosq, on_connect);
  mosquitto_disconnect_callback_set (m->mosq, on_disconnect);
  mosquitto_publish_callback_set (m->mosq, on_publish);
  mosquitto_log_callback_set (m->mosq, on_log);
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
  while (m->connected && (m->in_flight > 0 || !g_queue_is_empty (&m->waiting)
          || m->state_due || m->state_mid != 0)
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
  g_mutex_clear (&m->log_lock);
  g_free (m->host);
  g_free (m->topic);
  g_free (m->state_topic);
  g_free (m->status_topic);
  g_free (m->online);
  g_free (m->offline);
  if (m->state)
    g_string_free (m->state, TRUE);
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

void
mm_mqtt_set_state (MmMqtt * m, const gchar * payload, gsize len)
{
  if (!m->state)
    return;
  g_mutex_lock (&m->lock);
  /* reused: no allocation per record once it has grown */
  g_string_truncate (m->state, 0);
  g_string_append_len (m->state, payload, (gssize) len);
  m->state_due = TRUE;
  pump (m);
  g_mutex_unlock (&m->lock);
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


MmMqttProblem
mm_mqtt_problem (MmMqtt * m)
{
  g_mutex_lock (&m->lock);
  MmMqttProblem p = m->told;
  g_mutex_unlock (&m->lock);
  return p;
}
