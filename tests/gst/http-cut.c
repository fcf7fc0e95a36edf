/* A one-job HTTP server for the tests: serves FILE on 127.0.0.1 (with byte
 * ranges, as a real server: the demuxer reads the index at the end
 * first), and when a read gets to byte BYTES of the file it closes the
 * connection and exits, as a server that goes away mid-stream. Prints its
 * port on the first line of stdout.
 *
 * usage: http-cut FILE BYTES
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TRUE when the cut was reached */
static gboolean
serve (GSocketConnection * conn, const gchar * data, gsize size, gsize cut)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  /* the request, up to its blank line */
  GString *req = g_string_new (NULL);
  gchar c;
  while (!strstr (req->str, "\r\n\r\n")
      && g_input_stream_read (in, &c, 1, NULL, NULL) == 1)
    g_string_append_c (req, c);
  const gchar *range = strstr (req->str, "Range: bytes=");
  gsize from = range ? (gsize) g_ascii_strtoull (range + 13, NULL, 10) : 0;
  from = MIN (from, size);
  gchar *head = range ? g_strdup_printf ("HTTP/1.1 206 Partial Content\r\n"
      "Content-Range: bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%"
      G_GSIZE_FORMAT "\r\n", from, size - 1, size) :
      g_strdup ("HTTP/1.1 200 OK\r\n");
  gchar *full = g_strdup_printf ("%sContent-Type: video/x-matroska\r\n"
      "Accept-Ranges: bytes\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
      "Connection: close\r\n\r\n", head, size - from);
  g_output_stream_write_all (out, full, strlen (full), NULL, NULL, NULL);
  gboolean cut_here = from < cut && cut < size;
  gsize end = cut_here ? cut : size;
  g_output_stream_write_all (out, data + from, end - from, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_free (full);
  g_free (head);
  g_string_free (req, TRUE);
  return cut_here;
}

int
main (int argc, char **argv)
{
  gchar *data;
  gsize size;
  if (argc != 3 || !g_file_get_contents (argv[1], &data, &size, NULL)) {
    fprintf (stderr, "usage: http-cut FILE BYTES\n");
    return 1;
  }
  gsize cut = (gsize) g_ascii_strtoull (argv[2], NULL, 10);
  GSocketListener *listener = g_socket_listener_new ();
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound = NULL;
  GError *err = NULL;
  if (!g_socket_listener_add_address (listener, any, G_SOCKET_TYPE_STREAM,
          G_SOCKET_PROTOCOL_TCP, NULL, &bound, &err)) {
    fprintf (stderr, "http-cut: %s\n", err->message);
    return 1;
  }
  printf ("%u\n", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS
          (bound)));
  fflush (stdout);
  gboolean gone = FALSE;
  while (!gone) {
    GSocketConnection *conn = g_socket_listener_accept (listener, NULL, NULL,
        NULL);
    if (conn) {
      gone = serve (conn, data, size, cut);
      g_object_unref (conn);
    }
  }
  g_object_unref (bound);
  g_object_unref (any);
  g_object_unref (lo);
  g_object_unref (listener);
  g_free (data);
  return 0;
}
