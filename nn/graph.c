/* Loading a model: import, shape inference with constant folding, fusion
 * and the memory plan; and the model's read-only accessors.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <stdarg.h>
#include <string.h>

void
nn_node_error (GError ** error, const nn_node * n, int code,
    const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  gchar *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, NN_ERROR, code, "node '%s' (%s): %s", n->name,
      n->op_type, msg);
  g_free (msg);
}

nn_value *
nn_in (nn_graph * g, nn_node * n, int i)
{
  return i < n->n_in ? nn_val (g, n->in[i]) : NULL;
}

void
nn_set_out (nn_graph * g, nn_node * n, int i, nn_type type, int ndim,
    const int64_t * shape)
{
  nn_value *v = nn_val (g, i < n->n_out ? n->out[i] : -1);
  if (!v)
    return;
  v->t.type = type;
  nn_tensor_set_shape (&v->t, ndim, shape);
  v->t.name = v->name;
  int64_t numel = nn_tensor_numel (&v->t);
  /* oversized outputs are refused by prepare_all; keep nbytes sane */
  v->nbytes = numel > NN_MAX_TENSOR_BYTES ? (size_t) NN_MAX_TENSOR_BYTES + 1 :
      (size_t) numel * nn_type_size (type);
}

const Onnx__AttributeProto *
nn_attr (const nn_node * n, const char *name)
{
  for (size_t i = 0; i < n->proto->n_attribute; i++) {
    const Onnx__AttributeProto *a = n->proto->attribute[i];
    if (a->name && strcmp (a->name, name) == 0)
      return a;
  }
  return NULL;
}

int64_t
nn_attr_int (const nn_node * n, const char *name, int64_t dflt)
{
  const Onnx__AttributeProto *a = nn_attr (n, name);
  return a && a->has_i ? a->i : dflt;
}

float
nn_attr_float (const nn_node * n, const char *name, float dflt)
{
  const Onnx__AttributeProto *a = nn_attr (n, name);
  return a && a->has_f ? a->f : dflt;
}

const char *
nn_attr_string (const nn_node * n, const char *name, char *buf, size_t size,
    const char *dflt)
{
  const Onnx__AttributeProto *a = nn_attr (n, name);
  if (!a || !a->has_s)
    return dflt;
  size_t len = MIN (a->s.len, size - 1);
  memcpy (buf, a->s.data, len);
  buf[len] = '\0';
  return buf;
}

int
nn_attr_ints (const nn_node * n, const char *name, int64_t * out, int max)
{
  const Onnx__AttributeProto *a = nn_attr (n, name);
  if (!a)
    return -1;
  for (size_t i = 0; i < a->n_ints && (int) i < max; i++)
    out[i] = a->ints[i];
  return (int) a->n_ints;
}

int
nn_attr_floats (const nn_node * n, const char *name, float *out, int max)
{
  const Onnx__AttributeProto *a = nn_attr (n, name);
  if (!a)
    return -1;
  for (size_t i = 0; i < a->n_floats && (int) i < max; i++)
    out[i] = a->floats[i];
  return (int) a->n_floats;
}

gboolean
nn_const_ints (nn_graph * g, nn_node * n, int i, int64_t ** vals,
    int64_t * count, GError ** error)
{
  nn_value *v = nn_in (g, n, i);
  if (!v || !v->is_const) {
    nn_node_error (error, n, NN_ERROR_DYNAMIC,
        "input %d ('%s') decides an output shape but is not constant; pin "
        "it with nn_load_options.constants", i, v ? v->name : "");
    return FALSE;
  }
  int64_t cnt = nn_tensor_numel (&v->t);
  int64_t *out = g_new (int64_t, MAX (cnt, 1));
  if (v->t.type == NN_TYPE_INT64) {
    memcpy (out, v->t.data, cnt * sizeof (int64_t));
  } else if (v->t.type == NN_TYPE_INT32) {
    for (int64_t k = 0; k < cnt; k++)
      out[k] = ((const int32_t *) v->t.data)[k];
  } else {
    g_free (out);
    nn_node_error (error, n, NN_ERROR_INVALID,
        "input %d ('%s') must be int64, not %s", i, v->name,
        nn_type_name (v->t.type));
    return FALSE;
  }
  *vals = out;
  *count = cnt;
  return TRUE;
}

void
nn_drop_dead_steps (nn_graph * g)
{
  GArray *live = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint s = 0; s < g->steps->len; s++) {
    int idx = g_array_index (g->steps, int, s);
    if (!nn_nod (g, idx)->dead)
      g_array_append_val (live, idx);
  }
  g_array_unref (g->steps);
  g->steps = live;
}

/* Runs a node whose inputs are all constant, making its outputs constant. */
static void
fold (nn_graph * g, nn_node * n)
{
  nn_tensor **in = g_newa (nn_tensor *, n->n_in + 1);
  nn_tensor **out = g_newa (nn_tensor *, n->n_out + 1);
  for (int i = 0; i < n->n_in; i++) {
    nn_value *v = nn_in (g, n, i);
    in[i] = v ? &v->t : NULL;
  }
  for (int i = 0; i < n->n_out; i++) {
    nn_value *v = nn_val (g, n->out[i]);
    if (!v) {
      out[i] = NULL;
      continue;
    }
    v->t.data = g_malloc0 (MAX (v->nbytes, 1));
    v->is_const = TRUE;
    out[i] = &v->t;
  }
  void *scratch = n->scratch_bytes ? g_malloc (n->scratch_bytes) : NULL;
  n->run (n, in, out, scratch);
  g_free (scratch);
  n->dead = TRUE;
}

static gboolean
prepare_all (nn_graph * g, GError ** error)
{
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    nn_prepare prepare = nn_op_lookup (n->op_type);
    /* kernels write their first output unchecked; only the recurrent
     * ops, whose outputs are all optional, check each one */
    gboolean optional_outputs = strcmp (n->op_type, "GRU") == 0
        || strcmp (n->op_type, "LSTM") == 0;
    gboolean any = FALSE;
    for (int i = 0; i < n->n_out; i++)
      any = any || n->out[i] >= 0;
    if (!any || (!optional_outputs && n->out[0] < 0)) {
      nn_node_error (error, n, NN_ERROR_INVALID, "the node has no output");
      return FALSE;
    }
    if (!prepare (g, n, error))
      return FALSE;
    g_assert (n->run != NULL);  /* every prepare sets a kernel */
    for (int i = 0; i < n->n_out; i++) {
      nn_value *v = nn_val (g, n->out[i]);
      if (v && v->t.type == 0) {
        nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
            "output %d is not supported by this runtime", i);
        return FALSE;
      }
      if (v && v->nbytes > (size_t) NN_MAX_TENSOR_BYTES) {
        nn_node_error (error, n, NN_ERROR_SHAPE,
            "output %d would need more than %" G_GINT64_FORMAT " MiB", i,
            NN_MAX_TENSOR_BYTES >> 20);
        return FALSE;
      }
    }
    gboolean all_const = !n->dead;
    for (int i = 0; i < n->n_in; i++) {
      nn_value *v = nn_in (g, n, i);
      if (v && !v->is_const)
        all_const = FALSE;
    }
    if (all_const)
      fold (g, n);
  }
  nn_drop_dead_steps (g);
  return TRUE;
}

static nn_graph *
graph_new (void)
{
  nn_graph *g = g_new0 (nn_graph, 1);
  g->values = g_array_new (FALSE, TRUE, sizeof (nn_value));
  g->nodes = g_array_new (FALSE, TRUE, sizeof (nn_node));
  g->value_index = g_hash_table_new (g_str_hash, g_str_equal);
  g->inputs = g_array_new (FALSE, FALSE, sizeof (int));
  g->outputs = g_array_new (FALSE, FALSE, sizeof (int));
  g->steps = g_array_new (FALSE, FALSE, sizeof (int));
  g->meta_keys = g_ptr_array_new_with_free_func (g_free);
  g->meta_values = g_ptr_array_new_with_free_func (g_free);
  g->op_names = g_ptr_array_new_with_free_func (g_free);
  g->op_counts = g_array_new (FALSE, FALSE, sizeof (size_t));
  return g;
}

void
nn_model_free (nn_model * g)
{
  if (!g)
    return;
  for (guint i = 0; i < g->values->len; i++) {
    nn_value *v = nn_val (g, i);
    if (v->is_const)
      g_free (v->t.data);
    g_free (v->name);
  }
  for (guint i = 0; i < g->nodes->len; i++) {
    nn_node *n = nn_nod (g, i);
    g_free (n->name);
    g_free (n->op_type);
    g_free (n->in);
    g_free (n->out);
    g_free (n->params);
  }
  if (g->proto)
    onnx__model_proto__free_unpacked (g->proto, NULL);
  g_array_unref (g->values);
  g_array_unref (g->nodes);
  g_hash_table_unref (g->value_index);
  g_array_unref (g->inputs);
  g_array_unref (g->outputs);
  g_array_unref (g->steps);
  g_ptr_array_unref (g->meta_keys);
  g_ptr_array_unref (g->meta_values);
  g_ptr_array_unref (g->op_names);
  g_array_unref (g->op_counts);
  g_free (g->producer);
  g_free (g);
}

nn_model *
nn_model_load_data (const void *data, size_t size,
    const nn_load_options * opts, GError ** error)
{
  nn_graph *g = graph_new ();
  g->no_fusion = opts && opts->no_fusion;
  if (!nn_import (g, data, size, opts, error) || !prepare_all (g, error)) {
    nn_model_free (g);
    return NULL;
  }
  /* node protos point into the decoded message: drop both together */
  for (guint i = 0; i < g->nodes->len; i++)
    nn_nod (g, i)->proto = NULL;
  onnx__model_proto__free_unpacked (g->proto, NULL);
  g->proto = NULL;
  if (!g->no_fusion)
    nn_fuse (g);
  nn_plan (g);
  return g;
}

nn_model *
nn_model_load_file (const char *path, const nn_load_options * opts,
    GError ** error)
{
  gchar *bytes = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents (path, &bytes, &len, &local)) {
    g_set_error (error, NN_ERROR, NN_ERROR_IO, "%s", local->message);
    g_error_free (local);
    return NULL;
  }
  nn_model *m = nn_model_load_data (bytes, len, opts, error);
  g_free (bytes);
  return m;
}

size_t
nn_model_n_inputs (const nn_model * m)
{
  return m->inputs->len;
}

size_t
nn_model_n_outputs (const nn_model * m)
{
  return m->outputs->len;
}

const nn_tensor *
nn_model_input (const nn_model * m, size_t i)
{
  g_return_val_if_fail (i < m->inputs->len, NULL);
  return &nn_val ((nn_graph *) m, g_array_index (m->inputs, int, i))->t;
}

gboolean
nn_model_input_dim_symbolic (const nn_model * m, size_t i, int32_t axis)
{
  g_return_val_if_fail (i < m->inputs->len, FALSE);
  const nn_value *v = nn_val ((nn_graph *) m, g_array_index (m->inputs, int,
          i));
  return axis >= 0 && axis < v->t.ndim && (v->symbolic >> axis) & 1;
}

const nn_tensor *
nn_model_output (const nn_model * m, size_t i)
{
  g_return_val_if_fail (i < m->outputs->len, NULL);
  return &nn_val ((nn_graph *) m, g_array_index (m->outputs, int, i))->t;
}

static int
index_by_name (const nn_model * m, GArray * list, const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (nn_val ((nn_graph *) m, g_array_index (list, int, i))->name,
            name) == 0)
      return (int) i;
  return -1;
}

int
nn_model_input_index (const nn_model * m, const char *name)
{
  return index_by_name (m, m->inputs, name);
}

int
nn_model_output_index (const nn_model * m, const char *name)
{
  return index_by_name (m, m->outputs, name);
}

const char *
nn_model_metadata (const nn_model * m, const char *key)
{
  for (guint i = 0; i < m->meta_keys->len; i++)
    if (strcmp (g_ptr_array_index (m->meta_keys, i), key) == 0)
      return g_ptr_array_index (m->meta_values, i);
  return NULL;
}

size_t
nn_model_n_metadata (const nn_model * m)
{
  return m->meta_keys->len;
}

void
nn_model_metadata_entry (const nn_model * m, size_t i, const char **key,
    const char **value)
{
  g_return_if_fail (i < m->meta_keys->len);
  *key = g_ptr_array_index (m->meta_keys, i);
  *value = g_ptr_array_index (m->meta_values, i);
}

int64_t
nn_model_opset (const nn_model * m)
{
  return m->opset;
}

const char *
nn_model_producer (const nn_model * m)
{
  return m->producer;
}

size_t
nn_model_n_steps (const nn_model * m)
{
  return m->steps->len;
}

size_t
nn_model_n_op_types (const nn_model * m)
{
  return m->op_names->len;
}

void
nn_model_op_type (const nn_model * m, size_t i, const char **op_type,
    size_t *count)
{
  g_return_if_fail (i < m->op_names->len);
  *op_type = g_ptr_array_index (m->op_names, i);
  *count = g_array_index (m->op_counts, size_t, i);
}

size_t
nn_model_arena_size (const nn_model * m)
{
  return m->arena_size + m->scratch_size;
}
