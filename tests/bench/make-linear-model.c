/* Writes a model for memory measurements (scripts/bench-instances): a
 * linear probe on a 224×224 RGB picture, video [N, 3, 224, 224] →
 * Flatten → Gemm → scores [N, CLASSES], with a symbolic batch axis. Its
 * weight matrix (150528 × CLASSES floats, 9.6 MB with 16 classes) is the
 * size of a mobilenet-class network's weights, so whether elements share
 * one copy shows in the process's memory. The weights are a fixed
 * pseudo-random pattern: the scores mean nothing.
 *
 * usage: make-linear-model OUT.onnx [CLASSES]
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "onnx.pb-c.h"

static Onnx__ValueInfoProto *
value_info (const char *name, int ndim, const int64_t * dims)
{
  Onnx__TensorShapeProto__Dimension **dv =
      g_new0 (Onnx__TensorShapeProto__Dimension *, ndim);
  for (int i = 0; i < ndim; i++) {
    dv[i] = g_new0 (Onnx__TensorShapeProto__Dimension, 1);
    onnx__tensor_shape_proto__dimension__init (dv[i]);
    if (dims[i] < 0) {
      dv[i]->value_case =
          ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
      dv[i]->dim_param = (char *) "N";
    } else {
      dv[i]->value_case =
          ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      dv[i]->dim_value = dims[i];
    }
  }
  Onnx__TensorShapeProto *shape = g_new0 (Onnx__TensorShapeProto, 1);
  onnx__tensor_shape_proto__init (shape);
  shape->n_dim = ndim;
  shape->dim = dv;
  Onnx__TypeProto__Tensor *tt = g_new0 (Onnx__TypeProto__Tensor, 1);
  onnx__type_proto__tensor__init (tt);
  tt->has_elem_type = TRUE;
  tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  tt->shape = shape;
  Onnx__TypeProto *type = g_new0 (Onnx__TypeProto, 1);
  onnx__type_proto__init (type);
  type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type->tensor_type = tt;
  Onnx__ValueInfoProto *vi = g_new0 (Onnx__ValueInfoProto, 1);
  onnx__value_info_proto__init (vi);
  vi->name = (char *) name;
  vi->type = type;
  return vi;
}

static Onnx__TensorProto *
float_init (const char *name, int ndim, const int64_t * dims, gsize n,
    guint32 seed)
{
  Onnx__TensorProto *t = g_new0 (Onnx__TensorProto, 1);
  onnx__tensor_proto__init (t);
  t->name = (char *) name;
  t->has_data_type = TRUE;
  t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  t->n_dims = ndim;
  t->dims = g_memdup2 (dims, sizeof (int64_t) * ndim);
  gfloat *d = g_new (gfloat, n);
  GRand *r = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < n; i++)
    d[i] = (gfloat) g_rand_double_range (r, -1e-3, 1e-3);
  g_rand_free (r);
  t->has_raw_data = TRUE;
  t->raw_data.len = n * sizeof (gfloat);
  t->raw_data.data = (guint8 *) d;
  return t;
}

static Onnx__NodeProto *
node (const char *op, int n_in, const char **in, const char *out)
{
  Onnx__NodeProto *n = g_new0 (Onnx__NodeProto, 1);
  onnx__node_proto__init (n);
  n->name = g_strdup_printf ("%s_0", op);
  n->op_type = (char *) op;
  n->n_input = n_in;
  n->input = g_memdup2 (in, sizeof (char *) * n_in);
  n->n_output = 1;
  n->output = g_new0 (char *, 1);
  n->output[0] = (char *) out;
  return n;
}

int
main (int argc, char **argv)
{
  if (argc < 2) {
    fprintf (stderr, "usage: make-linear-model OUT.onnx [CLASSES]\n");
    return 1;
  }
  int64_t classes = argc > 2 ? atoi (argv[2]) : 16;
  if (classes < 1 || classes > 4096) {
    fprintf (stderr, "make-linear-model: CLASSES must be 1 to 4096\n");
    return 1;
  }
  const int64_t features = 3 * 224 * 224;
  int64_t in_dims[] = { -1, 3, 224, 224 }, out_dims[] = { -1, classes };
  int64_t w_dims[] = { classes, features }, b_dims[] = { classes };

  Onnx__GraphProto g;
  onnx__graph_proto__init (&g);
  g.name = (char *) "linear";
  Onnx__ValueInfoProto *ins[] = { value_info ("video", 4, in_dims) };
  Onnx__ValueInfoProto *outs[] = { value_info ("scores", 2, out_dims) };
  g.n_input = 1;
  g.input = ins;
  g.n_output = 1;
  g.output = outs;
  Onnx__TensorProto *inits[] = {
    float_init ("W", 2, w_dims, (gsize) classes * features, 1),
    float_init ("B", 1, b_dims, (gsize) classes, 2),
  };
  g.n_initializer = 2;
  g.initializer = inits;
  const char *flat_in[] = { "video" };
  const char *gemm_in[] = { "flat", "W", "B" };
  Onnx__NodeProto *nodes[] = {
    node ("Flatten", 1, flat_in, "flat"),
    node ("Gemm", 3, gemm_in, "scores"),
  };
  /* Gemm: scores = flat · Wᵀ + B */
  Onnx__AttributeProto trans;
  onnx__attribute_proto__init (&trans);
  trans.name = (char *) "transB";
  trans.has_type = TRUE;
  trans.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
  trans.has_i = TRUE;
  trans.i = 1;
  Onnx__AttributeProto *attrs[] = { &trans };
  nodes[1]->n_attribute = 1;
  nodes[1]->attribute = attrs;
  g.n_node = 2;
  g.node = nodes;

  Onnx__ModelProto m;
  onnx__model_proto__init (&m);
  m.has_ir_version = TRUE;
  m.ir_version = 8;
  Onnx__OperatorSetIdProto opset;
  onnx__operator_set_id_proto__init (&opset);
  opset.domain = (char *) "";
  opset.has_version = TRUE;
  opset.version = 17;
  Onnx__OperatorSetIdProto *opsets[] = { &opset };
  m.n_opset_import = 1;
  m.opset_import = opsets;
  m.graph = &g;

  gsize len = onnx__model_proto__get_packed_size (&m);
  guint8 *buf = g_malloc (len);
  onnx__model_proto__pack (&m, buf);
  GError *err = NULL;
  if (!g_file_set_contents (argv[1], (gchar *) buf, len, &err)) {
    fprintf (stderr, "make-linear-model: %s\n", err->message);
    return 1;
  }
  /* a one-shot tool: the process's end frees the rest */
  g_free (buf);
  return 0;
}
