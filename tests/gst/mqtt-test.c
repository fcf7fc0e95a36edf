/* Helpers shared by the MQTT tests (mqtt-test.h).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mqtt-test.h"

#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>
#include <mmfusion/mmfusionmeta.h>

#include <gio/gio.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

gint
loopback_free_port (void)
{
  GSocket *s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *a = g_inet_socket_address_new (lo, 0);
  gint p = -1;
  if (s && g_socket_bind (s, a, TRUE, NULL)) {
    GSocketAddress *bound = g_socket_get_local_address (s, NULL);
    p = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
    g_object_unref (bound);
  }
  g_object_unref (a);
  g_object_unref (lo);
  if (s) {
    g_socket_close (s, NULL);
    g_object_unref (s);
  }
  return p;
}

/* a plain connect: GSocketClient would consult the proxy resolver
 * (libproxy), whose C++ unwinding valgrind reports */
gboolean
loopback_port_open (gint port)
{
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return FALSE;
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET;
  a.sin_port = htons (port);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  gboolean open = connect (fd, (struct sockaddr *) &a, sizeof a) == 0;
  close (fd);
  return open;
}

GstBuffer *
mqtt_test_result (guint64 i)
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

gint64
mqtt_test_pts_of (const gchar * json)
{
  JsonParser *p = json_parser_new ();
  fail_unless (json_parser_load_from_data (p, json, -1, NULL), "%s", json);
  gint64 v = json_object_get_int_member (json_node_get_object
      (json_parser_get_root (p)), "pts");
  g_object_unref (p);
  return v;
}
