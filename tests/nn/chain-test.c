/* Load time grows linearly with the node count: a chain of N nodes (Add of
 * a shared constant, then Relu, alternating) is written as an ONNX
 * protobuf here, in C, so the test suite needs no Python; then loaded, run
 * once and checked. The load time is printed, not asserted (timed
 * assertions fail on a busy machine): docs/performance.md quotes it.
 *
 *   chain-test [--matmul] [N]              the test (default N = 100000)
 *   chain-test [--matmul] --write FILE [N] writes the model
 * --matmul: MatMul by the identity instead of Add (a node the fuser looks
 * at).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/nn.h>
#include "onnx.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 16

static char *
vname (int i)
{
  return i == 0 ? g_strdup ("x") : g_strdup_printf ("v%d", i);
}

/* the packed ModelProto of the chain x -> v1 -> ... -> vN (= graph output):
 * `op` (Add of the constant 1, or MatMul by the identity) then Relu,
 * alternating */
static guint8 *
make_chain (int n_nodes, const char *op, size_t *len)
{
  gboolean matmul = strcmp (op, "MatMul") == 0;
  Onnx__ModelProto model = ONNX__MODEL_PROTO__INIT;
  Onnx__GraphProto graph = ONNX__GRAPH_PROTO__INIT;
  Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
  Onnx__OperatorSetIdProto *opsets[] = { &opset };
  model.has_ir_version = TRUE;
  model.ir_version = 8;
  model.producer_name = (char *) "chain-test";
  opset.domain = (char *) "";
  opset.has_version = TRUE;
  opset.version = 17;
  model.n_opset_import = 1;
  model.opset_import = opsets;
  model.graph = &graph;
  graph.name = (char *) "chain";

  /* one constant shared by every Add (the scalar 1) or MatMul (the
   * WIDTH x WIDTH identity) */
  float one = 1.0f, eye[WIDTH * WIDTH] = { 0 };
  int64_t eye_dims[] = { WIDTH, WIDTH };
  for (int i = 0; i < WIDTH; i++)
    eye[i * WIDTH + i] = 1.0f;
  Onnx__TensorProto c = ONNX__TENSOR_PROTO__INIT;
  Onnx__TensorProto *inits[] = { &c };
  c.name = (char *) "one";
  c.has_data_type = TRUE;
  c.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  c.has_raw_data = TRUE;
  c.raw_data.len = matmul ? sizeof eye : sizeof one;
  c.raw_data.data = matmul ? (uint8_t *) eye : (uint8_t *) & one;
  if (matmul) {
    c.n_dims = 2;
    c.dims = eye_dims;
  }
  graph.n_initializer = 1;
  graph.initializer = inits;

  /* input and output: float [1, WIDTH] */
  Onnx__TensorShapeProto__Dimension d0 =
      ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT, d1 =
      ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
  Onnx__TensorShapeProto__Dimension *dims[] = { &d0, &d1 };
  d0.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
  d0.dim_value = 1;
  d1.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
  d1.dim_value = WIDTH;
  Onnx__TensorShapeProto shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
  shape.n_dim = 2;
  shape.dim = dims;
  Onnx__TypeProto__Tensor tt = ONNX__TYPE_PROTO__TENSOR__INIT;
  tt.has_elem_type = TRUE;
  tt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  tt.shape = &shape;
  Onnx__TypeProto type = ONNX__TYPE_PROTO__INIT;
  type.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type.tensor_type = &tt;
  Onnx__ValueInfoProto in = ONNX__VALUE_INFO_PROTO__INIT,
      out = ONNX__VALUE_INFO_PROTO__INIT;
  Onnx__ValueInfoProto *ins[] = { &in }, *outs[] = { &out };
  in.name = (char *) "x";
  in.type = &type;
  out.name = vname (n_nodes);
  out.type = &type;
  graph.n_input = 1;
  graph.input = ins;
  graph.n_output = 1;
  graph.output = outs;

  Onnx__NodeProto *nodes = g_new (Onnx__NodeProto, n_nodes);
  Onnx__NodeProto **node_ptrs = g_new (Onnx__NodeProto *, n_nodes);
  char **names = g_new (char *, 3 * (size_t) n_nodes);
  char **io = g_new (char *, 3 * (size_t) n_nodes);
  for (int i = 0; i < n_nodes; i++) {
    Onnx__NodeProto *np = &nodes[i];
    onnx__node_proto__init (np);
    gboolean add = i % 2 == 0;
    names[3 * i] = g_strdup_printf ("n%d", i);
    names[3 * i + 1] = vname (i);
    names[3 * i + 2] = vname (i + 1);
    np->name = names[3 * i];
    np->op_type = (char *) (add ? op : "Relu");
    io[3 * i] = names[3 * i + 1];
    io[3 * i + 1] = (char *) "one";
    io[3 * i + 2] = names[3 * i + 2];
    np->n_input = add ? 2 : 1;
    np->input = &io[3 * i];
    np->n_output = 1;
    np->output = &io[3 * i + 2];
    node_ptrs[i] = np;
  }
  graph.n_node = n_nodes;
  graph.node = node_ptrs;

  *len = onnx__model_proto__get_packed_size (&model);
  guint8 *buf = g_malloc (*len);
  onnx__model_proto__pack (&model, buf);

  for (size_t i = 0; i < 3 * (size_t) n_nodes; i++)
    g_free (names[i]);
  g_free (names);
  g_free (io);
  g_free (nodes);
  g_free (node_ptrs);
  g_free (out.name);
  return buf;
}

/* Under AddressSanitizer every allocation unwinds the whole stack (the
 * sanitizer runs need it for their suppressions), which makes the 100k
 * chain take most of a minute: the sanitizer build checks memory safety
 * on a smaller chain, the normal build the scale. */
#if defined(__SANITIZE_ADDRESS__)
static int n_nodes = 10000;
#else
static int n_nodes = 100000;
#endif
static const char *chain_op = "Add";

static void
test_chain_loads (void)
{
  size_t len;
  gboolean matmul = strcmp (chain_op, "MatMul") == 0;
  guint8 *buf = make_chain (n_nodes, chain_op, &len);
  GError *err = NULL;
  gint64 t0 = g_get_monotonic_time ();
  nn_model *m = nn_model_load_data (buf, len, NULL, &err);
  gint64 t1 = g_get_monotonic_time ();
  g_assert_no_error (err);
  g_assert_nonnull (m);
  g_test_message ("%d nodes (%s and Relu, %zu bytes): loaded in %.3f s",
      n_nodes, chain_op, len, (t1 - t0) / 1e6);
  /* MatMul + Relu fuse into one step */
  g_assert_cmpuint (nn_model_n_steps (m), ==,
      (guint) (matmul ? (n_nodes + 1) / 2 : n_nodes));

  nn_session *s = nn_session_new (m, NULL, &err);
  g_assert_no_error (err);
  nn_tensor *x = nn_session_input (s, 0);
  for (int i = 0; i < WIDTH; i++)
    ((float *) x->data)[i] = (float) (i - WIDTH / 2);
  g_assert_true (nn_session_run (s, &err));
  const nn_tensor *y = nn_session_output (s, 0);
  /* the first Add makes v + 1, its Relu clamps; every later pair adds 1;
   * MatMul by the identity leaves v as it is */
  int adds = (n_nodes + 1) / 2;
  for (int i = 0; i < WIDTH; i++) {
    float v = MAX ((float) (i - WIDTH / 2) + 1.0f, 0.0f) + (float) (adds - 1);
    if (matmul)
      v = MAX ((float) (i - WIDTH / 2), 0.0f);
    g_assert_cmpfloat (((const float *) y->data)[i], ==, v);
  }
  nn_session_free (s);
  nn_model_free (m);
  g_free (buf);
}

int
main (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "--matmul") == 0) {
    chain_op = "MatMul";
    argc--;
    argv++;
  }
  if (argc >= 3 && strcmp (argv[1], "--write") == 0) {
    int n = argc >= 4 ? atoi (argv[3]) : n_nodes;
    if (n < 2 || n > 10000000) {
      fprintf (stderr, "chain-test: N must be 2-10000000\n");
      return 1;
    }
    size_t len;
    guint8 *buf = make_chain (n, chain_op, &len);
    GError *err = NULL;
    gboolean ok = g_file_set_contents (argv[2], (const char *) buf, len, &err);
    g_free (buf);
    if (!ok) {
      fprintf (stderr, "chain-test: %s\n", err->message);
      return 1;
    }
    return 0;
  }
  g_test_init (&argc, &argv, NULL);
  if (argc >= 2)
    n_nodes = CLAMP (atoi (argv[1]), 2, 10000000);
  g_test_add_func ("/nn/chain/loads-100k", test_chain_loads);
  return g_test_run ();
}
