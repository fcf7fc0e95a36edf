/* mmpublish to a mosquitto broker that the test starts with a TLS listener
 * that requires a client certificate and a password; the certificates are
 * made by openssl and the password file by mosquitto_passwd at test time.
 *
 *  - 100 records, at QoS 0, 1 and 2, reach `mosquitto_sub` (itself over TLS
 *    with a password) in order; the newest result stays retained on the
 *    state topic and the status topic says offline after a clean stop;
 *  - the will: a connection cut without a goodbye makes the broker publish
 *    offline on the status topic;
 *  - a wrong password and an untrusted broker certificate each give one
 *    warning naming the broker and the reason, never the password; pushes
 *    do not block, drops are counted, stopping does not stall;
 *  - bad settings (a certificate without its key, an unreadable CA file)
 *    fail at start with an error naming them.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOPIC "test/mmfusion"
#define USER "camera"
#define PASSWORD "s3cret-Pa55"
#define STATE "test/state/cam1"
#define STATUS "test/status/cam1"

/* one test's broker: its folder, port and process */
typedef struct {
  gchar *dir;
  gint port;
  GPid pid;
} Broker;

static gchar *
path_in (Broker * b, const gchar * name)
{
  return g_build_filename (b->dir, name, NULL);
}

static void
run (const gchar * dir, const gchar * const *argv)
{
  gchar *err = NULL;
  gint status;
  GError *e = NULL;
  fail_unless (g_spawn_sync (dir, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
          &err, &status, &e), "cannot run %s: %s", argv[0],
      e ? e->message : "");
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s failed: %s",
      argv[0], err);
  g_free (err);
}

/* A CA, the broker's certificate from it (for 127.0.0.1 and localhost),
 * a client certificate from it, and a second CA that signed neither.
 * EC keys: made in milliseconds. */
static void
make_certificates (const gchar * dir)
{
  const gchar *ec[] = { "-newkey", "ec", "-pkeyopt",
    "ec_paramgen_curve:prime256v1", "-nodes"
  };
  gchar *ext = g_build_filename (dir, "server.ext", NULL);
  fail_unless (g_file_set_contents (ext,
          "subjectAltName=IP:127.0.0.1,DNS:localhost\n", -1, NULL));
  g_free (ext);
  const gchar *cas[][2] = { {"ca", "/CN=mmfusion test CA"},
  {"other-ca", "/CN=someone else's CA"}
  };
  for (guint i = 0; i < 2; i++) {
    gchar *key = g_strdup_printf ("%s.key", cas[i][0]);
    gchar *crt = g_strdup_printf ("%s.crt", cas[i][0]);
    const gchar *argv[] = { "openssl", "req", "-x509", ec[0], ec[1], ec[2],
      ec[3], ec[4], "-keyout", key, "-out", crt, "-days", "2", "-subj",
      cas[i][1], NULL
    };
    run (dir, argv);
    g_free (key);
    g_free (crt);
  }
  const gchar *leaves[][2] = { {"server", "server.ext"}, {"client", NULL} };
  for (guint i = 0; i < 2; i++) {
    gchar *key = g_strdup_printf ("%s.key", leaves[i][0]);
    gchar *csr = g_strdup_printf ("%s.csr", leaves[i][0]);
    gchar *crt = g_strdup_printf ("%s.crt", leaves[i][0]);
    gchar *subj = g_strdup_printf ("/CN=%s", i == 0 ? "localhost" :
        "mmpublish");
    const gchar *req[] = { "openssl", "req", ec[0], ec[1], ec[2], ec[3],
      ec[4], "-keyout", key, "-out", csr, "-subj", subj, NULL
    };
    run (dir, req);
    const gchar *sign[] = { "openssl", "x509", "-req", "-in", csr, "-CA",
      "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", crt, "-days",
      "2", leaves[i][1] ? "-extfile" : NULL, leaves[i][1], NULL
    };
    run (dir, sign);
    g_free (key);
    g_free (csr);
    g_free (crt);
    g_free (subj);
  }
}

/* certificates, password file, configuration and a running broker that
 * takes only TLS clients with a certificate from ca.crt and a password */
static void
broker_start (Broker * b)
{
  b->dir = g_dir_make_tmp ("mmpublish-mqtt-tls-XXXXXX", NULL);
  fail_unless (b->dir != NULL);
  make_certificates (b->dir);
  const gchar *passwd[] = { "mosquitto_passwd", "-b", "-c", "passwd", USER,
    PASSWORD, NULL
  };
  run (b->dir, passwd);
  b->port = loopback_free_port ();
  gchar *conf = path_in (b, "mosquitto.conf");
  /* run as root, mosquitto would become user "mosquitto" and not be
   * allowed to read its files here */
  gchar *text = g_strdup_printf ("listener %d 127.0.0.1\n"
      "cafile %s/ca.crt\ncertfile %s/server.crt\nkeyfile %s/server.key\n"
      "require_certificate true\nallow_anonymous false\n"
      "password_file %s/passwd\nuser %s\n", b->port, b->dir, b->dir, b->dir,
      b->dir, g_get_user_name ());
  fail_unless (g_file_set_contents (conf, text, -1, NULL));
  gchar *exe = g_find_program_in_path ("mosquitto");
  if (!exe)
    exe = g_strdup ("/usr/sbin/mosquitto");
  gchar *argv[] = { exe, (gchar *) "-c", conf, NULL };
  GError *err = NULL;
  fail_unless (g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
          G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
          &b->pid, &err), "cannot start mosquitto: %s",
      err ? err->message : "");
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!loopback_port_open (b->port) && g_get_monotonic_time () < end)
    g_usleep (20000);
  fail_unless (loopback_port_open (b->port), "broker did not listen");
  g_free (text);
  g_free (conf);
  g_free (exe);
}

static void
broker_stop (Broker * b)
{
  kill (b->pid, SIGTERM);
  waitpid (b->pid, NULL, 0);
  g_spawn_close_pid (b->pid);
  GDir *d = g_dir_open (b->dir, 0, NULL);
  const gchar *name;
  while ((name = g_dir_read_name (d))) {
    gchar *f = path_in (b, name);
    g_unlink (f);
    g_free (f);
  }
  g_dir_close (d);
  g_rmdir (b->dir);
  g_free (b->dir);
}

/* mosquitto_sub over TLS with the password, debug lines on (to see its
 * SUBACK); its payload lines are the JSON ones */
typedef struct {
  GPid pid;
  GIOChannel *out;
} Sub;

static void
sub_start (Sub * s, Broker * b, const gchar * const *topics, gint qos,
    gint count)
{
  gchar *ca = path_in (b, "ca.crt"), *crt = path_in (b, "client.crt");
  gchar *key = path_in (b, "client.key");
  gchar *port = g_strdup_printf ("%d", b->port);
  gchar *q = g_strdup_printf ("%d", qos), *c = g_strdup_printf ("%d", count);
  GPtrArray *argv = g_ptr_array_new ();
  /* its stdout is a pipe: line-buffered, or the SUBACK line would wait
   * in its buffer until it ends */
  const gchar *fixed[] = { "stdbuf", "-oL", "mosquitto_sub", "-d", "-h", "127.0.0.1", "-p",
    port, "--cafile", ca, "--cert", crt, "--key", key, "-u", USER, "-P",
    PASSWORD, "-q", q, "-C", c, "-W", "20"
  };
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, (gpointer) fixed[i]);
  for (guint i = 0; topics[i]; i++) {
    g_ptr_array_add (argv, (gpointer) "-t");
    g_ptr_array_add (argv, (gpointer) topics[i]);
  }
  g_ptr_array_add (argv, NULL);
  gint fd;
  GError *err = NULL;
  fail_unless (g_spawn_async_with_pipes (NULL, (gchar **) argv->pdata, NULL,
          G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
          &s->pid, NULL, &fd, NULL, &err), "cannot run mosquitto_sub: %s",
      err ? err->message : "");
  s->out = g_io_channel_unix_new (fd);
  g_io_channel_set_close_on_unref (s->out, TRUE);
  /* subscribed once the broker acknowledged it */
  gboolean subscribed = FALSE;
  gchar *line;
  while (!subscribed && g_io_channel_read_line (s->out, &line, NULL, NULL,
          NULL) == G_IO_STATUS_NORMAL) {
    subscribed = strstr (line, "SUBACK") != NULL;
    g_free (line);
  }
  fail_unless (subscribed, "mosquitto_sub did not subscribe");
  g_ptr_array_unref (argv);
  g_free (ca);
  g_free (crt);
  g_free (key);
  g_free (port);
  g_free (q);
  g_free (c);
}

/* the payloads it printed until it ended (count reached, or -W) */
static GPtrArray *
sub_finish (Sub * s)
{
  GPtrArray *payloads = g_ptr_array_new_with_free_func (g_free);
  gchar *line;
  while (g_io_channel_read_line (s->out, &line, NULL, NULL,
          NULL) == G_IO_STATUS_NORMAL) {
    if (line[0] == '{')
      g_ptr_array_add (payloads, g_strchomp (line));
    else
      g_free (line);
  }
  g_io_channel_unref (s->out);
  waitpid (s->pid, NULL, 0);
  g_spawn_close_pid (s->pid);
  return payloads;
}

static JsonObject *
parse (JsonParser * p, const gchar * json)
{
  fail_unless (json_parser_load_from_data (p, json, -1, NULL), "%s", json);
  return json_node_get_object (json_parser_get_root (p));
}

/* an mmpublish set up for the broker: TLS with the client certificate,
 * the password, state and status topics for stream cam1 */
/* settings that differ from publisher_new's */
typedef struct {
  const gchar *ca_file, *password;
  gboolean no_verify;
} Changes;

static GstHarness *
publisher_new (Broker * b, GstBus ** bus, const gchar * port_host,
    gint port, gint qos, guint queue_size, const Changes * changes)
{
  GstElement *e = gst_element_factory_make ("mmpublish", NULL);
  gchar *ca = path_in (b, "ca.crt"), *crt = path_in (b, "client.crt");
  gchar *key = path_in (b, "client.key");
  g_object_set (e, "mqtt-host", port_host, "mqtt-port", port, "mqtt-topic",
      TOPIC, "mqtt-qos", qos, "mqtt-queue-size", queue_size, "mqtt-ca-file",
      ca, "mqtt-cert-file", crt, "mqtt-key-file", key, "mqtt-username", USER,
      "mqtt-password", PASSWORD, "stream", "cam1", "mqtt-state-topic",
      "test/state/{source}", "mqtt-will-topic", "test/status/{source}", NULL);
  g_free (ca);
  g_free (crt);
  g_free (key);
  if (changes && changes->ca_file)
    g_object_set (e, "mqtt-ca-file", changes->ca_file, NULL);
  if (changes && changes->password)
    g_object_set (e, "mqtt-password", changes->password, NULL);
  if (changes && changes->no_verify)
    g_object_set (e, "mqtt-tls-verify", FALSE, NULL);
  /* the bus before the harness starts the element: a warning may come
   * at once */
  *bus = gst_bus_new ();
  gst_element_set_bus (e, *bus);
  GstHarness *h = gst_harness_new_with_element (e, "sink", "src");
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

static gboolean
connected (GstElement * e, gint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  gboolean c = FALSE;
  while (g_get_monotonic_time () < end) {
    g_object_get (e, "mqtt-connected", &c, NULL);
    if (c)
      break;
    g_usleep (20000);
  }
  return c;
}

/* no debug line of the element, at any level, holds the password */
static gboolean password_logged, settings_logged;
static void
find_password (GstDebugCategory * cat, GstDebugLevel level, const gchar * file,
    const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer data)
{
  const gchar *text = gst_debug_message_get (message);
  if (text && strstr (text, PASSWORD))
    password_logged = TRUE;
  /* the line that says which settings are used, user name included */
  if (text && strstr (text, "user " USER))
    settings_logged = TRUE;
}

GST_START_TEST (test_tls_password_in_order)
{
  gint qos = __i__;
  Broker b;
  broker_start (&b);
  Sub sub;
  const gchar *topics[] = { TOPIC, NULL };
  sub_start (&sub, &b, topics, qos, 100);

  /* every level of the element's own category (GStreamer logs no
   * property values); the log functions stay: removing one leaks the
   * list it replaces, which valgrind reports */
  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_for_name ("mmpublish", GST_LEVEL_MEMDUMP);
  gst_debug_add_log_function (find_password, NULL, NULL);
  GstBus *bus;
  GstHarness *h = publisher_new (&b, &bus, "127.0.0.1", b.port, qos, 1000,
      NULL);
  fail_unless (connected (h->element, 10), "no TLS connection");
  for (guint64 i = 0; i < 100; i++)
    fail_unless_equals_int (gst_harness_push (h, mqtt_test_result (i)), GST_FLOW_OK);
  GPtrArray *got = sub_finish (&sub);
  gst_debug_set_threshold_for_name ("mmpublish", GST_LEVEL_NONE);
  fail_unless (settings_logged, "no debug line with the settings");
  fail_if (password_logged, "the password was in a debug line");

  g_print ("QoS %d over TLS with a password: %u of 100 records received\n",
      qos, got->len);
  fail_unless_equals_int (got->len, 100);
  for (guint i = 0; i < 100; i++)
    fail_unless_equals_int64 (mqtt_test_pts_of (g_ptr_array_index (got, i)), i);
  g_ptr_array_unref (got);
  guint64 dropped;
  g_object_get (h->element, "dropped", &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 0);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING |
          GST_MESSAGE_ERROR) == NULL, "a warning or error on the bus");
  publisher_free (h, bus);

  /* retained: the newest state, and offline after the clean stop */
  const gchar *kept[] = { STATE, STATUS, NULL };
  sub_start (&sub, &b, kept, 1, 2);
  got = sub_finish (&sub);
  fail_unless_equals_int (got->len, 2);
  gboolean state_seen = FALSE, status_seen = FALSE;
  for (guint i = 0; i < got->len; i++) {
    JsonParser *p = json_parser_new ();
    JsonObject *o = parse (p, g_ptr_array_index (got, i));
    fail_unless_equals_string (json_object_get_string_member (o, "stream"),
        "cam1");
    if (json_object_has_member (o, "pts")) {
      fail_unless_equals_int64 (json_object_get_int_member (o, "pts"), 99);
      state_seen = TRUE;
    } else {
      fail_unless_equals_string (json_object_get_string_member (o, "type"),
          "status");
      fail_unless_equals_string (json_object_get_string_member (o, "state"),
          "offline");
      status_seen = TRUE;
    }
    g_object_unref (p);
  }
  fail_unless (state_seen && status_seen);
  g_ptr_array_unref (got);
  broker_stop (&b);
}

GST_END_TEST;

/* A TCP relay between the publisher and the broker that the test can cut
 * without a goodbye, as a crash or a pulled cable would. */
typedef struct {
  int listener;
  gint port, broker_port;
  gint cut;
  GThread *thread;
} Relay;

static void
copy (int from, int to, gboolean * open)
{
  char buf[4096];
  ssize_t n = read (from, buf, sizeof buf);
  if (n <= 0) {
    *open = FALSE;
    return;
  }
  for (ssize_t done = 0; done < n;) {
    ssize_t w = write (to, buf + done, n - done);
    if (w <= 0) {
      *open = FALSE;
      return;
    }
    done += w;
  }
}

static gpointer
relay_thread (gpointer data)
{
  Relay *r = data;
  int client = -1;
  while (client < 0 && !g_atomic_int_get (&r->cut)) {
    struct pollfd p = { r->listener, POLLIN, 0 };
    if (poll (&p, 1, 50) > 0)
      client = accept (r->listener, NULL, NULL);
  }
  if (client < 0)
    return NULL;
  int broker = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET;
  a.sin_port = htons (r->broker_port);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  gboolean open = connect (broker, (struct sockaddr *) &a, sizeof a) == 0;
  while (open && !g_atomic_int_get (&r->cut)) {
    struct pollfd p[2] = { {client, POLLIN, 0}, {broker, POLLIN, 0} };
    if (poll (p, 2, 50) <= 0)
      continue;
    if (p[0].revents)
      copy (client, broker, &open);
    if (open && p[1].revents)
      copy (broker, client, &open);
  }
  close (client);
  close (broker);
  return NULL;
}

static void
relay_start (Relay * r, gint broker_port)
{
  r->listener = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fail_unless (bind (r->listener, (struct sockaddr *) &a, sizeof a) == 0);
  socklen_t len = sizeof a;
  getsockname (r->listener, (struct sockaddr *) &a, &len);
  fail_unless (listen (r->listener, 4) == 0);
  r->port = ntohs (a.sin_port);
  r->broker_port = broker_port;
  r->cut = 0;
  r->thread = g_thread_new ("relay", relay_thread, r);
}

/* both sides closed, and no new connection taken */
static void
relay_cut (Relay * r)
{
  g_atomic_int_set (&r->cut, 1);
  g_thread_join (r->thread);
  close (r->listener);
}

GST_START_TEST (test_will_on_lost_connection)
{
  Broker b;
  broker_start (&b);
  Relay relay;
  relay_start (&relay, b.port);
  GstBus *bus;
  GstHarness *h = publisher_new (&b, &bus, "127.0.0.1", relay.port, 1, 100,
      NULL);
  fail_unless (connected (h->element, 10), "no TLS connection");
  /* online (retained, so there for a late subscriber), then the will */
  const gchar *topics[] = { STATUS, NULL };
  Sub sub;
  sub_start (&sub, &b, topics, 1, 2);
  relay_cut (&relay);
  GPtrArray *got = sub_finish (&sub);
  fail_unless_equals_int (got->len, 2);
  const gchar *want[] = { "online", "offline" };
  for (guint i = 0; i < 2; i++) {
    JsonParser *p = json_parser_new ();
    JsonObject *o = parse (p, g_ptr_array_index (got, i));
    fail_unless_equals_string (json_object_get_string_member (o, "state"),
        want[i]);
    g_object_unref (p);
  }
  g_ptr_array_unref (got);
  publisher_free (h, bus);
  broker_stop (&b);
}

GST_END_TEST;

/* The first warning within 10 s: its text must name the broker and hold
 * `reason`, and neither text nor details the password. */
static void
expect_one_warning (GstBus * bus, gint port, GQuark domain, gint code,
    const gchar * reason)
{
  GstMessage *m = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_WARNING | GST_MESSAGE_ERROR);
  fail_unless (m != NULL, "no warning");
  fail_unless_equals_int (GST_MESSAGE_TYPE (m), GST_MESSAGE_WARNING);
  GError *err;
  gchar *debug;
  gst_message_parse_warning (m, &err, &debug);
  g_print ("warning: %s\n", err->message);
  gchar *peer = g_strdup_printf ("127.0.0.1:%d", port);
  fail_unless (strstr (err->message, peer), "%s", err->message);
  fail_unless (strstr (err->message, reason), "%s", err->message);
  fail_unless (g_error_matches (err, domain, code), "%s", err->message);
  fail_if (strstr (err->message, PASSWORD) || strstr (debug, PASSWORD));
  g_free (peer);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (m);
}

/* After the warning: 100 pushes do not block, 90 are dropped (room for
 * 10), no second warning while the client keeps retrying, and stopping
 * does not stall. */
static void
expect_drops_no_stall (GstHarness * h, GstBus * bus)
{
  gint64 t0 = g_get_monotonic_time ();
  for (guint64 i = 0; i < 100; i++)
    fail_unless_equals_int (gst_harness_push (h, mqtt_test_result (i)), GST_FLOW_OK);
  fail_unless (g_get_monotonic_time () - t0 < G_USEC_PER_SEC,
      "pushing blocked");
  guint64 dropped;
  g_object_get (h->element, "dropped", &dropped, NULL);
  fail_unless_equals_uint64 (dropped, 90);
  /* retries every 2 s at most: more than one in this time */
  GstMessage *m = gst_bus_timed_pop_filtered (bus, 3 * GST_SECOND,
      GST_MESSAGE_WARNING | GST_MESSAGE_ERROR);
  fail_unless (m == NULL, "a second message: %" GST_PTR_FORMAT, m);
  gboolean c;
  g_object_get (h->element, "mqtt-connected", &c, NULL);
  fail_if (c);
  t0 = g_get_monotonic_time ();
  publisher_free (h, bus);
  fail_unless (g_get_monotonic_time () - t0 < 2 * G_USEC_PER_SEC,
      "stopping stalled");
}

GST_START_TEST (test_wrong_password)
{
  Broker b;
  broker_start (&b);
  GstBus *bus;
  Changes wrong = {.password = "not-" PASSWORD };
  GstHarness *h = publisher_new (&b, &bus, "127.0.0.1", b.port, 1, 10,
      &wrong);
  expect_one_warning (bus, b.port, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "not authorised");
  expect_drops_no_stall (h, bus);
  broker_stop (&b);
}

GST_END_TEST;

GST_START_TEST (test_untrusted_certificate)
{
  Broker b;
  broker_start (&b);
  GstBus *bus;
  gchar *other = path_in (&b, "other-ca.crt");
  Changes untrusted = {.ca_file = other };
  GstHarness *h = publisher_new (&b, &bus, "127.0.0.1", b.port, 1, 10,
      &untrusted);
  expect_one_warning (bus, b.port, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ_WRITE, "certificate verify failed");
  expect_drops_no_stall (h, bus);

  /* the same CA without verification: encrypted, connected */
  Changes unverified = {.ca_file = other,.no_verify = TRUE };
  h = publisher_new (&b, &bus, "127.0.0.1", b.port, 1, 10, &unverified);
  fail_unless (connected (h->element, 10), "no connection without verify");
  publisher_free (h, bus);
  g_free (other);
  broker_stop (&b);
}

GST_END_TEST;

/* settings that cannot work fail at start, saying which; the password
 * cannot be read back */
GST_START_TEST (test_bad_settings)
{
  GstElement *probe = gst_element_factory_make ("mmpublish", NULL);
  GParamSpec *ps = g_object_class_find_property (G_OBJECT_GET_CLASS (probe),
      "mqtt-password");
  fail_unless (ps && (ps->flags & G_PARAM_WRITABLE));
  fail_if (ps->flags & G_PARAM_READABLE, "the password is readable");
  gst_object_unref (probe);

  struct {
    const gchar *prop, *value, *expect;
  } cases[] = {
    {"mqtt-cert-file", "/etc/hostname", "mqtt-key-file"},
    {"mqtt-ca-file", "/nonexistent/ca.crt", "/nonexistent/ca.crt"},
    {"mqtt-password", "x", "mqtt-username"},
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstElement *e = gst_element_factory_make ("mmpublish", NULL);
    g_object_set (e, "mqtt-host", "127.0.0.1", cases[i].prop, cases[i].value,
        NULL);
    GstBus *bus = gst_bus_new ();
    gst_element_set_bus (e, bus);
    fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
        GST_STATE_CHANGE_FAILURE);
    GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (m != NULL);
    GError *err;
    gst_message_parse_error (m, &err, NULL);
    fail_unless (strstr (err->message, cases[i].expect), "%s: %s",
        cases[i].prop, err->message);
    g_error_free (err);
    gst_message_unref (m);
    gst_element_set_state (e, GST_STATE_NULL);
    gst_element_set_bus (e, NULL);
    gst_object_unref (bus);
    gst_object_unref (e);
  }
}

GST_END_TEST;

static Suite *
mqtt_tls_suite (void)
{
  Suite *s = suite_create ("mmpublish-mqtt-tls");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_tls_password_in_order, 0, 3);
  tcase_add_test (tc, test_will_on_lost_connection);
  tcase_add_test (tc, test_wrong_password);
  tcase_add_test (tc, test_untrusted_certificate);
  tcase_add_test (tc, test_bad_settings);
  return s;
}

GST_CHECK_MAIN (mqtt_tls);
