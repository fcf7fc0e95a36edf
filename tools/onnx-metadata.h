/* Reading and replacing an ONNX file's metadata_props at the protobuf wire
 * level, so that every other byte of the model stays as the exporter wrote
 * it (fields our subset schema in nn/onnx.proto does not know included).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_ONNX_METADATA_H
#define MM_ONNX_METADATA_H

#include <glib.h>

G_BEGIN_DECLS

/* one metadata_props entry */
typedef struct {
  gchar *key;
  gchar *value;
} MmMetaEntry;

/* a GPtrArray of MmMetaEntry that frees its entries */
GPtrArray *mm_meta_list_new (void);
/* sets key to value: replaces the first entry of that key in place (and
 * drops later duplicates), or appends */
void mm_meta_list_set (GPtrArray * list, const gchar * key,
    const gchar * value);
const gchar *mm_meta_list_get (const GPtrArray * list, const gchar * key);

/* the metadata_props of a serialized ModelProto, in file order */
GPtrArray *mm_onnx_metadata_read (const guint8 * data, gsize size,
    GError ** error);

/* a copy of the serialized model whose metadata_props are `list`: every
 * other top-level field is copied byte for byte, in its order; the new
 * entries stand before the first field numbered 14 or above, where a
 * protobuf writer (torch.onnx.export's included) puts them */
GBytes *mm_onnx_metadata_replace (const guint8 * data, gsize size,
    const GPtrArray * list, GError ** error);

G_END_DECLS
#endif /* MM_ONNX_METADATA_H */
