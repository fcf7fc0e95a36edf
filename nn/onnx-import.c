/* ONNX import: ModelProto (decoded by protobuf-c) -> the graph's values and
 * nodes in topological order. Nothing here knows about individual ops.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <string.h>

/* --- reading the weights once ------------------------------------------
 *
 * protobuf-c copies every bytes field while decoding, so decoding a model
 * as it is would hold its weights three times at once: the file, the
 * decoded message and the tensors. Instead the initializers' raw_data
 * (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.raw_data
 * = 9) is cut out of a copy of the message before decoding, and each
 * tensor is copied straight from the file into its own buffer. When the
 * file is mapped, the pages of a tensor are handed back to the kernel
 * once it is copied, so the peak stays near the weights' own size. */

typedef struct {
  const guint8 *data;
  size_t len;
  gboolean present;
} raw_span;

static gboolean
read_varint (const guint8 ** p, const guint8 * end, guint64 * out)
{
  guint64 v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end)
      return FALSE;
    guint8 b = *(*p)++;
    v |= (guint64) (b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return TRUE;
    }
  }
  return FALSE;
}

static void
put_varint (GByteArray * o, guint64 v)
{
  guint8 buf[10];
  int n = 0;
  do {
    buf[n++] = (guint8) ((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  g_byte_array_append (o, buf, n);
}

/* one field at *p: its number, wire type and, for length-delimited
 * fields, the payload; *p moves past it. FALSE when malformed. */
static gboolean
next_field (const guint8 ** p, const guint8 * end, guint64 * number,
    int *wire, const guint8 ** payload, size_t *len)
{
  guint64 key, v;
  if (!read_varint (p, end, &key))
    return FALSE;
  *number = key >> 3;
  *wire = (int) (key & 7);
  *payload = NULL;
  *len = 0;
  switch (*wire) {
    case 0:
      return read_varint (p, end, &v);
    case 1:
    case 5:{
      size_t n = *wire == 1 ? 8 : 4;
      if ((size_t) (end - *p) < n)
        return FALSE;
      *p += n;
      return TRUE;
    }
    case 2:
      if (!read_varint (p, end, &v) || v > (guint64) (end - *p))
        return FALSE;
      *payload = *p;
      *len = (size_t) v;
      *p += v;
      return TRUE;
    default:                   /* groups are not used by ONNX */
      return FALSE;
  }
}

/* A strip function copies the message [p, end) into o, leaving out what
 * it cuts and appending to raws where that was. strip_tensor cuts
 * raw_data (the last one wins, as in protobuf) and records one span per
 * initializer, present or not, so that span i belongs to initializer i;
 * strip_nested copies every field but `nested`, which it rewrites through
 * `inner` with its new length. */
typedef gboolean (*strip_fn) (const guint8 * p, const guint8 * end,
    GByteArray * o, GArray * raws);

static gboolean
strip_tensor (const guint8 * p, const guint8 * end, GByteArray * o,
    GArray * raws)
{
  raw_span raw = { NULL, 0, FALSE };
  while (p < end) {
    const guint8 *start = p, *payload;
    guint64 number;
    int wire;
    size_t len;
    if (!next_field (&p, end, &number, &wire, &payload, &len))
      return FALSE;
    if (number == 9 && wire == 2) {
      raw.data = payload;
      raw.len = len;
      raw.present = TRUE;
    } else {
      g_byte_array_append (o, start, p - start);
    }
  }
  g_array_append_val (raws, raw);
  return TRUE;
}

static gboolean
strip_nested (const guint8 * p, const guint8 * end, GByteArray * o,
    GArray * raws, guint64 nested, strip_fn inner)
{
  while (p < end) {
    const guint8 *start = p, *payload;
    guint64 number;
    int wire;
    size_t len;
    if (!next_field (&p, end, &number, &wire, &payload, &len))
      return FALSE;
    if (number == nested && wire == 2) {
      GByteArray *sub = g_byte_array_new ();
      gboolean ok = inner (payload, payload + len, sub, raws);
      if (ok) {
        put_varint (o, nested << 3 | 2);
        put_varint (o, sub->len);
        g_byte_array_append (o, sub->data, sub->len);
      }
      g_byte_array_unref (sub);
      if (!ok)
        return FALSE;
    } else {
      g_byte_array_append (o, start, p - start);
    }
  }
  return TRUE;
}

static gboolean
strip_graph (const guint8 * p, const guint8 * end, GByteArray * o,
    GArray * raws)
{
  return strip_nested (p, end, o, raws, 5, strip_tensor);
}

/* the model without its initializers' raw data, and where that data is;
 * NULL when the bytes are not well-formed protobuf (the decoder then
 * reports it) */
static GByteArray *
strip_model (const guint8 * data, size_t size, GArray * raws)
{
  GByteArray *o = g_byte_array_sized_new (MIN (size, 1 << 20));
  if (!strip_nested (data, data + size, o, raws, 7, strip_graph)) {
    g_byte_array_unref (o);
    g_array_set_size (raws, 0);
    return NULL;
  }
  return o;
}

/* index of the value called `name`, creating an unknown one if needed */
static int
value_for (nn_graph * g, const char *name)
{
  gpointer found = g_hash_table_lookup (g->value_index, name);
  if (found)
    return GPOINTER_TO_INT (found) - 1;
  nn_value v = { 0 };
  v.name = g_strdup (name);
  v.producer = -1;
  v.first_step = v.last_step = -1;
  g_array_append_val (g->values, v);
  int idx = (int) g->values->len - 1;
  g_hash_table_insert (g->value_index, v.name, GINT_TO_POINTER (idx + 1));
  return idx;
}

static void
set_const (nn_value * v, nn_tensor * t)
{
  v->t = *t;
  v->t.name = v->name;
  v->known = TRUE;
  v->is_const = TRUE;
  v->nbytes = (size_t) nn_tensor_numel (t) * nn_type_size (t->type);
}

static gboolean
import_input (nn_graph * g, const Onnx__ValueInfoProto * vi,
    const nn_load_options * opts, GError ** error)
{
  const char *name = vi->name ? vi->name : "";
  int idx = value_for (g, name);
  nn_value *v = nn_val (g, idx);
  if (v->known)                 /* old exporters list initializers as inputs */
    return TRUE;

  if (opts) {
    for (size_t i = 0; i < opts->n_constants; i++) {
      const nn_tensor *c = &opts->constants[i];
      if (c->name && strcmp (c->name, name) == 0) {
        nn_tensor t = *c;
        if (c->ndim < 0 || c->ndim > NN_MAX_DIMS || !nn_type_size (c->type)) {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
              "constant for input '%s': bad type or rank", name);
          return FALSE;
        }
        nn_tensor_set_shape (&t, c->ndim, c->shape);
        int64_t numel = nn_tensor_numel (&t);
        if (numel > (int64_t) (nn_max_computed_bytes (g)
                / nn_type_size (t.type))) {
          g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
              "constant for input '%s' is too large", name);
          return FALSE;
        }
        size_t nbytes = (size_t) numel * nn_type_size (t.type);
        if (!nn_budget_take (g, nbytes, "constant", name, error))
          return FALSE;
        t.data = g_memdup2 (c->data, MAX (nbytes, 1));
        set_const (v, &t);
        return TRUE;
      }
    }
  }

  const Onnx__TypeProto *tp = vi->type;
  if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "graph input '%s': only tensor inputs are supported", name);
    return FALSE;
  }
  const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
  nn_type type = tt->elem_type;
  if (nn_type_size (type) == 0) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "graph input '%s': element type %d is not supported", name,
        tt->elem_type);
    return FALSE;
  }
  if (!tt->shape) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "graph input '%s' has no shape; export the model with input shapes",
        name);
    return FALSE;
  }
  if (tt->shape->n_dim > NN_MAX_DIMS) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "graph input '%s': more than %d dimensions", name, NN_MAX_DIMS);
    return FALSE;
  }
  int64_t shape[NN_MAX_DIMS];
  uint32_t symbolic = 0;
  for (size_t d = 0; d < tt->shape->n_dim; d++) {
    const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
    const char *param = dim->value_case ==
        ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM ? dim->dim_param :
        NULL;
    shape[d] = dim->value_case ==
        ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ? dim->dim_value :
        1;
    symbolic |= dim->value_case !=
        ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ? 1u << d : 0;
    for (size_t i = 0; opts && i < opts->n_dims; i++) {
      const nn_dim_value *dv = &opts->dims[i];
      if ((dv->name && param && strcmp (dv->name, param) == 0) ||
          (!dv->name && dv->input && strcmp (dv->input, name) == 0
              && dv->axis == (int32_t) d))
        shape[d] = dv->value;
    }
    if (d == 0 && opts && opts->batch > 0) {
      gboolean fixed = dim->value_case ==
          ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      if (fixed && dim->dim_value != opts->batch) {
        g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
            "graph input '%s' has a fixed batch dimension of %"
            G_GINT64_FORMAT ", not %" G_GINT64_FORMAT "; export the model "
            "with a dynamic batch axis to run batches", name, dim->dim_value,
            opts->batch);
        return FALSE;
      }
      shape[0] = opts->batch;
    }
    if (shape[d] < 0 || shape[d] > G_MAXINT32) {
      g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
          "graph input '%s': dimension %zu is %" G_GINT64_FORMAT, name, d,
          shape[d]);
      return FALSE;
    }
  }
  v->t.type = type;
  nn_tensor_set_shape (&v->t, (int32_t) tt->shape->n_dim, shape);
  v->t.name = v->name;
  int64_t numel = nn_tensor_numel (&v->t);
  if (numel > (int64_t) (nn_max_computed_bytes (g) / nn_type_size (type))) {
    char buf[160];
    gchar *need = nn_size_string (numel * (double) nn_type_size (type));
    gchar *max = nn_size_string (nn_max_computed_bytes (g));
    g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
        "graph input '%s' (%s) would take %s, more than the %s a computed "
        "tensor may take (a quarter of the memory budget, "
        "nn_load_options.memory_budget)", name,
        nn_shape_string (&v->t, buf, sizeof buf), need, max);
    g_free (need);
    g_free (max);
    return FALSE;
  }
  v->nbytes = (size_t) nn_tensor_numel (&v->t) * nn_type_size (type);
  v->known = TRUE;
  v->symbolic = symbolic;
  g_array_append_val (g->inputs, idx);
  return TRUE;
}

static gboolean
import_node (nn_graph * g, const Onnx__NodeProto * np, int node_idx,
    GError ** error)
{
  nn_node n = { 0 };
  n.proto = np;
  n.op_type = g_strdup (np->op_type ? np->op_type : "");
  n.name = np->name && *np->name ? g_strdup (np->name) :
      g_strdup_printf ("#%d", node_idx);
  n.n_in = (int) np->n_input;
  n.n_out = (int) np->n_output;
  n.in = g_new (int, MAX (n.n_in, 1));
  n.out = g_new (int, MAX (n.n_out, 1));
  /* append first so that the node is freed with the graph on error */
  g_array_append_val (g->nodes, n);
  nn_node *node = nn_nod (g, node_idx);

  if (np->domain && *np->domain && strcmp (np->domain, "ai.onnx") != 0) {
    nn_node_error (error, node, NN_ERROR_UNSUPPORTED,
        "operators of domain '%s' are not supported", np->domain);
    return FALSE;
  }
  if (!nn_op_supported (node->op_type)) {
    nn_node_error (error, node, NN_ERROR_UNSUPPORTED,
        "unsupported operator");
    return FALSE;
  }
  for (int i = 0; i < node->n_in; i++)
    node->in[i] = *np->input[i] ? value_for (g, np->input[i]) : -1;
  for (int i = 0; i < node->n_out; i++) {
    if (!*np->output[i]) {
      node->out[i] = -1;
      continue;
    }
    int v = value_for (g, np->output[i]);
    nn_value *val = nn_val (g, v);
    if (val->known) {
      nn_node_error (error, node, NN_ERROR_INVALID,
          "output '%s' is already defined elsewhere in the graph",
          np->output[i]);
      return FALSE;
    }
    val->known = TRUE;
    val->producer = node_idx;
    node->out[i] = v;
  }
  return TRUE;
}

static gboolean import_model (nn_graph * g, Onnx__ModelProto * mp,
    GArray * raws, gboolean mapped, const nn_load_options * opts,
    GError ** error);

/* Kahn's algorithm over the node list; refuses cycles and dangling inputs. */
static gboolean
topological_order (nn_graph * g, GError ** error)
{
  guint nn = g->nodes->len;
  int *pending = g_new0 (int, MAX (nn, 1));
  GArray *order = g_array_new (FALSE, FALSE, sizeof (int));
  GPtrArray *users = g_ptr_array_new_full (g->values->len,
      (GDestroyNotify) g_array_unref);
  for (guint v = 0; v < g->values->len; v++)
    g_ptr_array_add (users, g_array_new (FALSE, FALSE, sizeof (int)));
  gboolean ok = FALSE;

  for (guint i = 0; i < nn; i++) {
    nn_node *n = nn_nod (g, i);
    for (int k = 0; k < n->n_in; k++) {
      nn_value *v = nn_val (g, n->in[k]);
      if (!v)
        continue;
      if (!v->known) {
        nn_node_error (error, n, NN_ERROR_INVALID,
            "input '%s' is not a graph input, an initializer or the output "
            "of any node", v->name);
        goto out;
      }
      if (v->producer >= 0) {
        pending[i]++;
        g_array_append_val (g_ptr_array_index (users, n->in[k]), i);
      }
    }
    if (pending[i] == 0)
      g_array_append_val (order, i);
  }
  for (guint head = 0; head < order->len; head++) {
    nn_node *n = nn_nod (g, g_array_index (order, int, head));
    for (int k = 0; k < n->n_out; k++) {
      if (n->out[k] < 0)
        continue;
      GArray *u = g_ptr_array_index (users, n->out[k]);
      for (guint j = 0; j < u->len; j++) {
        int user = g_array_index (u, int, j);
        if (--pending[user] == 0)
          g_array_append_val (order, user);
      }
    }
  }
  if (order->len != nn) {
    for (guint i = 0; i < nn; i++) {
      if (pending[i] > 0) {
        nn_node_error (error, nn_nod (g, i), NN_ERROR_INVALID,
            "the graph has a cycle through this node");
        break;
      }
    }
    goto out;
  }
  g_array_append_vals (g->steps, order->data, order->len);
  ok = TRUE;
out:
  g_free (pending);
  g_array_unref (order);
  g_ptr_array_unref (users);
  return ok;
}

static void
count_op_types (nn_graph * g)
{
  for (guint i = 0; i < g->nodes->len; i++) {
    const char *op = nn_nod (g, i)->op_type;
    guint k;
    for (k = 0; k < g->op_names->len; k++)
      if (strcmp (g_ptr_array_index (g->op_names, k), op) == 0)
        break;
    if (k == g->op_names->len) {
      size_t zero = 0;
      g_ptr_array_add (g->op_names, g_strdup (op));
      g_array_append_val (g->op_counts, zero);
    }
    g_array_index (g->op_counts, size_t, k)++;
  }
}

gboolean
nn_import (nn_graph * g, const void *data, size_t size, gboolean mapped,
    const nn_load_options * opts, GError ** error)
{
  GArray *raws = g_array_new (FALSE, FALSE, sizeof (raw_span));
  GByteArray *slim = strip_model (data, size, raws);
  Onnx__ModelProto *mp = slim ?
      onnx__model_proto__unpack (NULL, slim->len, slim->data) :
      onnx__model_proto__unpack (NULL, size, data);
  if (slim)
    g_byte_array_unref (slim);
  gboolean ok = import_model (g, mp, raws, mapped, opts, error);
  g_array_unref (raws);
  return ok;
}

static gboolean
import_model (nn_graph * g, Onnx__ModelProto * mp, GArray * raws,
    gboolean mapped, const nn_load_options * opts, GError ** error)
{
  if (!mp) {
    g_set_error (error, NN_ERROR, NN_ERROR_PARSE,
        "not a valid ONNX model (protobuf decoding failed)");
    return FALSE;
  }
  g->proto = mp;
  if (!mp->graph) {
    g_set_error (error, NN_ERROR, NN_ERROR_PARSE,
        "not an ONNX model: it has no graph");
    return FALSE;
  }
  g->producer = g_strdup (mp->producer_name ? mp->producer_name : "");
  for (size_t i = 0; i < mp->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *os = mp->opset_import[i];
    if (!os->domain || !*os->domain || strcmp (os->domain, "ai.onnx") == 0)
      g->opset = os->version;
  }
  if (g->opset == 0)
    g->opset = 1;
  if (g->opset > 18) {
    g_set_error (error, NN_ERROR, NN_ERROR_UNSUPPORTED,
        "opset %" G_GINT64_FORMAT " is not supported (up to 18 is; models "
        "exported by torch.onnx.export use 11 to 17)", g->opset);
    return FALSE;
  }
  for (size_t i = 0; i < mp->n_metadata_props; i++) {
    const Onnx__StringStringEntryProto *e = mp->metadata_props[i];
    g_ptr_array_add (g->meta_keys, g_strdup (e->key ? e->key : ""));
    g_ptr_array_add (g->meta_values, g_strdup (e->value ? e->value : ""));
  }

  const Onnx__GraphProto *gp = mp->graph;
  /* the raw data was cut out in the order the initializers come */
  if (raws->len && raws->len != gp->n_initializer) {
    g_set_error (error, NN_ERROR, NN_ERROR_PARSE,
        "not a valid ONNX model (initializers out of place)");
    return FALSE;
  }
  for (size_t i = 0; i < gp->n_initializer; i++) {
    const Onnx__TensorProto *tp = gp->initializer[i];
    const raw_span *raw = raws->len ? &g_array_index (raws, raw_span, i) :
        NULL;
    nn_tensor t;
    if (!tp->name || !*tp->name) {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
          "initializer %zu has no name", i);
      return FALSE;
    }
    nn_value *v = nn_val (g, value_for (g, tp->name));
    if (v->known) {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
          "initializer '%s' is defined twice", tp->name);
      return FALSE;
    }
    /* the budget first; the size is then checked against the data
     * present before anything is allocated (nn_tensor_from_raw) */
    int64_t numel = nn_shape_numel (MIN (tp->n_dims, NN_MAX_DIMS), tp->dims);
    size_t esize = nn_type_size (tp->data_type);
    if (esize && numel < G_MAXINT64 / 8
        && !nn_budget_take (g, (size_t) numel * esize, "initializer",
            tp->name, error))
      return FALSE;
    gboolean ok = raw && raw->present ?
        nn_tensor_from_raw (tp, raw->len ? raw->data : (const void *) "",
        raw->len, mapped, &t, error) : nn_tensor_from_proto (tp, &t, error);
    if (!ok)
      return FALSE;
    set_const (v, &t);
  }
  for (size_t i = 0; i < gp->n_input; i++)
    if (!import_input (g, gp->input[i], opts, error))
      return FALSE;
  /* samples per run: axis 0 of the first input */
  g->batch = 1;
  if (g->inputs->len) {
    const nn_value *in0 = nn_val (g, g_array_index (g->inputs, int, 0));
    if (in0->t.ndim > 0)
      g->batch = in0->t.shape[0];
  }
  for (size_t i = 0; i < gp->n_node; i++)
    if (!import_node (g, gp->node[i], (int) i, error))
      return FALSE;
  for (size_t i = 0; i < gp->n_output; i++) {
    const char *name = gp->output[i]->name ? gp->output[i]->name : "";
    gpointer found = g_hash_table_lookup (g->value_index, name);
    if (!found || !nn_val (g, GPOINTER_TO_INT (found) - 1)->known) {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
          "graph output '%s' is not produced by any node", name);
      return FALSE;
    }
    int idx = GPOINTER_TO_INT (found) - 1;
    g_array_append_val (g->outputs, idx);
  }
  if (g->outputs->len == 0) {
    g_set_error (error, NN_ERROR, NN_ERROR_INVALID, "the graph has no outputs");
    return FALSE;
  }
  count_op_types (g);
  return topological_order (g, error);
}
