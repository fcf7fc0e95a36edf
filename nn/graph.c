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

size_t
nn_max_computed_bytes (const nn_graph * g)
{
  return g->budget / 4;
}

gboolean
nn_output_fits (nn_graph * g, const nn_node * n, int i, GError ** error)
{
  nn_value *v = nn_val (g, i < n->n_out ? n->out[i] : -1);
  if (!v || v->nbytes <= nn_max_computed_bytes (g))
    return TRUE;
  char buf[160];
  gchar *need = nn_size_string (nn_tensor_numel (&v->t) *
      (double) nn_type_size (v->t.type));
  gchar *max = nn_size_string (nn_max_computed_bytes (g));
  nn_node_error (error, n, NN_ERROR_SHAPE,
      "output '%s' (%s) would take %s, more than the %s a computed "
      "tensor may take (a quarter of the memory budget, "
      "nn_load_options.memory_budget)", v->name,
      nn_shape_string (&v->t, buf, sizeof buf), need, max);
  g_free (need);
  g_free (max);
  return FALSE;
}

gboolean
nn_budget_take (nn_graph * g, size_t bytes, const char *what,
    const char *name, GError ** error)
{
  if (bytes > g->budget - g->used) {
    gchar *need = nn_size_string (bytes), *used = nn_size_string (g->used);
    gchar *budget = nn_size_string (g->budget);
    g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
        "%s '%s' needs %s, which with the %s already taken is beyond the "
        "model's memory budget of %s (nn_load_options.memory_budget)", what,
        name, need, used, budget);
    g_free (need);
    g_free (used);
    g_free (budget);
    return FALSE;
  }
  g->used += bytes;
  return TRUE;
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
  /* saturates: oversized outputs are refused by prepare_all */
  size_t nbytes;
  if (numel < 0 || __builtin_mul_overflow ((size_t) numel,
          nn_type_size (type), &nbytes))
    nbytes = SIZE_MAX;
  v->nbytes = nbytes;
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

/* Constants that no running kernel reads are freed as soon as their last
 * reader has been prepared, not with the model: those read only by nodes
 * folded at load (weights transposed or reshaped, the operands of shape
 * arithmetic) and weights a kernel packed into its own layout
 * (nn_node.packed_inputs). So no weight is held twice, even while the
 * next ones are being packed. */
typedef struct {
  int *pending;                 /* readers not prepared yet */
  guint8 *read;                 /* read by a kernel that runs, or output */
} const_tracker;

static void
tracker_init (const_tracker * t, nn_graph * g)
{
  t->pending = g_new0 (int, MAX (g->values->len, 1));
  t->read = g_new0 (guint8, MAX (g->values->len, 1));
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    for (int i = 0; i < n->n_in; i++)
      if (n->in[i] >= 0)
        t->pending[n->in[i]]++;
  }
  for (guint i = 0; i < g->outputs->len; i++)
    t->read[g_array_index (g->outputs, int, i)] = 1;
}

/* node n is prepared (and folded, if it was) */
static void
tracker_done (const_tracker * t, nn_graph * g, const nn_node * n)
{
  for (int i = 0; i < n->n_in; i++) {
    int v = n->in[i];
    if (v < 0)
      continue;
    if (!n->dead && !(i < 32 && (n->packed_inputs >> i) & 1))
      t->read[v] = 1;
    nn_value *val = nn_val (g, v);
    if (--t->pending[v] == 0 && !t->read[v] && val->is_const && val->t.data) {
      g_clear_pointer (&val->t.data, g_free);
      g->used -= MIN (g->used, val->nbytes);
    }
  }
}

static void
tracker_clear (const_tracker * t)
{
  g_free (t->pending);
  g_free (t->read);
}

static int64_t
mac_product (int64_t a, int64_t b)
{
  int64_t r;
  return __builtin_mul_overflow (a, b, &r) ? G_MAXINT64 : r;
}

/* multiply-adds of the nodes that run, for GMAC/s figures */
static void
count_macs (nn_graph * g)
{
  int64_t total = 0;
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    nn_value *a = nn_in (g, n, 0), *b = nn_in (g, n, 1), *c = nn_in (g, n, 2);
    nn_value *y = nn_val (g, n->out[0]);
    int64_t m = 0;
    if (n->dead || !a || !b)
      continue;
    if (strcmp (n->op_type, "Conv") == 0 && y && b->t.ndim > 1)
      /* each output element: C/group x kernel multiply-adds */
      m = mac_product (nn_tensor_numel (&y->t),
          nn_tensor_numel (&b->t) / MAX (b->t.shape[0], 1));
    else if (strcmp (n->op_type, "Gemm") == 0 && y && a->t.ndim == 2)
      m = mac_product (nn_tensor_numel (&y->t),
          a->t.shape[nn_attr_int (n, "transA", 0) ? 0 : 1]);
    else if (strcmp (n->op_type, "MatMul") == 0 && y && a->t.ndim >= 1)
      m = mac_product (nn_tensor_numel (&y->t), a->t.shape[a->t.ndim - 1]);
    else if ((strcmp (n->op_type, "LSTM") == 0
            || strcmp (n->op_type, "GRU") == 0) && c && a->t.ndim == 3)
      /* every step and sample: W x_t and R h_t over all gates */
      m = mac_product (mac_product (a->t.shape[0], a->t.shape[1]),
          nn_tensor_numel (&b->t) + nn_tensor_numel (&c->t));
    total = total > G_MAXINT64 - m ? G_MAXINT64 : total + m;
  }
  g->macs = total;
}

static gboolean
prepare_steps (nn_graph * g, const_tracker * tracker, GError ** error)
{
  for (guint s = 0; s < g->steps->len; s++) {
    nn_node *n = nn_nod (g, g_array_index (g->steps, int, s));
    n->op = nn_op_from_name (n->op_type);
    n->epi.residual = -1;
    nn_prepare prepare = nn_op_get_info (n->op)->prepare;
    /* kernels write their first output unchecked; only the recurrent
     * ops, whose outputs are all optional, check each one */
    gboolean optional_outputs = nn_op_has (n->op, NN_TRAIT_OPTIONAL_OUTPUTS);
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
      for (int d = 0; v && d < v->t.ndim; d++) {
        /* an empty tensor passes the size check whatever its other
         * dimensions; ops multiply them, so bound each one */
        if (v->t.shape[d] < 0 || v->t.shape[d] > NN_MAX_DIM) {
          nn_node_error (error, n, NN_ERROR_SHAPE,
              "output '%s': dimension %d is %" G_GINT64_FORMAT, v->name, d,
              v->t.shape[d]);
          return FALSE;
        }
      }
      if (!nn_output_fits (g, n, i, error))
        return FALSE;
    }
    if (n->scratch_bytes > nn_max_computed_bytes (g)) {
      gchar *need = nn_size_string (n->scratch_bytes);
      gchar *max = nn_size_string (nn_max_computed_bytes (g));
      nn_node_error (error, n, NN_ERROR_SHAPE,
          "its working memory would take %s, more than the %s a computed "
          "tensor may take (nn_load_options.memory_budget)", need, max);
      g_free (need);
      g_free (max);
      return FALSE;
    }
    gboolean all_const = !n->dead;
    for (int i = 0; i < n->n_in; i++) {
      nn_value *v = nn_in (g, n, i);
      if (v && !v->is_const)
        all_const = FALSE;
    }
    if (all_const) {
      for (int i = 0; i < n->n_out; i++) {
        nn_value *v = nn_val (g, n->out[i]);
        if (v && !nn_budget_take (g, v->nbytes, "constant", v->name, error))
          return FALSE;
      }
      fold (g, n);
    }
    tracker_done (tracker, g, n);
  }
  count_macs (g);
  nn_drop_dead_steps (g);
  return TRUE;
}

static gboolean
prepare_all (nn_graph * g, GError ** error)
{
  const_tracker tracker;
  tracker_init (&tracker, g);
  gboolean ok = prepare_steps (g, &tracker, error);
  tracker_clear (&tracker);
  return ok;
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

static nn_model *
load (const void *data, size_t size, gboolean mapped,
    const nn_load_options * opts, GError ** error)
{
  nn_graph *g = graph_new ();
  g->no_fusion = opts && opts->no_fusion;
  g->budget = opts && opts->memory_budget ? opts->memory_budget :
      NN_DEFAULT_MEMORY_BUDGET;
  if (opts && opts->batch < 0) {
    g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
        "batch %" G_GINT64_FORMAT " is negative", opts->batch);
    nn_model_free (g);
    return NULL;
  }
  if (!nn_import (g, data, size, mapped, opts, error)
      || !prepare_all (g, error)) {
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
  /* one session's arena must fit beside the weights */
  size_t arena = g->arena_size + g->scratch_size;
  if (arena > g->budget - MIN (g->used, g->budget)) {
    gchar *need = nn_size_string (arena), *used = nn_size_string (g->used);
    gchar *budget = nn_size_string (g->budget);
    g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
        "the tensors computed in one run need %s, which with %s of weights "
        "is beyond the model's memory budget of %s "
        "(nn_load_options.memory_budget)", need, used, budget);
    g_free (need);
    g_free (used);
    g_free (budget);
    nn_model_free (g);
    return NULL;
  }
  return g;
}

nn_model *
nn_model_load_data (const void *data, size_t size,
    const nn_load_options * opts, GError ** error)
{
  return load (data, size, FALSE, opts, error);
}

nn_model *
nn_model_load_file (const char *path, const nn_load_options * opts,
    GError ** error)
{
  /* mapped, not read: the weights are copied from the file's pages into
   * their tensors once, and those pages are released as they are copied */
  GError *local = NULL;
  GMappedFile *f = g_mapped_file_new (path, FALSE, NULL);
  if (!f) {
    /* not mappable (a pipe, /dev/stdin): read it */
    gchar *bytes = NULL;
    gsize len = 0;
    if (!g_file_get_contents (path, &bytes, &len, &local)) {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
    nn_model *m = load (bytes, len, FALSE, opts, error);
    g_free (bytes);
    return m;
  }
  const char *bytes = g_mapped_file_get_contents (f);
  gsize len = g_mapped_file_get_length (f);
  nn_model *m = load (bytes ? bytes : "", len, bytes != NULL, opts, error);
  g_mapped_file_unref (f);
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

int64_t
nn_model_batch (const nn_model * m)
{
  return m->batch;
}

int64_t
nn_model_macs (const nn_model * m)
{
  return m->macs;
}
