/* Tensor helpers: types, shapes, broadcasting, and ONNX TensorProto decoding.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

G_DEFINE_QUARK (nn - error - quark, nn_error);

size_t
nn_type_size (nn_type type)
{
  switch (type) {
    case NN_TYPE_FLOAT:
    case NN_TYPE_INT32:
      return 4;
    case NN_TYPE_INT64:
      return 8;
    case NN_TYPE_UINT8:
    case NN_TYPE_BOOL:
      return 1;
  }
  return 0;
}

const char *
nn_type_name (nn_type type)
{
  switch (type) {
    case NN_TYPE_FLOAT:
      return "float32";
    case NN_TYPE_INT32:
      return "int32";
    case NN_TYPE_INT64:
      return "int64";
    case NN_TYPE_UINT8:
      return "uint8";
    case NN_TYPE_BOOL:
      return "bool";
  }
  return "unknown";
}

/* saturates at INT64_MAX, so absurd shapes are caught by the size limit
 * instead of wrapping around */
int64_t
nn_shape_numel (int ndim, const int64_t * shape)
{
  int64_t n = 1;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] < 0)
      return INT64_MAX;
    if (__builtin_mul_overflow (n, shape[i], &n))
      return INT64_MAX;
  }
  return n;
}

int64_t
nn_tensor_numel (const nn_tensor * t)
{
  return nn_shape_numel (t->ndim, t->shape);
}

void
nn_tensor_set_shape (nn_tensor * t, int32_t ndim, const int64_t * shape)
{
  int64_t s = 1;
  t->ndim = ndim;
  for (int i = ndim - 1; i >= 0; i--) {
    t->shape[i] = shape[i];
    t->stride[i] = s;
    /* saturate: a shape this large is refused by the size limit later */
    if (__builtin_mul_overflow (s, shape[i] < 0 ? 0 : shape[i], &s))
      s = INT64_MAX;
  }
}

gchar *
nn_size_string (double bytes)
{
  /* not g_format_size: it puts a no-break space in the middle */
  static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB",
    "PiB", "EiB"
  };
  int u = 0;
  while (bytes >= 1024.0 && u < (int) G_N_ELEMENTS (units) - 1) {
    bytes /= 1024.0;
    u++;
  }
  return u == 0 ? g_strdup_printf ("%.0f bytes", bytes) :
      g_strdup_printf ("%.1f %s", bytes, units[u]);
}

const char *
nn_shape_string (const nn_tensor * t, char *buf, size_t size)
{
  GString *s = g_string_new (nn_type_name (t->type));
  g_string_append (s, " [");
  for (int d = 0; d < t->ndim; d++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, d ? ", " : "",
        t->shape[d]);
  g_string_append (s, "]");
  g_strlcpy (buf, s->str, size);
  g_string_free (s, TRUE);
  return buf;
}

gboolean
nn_broadcast_shape (int na, const int64_t * a, int nb, const int64_t * b,
    int *nout, int64_t * out)
{
  int n = MAX (na, nb);
  if (n > NN_MAX_DIMS)
    return FALSE;
  for (int i = 0; i < n; i++) {
    int64_t da = i - (n - na) >= 0 ? a[i - (n - na)] : 1;
    int64_t db = i - (n - nb) >= 0 ? b[i - (n - nb)] : 1;
    if (da == db || db == 1)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else
      return FALSE;
  }
  *nout = n;
  return TRUE;
}

gboolean
nn_axis (int64_t axis, int ndim, int *out)
{
  if (axis < -ndim || axis >= MAX (ndim, 1))
    return FALSE;
  *out = (int) (axis < 0 ? axis + ndim : axis);
  return TRUE;
}

static gboolean
supported_type (int32_t onnx_type)
{
  return onnx_type == NN_TYPE_FLOAT || onnx_type == NN_TYPE_INT64 ||
      onnx_type == NN_TYPE_INT32 || onnx_type == NN_TYPE_BOOL ||
      onnx_type == NN_TYPE_UINT8;
}

gboolean
nn_tensor_from_proto (const Onnx__TensorProto * tp, nn_tensor * out,
    GError ** error)
{
  /* an empty raw_data may have a NULL pointer and is still raw_data */
  const void *raw = !tp->has_raw_data ? NULL :
      tp->raw_data.data ? (const void *) tp->raw_data.data : (const void *) "";
  return nn_tensor_from_raw (tp, raw, tp->has_raw_data ? tp->raw_data.len : 0,
      FALSE, out, error);
}

/* Copies n bytes out of a file mapping a few MiB at a time, giving the
 * copied pages back to the kernel (they stay in the page cache): the
 * weights are then held once, not once in the file's pages and once in
 * the tensors, and the peak stays near the weights' own size even for one
 * large tensor. */
static void
copy_releasing (void *dst, const void *src, size_t n)
{
  const size_t chunk = (size_t) 4 << 20;
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  uintptr_t done = (uintptr_t) src;     /* released up to here */
  for (size_t off = 0; off < n; off += chunk) {
    size_t len = MIN (chunk, n - off);
    memcpy ((char *) dst + off, (const char *) src + off, len);
    uintptr_t from = (done + page - 1) & ~(uintptr_t) (page - 1);
    uintptr_t to = ((uintptr_t) src + off + len) & ~(uintptr_t) (page - 1);
    if (to > from) {
      madvise ((void *) from, to - from, MADV_DONTNEED);
      done = to;
    }
  }
}

gboolean
nn_tensor_from_raw (const Onnx__TensorProto * tp, const void *raw,
    size_t raw_len, gboolean release, nn_tensor * out, GError ** error)
{
  const char *name = tp->name ? tp->name : "";
  memset (out, 0, sizeof (*out));

  if (tp->has_data_location
      && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "tensor '%s': external data is not supported; save the model with "
        "its weights inside the file", name);
    return FALSE;
  }
  if (!supported_type (tp->data_type)) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "tensor '%s': element type %d is not supported (float32, int64, "
        "int32, uint8 and bool are)", name, tp->data_type);
    return FALSE;
  }
  if (tp->n_dims > NN_MAX_DIMS) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "tensor '%s': %zu dimensions, at most %d are supported", name,
        tp->n_dims, NN_MAX_DIMS);
    return FALSE;
  }
  int64_t numel = 1;
  for (size_t i = 0; i < tp->n_dims; i++) {
    if (tp->dims[i] < 0 || (tp->dims[i] > 0 && numel > G_MAXINT32 / tp->dims[i])) {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
          "tensor '%s': invalid dimension %" G_GINT64_FORMAT, name,
          tp->dims[i]);
      return FALSE;
    }
    numel *= tp->dims[i];
  }

  out->type = tp->data_type;
  nn_tensor_set_shape (out, (int32_t) tp->n_dims, tp->dims);
  size_t esize = nn_type_size (out->type);
  size_t nbytes = (size_t) numel * esize;

  /* check the data's size before allocating: a few bytes of file must not
   * make us reserve gigabytes */
  size_t have;
  if (raw)
    /* a length that is not a whole number of elements never matches */
    have = raw_len % esize ? (size_t) -1 : raw_len / esize;
  else if (out->type == NN_TYPE_FLOAT)
    have = tp->n_float_data;
  else if (out->type == NN_TYPE_INT64)
    have = tp->n_int64_data;
  else                          /* int32, uint8 and bool live in int32_data */
    have = tp->n_int32_data;
  if (have != (size_t) numel)
    goto size_mismatch;

  /* every byte is written below: no need to zero (which would touch the
   * pages twice) */
  out->data = nbytes ? g_malloc (nbytes) : g_malloc0 (1);
  if (nbytes == 0)
    return TRUE;                /* empty: the source may be NULL */
  if (raw) {
    /* raw_data is little-endian, as is every machine we build for */
    if (release)
      copy_releasing (out->data, raw, nbytes);
    else
      memcpy (out->data, raw, nbytes);
  } else if (out->type == NN_TYPE_FLOAT) {
    memcpy (out->data, tp->float_data, nbytes);
  } else if (out->type == NN_TYPE_INT64) {
    memcpy (out->data, tp->int64_data, nbytes);
  } else if (out->type == NN_TYPE_INT32) {
    memcpy (out->data, tp->int32_data, nbytes);
  } else {
    for (int64_t i = 0; i < numel; i++)
      ((uint8_t *) out->data)[i] = (uint8_t) tp->int32_data[i];
  }
  return TRUE;

size_mismatch:
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
      "tensor '%s': data does not match its shape (%" G_GINT64_FORMAT
      " elements of %s expected)", name, numel, nn_type_name (out->type));
  g_clear_pointer (&out->data, g_free);
  return FALSE;
}

gboolean
nn_tensor_proto_load (const char *path, nn_tensor * out, char **name,
    GError ** error)
{
  gchar *bytes = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &bytes, &len, error))
    return FALSE;
  Onnx__TensorProto *tp = onnx__tensor_proto__unpack (NULL, len,
      (const uint8_t *) bytes);
  g_free (bytes);
  if (!tp) {
    g_set_error (error, NN_ERROR, NN_ERROR_PARSE,
        "%s: not a valid ONNX TensorProto", path);
    return FALSE;
  }
  gboolean ok = nn_tensor_from_proto (tp, out, error);
  if (ok && name)
    *name = g_strdup (tp->name ? tp->name : "");
  onnx__tensor_proto__free_unpacked (tp, NULL);
  return ok;
}
