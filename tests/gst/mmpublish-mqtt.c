/* mmpublish to MQTT against a real mosquitto broker on 127.0.0.1 that the
 * test starts: every record arrives, in order, at QoS 1; with the broker
 * killed mid-stream, stopped (slow), or not up yet when the pipeline
 * starts, pushes do not block, records wait (bounded: beyond, the oldest
 * are dropped, counted and warned about) and arrive once it is back.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/check/gstcheck.h>
#include "mqtt-test.h"
#include <gst/check/gstharness.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
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
  return loopback_port_open (port);
}

/* The broker keeps the subscriber's session (and the records queued for
 * it) on disk from its first change on, so records published across a
 * restart, even after SIGKILL, reach the subscriber whichever of the two
 * clients reconnects first. */
static gchar *broker_dir;

static void
start_broker (void)
{
  if (!broker_dir)
    broker_dir = g_dir_make_tmp ("mmpublish-mqtt-XXXXXX", NULL);
  gchar *conf = g_build_filename (broker_dir, "mosquitto.conf", NULL);
  /* run as root, mosquitto would become user "mosquitto" and not be
   * allowed to write its files here */
  gchar *text = g_strdup_printf ("listener %d 127.0.0.1\n"
      "allow_anonymous true\npersistence true\npersistence_location %s/\n"
      "autosave_interval 1\nautosave_on_changes true\nuser %s\n", port,
      broker_dir, g_get_user_name ());
  fail_unless (g_file_set_contents (conf, text, -1, NULL));
  gchar *exe = g_find_program_in_path ("mosquitto");
  if (!exe)
    exe = g_strdup ("/usr/sbin/mosquitto");
  gchar *argv[] = { exe, (gchar *) "-c", conf, NULL };
  GError *err = NULL;
  fail_unless (g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
          G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
          &broker, &err), "cannot start mosquitto: %s",
      err ? err->message : "");
  fail_unless (wait_for (port_open, NULL, 10), "broker did not listen");
  g_free (text);
  g_free (conf);
  g_free (exe);
}

/* the broker's files go with the test */
static void
forget_broker (void)
{
  const gchar *names[] = { "mosquitto.conf", "mosquitto.db", NULL };
  for (guint i = 0; names[i]; i++) {
    gchar *f = g_build_filename (broker_dir, names[i], NULL);
    g_unlink (f);
    g_free (f);
  }
  g_rmdir (broker_dir);
  g_clear_pointer (&broker_dir, g_free);
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


static gint64 last;
static gboolean
last_arrived (gpointer data)
{
  Received *r = data;
  g_mutex_lock (&r->lock);
  gboolean ok = r->messages->len > 0 && mqtt_test_pts_of (g_ptr_array_index
      (r->messages, r->messages->len - 1)) == last;
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

static struct mosquitto *
subscriber_new (Received * r)
{
  g_mutex_init (&r->lock);
  r->messages = g_ptr_array_new_with_free_func (g_free);
  /* a persistent session: see start_broker */
  struct mosquitto *sub = mosquitto_new ("mmpublish-test-sub", FALSE, r);
  mosquitto_connect_callback_set (sub, on_connect);
  mosquitto_subscribe_callback_set (sub, on_subscribe);
  mosquitto_message_callback_set (sub, on_message);
  mosquitto_reconnect_delay_set (sub, 1, 2, false);
  mosquitto_connect_async (sub, "127.0.0.1", port, 10);
  mosquitto_loop_start (sub);
  fail_unless (wait_for (subscribed, r, 10), "subscriber not subscribed");
  return sub;
}

static void
subscriber_free (struct mosquitto *sub, Received * r)
{
  /* not forced: a cancelled network thread upsets ThreadSanitizer */
  mosquitto_disconnect (sub);
  mosquitto_loop_stop (sub, false);
  mosquitto_destroy (sub);
  g_ptr_array_unref (r->messages);
  g_mutex_clear (&r->lock);
}

static guint
received (Received * r)
{
  g_mutex_lock (&r->lock);
  guint n = r->messages->len;
  g_mutex_unlock (&r->lock);
  return n;
}

static GstHarness *
publisher_new (GstBus ** bus, guint queue_size)
{
  GstElement *e = gst_element_factory_make ("mmpublish", NULL);
  g_object_set (e, "mqtt-host", "127.0.0.1", "mqtt-port", port, "mqtt-topic",
      TOPIC, "mqtt-qos", 1, "mqtt-queue-size", queue_size, NULL);
  GstHarness *h = gst_harness_new_with_element (e, "sink", "src");
  *bus = gst_bus_new ();
  gst_element_set_bus (e, *bus);
  gst_object_unref (e);
  gst_harness_set_src_caps_str (h, "video/x-raw");
  return h;
}

static void
publisher_free (GstHarness * h, GstBus * bus)
{
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_START_TEST (test_mqtt_outage)
{
  port = loopback_free_port ();
  start_broker ();
  mosquitto_lib_init ();
  Received r = { 0 };
  struct mosquitto *sub = subscriber_new (&r);
  GstBus *bus;
  GstHarness *h = publisher_new (&bus, 1000);
  GstElement *e = h->element;
  fail_unless (wait_for (publisher_connected, e, 10));

  /* 1. every record, in order */
  for (guint64 i = 0; i < 50; i++)
    gst_harness_push (h, mqtt_test_result (i));
  want = 50;
  fail_unless (wait_for (have_messages, &r, 10), "only %u of 50 arrived",
      received (&r));
  for (guint i = 0; i < 50; i++)
    fail_unless_equals_int64 (mqtt_test_pts_of (g_ptr_array_index (r.messages, i)), i);

  /* 2. the broker dies: pushes do not block, records wait */
  kill (broker, SIGKILL);
  waitpid (broker, NULL, 0);
  g_spawn_close_pid (broker);
  fail_unless (wait_for (publisher_disconnected, e, 10));
  gint64 t0 = g_get_monotonic_time ();
  for (guint64 i = 50; i < 70; i++)
    fail_unless_equals_int (gst_harness_push (h, mqtt_test_result (i)), GST_FLOW_OK);
  fail_unless (g_get_monotonic_time () - t0 < G_USEC_PER_SEC,
      "pushing blocked");
  guint64 dropped;
  g_object_get (e, "dropped", &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 0);

  /* 3. it returns: the waiting records arrive first, then the new ones */
  g_mutex_lock (&r.lock);
  r.subscribed = FALSE;
  g_mutex_unlock (&r.lock);
  start_broker ();
  fail_unless (wait_for (subscribed, &r, 15), "subscriber did not return");
  fail_unless (wait_for (publisher_connected, e, 15), "no reconnection");
  for (guint64 i = 70; i < 100; i++)
    gst_harness_push (h, mqtt_test_result (i));
  last = 99;
  fail_unless (wait_for (last_arrived, &r, 10), "%u arrived after the "
      "restart", received (&r) - 50);
  /* records handed over just before the kill may come twice (QoS 1 is
   * "at least once"); none is missing, the last ones are in order */
  gboolean seen[100] = { FALSE };
  for (guint i = 0; i < r.messages->len; i++) {
    gint64 pts = mqtt_test_pts_of (g_ptr_array_index (r.messages, i));
    fail_unless (pts >= 0 && pts < 100);
    seen[pts] = TRUE;
  }
  for (guint i = 0; i < 100; i++)
    fail_unless (seen[i], "record %u never arrived", i);
  for (guint i = 0; i < 30; i++)
    fail_unless_equals_int64 (mqtt_test_pts_of (g_ptr_array_index (r.messages,
                r.messages->len - 30 + i)), 70 + i);

  publisher_free (h, bus);
  subscriber_free (sub, &r);
  stop_broker ();
  forget_broker ();
}

GST_END_TEST;

/* With room for 10, an outage of 20 records keeps the newest 10, counts
 * the others as dropped and says so once. */
GST_START_TEST (test_mqtt_outage_overflow)
{
  port = loopback_free_port ();
  start_broker ();
  mosquitto_lib_init ();
  Received r = { 0 };
  struct mosquitto *sub = subscriber_new (&r);
  GstBus *bus;
  GstHarness *h = publisher_new (&bus, 10);
  GstElement *e = h->element;
  fail_unless (wait_for (publisher_connected, e, 10));
  stop_broker ();
  fail_unless (wait_for (publisher_disconnected, e, 10));
  for (guint64 i = 0; i < 20; i++)
    fail_unless_equals_int (gst_harness_push (h, mqtt_test_result (i)), GST_FLOW_OK);
  guint64 dropped;
  g_object_get (e, "dropped", &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 10);
  GstMessage *w = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (w != NULL, "no warning about the drops");
  gst_message_unref (w);
  w = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (w == NULL, "more than one warning for one outage");

  g_mutex_lock (&r.lock);
  r.subscribed = FALSE;
  g_mutex_unlock (&r.lock);
  start_broker ();
  fail_unless (wait_for (subscribed, &r, 15), "subscriber did not return");
  fail_unless (wait_for (publisher_connected, e, 15), "no reconnection");
  want = 10;
  fail_unless (wait_for (have_messages, &r, 10), "%u of 10 arrived",
      received (&r));
  for (guint i = 0; i < 10; i++)
    fail_unless_equals_int64 (mqtt_test_pts_of (g_ptr_array_index (r.messages, i)),
        10 + i);

  publisher_free (h, bus);
  subscriber_free (sub, &r);
  stop_broker ();
  forget_broker ();
}

GST_END_TEST;

/* The usual boot order: the pipeline starts before the broker. Records
 * at 25 a second; the broker comes up after 3 s. Every record produced
 * once the broker is there must arrive (at least 95%), the rest be
 * counted as dropped. */
GST_START_TEST (test_mqtt_late_broker)
{
  port = loopback_free_port ();
  mosquitto_lib_init ();
  GstBus *bus;
  GstHarness *h = publisher_new (&bus, 1000);
  GstElement *e = h->element;
  guint64 i = 0;
  for (; i < 75; i++) {
    fail_unless_equals_int (gst_harness_push (h, mqtt_test_result (i)), GST_FLOW_OK);
    g_usleep (40000);
  }
  fail_if (publisher_connected (e));
  start_broker ();
  Received r = { 0 };
  struct mosquitto *sub = subscriber_new (&r);
  guint64 first_after = i;
  for (; i < first_after + 100; i++) {
    fail_unless_equals_int (gst_harness_push (h, mqtt_test_result (i)), GST_FLOW_OK);
    g_usleep (40000);
  }
  fail_unless (publisher_connected (e), "never connected");
  want = 100;
  wait_for (have_messages, &r, 5);
  guint after = 0;
  g_mutex_lock (&r.lock);
  for (guint k = 0; k < r.messages->len; k++)
    after += mqtt_test_pts_of (g_ptr_array_index (r.messages, k)) >= (gint64) first_after;
  guint total = r.messages->len;
  g_mutex_unlock (&r.lock);
  guint64 dropped;
  g_object_get (e, "dropped", &dropped, NULL);
  g_print ("late broker: %u of the 100 records produced after it came up "
      "arrived (%u in all, %" G_GUINT64_FORMAT " dropped)\n", after, total,
      dropped);
  fail_unless (after >= 95, "%u of 100 arrived", after);
  fail_unless (after + dropped >= 100, "lost without being counted");

  publisher_free (h, bus);
  subscriber_free (sub, &r);
  stop_broker ();
  forget_broker ();
}

GST_END_TEST;

/* A broker that stops reading for 2 s (SIGSTOP): pushes do not block,
 * nothing is lost, everything arrives in order once it reads again. */
GST_START_TEST (test_mqtt_slow_broker)
{
  port = loopback_free_port ();
  start_broker ();
  mosquitto_lib_init ();
  Received r = { 0 };
  struct mosquitto *sub = subscriber_new (&r);
  GstBus *bus;
  GstHarness *h = publisher_new (&bus, 1000);
  GstElement *e = h->element;
  fail_unless (wait_for (publisher_connected, e, 10));
  kill (broker, SIGSTOP);
  gint64 slowest = 0;
  for (guint64 i = 0; i < 50; i++) {
    gint64 t0 = g_get_monotonic_time ();
    fail_unless_equals_int (gst_harness_push (h, mqtt_test_result (i)), GST_FLOW_OK);
    slowest = MAX (slowest, g_get_monotonic_time () - t0);
    g_usleep (40000);
  }
  kill (broker, SIGCONT);
  fail_unless (slowest < G_USEC_PER_SEC / 10, "a push took %" G_GINT64_FORMAT
      " us", slowest);
  want = 50;
  fail_unless (wait_for (have_messages, &r, 10), "%u of 50 arrived",
      received (&r));
  for (guint i = 0; i < 50; i++)
    fail_unless_equals_int64 (mqtt_test_pts_of (g_ptr_array_index (r.messages, i)), i);
  guint64 dropped;
  g_object_get (e, "dropped", &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 0);

  publisher_free (h, bus);
  subscriber_free (sub, &r);
  stop_broker ();
  forget_broker ();
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
  tcase_add_test (tc, test_mqtt_outage_overflow);
  tcase_add_test (tc, test_mqtt_late_broker);
  tcase_add_test (tc, test_mqtt_slow_broker);
  return s;
}

GST_CHECK_MAIN (mqtt);
