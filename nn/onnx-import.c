/* ONNX import: ModelProto (decoded by protobuf-c) -> the graph's values and
 * nodes in topological order. Nothing here knows about individual ops.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"

#include <string.h>

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
        nn_tensor_set_shape (&t, c->ndim, c->shape);
        size_t nbytes = (size_t) nn_tensor_numel (&t) * nn_type_size (t.type);
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
  if (nn_tensor_numel (&v->t) > NN_MAX_TENSOR_BYTES / (int64_t) nn_type_size (type)) {
    g_set_error (error, NN_ERROR, NN_ERROR_SHAPE,
        "graph input '%s' would need more than %" G_GINT64_FORMAT " MiB",
        name, NN_MAX_TENSOR_BYTES >> 20);
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
nn_import (nn_graph * g, const void *data, size_t size,
    const nn_load_options * opts, GError ** error)
{
  Onnx__ModelProto *mp = onnx__model_proto__unpack (NULL, size, data);
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
  for (size_t i = 0; i < gp->n_initializer; i++) {
    const Onnx__TensorProto *tp = gp->initializer[i];
    nn_tensor t;
    if (!tp->name || !*tp->name) {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
          "initializer %zu has no name", i);
      return FALSE;
    }
    if (!nn_tensor_from_proto (tp, &t, error))
      return FALSE;
    nn_value *v = nn_val (g, value_for (g, tp->name));
    if (v->known) {
      g_free (t.data);
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
          "initializer '%s' is defined twice", tp->name);
      return FALSE;
    }
    set_const (v, &t);
  }
  for (size_t i = 0; i < gp->n_input; i++)
    if (!import_input (g, gp->input[i], opts, error))
      return FALSE;
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
