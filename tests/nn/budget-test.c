/* Resource limits of the loader: every size a model declares is checked
 * against the memory budget before anything is allocated for it, and the
 * refusal names the tensor and its size. The models are a few hundred
 * bytes of protobuf written here (no Python needed); each would ask for
 * gigabytes if believed. Also: nn_load_options.batch.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/nn.h>
#include "onnx.pb-c.h"

#include <string.h>

static const char *zoo_dir;

/* --- a small model builder over protobuf-c's structs ------------------ */

typedef struct {
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset;
  Onnx__OperatorSetIdProto *opsets[1];
  GPtrArray *nodes, *inits, *inputs, *outputs;
  GPtrArray *garbage;           /* everything g_free'd at the end */
} builder;

static void *
keep (builder * b, void *p)
{
  g_ptr_array_add (b->garbage, p);
  return p;
}

static void
builder_init (builder * b)
{
  memset (b, 0, sizeof *b);
  onnx__model_proto__init (&b->model);
  onnx__graph_proto__init (&b->graph);
  onnx__operator_set_id_proto__init (&b->opset);
  b->model.has_ir_version = TRUE;
  b->model.ir_version = 8;
  b->opset.domain = (char *) "";
  b->opset.has_version = TRUE;
  b->opset.version = 17;
  b->opsets[0] = &b->opset;
  b->model.n_opset_import = 1;
  b->model.opset_import = b->opsets;
  b->model.graph = &b->graph;
  b->nodes = g_ptr_array_new ();
  b->inits = g_ptr_array_new ();
  b->inputs = g_ptr_array_new ();
  b->outputs = g_ptr_array_new ();
  b->garbage = g_ptr_array_new_with_free_func (g_free);
}

/* float tensor value info; a negative dim is symbolic ("N") */
static Onnx__ValueInfoProto *
value_info (builder * b, const char *name, int ndim, const int64_t * dims)
{
  Onnx__TensorShapeProto__Dimension **dv =
      keep (b, g_new0 (Onnx__TensorShapeProto__Dimension *, ndim + 1));
  for (int i = 0; i < ndim; i++) {
    Onnx__TensorShapeProto__Dimension *d =
        keep (b, g_new0 (Onnx__TensorShapeProto__Dimension, 1));
    onnx__tensor_shape_proto__dimension__init (d);
    if (dims[i] < 0) {
      d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
      d->dim_param = (char *) "N";
    } else {
      d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      d->dim_value = dims[i];
    }
    dv[i] = d;
  }
  Onnx__TensorShapeProto *shape = keep (b, g_new0 (Onnx__TensorShapeProto, 1));
  onnx__tensor_shape_proto__init (shape);
  shape->n_dim = ndim;
  shape->dim = dv;
  Onnx__TypeProto__Tensor *tt = keep (b, g_new0 (Onnx__TypeProto__Tensor, 1));
  onnx__type_proto__tensor__init (tt);
  tt->has_elem_type = TRUE;
  tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  tt->shape = shape;
  Onnx__TypeProto *type = keep (b, g_new0 (Onnx__TypeProto, 1));
  onnx__type_proto__init (type);
  type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type->tensor_type = tt;
  Onnx__ValueInfoProto *vi = keep (b, g_new0 (Onnx__ValueInfoProto, 1));
  onnx__value_info_proto__init (vi);
  vi->name = (char *) name;
  vi->type = type;
  return vi;
}

static void
add_input (builder * b, const char *name, int ndim, const int64_t * dims)
{
  g_ptr_array_add (b->inputs, value_info (b, name, ndim, dims));
}

static void
add_output (builder * b, const char *name)
{
  Onnx__ValueInfoProto *vi = keep (b, g_new0 (Onnx__ValueInfoProto, 1));
  onnx__value_info_proto__init (vi);
  vi->name = (char *) name;
  g_ptr_array_add (b->outputs, vi);
}

/* an initializer declaring `dims`; int64 values or float raw data of
 * raw_len bytes (which may be fewer than the dims say) */
static void
add_init (builder * b, const char *name, int type, int ndim,
    const int64_t * dims, const int64_t * ints, size_t n_ints, size_t raw_len)
{
  Onnx__TensorProto *t = keep (b, g_new0 (Onnx__TensorProto, 1));
  onnx__tensor_proto__init (t);
  t->name = (char *) name;
  t->has_data_type = TRUE;
  t->data_type = type;
  t->n_dims = ndim;
  t->dims = keep (b, g_memdup2 (dims, sizeof (int64_t) * MAX (ndim, 1)));
  if (ints) {
    t->n_int64_data = n_ints;
    t->int64_data = keep (b, g_memdup2 (ints, sizeof (int64_t) * n_ints));
  } else {
    t->has_raw_data = TRUE;
    t->raw_data.len = raw_len;
    t->raw_data.data = keep (b, g_malloc0 (MAX (raw_len, 1)));
  }
  g_ptr_array_add (b->inits, t);
}

static void
add_node (builder * b, const char *op, const char *in0, const char *in1,
    const char *out)
{
  Onnx__NodeProto *n = keep (b, g_new0 (Onnx__NodeProto, 1));
  onnx__node_proto__init (n);
  n->name = keep (b, g_strdup_printf ("%s_%u", op, b->nodes->len));
  n->op_type = (char *) op;
  char **ins = keep (b, g_new0 (char *, 2));
  ins[0] = (char *) in0;
  ins[1] = (char *) in1;
  n->n_input = in1 ? 2 : 1;
  n->input = ins;
  char **outs = keep (b, g_new0 (char *, 1));
  outs[0] = (char *) out;
  n->n_output = 1;
  n->output = outs;
  g_ptr_array_add (b->nodes, n);
}

static GBytes *
builder_pack (builder * b)
{
  b->graph.n_node = b->nodes->len;
  b->graph.node = (Onnx__NodeProto **) b->nodes->pdata;
  b->graph.n_initializer = b->inits->len;
  b->graph.initializer = (Onnx__TensorProto **) b->inits->pdata;
  b->graph.n_input = b->inputs->len;
  b->graph.input = (Onnx__ValueInfoProto **) b->inputs->pdata;
  b->graph.n_output = b->outputs->len;
  b->graph.output = (Onnx__ValueInfoProto **) b->outputs->pdata;
  size_t len = onnx__model_proto__get_packed_size (&b->model);
  guint8 *buf = g_malloc (len);
  onnx__model_proto__pack (&b->model, buf);
  g_ptr_array_unref (b->nodes);
  g_ptr_array_unref (b->inits);
  g_ptr_array_unref (b->inputs);
  g_ptr_array_unref (b->outputs);
  g_ptr_array_unref (b->garbage);
  return g_bytes_new_take (buf, len);
}

/* loading fails with NN_ERROR_SHAPE and a message holding every word */
static void
expect_refused (GBytes * model, const nn_load_options * opts,
    const char *const *words)
{
  GError *err = NULL;
  gsize len;
  const void *data = g_bytes_get_data (model, &len);
  nn_model *m = nn_model_load_data (data, len, opts, &err);
  g_assert_null (m);
  g_assert_error (err, NN_ERROR, NN_ERROR_SHAPE);
  g_test_message ("%zu-byte model: %s", len, err->message);
  for (int i = 0; words[i]; i++)
    g_assert_nonnull (strstr (err->message, words[i]));
  g_error_free (err);
}

/* an output of 100M classes, from a 200-byte model: ConstantOfShape */
static void
test_hundred_million_classes (void)
{
  builder b;
  builder_init (&b);
  const int64_t two = 2, shape[] = { 1, 100000000 }, one[] = { 1 };
  add_input (&b, "x", 1, one);
  add_init (&b, "shape", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, &two,
      shape, 2, 0);
  add_node (&b, "ConstantOfShape", "shape", NULL, "scores");
  add_output (&b, "scores");
  GBytes *model = builder_pack (&b);
  g_assert_cmpuint (g_bytes_get_size (model), <, 300);
  expect_refused (model, NULL, (const char *[]) {
        "'scores'", "[1, 100000000]", "381.5 MiB", NULL});
  g_bytes_unref (model);
}

/* a graph input of 10^10 elements */
static void
test_huge_input (void)
{
  builder b;
  builder_init (&b);
  const int64_t dims[] = { 1, 100000, 100000 };
  add_input (&b, "video", 3, dims);
  add_node (&b, "Relu", "video", NULL, "y");
  add_output (&b, "y");
  GBytes *model = builder_pack (&b);
  expect_refused (model, NULL, (const char *[]) {
        "graph input 'video'", "[1, 100000, 100000]", "MiB", NULL});
  g_bytes_unref (model);
}

/* an initializer that declares 40 GB and holds 4 bytes: refused by the
 * budget before its data is even looked at */
static void
test_huge_initializer (void)
{
  builder b;
  builder_init (&b);
  const int64_t one[] = { 1, 100000 }, wd[] = { 100000, 100000 };
  add_input (&b, "x", 2, one);
  add_init (&b, "W", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, wd, NULL, 0, 4);
  add_node (&b, "MatMul", "x", "W", "y");
  add_output (&b, "y");
  GBytes *model = builder_pack (&b);
  expect_refused (model, NULL, (const char *[]) {
        "initializer 'W'", "37.3 GiB", "memory budget", NULL});
  g_bytes_unref (model);
}

/* five 40 MB tensors alive at once: each fits, the arena does not */
static void
test_arena_budget (void)
{
  builder b;
  builder_init (&b);
  const int64_t dims[] = { 1, 10000000 };
  add_input (&b, "x", 2, dims);
  add_node (&b, "Relu", "x", NULL, "r1");
  add_node (&b, "Neg", "x", NULL, "r2");
  add_node (&b, "Abs", "x", NULL, "r3");
  add_node (&b, "Exp", "x", NULL, "r4");
  add_node (&b, "Add", "r1", "r2", "s1");
  add_node (&b, "Add", "s1", "r3", "s2");
  add_node (&b, "Add", "s2", "r4", "y");
  add_output (&b, "y");
  GBytes *model = builder_pack (&b);
  nn_load_options opts = {.memory_budget = (size_t) 160 << 20 };
  expect_refused (model, &opts, (const char *[]) {
        "tensors computed in one run", "160.0 MiB", NULL});
  /* the default budget takes it (without a session: nothing allocated) */
  GError *err = NULL;
  gsize len;
  const void *data = g_bytes_get_data (model, &len);
  nn_model *m = nn_model_load_data (data, len, NULL, &err);
  g_assert_no_error (err);
  g_assert_cmpuint (nn_model_arena_size (m), >, (size_t) 160 << 20);
  nn_model_free (m);
  g_bytes_unref (model);
}

/* a real model beyond a small budget names the initializer that broke it */
static void
test_budget_option (void)
{
  gchar *path = g_build_filename (zoo_dir, "resnet18", "model.onnx", NULL);
  nn_load_options opts = {.memory_budget = 256 << 10 };
  GError *err = NULL;
  g_assert_null (nn_model_load_file (path, &opts, &err));
  g_assert_error (err, NN_ERROR, NN_ERROR_SHAPE);
  g_test_message ("%s", err->message);
  g_assert_nonnull (strstr (err->message, "initializer '"));
  g_assert_nonnull (strstr (err->message, "budget of 256.0 KiB"));
  g_clear_error (&err);
  nn_model *m = nn_model_load_file (path, NULL, &err);
  g_assert_no_error (err);
  nn_model_free (m);
  g_free (path);
}

/* batch: a symbolic axis takes the value; a fixed one must match */
static void
test_batch_option (void)
{
  builder b;
  builder_init (&b);
  const int64_t dyn[] = { -1, 4 };
  add_input (&b, "x", 2, dyn);
  add_node (&b, "Relu", "x", NULL, "y");
  add_output (&b, "y");
  GBytes *model = builder_pack (&b);
  gsize len;
  const void *data = g_bytes_get_data (model, &len);
  GError *err = NULL;
  nn_load_options opts = {.batch = 5 };
  nn_model *m = nn_model_load_data (data, len, &opts, &err);
  g_assert_no_error (err);
  g_assert_cmpint (nn_model_batch (m), ==, 5);
  g_assert_cmpint (nn_model_input (m, 0)->shape[0], ==, 5);
  g_assert_cmpint (nn_model_output (m, 0)->shape[0], ==, 5);
  nn_session *s = nn_session_new (m, NULL, &err);
  g_assert_cmpint (nn_session_batch (s), ==, 5);
  nn_session_free (s);
  nn_model_free (m);
  m = nn_model_load_data (data, len, NULL, &err);
  g_assert_cmpint (nn_model_batch (m), ==, 1);
  nn_model_free (m);
  g_bytes_unref (model);

  builder_init (&b);
  const int64_t fixed[] = { 1, 4 };
  add_input (&b, "x", 2, fixed);
  add_node (&b, "Relu", "x", NULL, "y");
  add_output (&b, "y");
  model = builder_pack (&b);
  expect_refused (model, &opts, (const char *[]) {
        "graph input 'x'", "fixed batch dimension of 1", NULL});
  g_bytes_unref (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  zoo_dir = argc > 1 ? argv[1] : "tests/zoo/small";
  g_test_add_func ("/nn/budget/hundred-million-classes",
      test_hundred_million_classes);
  g_test_add_func ("/nn/budget/huge-input", test_huge_input);
  g_test_add_func ("/nn/budget/huge-initializer", test_huge_initializer);
  g_test_add_func ("/nn/budget/arena", test_arena_budget);
  g_test_add_func ("/nn/budget/option", test_budget_option);
  g_test_add_func ("/nn/batch/option", test_batch_option);
  return g_test_run ();
}
