/* mmpublish to MQTT against a real mosquitto broker on 127.0.0.1 that the
 * test starts: every record arrives, in order, at QoS 1; with the broker
 * stopped mid-stream the pipeline keeps running (pushes do not block),
 * drops are counted and warned about; after a restart records resume.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <mmfusion/mmfusionmeta.h>
#include <mosquitto.h>
#include <signal.h>
#include <sys/wait.h>

#define TOPIC "test/mmfusion"

static gint port;
static GPid broker;

typedef struct {
  GMutex lock;
  GPtrArray *messages;          /* payload strings */
  gboolean subscribed;
} Received;

static gint
free_port (void)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *a = g_inet_socket_address_new (lo, 0);
  fail_unless (g_socket_bind (s, a, TRUE, NULL));
  GSocketAddress *bound = g_socket_get_local_address (s, NULL);
  gint p = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);
  g_object_unref (a);
  g_object_unref (lo);
  g_socket_close (s, NULL);
  g_object_unref (s);
  return p;
}

static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data, gint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end) {
    if (cond (data))
      return TRUE;
    g_usleep (20000);
  }
  return cond (data);
}

static gboolean
port_open (gpointer unused)
{
  GSocketClient *c = g_socket_client_new ();
  GSocketConnection *conn = g_socket_client_connect_to_host (c, "127.0.0.1",
      port, NULL, NULL);
  g_object_unref (c);
  if (!conn)
    return FALSE;
  g_object_unref (conn);
  return TRUE;
}

static void
start_broker (void)
{
  gchar *exe = g_find_program_in_path ("mosquitto");
  if (!exe)
    exe = g_strdup ("/usr/sbin/mosquitto");
  gchar *p = g_strdup_printf ("%d", port);
  gchar *argv[] = { exe, (gchar *) "-p", p, NULL };
  GError *err = NULL;
  fail_unless (g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
          G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
          &broker, &err), "cannot start mosquitto: %s",
      err ? err->message : "");
  fail_unless (wait_for (port_open, NULL, 10), "broker did not listen");
  g_free (p);
  g_free (exe);
}

static void
stop_broker (void)
{
  kill (broker, SIGTERM);
  waitpid (broker, NULL, 0);
  g_spawn_close_pid (broker);
}

static void
on_connect (struct mosquitto *m, void *data, int rc)
{
  if (rc == 0)
    mosquitto_subscribe (m, NULL, TOPIC, 1);
}

static void
on_subscribe (struct mosquitto *m, void *data, int mid, int n,
    const int *qos)
{
  Received *r = data;
  g_mutex_lock (&r->lock);
  r->subscribed = TRUE;
  g_mutex_unlock (&r->lock);
}

static void
on_message (struct mosquitto *m, void *data,
    const struct mosquitto_message *msg)
{
  Received *r = data;
  g_mutex_lock (&r->lock);
  g_ptr_array_add (r->messages, g_strndup (msg->payload, msg->payloadlen));
  g_mutex_unlock (&r->lock);
}

static gboolean
subscribed (gpointer data)
{
  Received *r = data;
  g_mutex_lock (&r->lock);
  gboolean s = r->subscribed;
  g_mutex_unlock (&r->lock);
  return s;
}

static guint want;
static gboolean
have_messages (gpointer data)
{
  Received *r = data;
  g_mutex_lock (&r->lock);
  gboolean ok = r->messages->len >= want;
  g_mutex_unlock (&r->lock);
  return ok;
}

static gboolean
publisher_connected (gpointer data)
{
  gboolean c;
  g_object_get (data, "mqtt-connected", &c, NULL);
  return c;
}

static gboolean
publisher_disconnected (gpointer data)
{
  return !publisher_connected (data);
}

static GstBuffer *
result (guint64 i)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, 4, NULL);
  GST_BUFFER_PTS (b) = i;
  GstMmFusionMeta *m = gst_buffer_add_mm_fusion_meta (b);
  m->pts = i;
  m->running_time = i;
  m->fresh = TRUE;
  m->model = g_quark_from_string ("probe");
  return b;
}

static gint64
pts_of (const char *json)
{
  JsonParser *p = json_parser_new ();
  fail_unless (json_parser_load_from_data (p, json, -1, NULL), "%s", json);
  gint64 v = json_object_get_int_member (json_node_get_object
      (json_parser_get_root (p)), "pts");
  g_object_unref (p);
  return v;
}

GST_START_TEST (test_mqtt_outage)
{
  port = free_port ();
  start_broker ();
  mosquitto_lib_init ();
  Received r = { 0 };
  g_mutex_init (&r.lock);
  r.messages = g_ptr_array_new_with_free_func (g_free);
  struct mosquitto *sub = mosquitto_new (NULL, TRUE, &r);
  mosquitto_connect_callback_set (sub, on_connect);
  mosquitto_subscribe_callback_set (sub, on_subscribe);
  mosquitto_message_callback_set (sub, on_message);
  mosquitto_reconnect_delay_set (sub, 1, 2, false);
  mosquitto_connect_async (sub, "127.0.0.1", port, 10);
  mosquitto_loop_start (sub);
  fail_unless (wait_for (subscribed, &r, 10), "subscriber not subscribed");

  GstElement *e = gst_element_factory_make ("mmpublish", NULL);
  g_object_set (e, "mqtt-host", "127.0.0.1", "mqtt-port", port, "mqtt-topic",
      TOPIC, "mqtt-qos", 1, NULL);
  GstHarness *h = gst_harness_new_with_element (e, "sink", "src");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (e, bus);
  gst_harness_set_src_caps_str (h, "video/x-raw");
  fail_unless (wait_for (publisher_connected, e, 10));

  /* 1. every record, in order */
  for (guint64 i = 0; i < 50; i++)
    gst_harness_push (h, result (i));
  want = 50;
  fail_unless (wait_for (have_messages, &r, 10), "only %u of 50 arrived",
      r.messages->len);
  for (guint i = 0; i < 50; i++)
    fail_unless_equals_int64 (pts_of (g_ptr_array_index (r.messages, i)), i);

  /* 2. the broker goes away: pushes do not block, drops are counted */
  stop_broker ();
  fail_unless (wait_for (publisher_disconnected, e, 10));
  gint64 t0 = g_get_monotonic_time ();
  for (guint64 i = 50; i < 70; i++)
    fail_unless_equals_int (gst_harness_push (h, result (i)), GST_FLOW_OK);
  fail_unless (g_get_monotonic_time () - t0 < G_USEC_PER_SEC,
      "pushing blocked");
  guint64 dropped;
  g_object_get (e, "dropped", &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 20);
  GstMessage *w = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (w != NULL, "no warning about the drops");
  gst_message_unref (w);

  /* 3. the broker returns: records flow again */
  g_mutex_lock (&r.lock);
  r.subscribed = FALSE;
  g_mutex_unlock (&r.lock);
  start_broker ();
  fail_unless (wait_for (publisher_connected, e, 15), "no reconnection");
  fail_unless (wait_for (subscribed, &r, 15), "subscriber did not return");
  for (guint64 i = 70; i < 100; i++)
    gst_harness_push (h, result (i));
  want = 80;
  fail_unless (wait_for (have_messages, &r, 10), "%u arrived after the "
      "restart", r.messages->len - 50);
  for (guint i = 50; i < 80; i++)
    fail_unless_equals_int64 (pts_of (g_ptr_array_index (r.messages, i)),
        20 + i);

  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  gst_object_unref (e);
  mosquitto_disconnect (sub);
  mosquitto_loop_stop (sub, true);
  mosquitto_destroy (sub);
  stop_broker ();
  g_ptr_array_unref (r.messages);
  g_mutex_clear (&r.lock);
}

GST_END_TEST;

static Suite *
mqtt_suite (void)
{
  Suite *s = suite_create ("mmpublish-mqtt");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_mqtt_outage);
  return s;
}

GST_CHECK_MAIN (mqtt);
