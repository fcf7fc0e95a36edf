/* ONNX metadata_props at the protobuf wire level (see onnx-metadata.h).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Why not decode and re-encode with protobuf-c: our schema is a subset of
 * ONNX's, and protobuf-c drops fields it does not know when it packs a
 * message again, so a model annotated that way would lose whatever the
 * exporter wrote that we do not read (doc strings, training info,
 * functions). A ModelProto is a flat sequence of (tag, payload) fields;
 * copying all of them except field 14 keeps the rest exact.
 */
#include "onnx-metadata.h"

#include <string.h>

#define METADATA_PROPS 14       /* ModelProto.metadata_props */

static void
entry_free (gpointer p)
{
  MmMetaEntry *e = p;
  g_free (e->key);
  g_free (e->value);
  g_free (e);
}

GPtrArray *
mm_meta_list_new (void)
{
  return g_ptr_array_new_with_free_func (entry_free);
}

void
mm_meta_list_set (GPtrArray * list, const gchar * key, const gchar * value)
{
  gboolean done = FALSE;
  for (guint i = 0; i < list->len;) {
    MmMetaEntry *e = g_ptr_array_index (list, i);
    if (strcmp (e->key, key) != 0) {
      i++;
    } else if (!done) {
      g_free (e->value);
      e->value = g_strdup (value);
      done = TRUE;
      i++;
    } else {
      g_ptr_array_remove_index (list, i);
    }
  }
  if (!done) {
    MmMetaEntry *e = g_new (MmMetaEntry, 1);
    e->key = g_strdup (key);
    e->value = g_strdup (value);
    g_ptr_array_add (list, e);
  }
}

const gchar *
mm_meta_list_get (const GPtrArray * list, const gchar * key)
{
  for (guint i = 0; i < list->len; i++) {
    const MmMetaEntry *e = g_ptr_array_index (list, i);
    if (strcmp (e->key, key) == 0)
      return e->value;
  }
  return NULL;
}

/* a base-128 varint at *pos; FALSE when it runs past the end or beyond
 * 64 bits */
static gboolean
read_varint (const guint8 * data, gsize size, gsize * pos, guint64 * out)
{
  guint64 v = 0;
  for (guint shift = 0; shift < 64; shift += 7) {
    if (*pos >= size)
      return FALSE;
    guint8 b = data[(*pos)++];
    v |= (guint64) (b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return TRUE;
    }
  }
  return FALSE;
}

typedef struct {
  guint64 number;
  guint wire_type;
  gsize start, end;             /* the whole field, tag included */
  gsize payload, payload_len;   /* wire type 2 only */
} Field;

/* the field at *pos; FALSE with a reason when the bytes are no protobuf */
static gboolean
next_field (const guint8 * data, gsize size, gsize * pos, Field * f,
    GError ** error)
{
  guint64 tag, n;
  f->start = *pos;
  if (!read_varint (data, size, pos, &tag) || (tag >> 3) == 0)
    goto bad;
  f->number = tag >> 3;
  f->wire_type = tag & 7;
  f->payload = f->payload_len = 0;
  switch (tag & 7) {
    case 0:
      if (!read_varint (data, size, pos, &n))
        goto bad;
      break;
    case 1:
      if (size - *pos < 8)
        goto bad;
      *pos += 8;
      break;
    case 2:
      if (!read_varint (data, size, pos, &n) || n > size - *pos)
        goto bad;
      f->payload = *pos;
      f->payload_len = n;
      *pos += n;
      break;
    case 5:
      if (size - *pos < 4)
        goto bad;
      *pos += 4;
      break;
    default:                   /* groups (3, 4) are not used by ONNX */
      goto bad;
  }
  f->end = *pos;
  return TRUE;
bad:
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
      "not an ONNX model: malformed protobuf at byte %" G_GSIZE_FORMAT,
      f->start);
  return FALSE;
}

/* StringStringEntryProto: key = 1, value = 2; other fields skipped */
static gboolean
parse_entry (const guint8 * data, gsize size, GPtrArray * list,
    GError ** error)
{
  gsize pos = 0;
  gchar *key = NULL, *value = NULL;
  while (pos < size) {
    Field f;
    if (!next_field (data, size, &pos, &f, error)) {
      g_free (key);
      g_free (value);
      return FALSE;
    }
    gchar **dst = f.wire_type != 2 ? NULL : f.number == 1 ? &key :
        f.number == 2 ? &value : NULL;
    if (dst) {
      g_free (*dst);
      *dst = g_strndup ((const gchar *) data + f.payload, f.payload_len);
    }
  }
  MmMetaEntry *e = g_new (MmMetaEntry, 1);
  e->key = key ? key : g_strdup ("");
  e->value = value ? value : g_strdup ("");
  g_ptr_array_add (list, e);
  return TRUE;
}

GPtrArray *
mm_onnx_metadata_read (const guint8 * data, gsize size, GError ** error)
{
  GPtrArray *list = mm_meta_list_new ();
  gsize pos = 0;
  while (pos < size) {
    Field f;
    if (!next_field (data, size, &pos, &f, error))
      goto fail;
    if (f.number != METADATA_PROPS)
      continue;
    if (f.wire_type != 2) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
          "not an ONNX model: metadata_props at byte %" G_GSIZE_FORMAT
          " is not a message", f.start);
      goto fail;
    }
    if (!parse_entry (data + f.payload, f.payload_len, list, error))
      goto fail;
  }
  return list;
fail:
  g_ptr_array_unref (list);
  return NULL;
}

static void
put_varint (GByteArray * out, guint64 v)
{
  guint8 b[10];
  guint n = 0;
  do {
    b[n] = v & 0x7f;
    v >>= 7;
    if (v)
      b[n] |= 0x80;
    n++;
  } while (v);
  g_byte_array_append (out, b, n);
}

static void
put_string (GByteArray * out, guint number, const gchar * s)
{
  gsize len = strlen (s);
  put_varint (out, (number << 3) | 2);
  put_varint (out, len);
  g_byte_array_append (out, (const guint8 *) s, len);
}

static void
put_entries (GByteArray * out, const GPtrArray * list)
{
  for (guint i = 0; i < list->len; i++) {
    const MmMetaEntry *e = g_ptr_array_index (list, i);
    GByteArray *entry = g_byte_array_new ();
    put_string (entry, 1, e->key);
    put_string (entry, 2, e->value);
    put_varint (out, (METADATA_PROPS << 3) | 2);
    put_varint (out, entry->len);
    g_byte_array_append (out, entry->data, entry->len);
    g_byte_array_unref (entry);
  }
}

GBytes *
mm_onnx_metadata_replace (const guint8 * data, gsize size,
    const GPtrArray * list, GError ** error)
{
  GByteArray *out = g_byte_array_sized_new (size + 256);
  gboolean placed = FALSE;
  gsize pos = 0;
  while (pos < size) {
    Field f;
    if (!next_field (data, size, &pos, &f, error)) {
      g_byte_array_unref (out);
      return NULL;
    }
    if (!placed && f.number >= METADATA_PROPS) {
      put_entries (out, list);
      placed = TRUE;
    }
    if (f.number != METADATA_PROPS)
      g_byte_array_append (out, data + f.start, f.end - f.start);
  }
  if (!placed)
    put_entries (out, list);
  return g_byte_array_free_to_bytes (out);
}
