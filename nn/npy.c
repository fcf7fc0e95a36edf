/* NumPy .npy reading and writing, for the command-line tool and the tests.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Format facts: magic "\x93NUMPY", major and minor version bytes, a header
 * length (uint16 for 1.0, uint32 for 2.0), then an ASCII Python dict with
 * 'descr', 'fortran_order' and 'shape', padded so data starts aligned.
 */
#include "nn-private.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *descr;
  nn_type type;
} npy_types[] = {
  {"<f4", NN_TYPE_FLOAT}, {"<i8", NN_TYPE_INT64}, {"<i4", NN_TYPE_INT32},
  {"|b1", NN_TYPE_BOOL}, {"|u1", NN_TYPE_UINT8},
};

static gboolean
fail (GError ** error, const char *path, const char *why)
{
  g_set_error (error, NN_ERROR, NN_ERROR_PARSE, "%s: %s", path, why);
  return FALSE;
}

/* parses the value after 'key': in the header dict */
static const char *
dict_value (const char *hdr, const char *key)
{
  const char *p = strstr (hdr, key);
  if (!p)
    return NULL;
  p = strchr (p + strlen (key), ':');
  if (!p)
    return NULL;
  p++;
  while (*p == ' ')
    p++;
  return p;
}

gboolean
nn_npy_load (const char *path, nn_tensor * out, GError ** error)
{
  gchar *buf = NULL;
  gsize len = 0;
  memset (out, 0, sizeof (*out));
  if (!g_file_get_contents (path, &buf, &len, error))
    return FALSE;

  gboolean ok = FALSE;
  if (len < 10 || memcmp (buf, "\x93NUMPY", 6) != 0) {
    fail (error, path, "not a .npy file");
    goto done;
  }
  int major = (guint8) buf[6];
  size_t hlen, hstart;
  if (major == 1) {
    hlen = (guint8) buf[8] | ((size_t) (guint8) buf[9] << 8);
    hstart = 10;
  } else if (major == 2 || major == 3) {
    if (len < 12) {
      fail (error, path, "truncated header");
      goto done;
    }
    hlen = (guint8) buf[8] | ((size_t) (guint8) buf[9] << 8) |
        ((size_t) (guint8) buf[10] << 16) | ((size_t) (guint8) buf[11] << 24);
    hstart = 12;
  } else {
    fail (error, path, "unknown .npy version");
    goto done;
  }
  if (hstart + hlen > len) {
    fail (error, path, "truncated header");
    goto done;
  }
  gchar *hdr = g_strndup (buf + hstart, hlen);
  const char *descr = dict_value (hdr, "'descr'");
  const char *fortran = dict_value (hdr, "'fortran_order'");
  const char *shape = dict_value (hdr, "'shape'");
  if (!descr || !fortran || !shape || *shape != '(') {
    g_free (hdr);
    fail (error, path, "header lacks descr, fortran_order or shape");
    goto done;
  }
  if (strncmp (fortran, "False", 5) != 0) {
    g_free (hdr);
    fail (error, path, "Fortran-ordered arrays are not supported");
    goto done;
  }
  gboolean found = FALSE;
  for (size_t i = 0; i < G_N_ELEMENTS (npy_types); i++) {
    if (descr[0] == '\'' && strncmp (descr + 1, npy_types[i].descr, 3) == 0) {
      out->type = npy_types[i].type;
      found = TRUE;
    }
  }
  if (!found) {
    g_free (hdr);
    fail (error, path, "unsupported dtype (float32, int64, int32, bool and "
        "uint8, little-endian, are supported)");
    goto done;
  }
  int64_t dims[NN_MAX_DIMS];
  int ndim = 0;
  const char *p = shape + 1;
  while (*p && *p != ')') {
    while (*p == ' ' || *p == ',')
      p++;
    if (*p == ')')
      break;
    char *end;
    gint64 d = g_ascii_strtoll (p, &end, 10);
    if (end == p || d < 0 || d > G_MAXINT32 || ndim == NN_MAX_DIMS) {
      g_free (hdr);
      fail (error, path, "bad shape in header");
      goto done;
    }
    dims[ndim++] = d;
    p = end;
  }
  g_free (hdr);
  nn_tensor_set_shape (out, ndim, dims);
  int64_t numel = nn_tensor_numel (out);
  size_t nbytes = (size_t) numel * nn_type_size (out->type);
  if (numel > (int64_t) len || len - hstart - hlen != nbytes) {
    fail (error, path, "data size does not match the shape");
    goto done;
  }
  out->data = g_malloc (MAX (nbytes, 1));
  memcpy (out->data, buf + hstart + hlen, nbytes);
  ok = TRUE;

done:
  g_free (buf);
  return ok;
}

gboolean
nn_npy_save (const char *path, const nn_tensor * t, GError ** error)
{
  const char *descr = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (npy_types); i++)
    if (npy_types[i].type == t->type)
      descr = npy_types[i].descr;
  if (!descr) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "%s: cannot save type %s", path, nn_type_name (t->type));
    return FALSE;
  }
  GString *h = g_string_new (NULL);
  g_string_append_printf (h, "{'descr': '%s', 'fortran_order': False, "
      "'shape': (", descr);
  for (int i = 0; i < t->ndim; i++)
    g_string_append_printf (h, "%" G_GINT64_FORMAT "%s", t->shape[i],
        t->ndim == 1 ? "," : (i + 1 < t->ndim ? ", " : ""));
  g_string_append (h, "), }");
  /* pad with spaces and a newline so the data starts 64-byte aligned */
  while ((10 + h->len + 1) % 64 != 0)
    g_string_append_c (h, ' ');
  g_string_append_c (h, '\n');

  size_t nbytes = (size_t) nn_tensor_numel (t) * nn_type_size (t->type);
  GString *file = g_string_sized_new (10 + h->len + nbytes);
  g_string_append_len (file, "\x93NUMPY\x01\x00", 8);
  g_string_append_c (file, (char) (h->len & 0xff));
  g_string_append_c (file, (char) (h->len >> 8));
  g_string_append_len (file, h->str, h->len);
  g_string_append_len (file, t->data, nbytes);
  gboolean ok = g_file_set_contents (path, file->str, file->len, error);
  g_string_free (h, TRUE);
  g_string_free (file, TRUE);
  return ok;
}
