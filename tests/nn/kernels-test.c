/* The runtime's own kernels against plain reference loops: convolutions of
 * random shapes (1-D to 3-D, odd sizes, strides, pads, dilations, groups,
 * depthwise), fused epilogues (bias, residual Add, Relu, Clip, HardSwish,
 * SiLU, GELU) against the same graph without fusion, worker threads, and
 * the vectorized exp/erf/sigmoid against libm in double precision.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Models are built in memory as ONNX protobufs and loaded like files.
 * meson runs this once per instruction set (NN_ISA=avx512, avx2, generic),
 * so every kernel path is covered on a machine that has them all.
 */
#include "nn-private.h"
#include "kernels/kernels.h"

#include <math.h>
#include <string.h>

/* ---- a tiny ONNX graph builder ---- */

typedef struct {
  GPtrArray *nodes, *inits, *inputs, *outputs;
  GPtrArray *garbage;           /* everything g_free'd at the end */
  GPtrArray *strvs;             /* and g_strfreev'd */
} builder;

static void *
keep (builder * b, void *p)
{
  g_ptr_array_add (b->garbage, p);
  return p;
}

static Onnx__ValueInfoProto *
value_info (builder * b, const char *name, int nd, const int64_t * shape)
{
  Onnx__TensorShapeProto *sp = keep (b, g_new0 (Onnx__TensorShapeProto, 1));
  onnx__tensor_shape_proto__init (sp);
  sp->n_dim = nd;
  sp->dim = keep (b, g_new0 (Onnx__TensorShapeProto__Dimension *, nd));
  for (int i = 0; i < nd; i++) {
    Onnx__TensorShapeProto__Dimension *d =
        keep (b, g_new0 (Onnx__TensorShapeProto__Dimension, 1));
    onnx__tensor_shape_proto__dimension__init (d);
    d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    d->dim_value = shape[i];
    sp->dim[i] = d;
  }
  Onnx__TypeProto__Tensor *tt = keep (b, g_new0 (Onnx__TypeProto__Tensor, 1));
  onnx__type_proto__tensor__init (tt);
  tt->has_elem_type = TRUE;
  tt->elem_type = NN_TYPE_FLOAT;
  tt->shape = sp;
  Onnx__TypeProto *tp = keep (b, g_new0 (Onnx__TypeProto, 1));
  onnx__type_proto__init (tp);
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  Onnx__ValueInfoProto *vi = keep (b, g_new0 (Onnx__ValueInfoProto, 1));
  onnx__value_info_proto__init (vi);
  vi->name = keep (b, g_strdup (name));
  vi->type = tp;
  return vi;
}

static void
add_init (builder * b, const char *name, int nd, const int64_t * shape,
    const float *data)
{
  Onnx__TensorProto *t = keep (b, g_new0 (Onnx__TensorProto, 1));
  onnx__tensor_proto__init (t);
  t->name = keep (b, g_strdup (name));
  t->has_data_type = TRUE;
  t->data_type = NN_TYPE_FLOAT;
  t->n_dims = nd;
  t->dims = keep (b, g_memdup2 (shape, nd * sizeof (int64_t)));
  int64_t n = nn_shape_numel (nd, shape);
  t->has_raw_data = TRUE;
  t->raw_data.len = n * sizeof (float);
  t->raw_data.data = keep (b, g_memdup2 (data, MAX (n, 1) * sizeof (float)));
  g_ptr_array_add (b->inits, t);
}

static Onnx__AttributeProto *
attr_ints (builder * b, const char *name, int n, const int64_t * v)
{
  Onnx__AttributeProto *a = keep (b, g_new0 (Onnx__AttributeProto, 1));
  onnx__attribute_proto__init (a);
  a->name = keep (b, g_strdup (name));
  a->has_type = TRUE;
  a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
  a->n_ints = n;
  a->ints = keep (b, g_memdup2 (v, n * sizeof (int64_t)));
  return a;
}

static Onnx__AttributeProto *
attr_int (builder * b, const char *name, int64_t v)
{
  Onnx__AttributeProto *a = keep (b, g_new0 (Onnx__AttributeProto, 1));
  onnx__attribute_proto__init (a);
  a->name = keep (b, g_strdup (name));
  a->has_type = TRUE;
  a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
  a->has_i = TRUE;
  a->i = v;
  return a;
}

/* inputs and outputs as space-separated names ("" for an absent input) */
static Onnx__NodeProto *
add_node (builder * b, const char *op, const char *ins, const char *outs)
{
  Onnx__NodeProto *n = keep (b, g_new0 (Onnx__NodeProto, 1));
  onnx__node_proto__init (n);
  n->op_type = keep (b, g_strdup (op));
  n->name = keep (b, g_strdup_printf ("%s_%u", op, b->nodes->len));
  gchar **iv = g_strsplit (ins, " ", -1), **ov = g_strsplit (outs, " ", -1);
  g_ptr_array_add (b->strvs, iv);
  g_ptr_array_add (b->strvs, ov);
  n->n_input = g_strv_length (iv);
  n->input = (char **) iv;
  n->n_output = g_strv_length (ov);
  n->output = (char **) ov;
  g_ptr_array_add (b->nodes, n);
  return n;
}

static void
set_attrs (builder * b, Onnx__NodeProto * n, int count,
    Onnx__AttributeProto ** attrs)
{
  n->n_attribute = count;
  n->attribute = keep (b, g_memdup2 (attrs, MAX (count, 1) * sizeof *attrs));
}

static nn_model *
build (builder * b, gboolean no_fusion)
{
  Onnx__GraphProto gp;
  onnx__graph_proto__init (&gp);
  gp.name = (char *) "test";
  gp.n_node = b->nodes->len;
  gp.node = (Onnx__NodeProto **) b->nodes->pdata;
  gp.n_initializer = b->inits->len;
  gp.initializer = (Onnx__TensorProto **) b->inits->pdata;
  gp.n_input = b->inputs->len;
  gp.input = (Onnx__ValueInfoProto **) b->inputs->pdata;
  gp.n_output = b->outputs->len;
  gp.output = (Onnx__ValueInfoProto **) b->outputs->pdata;
  Onnx__OperatorSetIdProto opset;
  onnx__operator_set_id_proto__init (&opset);
  opset.domain = (char *) "";
  opset.has_version = TRUE;
  opset.version = 17;
  Onnx__OperatorSetIdProto *ops = &opset;
  Onnx__ModelProto mp;
  onnx__model_proto__init (&mp);
  mp.has_ir_version = TRUE;
  mp.ir_version = 8;
  mp.n_opset_import = 1;
  mp.opset_import = &ops;
  mp.graph = &gp;
  size_t len = onnx__model_proto__get_packed_size (&mp);
  guint8 *buf = g_malloc (len);
  onnx__model_proto__pack (&mp, buf);
  nn_load_options opts = {.no_fusion = no_fusion };
  GError *err = NULL;
  nn_model *m = nn_model_load_data (buf, len, &opts, &err);
  g_assert_no_error (err);
  g_free (buf);
  return m;
}

static void
builder_init (builder * b)
{
  b->nodes = g_ptr_array_new ();
  b->inits = g_ptr_array_new ();
  b->inputs = g_ptr_array_new ();
  b->outputs = g_ptr_array_new ();
  b->garbage = g_ptr_array_new_with_free_func (g_free);
  b->strvs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
}

static void
builder_clear (builder * b)
{
  g_ptr_array_unref (b->nodes);
  g_ptr_array_unref (b->inits);
  g_ptr_array_unref (b->inputs);
  g_ptr_array_unref (b->outputs);
  g_ptr_array_unref (b->garbage);
  g_ptr_array_unref (b->strvs);
}

/* runs model m with `threads` on inputs x (and x2 when there are two);
 * output 0 copied out, or every output concatenated when `all` */
static float *
run_outputs (nn_model * m, int threads, const float *x, size_t nx,
    const float *x2, size_t nx2, gboolean all, size_t * ny)
{
  GError *err = NULL;
  nn_session_options so = {.threads = threads };
  nn_session *s = nn_session_new (m, &so, &err);
  g_assert_no_error (err);
  nn_tensor *in = nn_session_input (s, 0);
  g_assert_cmpint (nn_tensor_numel (in), ==, nx);
  memcpy (in->data, x, nx * sizeof (float));
  if (x2) {
    nn_tensor *in2 = nn_session_input (s, 1);
    g_assert_cmpint (nn_tensor_numel (in2), ==, nx2);
    memcpy (in2->data, x2, nx2 * sizeof (float));
  }
  g_assert_true (nn_session_run (s, &err));
  GArray *ys = g_array_new (FALSE, FALSE, sizeof (float));
  for (size_t o = 0; o < (all ? nn_model_n_outputs (m) : 1); o++) {
    const nn_tensor *out = nn_session_output (s, o);
    g_array_append_vals (ys, out->data, nn_tensor_numel (out));
  }
  nn_session_free (s);
  *ny = ys->len;
  return (float *) g_array_free (ys, FALSE);
}

static float *
run2 (nn_model * m, int threads, const float *x, size_t nx, const float *x2,
    size_t nx2, size_t * ny)
{
  return run_outputs (m, threads, x, nx, x2, nx2, FALSE, ny);
}

static float *
run (nn_model * m, int threads, const float *x, size_t nx, size_t * ny)
{
  return run2 (m, threads, x, nx, NULL, 0, ny);
}

/* ---- convolution against the definition ---- */

typedef struct {
  int sp;                       /* spatial rank */
  int64_t C, M, group, in[3], k[3], s[3], d[3], pb[3], pe[3], out[3];
} conv_case;

static void
reference_conv (const conv_case * c, const float *x, const float *w,
    const float *bias, float *y)
{
  int64_t cg = c->C / c->group, mg = c->M / c->group;
  int64_t I[3] = { 1, 1, 1 }, O[3] = { 1, 1, 1 }, K[3] = { 1, 1, 1 };
  int64_t S[3] = { 1, 1, 1 }, D[3] = { 1, 1, 1 }, P[3] = { 0, 0, 0 };
  int off = 3 - c->sp;
  for (int a = 0; a < c->sp; a++) {
    I[a + off] = c->in[a];
    O[a + off] = c->out[a];
    K[a + off] = c->k[a];
    S[a + off] = c->s[a];
    D[a + off] = c->d[a];
    P[a + off] = c->pb[a];
  }
  for (int64_t m = 0; m < c->M; m++) {
    int64_t gi = m / mg;
    for (int64_t o0 = 0; o0 < O[0]; o0++)
      for (int64_t o1 = 0; o1 < O[1]; o1++)
        for (int64_t o2 = 0; o2 < O[2]; o2++) {
          double acc = bias[m];
          for (int64_t ci = 0; ci < cg; ci++)
            for (int64_t k0 = 0; k0 < K[0]; k0++)
              for (int64_t k1 = 0; k1 < K[1]; k1++)
                for (int64_t k2 = 0; k2 < K[2]; k2++) {
                  int64_t i0 = o0 * S[0] - P[0] + k0 * D[0];
                  int64_t i1 = o1 * S[1] - P[1] + k1 * D[1];
                  int64_t i2 = o2 * S[2] - P[2] + k2 * D[2];
                  if (i0 < 0 || i0 >= I[0] || i1 < 0 || i1 >= I[1] || i2 < 0
                      || i2 >= I[2])
                    continue;
                  int64_t c_in = gi * cg + ci;
                  acc += (double) x[((c_in * I[0] + i0) * I[1] + i1) * I[2]
                      + i2] * w[(((m * cg + ci) * K[0] + k0) * K[1] + k1)
                      * K[2] + k2];
                }
          y[((m * O[0] + o0) * O[1] + o1) * O[2] + o2] = (float) acc;
        }
  }
}

static float
frand (GRand * r)
{
  return (float) g_rand_double_range (r, -1.0, 1.0);
}

static void check_conv_case (GRand * r, conv_case c, int idx);

/* one random convolution, followed by residual Add and Relu (fused) */
static void
check_conv (GRand * r, int idx)
{
  conv_case c = { 0 };
  c.sp = g_rand_int_range (r, 1, 4);
  int kind = g_rand_int_range (r, 0, 4); /* 0 dense, 1 depthwise, 2 grouped, 3 1x1 */
  c.C = g_rand_int_range (r, 1, 9);
  c.group = 1;
  c.M = g_rand_int_range (r, 1, 13);
  if (kind == 1) {
    c.C = g_rand_int_range (r, 1, 20);
    c.group = c.M = c.C;
  } else if (kind == 2) {
    c.group = 2;
    c.C = 2 * g_rand_int_range (r, 1, 4);
    c.M = 2 * g_rand_int_range (r, 1, 6);
  }
  for (int a = 0; a < c.sp; a++) {
    int big = c.sp == 1 ? 40 : c.sp == 2 ? 19 : 9;
    c.in[a] = g_rand_int_range (r, 1, big);
    /* depthwise up to 5x5: more than one group of nine taps */
    c.k[a] = kind == 3 ? 1 : g_rand_int_range (r, 1, kind == 1 ? 6 : 4);
    c.s[a] = kind == 3 ? 1 : g_rand_int_range (r, 1, 3);
    c.d[a] = kind == 3 ? 1 : g_rand_int_range (r, 1, 3);
    c.pb[a] = kind == 3 ? 0 : g_rand_int_range (r, 0, 3);
    c.pe[a] = kind == 3 ? 0 : g_rand_int_range (r, 0, 3);
    int64_t span = (c.k[a] - 1) * c.d[a] + 1;
    if (c.in[a] + c.pb[a] + c.pe[a] < span)
      c.in[a] = span;
    c.out[a] = (c.in[a] + c.pb[a] + c.pe[a] - span) / c.s[a] + 1;
  }
  check_conv_case (r, c, idx);
}

/* one convolution case as a model being built: random input, weights
 * and bias (drawn in that order), the graph's input x and output y, and
 * the node Conv (x, w, b) -> c with every attribute of the case; the
 * caller adds what follows c, then frees x, w and bias and clears b */
typedef struct {
  builder b;
  int nd;
  int64_t ys[5], nx, ny;
  float *x, *w, *bias;
} conv_model;

static void
conv_model_init (conv_model * cm, GRand * r, const conv_case * c)
{
  int64_t xs[5] = { 1, c->C }, ws[5] = { c->M, c->C / c->group };
  cm->ys[0] = 1;
  cm->ys[1] = c->M;
  for (int a = 0; a < c->sp; a++) {
    xs[2 + a] = c->in[a];
    ws[2 + a] = c->k[a];
    cm->ys[2 + a] = c->out[a];
  }
  cm->nd = c->sp + 2;
  cm->nx = nn_shape_numel (cm->nd, xs);
  cm->ny = nn_shape_numel (cm->nd, cm->ys);
  int64_t nw = nn_shape_numel (cm->nd, ws);
  cm->x = g_new (float, cm->nx);
  cm->w = g_new (float, nw);
  cm->bias = g_new (float, c->M);
  for (int64_t i = 0; i < cm->nx; i++)
    cm->x[i] = frand (r);
  for (int64_t i = 0; i < nw; i++)
    cm->w[i] = frand (r);
  for (int64_t i = 0; i < c->M; i++)
    cm->bias[i] = frand (r);

  builder *b = &cm->b;
  builder_init (b);
  g_ptr_array_add (b->inputs, value_info (b, "x", cm->nd, xs));
  g_ptr_array_add (b->outputs, value_info (b, "y", cm->nd, cm->ys));
  add_init (b, "w", cm->nd, ws, cm->w);
  int64_t bs[1] = { c->M };
  add_init (b, "b", 1, bs, cm->bias);
  Onnx__NodeProto *conv = add_node (b, "Conv", "x w b", "c");
  int64_t pads[6];
  for (int a = 0; a < c->sp; a++) {
    pads[a] = c->pb[a];
    pads[a + c->sp] = c->pe[a];
  }
  Onnx__AttributeProto *attrs[] = {
    attr_ints (b, "kernel_shape", c->sp, c->k),
    attr_ints (b, "strides", c->sp, c->s),
    attr_ints (b, "dilations", c->sp, c->d),
    attr_ints (b, "pads", 2 * c->sp, pads),
    attr_int (b, "group", c->group),
  };
  set_attrs (b, conv, G_N_ELEMENTS (attrs), attrs);
}

static void
conv_model_clear (conv_model * cm)
{
  builder_clear (&cm->b);
  g_free (cm->x);
  g_free (cm->w);
  g_free (cm->bias);
}

/* one convolution case, followed by residual Add and Relu (fused and
 * not, on 1 and 3 threads) against the reference loop */
static void
check_conv_case (GRand * r, conv_case c, int idx)
{
  conv_model cm;
  conv_model_init (&cm, r, &c);
  builder *b = &cm.b;
  int64_t nx = cm.nx, ny = cm.ny;
  float *x = cm.x, *w = cm.w, *bias = cm.bias, *res = g_new (float, ny);
  for (int64_t i = 0; i < ny; i++)
    res[i] = frand (r);
  add_init (b, "r", cm.nd, cm.ys, res);
  add_node (b, "Add", "c r", "s");
  add_node (b, "Relu", "s", "y");

  float *ref = g_new (float, ny);
  reference_conv (&c, x, w, bias, ref);
  for (int64_t i = 0; i < ny; i++) {
    float v = ref[i] + res[i];
    ref[i] = v > 0.0f ? v : 0.0f;
  }
  for (int fused = 0; fused < 2; fused++) {
    nn_model *m = build (b, !fused);
    if (fused)                  /* Add and Relu went into the Conv */
      g_assert_cmpuint (nn_model_n_steps (m), ==, 1);
    for (int threads = 1; threads <= 3; threads += 2) {
      size_t n;
      float *y = run (m, threads, x, nx, &n);
      g_assert_cmpuint (n, ==, ny);
      for (int64_t i = 0; i < ny; i++)
        if (fabsf (y[i] - ref[i]) > 1e-4f * MAX (1.0f, fabsf (ref[i])))
          g_error ("case %d (rank %d, C %ld M %ld group %ld, in %ldx%ldx%ld "
              "k %ldx%ldx%ld s %ldx%ldx%ld d %ldx%ldx%ld pads %ld,%ld,%ld/"
              "%ld,%ld,%ld, fused %d, threads %d): y[%ld] = %g, reference %g",
              idx, c.sp, (long) c.C, (long) c.M, (long) c.group,
              (long) c.in[0], (long) c.in[1], (long) c.in[2], (long) c.k[0],
              (long) c.k[1], (long) c.k[2], (long) c.s[0], (long) c.s[1],
              (long) c.s[2], (long) c.d[0], (long) c.d[1], (long) c.d[2],
              (long) c.pb[0], (long) c.pb[1], (long) c.pb[2], (long) c.pe[0],
              (long) c.pe[1], (long) c.pe[2], fused, threads, (long) i, y[i],
              ref[i]);
      g_free (y);
    }
    nn_model_free (m);
  }
  conv_model_clear (&cm);
  g_free (res);
  g_free (ref);
}

static void
test_conv_random (void)
{
  GRand *r = g_rand_new_with_seed (12);
  for (int i = 0; i < 150; i++)
    check_conv (r, i);
  g_rand_free (r);
}

/* layers as deep as a CNN's: long K (several K blocks of the transposed
 * and direct products), many channels (several 32-lane panels), maps
 * larger than one tile, stride 1 (direct) and 2 (column matrix), 2-D and
 * 3-D, dilation; whichever product the shapes pick (NN_CONV forces one) */
static void
test_conv_deep (void)
{
  GRand *r = g_rand_new_with_seed (17);
  const conv_case cases[] = {
    {.sp = 2,.C = 64,.M = 70,.group = 1,.in = {20, 23},.k = {3, 3},.s = {1,
            1},.d = {1, 1},.pb = {1, 1},.pe = {1, 1}},
    {.sp = 2,.C = 40,.M = 33,.group = 1,.in = {9, 31},.k = {5, 3},.s = {1,
            1},.d = {2, 1},.pb = {4, 0},.pe = {2, 2}},
    {.sp = 2,.C = 48,.M = 64,.group = 1,.in = {15, 15},.k = {3, 3},.s = {2,
            2},.d = {1, 1},.pb = {1, 1},.pe = {1, 1}},
    {.sp = 3,.C = 12,.M = 40,.group = 1,.in = {5, 11, 12},.k = {3, 3, 3},
        .s = {1, 1, 1},.d = {1, 1, 1},.pb = {1, 1, 1},.pe = {1, 1, 1}},
    {.sp = 1,.C = 100,.M = 32,.group = 1,.in = {90},.k = {7},.s = {1},.d = {1},
        .pb = {3},.pe = {3}},
    {.sp = 2,.C = 300,.M = 16,.group = 1,.in = {5, 6},.k = {1, 1},.s = {1,
            1},.d = {1, 1},.pb = {0, 0},.pe = {0, 0}},
    /* 1x1 with more columns than channels and 48+ of them: the AVX2
     * implicit product packs each strip (one K block, then two) */
    {.sp = 2,.C = 70,.M = 50,.group = 1,.in = {9, 11},.k = {1, 1},.s = {1,
            1},.d = {1, 1},.pb = {0, 0},.pe = {0, 0}},
    {.sp = 2,.C = 300,.M = 60,.group = 1,.in = {8, 9},.k = {1, 1},.s = {1,
            1},.d = {1, 1},.pb = {0, 0},.pe = {0, 0}},
    /* 520 channels: K = 576 is two K blocks of the transposed product */
    {.sp = 2,.C = 64,.M = 520,.group = 1,.in = {6, 7},.k = {3, 3},.s = {1,
            1},.d = {1, 1},.pb = {1, 1},.pe = {1, 1}},
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    conv_case c = cases[i];
    for (int a = 0; a < c.sp; a++) {
      int64_t span = (c.k[a] - 1) * c.d[a] + 1;
      c.out[a] = (c.in[a] + c.pb[a] + c.pe[a] - span) / c.s[a] + 1;
    }
    check_conv_case (r, c, 1000 + i);
  }
  g_rand_free (r);
}

/* a depthwise layer as large as mobilenet's, with stride 1 and 2 */
static void
test_depthwise_large (void)
{
  GRand *r = g_rand_new_with_seed (3);
  for (int s = 1; s <= 2; s++) {
    nn_depthwise p = {.C = 3,.H = 57,.W = 61,.KH = 3,.KW = 3,.sh = s,.sw = s,
      .ph = 1,.pw = 1,.dh = 1,.dw = 1
    };
    p.OH = (p.H + 2 - 3) / s + 1;
    p.OW = (p.W + 2 - 3) / s + 1;
    conv_case c = {.sp = 2,.C = 3,.M = 3,.group = 3,.in = {57, 61},.k = {3,
          3},.s = {s, s},.d = {1, 1},.pb = {1, 1},.out = {p.OH, p.OW}
    };
    float *x = g_new (float, 3 * 57 * 61), *w = g_new (float, 27);
    float bias[3] = { 0.5f, -0.25f, 0.0f };
    float *y = g_new (float, 3 * p.OH * p.OW), *ref = g_new (float,
        3 * p.OH * p.OW);
    for (int i = 0; i < 3 * 57 * 61; i++)
      x[i] = frand (r);
    for (int i = 0; i < 27; i++)
      w[i] = frand (r);
    float *scratch = g_malloc (nn_depthwise_scratch (&p));
    nn_epilogue e = {.act = NN_ACT_CLIP,.alpha = 0.0f,.beta = 6.0f,
      .residual = -1
    };
    nn_depthwise_run (&p, 0, 3, x, w, bias, NULL, &e, y, scratch);
    reference_conv (&c, x, w, bias, ref);
    for (int i = 0; i < 3 * p.OH * p.OW; i++)
      g_assert_cmpfloat_with_epsilon (y[i], CLAMP (ref[i], 0.0f, 6.0f),
          1e-5);
    g_free (scratch);
    g_free (x);
    g_free (w);
    g_free (y);
    g_free (ref);
  }
  g_rand_free (r);
}

/* the depthwise kernels straight from NCHW (AVX-512 with masked loads,
 * AVX2 through a padded plane in scratch) on small maps of every width
 * around the 16- and 8-lane vectors, each kernel width and stride they
 * take, pads up to the kernel's size and one more, the activations applied in
 * registers and through the epilogue, with and without a residual. The
 * AVX2 kernel gets a scratch full of NaN (it must zero the padding
 * itself) and the channels in two calls that share it. Whichever the
 * instruction set has; none with the generic one. */
static void
test_depthwise_direct (void)
{
  GRand *r = g_rand_new_with_seed (21);
  int checked = 0;
  const nn_activation acts[] = { NN_ACT_NONE, NN_ACT_RELU, NN_ACT_CLIP,
    NN_ACT_HARD_SWISH, NN_ACT_SILU
  };
  for (int i = 0; i < 600; i++) {
    int64_t kw = 3 + 2 * g_rand_int_range (r, 0, 3);
    int64_t kh = g_rand_int_range (r, 1, 8);
    int64_t sw = kw == 7 ? 1 : g_rand_int_range (r, 1, 3);
    int64_t sh = g_rand_int_range (r, 1, 4);
    int64_t C = g_rand_int_range (r, 1, 6);
    /* maps up to a few strips wide; pads up to the kernel's size and one
     * more (whole rows and columns of padding) */
    int64_t H = g_rand_int_range (r, 1, 25), W = g_rand_int_range (r, 1,
        70);
    int64_t ph = g_rand_int_range (r, 0, kh + 2);
    int64_t pw = g_rand_int_range (r, 0, kw + 2);
    if (H + 2 * ph < kh)
      continue;
    if (W + 2 * pw < kw)
      continue;
    nn_depthwise p = {.C = C,.H = H,.W = W,.KH = kh,.KW = kw,.sh = sh,
      .sw = sw,.ph = ph,.pw = pw,.dh = 1,.dw = 1
    };
    p.OH = (H + 2 * ph - kh) / sh + 1;
    p.OW = (W + 2 * pw - kw) / sw + 1;
    gboolean avx512 = nn_depthwise_avx512_fits (&p);
    if (!avx512 && !nn_depthwise_avx2_fits (&p))
      continue;
    conv_case c = {.sp = 2,.C = C,.M = C,.group = C,.in = {H, W},.k = {kh,
          kw},.s = {sh, sw},.d = {1, 1},.pb = {ph, pw},.out = {p.OH, p.OW}
    };
    int64_t nx = C * H * W, ny = C * p.OH * p.OW;
    float *x = g_new (float, nx), *w = g_new (float, C * kh * kw);
    float *bias = g_new (float, C), *res = g_new (float, ny);
    float *y = g_new (float, ny), *ref = g_new (float, ny);
    for (int64_t j = 0; j < nx; j++)
      x[j] = 3.0f * frand (r);
    for (int64_t j = 0; j < C * kh * kw; j++)
      w[j] = frand (r);
    for (int64_t j = 0; j < C; j++)
      bias[j] = frand (r);
    for (int64_t j = 0; j < ny; j++)
      res[j] = frand (r);
    gboolean with_res = g_rand_boolean (r);
    nn_epilogue e = {.act = acts[g_rand_int_range (r, 0, G_N_ELEMENTS
              (acts))],.alpha = -0.5f,.beta = 1.5f,.residual = -1
    };
    if (avx512) {
      nn_depthwise_avx512_run (&p, 0, C, x, w, bias, with_res ? res : NULL,
          &e, y);
    } else {
      size_t bytes = nn_depthwise_avx2_scratch (&p);
      float *scratch = g_malloc (bytes);
      memset (scratch, 0xff, bytes);
      int64_t half = C / 2;
      nn_depthwise_avx2_run (&p, 0, half, x, w, bias, with_res ? res : NULL,
          &e, y, scratch);
      nn_depthwise_avx2_run (&p, half, C, x, w, bias, with_res ? res : NULL,
          &e, y, scratch);
      g_free (scratch);
    }
    reference_conv (&c, x, w, bias, ref);
    for (int64_t j = 0; j < ny; j++) {
      float v = ref[j] + (with_res ? res[j] : 0.0f);
      nn_activation_apply (e.act, e.alpha, e.beta, &v, &v, 1);
      if (fabsf (y[j] - v) > 1e-5f * MAX (1.0f, fabsf (v)))
        g_error ("depthwise %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
            " kernel %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " stride %"
            G_GINT64_FORMAT ",%" G_GINT64_FORMAT " pad %" G_GINT64_FORMAT
            ",%" G_GINT64_FORMAT ": element %" G_GINT64_FORMAT " is %g, "
            "expected %g", H, W, kh, kw, sh, sw, ph, pw, j, y[j], v);
    }
    checked++;
    g_free (x);
    g_free (w);
    g_free (bias);
    g_free (res);
    g_free (y);
    g_free (ref);
  }
  g_rand_free (r);
  if (nn_isa_get () == NN_ISA_GENERIC)
    g_assert_cmpint (checked, ==, 0);
  else
    g_assert_cmpint (checked, >, 100);
}

/* 2-D MaxPool on random shapes (kernels 1-5 on each axis, strides 1-3,
 * pads up to the kernel's size and one more, so whole windows lie in the
 * padding, ceil_mode, widths around the 8-lane vector and several
 * vectors wide, NaN in the input) against a reference loop, on 1 and 3
 * threads: the AVX2 kernel where the shape fits it, the portable loops
 * otherwise (and everywhere under NN_ISA=generic) */
static void
test_maxpool_random (void)
{
  GRand *r = g_rand_new_with_seed (31);
  for (int i = 0; i < 300; i++) {
    int64_t C = g_rand_int_range (r, 1, 5), H = g_rand_int_range (r, 1, 20);
    int64_t W = g_rand_int_range (r, 1, 70);
    int64_t k[2], st[2], pads[4], out[2];
    gboolean ceil_mode = g_rand_boolean (r);
    int64_t in[2] = { H, W };
    gboolean ok = TRUE;
    for (int a = 0; a < 2; a++) {
      k[a] = g_rand_int_range (r, 1, 6);
      st[a] = g_rand_int_range (r, 1, 4);
      pads[a] = g_rand_int_range (r, 0, k[a] + 2);
      pads[a + 2] = g_rand_int_range (r, 0, k[a] + 2);
      int64_t room = in[a] + pads[a] + pads[a + 2] - k[a];
      if (room < 0) {
        ok = FALSE;
        break;
      }
      out[a] = (ceil_mode ? (room + st[a] - 1) / st[a] : room / st[a]) + 1;
      /* a ceil_mode window must start inside the input or its begin pad */
      if (ceil_mode && (out[a] - 1) * st[a] >= in[a] + pads[a])
        out[a]--;
    }
    if (!ok)
      continue;
    int64_t xs[4] = { 1, C, H, W }, ys[4] = { 1, C, out[0], out[1] };
    int64_t nx = C * H * W, ny = C * out[0] * out[1];
    float *x = g_new (float, nx), *ref = g_new (float, ny);
    for (int64_t j = 0; j < nx; j++)
      x[j] = frand (r);
    if (g_rand_int_range (r, 0, 4) == 0)
      x[g_rand_int_range (r, 0, (gint32) nx)] = NAN;
    for (int64_t c = 0; c < C; c++)
      for (int64_t oh = 0; oh < out[0]; oh++)
        for (int64_t ow = 0; ow < out[1]; ow++) {
          float m = -INFINITY;
          for (int64_t kh = 0; kh < k[0]; kh++)
            for (int64_t kw = 0; kw < k[1]; kw++) {
              int64_t ih = oh * st[0] - pads[0] + kh;
              int64_t iw = ow * st[1] - pads[1] + kw;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
                float v = x[(c * H + ih) * W + iw];
                m = v > m ? v : m;      /* ONNX leaves NaN's order open */
              }
            }
          ref[(c * out[0] + oh) * out[1] + ow] = m;
        }
    builder b;
    builder_init (&b);
    g_ptr_array_add (b.inputs, value_info (&b, "x", 4, xs));
    g_ptr_array_add (b.outputs, value_info (&b, "y", 4, ys));
    Onnx__NodeProto *pool = add_node (&b, "MaxPool", "x", "y");
    Onnx__AttributeProto *attrs[] = {
      attr_ints (&b, "kernel_shape", 2, k),
      attr_ints (&b, "strides", 2, st),
      attr_ints (&b, "pads", 4, pads),
      attr_int (&b, "ceil_mode", ceil_mode),
    };
    set_attrs (&b, pool, G_N_ELEMENTS (attrs), attrs);
    nn_model *m = build (&b, FALSE);
    for (int threads = 1; threads <= 3; threads += 2) {
      size_t n;
      float *y = run (m, threads, x, nx, &n);
      g_assert_cmpuint (n, ==, ny);
      for (int64_t j = 0; j < ny; j++)
        if (!(y[j] == ref[j] || (isnan (y[j]) && isnan (ref[j]))))
          g_error ("maxpool case %d (%ldx%ld k %ldx%ld s %ldx%ld pads "
              "%ld,%ld/%ld,%ld ceil %d, threads %d): y[%ld] = %g, "
              "reference %g", i, (long) H, (long) W, (long) k[0],
              (long) k[1], (long) st[0], (long) st[1], (long) pads[0],
              (long) pads[1], (long) pads[2], (long) pads[3], ceil_mode,
              threads, (long) j, y[j], ref[j]);
      g_free (y);
    }
    nn_model_free (m);
    builder_clear (&b);
    g_free (x);
    g_free (ref);
  }
  g_rand_free (r);
}

/* ---- epilogue patterns: fused == unfused ---- */

/* MatMul + bias Add, then `act` as torch exports it */
static void
check_matmul_pattern (const char *act)
{
  GRand *r = g_rand_new_with_seed (7);
  int64_t xs[2] = { 37, 20 }, ws[2] = { 20, 29 }, ys[2] = { 37, 29 };
  float x[37 * 20], w[20 * 29], bv[29];
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = 3.0f * frand (r);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    w[i] = frand (r);
  for (guint i = 0; i < G_N_ELEMENTS (bv); i++)
    bv[i] = frand (r);
  builder b;
  builder_init (&b);
  g_ptr_array_add (b.inputs, value_info (&b, "x", 2, xs));
  g_ptr_array_add (b.outputs, value_info (&b, "y", 2, ys));
  add_init (&b, "w", 2, ws, w);
  int64_t one = 1;
  add_init (&b, "bv", 1, &ws[1], bv);
  add_node (&b, "MatMul", "x w", "p");
  add_node (&b, "Add", "p bv", "h");
  float lo = 0.0f, hi = 6.0f, sq2 = 1.41421356f, unit = 1.0f, half = 0.5f;
  add_init (&b, "lo", 0, &one, &lo);
  add_init (&b, "hi", 0, &one, &hi);
  add_init (&b, "sq2", 0, &one, &sq2);
  add_init (&b, "one", 0, &one, &unit);
  add_init (&b, "half", 0, &one, &half);
  int steps;
  if (strcmp (act, "SiLU") == 0) {
    add_node (&b, "Sigmoid", "h", "s");
    add_node (&b, "Mul", "h s", "y");
    steps = 1;
  } else if (strcmp (act, "GELU") == 0) {
    add_node (&b, "Div", "h sq2", "d");
    add_node (&b, "Erf", "d", "e");
    add_node (&b, "Add", "e one", "a");
    add_node (&b, "Mul", "h a", "m");
    add_node (&b, "Mul", "m half", "y");
    steps = 1;
  } else if (strcmp (act, "Clip") == 0) {
    add_node (&b, "Clip", "h lo hi", "y");
    steps = 1;
  } else {
    add_node (&b, act, "h", "y");
    steps = 1;
  }
  nn_model *fused = build (&b, FALSE), *plain = build (&b, TRUE);
  g_assert_cmpuint (nn_model_n_steps (fused), ==, steps);
  size_t n1, n2;
  float *a = run (fused, 1, x, G_N_ELEMENTS (x), &n1);
  float *c = run (plain, 2, x, G_N_ELEMENTS (x), &n2);
  g_assert_cmpuint (n1, ==, n2);
  for (size_t i = 0; i < n1; i++)
    if (fabsf (a[i] - c[i]) > 2e-6f * MAX (1.0f, fabsf (c[i])))
      g_error ("%s: fused %g, unfused %g at %zu", act, a[i], c[i], i);
  g_free (a);
  g_free (c);
  nn_model_free (fused);
  nn_model_free (plain);
  builder_clear (&b);
  g_rand_free (r);
}

static void
test_epilogues (void)
{
  const char *acts[] = { "Relu", "Clip", "HardSwish", "HardSigmoid",
    "Sigmoid", "Tanh", "LeakyRelu", "SiLU", "GELU"
  };
  for (guint i = 0; i < G_N_ELEMENTS (acts); i++)
    check_matmul_pattern (acts[i]);
}

/* Conv + bias + Relu, Clip or HardSwish, fused (the AVX2 implicit
 * product applies them as it stores) against the reference loop, on 1
 * and 3 threads: a 1x1 and five 3x3 layers on maps large enough for the
 * implicit product (four with long output rows, two at stride 2), a Clip
 * tight enough that both bounds bite */
static void
test_conv_clamps (void)
{
  GRand *r = g_rand_new_with_seed (41);
  const conv_case cases[] = {
    {.sp = 2,.C = 7,.M = 20,.group = 1,.in = {13, 14},.k = {1, 1},.s = {1,
            1},.d = {1, 1},.out = {13, 14}},
    {.sp = 2,.C = 5,.M = 16,.group = 1,.in = {14, 15},.k = {3, 3},.s = {1,
            1},.d = {1, 1},.pb = {1, 1},.pe = {1, 1},.out = {14, 15}},
    /* output rows of 40 and 35 for 16 and 8 channels: on AVX2 each row
     * is a product of its own written in place (row_direct) */
    {.sp = 2,.C = 3,.M = 16,.group = 1,.in = {20, 40},.k = {3, 3},.s = {1,
            1},.d = {1, 1},.pb = {1, 1},.pe = {1, 1},.out = {20, 40}},
    {.sp = 2,.C = 4,.M = 8,.group = 1,.in = {30, 70},.k = {3, 3},.s = {2,
            2},.d = {1, 1},.pb = {1, 1},.pe = {1, 1},.out = {15, 35}},
    /* and on AVX-512, first layers of 1024 output pixels or more (K from
     * 16 to 256): 72- and 45-pixel rows, at stride 1 and 2 */
    {.sp = 2,.C = 3,.M = 24,.group = 1,.in = {16, 72},.k = {3, 3},.s = {1,
            1},.d = {1, 1},.pb = {1, 1},.pe = {1, 1},.out = {16, 72}},
    {.sp = 2,.C = 2,.M = 16,.group = 1,.in = {50, 90},.k = {3, 3},.s = {2,
            2},.d = {1, 1},.pb = {1, 1},.pe = {1, 1},.out = {25, 45}},
  };
  const char *acts[] = { "Relu", "Clip", "HardSwish" };
  for (guint ci = 0; ci < G_N_ELEMENTS (cases); ci++)
    for (int a = 0; a < 3; a++) {
      conv_case c = cases[ci];
      conv_model cm;
      conv_model_init (&cm, r, &c);
      int64_t one = 1, ny = cm.ny;
      float lo = -0.3f, hi = 0.4f, *ref = g_new (float, ny);
      add_init (&cm.b, "lo", 0, &one, &lo);
      add_init (&cm.b, "hi", 0, &one, &hi);
      if (a == 1)
        add_node (&cm.b, "Clip", "c lo hi", "y");
      else
        add_node (&cm.b, acts[a], "c", "y");
      reference_conv (&c, cm.x, cm.w, cm.bias, ref);
      for (int64_t i = 0; i < ny; i++)
        ref[i] = a == 1 ? CLAMP (ref[i], lo, hi) : a == 0 ? MAX (ref[i],
            0.0f) : ref[i] * CLAMP (ref[i] / 6.0f + 0.5f, 0.0f, 1.0f);
      nn_model *m = build (&cm.b, FALSE);
      g_assert_cmpuint (nn_model_n_steps (m), ==, 1);
      for (int threads = 1; threads <= 3; threads += 2) {
        size_t n;
        float *y = run (m, threads, cm.x, cm.nx, &n);
        g_assert_cmpuint (n, ==, ny);
        for (int64_t i = 0; i < ny; i++)
          if (fabsf (y[i] - ref[i]) > 1e-5f * MAX (1.0f, fabsf (ref[i])))
            g_error ("conv %u %s, threads %d: y[%ld] = %g, reference %g", ci,
                acts[a], threads, (long) i, y[i], ref[i]);
        g_free (y);
      }
      nn_model_free (m);
      conv_model_clear (&cm);
      g_free (ref);
    }
  g_rand_free (r);
}

/* MatMul (Q, Kᵀ) -> Softmax -> MatMul (·, V), fused into one step (the
 * scores kept per block of rows), against a double-precision loop, on 1
 * and 3 threads, and the unfused graph; rows across the block edge */
static void
check_attention (int64_t B, int64_t M, int64_t K, int64_t N, int64_t D)
{
  GRand *r = g_rand_new_with_seed (M * 7 + N * 3 + K + D);
  int64_t qs[3] = { B, M, K }, ks[3] = { B, K, N }, vs[3] = { B, N, D };
  int64_t ys[3] = { B, M, D };
  float *q = g_new (float, B * M * K), *kt = g_new (float, B * K * N);
  float *v = g_new (float, B * N * D), *ref = g_new (float, B * M * D);
  for (int64_t i = 0; i < B * M * K; i++)
    q[i] = 2.0f * frand (r);
  for (int64_t i = 0; i < B * K * N; i++)
    kt[i] = 2.0f * frand (r);
  for (int64_t i = 0; i < B * N * D; i++)
    v[i] = frand (r);
  double *srow = g_new (double, N);
  for (int64_t b = 0; b < B; b++)
    for (int64_t i = 0; i < M; i++) {
      double mx = -INFINITY, sum = 0.0;
      for (int64_t j = 0; j < N; j++) {
        double acc = 0.0;
        for (int64_t k = 0; k < K; k++)
          acc += (double) q[(b * M + i) * K + k] * kt[(b * K + k) * N + j];
        srow[j] = acc;
        mx = MAX (mx, acc);
      }
      for (int64_t j = 0; j < N; j++)
        sum += srow[j] = exp (srow[j] - mx);
      for (int64_t d = 0; d < D; d++) {
        double acc = 0.0;
        for (int64_t j = 0; j < N; j++)
          acc += srow[j] / sum * v[(b * N + j) * D + d];
        ref[(b * M + i) * D + d] = (float) acc;
      }
    }
  builder bl;
  builder_init (&bl);
  g_ptr_array_add (bl.inputs, value_info (&bl, "q", 3, qs));
  g_ptr_array_add (bl.inputs, value_info (&bl, "kt", 3, ks));
  g_ptr_array_add (bl.outputs, value_info (&bl, "y", 3, ys));
  add_init (&bl, "v", 3, vs, v);
  add_node (&bl, "MatMul", "q kt", "s");
  add_node (&bl, "Softmax", "s", "p");
  add_node (&bl, "MatMul", "p v", "y");
  nn_model *fused = build (&bl, FALSE), *plain = build (&bl, TRUE);
  g_assert_cmpuint (nn_model_n_steps (fused), ==, 1);
  g_assert_cmpuint (nn_model_n_steps (plain), ==, 3);
  for (int t = 0; t < 3; t++) {
    size_t ny;
    float *y = run2 (t == 2 ? plain : fused, t == 1 ? 3 : 1, q, B * M * K, kt,
        B * K * N, &ny);
    g_assert_cmpuint (ny, ==, B * M * D);
    for (int64_t i = 0; i < B * M * D; i++)
      if (!(fabsf (y[i] - ref[i]) <= 1e-5f * MAX (1.0f, fabsf (ref[i]))))
        g_error ("attention %s B=%ld M=%ld K=%ld N=%ld D=%ld: element %ld is "
            "%g, reference %g", t == 2 ? "unfused" : "fused", (long) B,
            (long) M, (long) K, (long) N, (long) D, (long) i, y[i], ref[i]);
    g_free (y);
  }
  nn_model_free (fused);
  nn_model_free (plain);
  builder_clear (&bl);
  g_free (srow);
  g_free (q);
  g_free (kt);
  g_free (v);
  g_free (ref);
  g_rand_free (r);
}

static void
test_attention (void)
{
  check_attention (1, 1, 3, 1, 5);
  check_attention (2, 97, 32, 17, 32);
  check_attention (4, 200, 32, 400, 32);
  check_attention (3, 96, 7, 33, 40);
  check_attention (1, 193, 64, 197, 64);
}

/* x [rows][K] @ W [K][N] + bias, with W constant (packed at load on
 * AVX-512), against the definition: sizes reach every blocking edge */
static void
check_matmul (int64_t rows, int64_t K, int64_t N, gboolean w_input)
{
  GRand *r = g_rand_new_with_seed (rows * 1000 + K + N);
  int64_t xs[2] = { rows, K }, ws[2] = { K, N }, ys[2] = { rows, N };
  float *x = g_new (float, rows * K), *w = g_new (float, K * N);
  float *bv = g_new (float, N);
  for (int64_t i = 0; i < rows * K; i++)
    x[i] = frand (r);
  for (int64_t i = 0; i < K * N; i++)
    w[i] = frand (r);
  for (int64_t i = 0; i < N; i++)
    bv[i] = frand (r);
  builder b;
  builder_init (&b);
  g_ptr_array_add (b.inputs, value_info (&b, "x", 2, xs));
  g_ptr_array_add (b.outputs, value_info (&b, "y", 2, ys));
  /* a constant W is packed at load; an input W on every run */
  if (w_input)
    g_ptr_array_add (b.inputs, value_info (&b, "w", 2, ws));
  else
    add_init (&b, "w", 2, ws, w);
  add_init (&b, "bv", 1, &ws[1], bv);
  add_node (&b, "MatMul", "x w", "p");
  add_node (&b, "Add", "p bv", "y");
  nn_model *m = build (&b, FALSE);
  size_t n;
  float *y = run2 (m, 2, x, rows * K, w_input ? w : NULL, K * N, &n);
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < N; j++) {
      double acc = bv[j];
      for (int64_t k = 0; k < K; k++)
        acc += (double) x[i * K + k] * w[k * N + j];
      if (fabs (y[i * N + j] - acc) > 1e-4 * MAX (1.0, fabs (acc)))
        g_error ("matmul %ldx%ldx%ld: y[%ld][%ld] = %g, reference %g",
            (long) rows, (long) K, (long) N, (long) i, (long) j,
            y[i * N + j], acc);
    }
  g_free (y);
  nn_model_free (m);
  builder_clear (&b);
  g_free (x);
  g_free (w);
  g_free (bv);
  g_rand_free (r);
}

static void
test_matmul (void)
{
  /* few and many column panels, K over one block, rows over one block */
  for (int w_input = 0; w_input < 2; w_input++) {
    check_matmul (5, 7, 3, w_input);
    check_matmul (37, 300, 45, w_input);
    check_matmul (151, 20, 100, w_input);
    check_matmul (301, 513, 67, w_input);
    check_matmul (2, 30, 40, w_input);
    check_matmul (3, 30, 40, w_input);
    check_matmul (1, 30, 40, w_input);  /* one row: the BLAS gemv path */
  }
}

/* Gemm with a constant B (packed at load, transposed first for transB)
 * or B as an input (the BLAS path), C absent, a row vector or a full
 * matrix, alpha and beta, against a double-precision loop */
static Onnx__AttributeProto *
attr_float (builder * b, const char *name, float v)
{
  Onnx__AttributeProto *a = keep (b, g_new0 (Onnx__AttributeProto, 1));
  onnx__attribute_proto__init (a);
  a->name = keep (b, g_strdup (name));
  a->has_type = TRUE;
  a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
  a->has_f = TRUE;
  a->f = v;
  return a;
}

static void
check_gemm (int64_t rows, int64_t K, int64_t N, gboolean tb,
    gboolean w_input, int c_kind, float alpha, float beta)
{
  GRand *r = g_rand_new_with_seed (rows * 1000 + K + N + tb);
  int64_t xs[2] = { rows, K }, ws[2] = { tb ? N : K, tb ? K : N };
  int64_t ys[2] = { rows, N }, cs[2] = { c_kind == 2 ? rows : 1, N };
  float *x = g_new (float, rows * K), *w = g_new (float, K * N);
  float *cv = g_new (float, rows * N);
  for (int64_t i = 0; i < rows * K; i++)
    x[i] = frand (r);
  for (int64_t i = 0; i < K * N; i++)
    w[i] = frand (r);
  for (int64_t i = 0; i < rows * N; i++)
    cv[i] = frand (r);
  builder b;
  builder_init (&b);
  g_ptr_array_add (b.inputs, value_info (&b, "x", 2, xs));
  g_ptr_array_add (b.outputs, value_info (&b, "y", 2, ys));
  if (w_input)
    g_ptr_array_add (b.inputs, value_info (&b, "w", 2, ws));
  else
    add_init (&b, "w", 2, ws, w);
  if (c_kind)
    add_init (&b, "c", 2, cs, cv);
  Onnx__NodeProto *n = add_node (&b, "Gemm", c_kind ? "x w c" : "x w", "y");
  Onnx__AttributeProto *attrs[3] = { attr_int (&b, "transB", tb),
    attr_float (&b, "alpha", alpha), attr_float (&b, "beta", beta)
  };
  set_attrs (&b, n, 3, attrs);
  nn_model *m = build (&b, FALSE);
  size_t ny;
  float *y = run2 (m, 2, x, rows * K, w_input ? w : NULL, K * N, &ny);
  g_assert_cmpuint (ny, ==, rows * N);
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < N; j++) {
      double acc = 0.0;
      for (int64_t k = 0; k < K; k++)
        acc += (double) x[i * K + k] * w[tb ? j * K + k : k * N + j];
      acc *= alpha;
      if (c_kind)
        acc += beta * cv[(c_kind == 2 ? i * N : 0) + j];
      if (fabs (y[i * N + j] - acc) > 1e-4 * MAX (1.0, fabs (acc)))
        g_error ("gemm %ldx%ldx%ld transB %d C %d: y[%ld][%ld] = %g, "
            "reference %g", (long) rows, (long) K, (long) N, tb, c_kind,
            (long) i, (long) j, y[i * N + j], acc);
    }
  g_free (y);
  nn_model_free (m);
  builder_clear (&b);
  g_free (x);
  g_free (w);
  g_free (cv);
  g_rand_free (r);
}

static void
test_gemm (void)
{
  for (int w_input = 0; w_input < 2; w_input++)
    for (int tb = 0; tb < 2; tb++) {
      check_gemm (1, 40, 10, tb, w_input, 1, 1.0f, 1.0f);
      check_gemm (2, 30, 33, tb, w_input, 0, 1.0f, 1.0f);
      check_gemm (3, 7, 5, tb, w_input, 2, 0.5f, 2.0f);
      check_gemm (37, 300, 45, tb, w_input, 1, 1.0f, 1.0f);
      check_gemm (100, 128, 128, tb, w_input, 2, 1.0f, -1.0f);
      check_gemm (13, 513, 67, tb, w_input, 1, 2.0f, 0.0f);
      /* one row, many columns: split by column panels over the workers */
      check_gemm (1, 300, 200, tb, w_input, 2, 0.5f, 2.0f);
    }
}

/* the AVX-512 products on their own: A packed at load, A read in place,
 * and the transposed product for few columns, on sizes around every
 * block edge (12-row and 32-column tiles, K blocks of 256) */
static void
test_sgemm_avx512 (void)
{
  if (nn_isa_get () != NN_ISA_AVX512) {
    g_test_skip ("no AVX-512 (or NN_ISA lowered it)");
    return;
  }
  GRand *r = g_rand_new_with_seed (5);
  const int64_t sizes[][3] = { {1, 1, 1}, {12, 32, 256}, {13, 33, 257},
    {5, 49, 320}, {70, 3, 600}, {64, 196, 576}, {31, 100, 9}, {100, 64, 1},
    {3, 300, 40}, {1280, 49, 320}
  };
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++) {
    int64_t M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];
    float *A = g_new (float, M * K), *B = g_new (float, K * N);
    float *C = g_new (float, M * N), *ref = g_new (float, M * N);
    for (int64_t i = 0; i < M * K; i++)
      A[i] = frand (r);
    for (int64_t i = 0; i < K * N; i++)
      B[i] = frand (r);
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) {
        double acc = 0.0;
        for (int64_t k = 0; k < K; k++)
          acc += (double) A[i * K + k] * B[k * N + j];
        ref[i * N + j] = (float) acc;
      }
    float *ap = g_malloc (nn_sgemm_avx512_packed_size (M, K) * sizeof (float));
    float *wt = g_aligned_alloc (nn_sgemm_avx512_packed_b_size (K, M),
        sizeof (float), 64);
    nn_sgemm_avx512_pack_a (M, K, A, K, ap);
    nn_sgemm_avx512_pack_wt (M, K, A, K, wt);
    for (int path = 0; path < 3; path++) {
      memset (C, 0xff, M * N * sizeof (float));     /* NaN */
      if (path == 0)
        nn_sgemm_avx512_packed (M, N, K, ap, B, N, C, N);
      else if (path == 1)
        g_assert_true (nn_sgemm_avx512 (M, N, K, A, K, B, N, C, N));
      else
        nn_sgemm_avx512_small_n (M, N, K, wt, B, N, C, N);
      for (int64_t i = 0; i < M * N; i++)
        if (!(fabsf (C[i] - ref[i]) <= 1e-4f * MAX (1.0f, fabsf (ref[i]))))
          g_error ("sgemm path %d %ldx%ldx%ld: element %ld is %g, "
              "reference %g", path, (long) M, (long) N, (long) K, (long) i,
              C[i], ref[i]);
    }
    g_free (ap);
    g_aligned_free (wt);
    g_free (A);
    g_free (B);
    g_free (C);
    g_free (ref);
  }
  g_rand_free (r);
}

/* weights stored transposed ([N][K], an RNN's W and R) packed into
 * column panels, times one row (the matrix-vector pass of an RNN step)
 * and times a few rows (the packed product), against a double loop; the
 * row vector writes nothing past N */
static void
test_sgemv_avx512 (void)
{
  if (nn_isa_get () != NN_ISA_AVX512) {
    g_test_skip ("no AVX-512 (or NN_ISA lowered it)");
    return;
  }
  GRand *r = g_rand_new_with_seed (7);
  const int64_t Ns[] = { 1, 15, 16, 17, 32, 33, 100, 256, 257, 384, 512,
    544, 1024, 1056
  };
  const int64_t Ks[] = { 1, 7, 128, 300 };
  for (guint a = 0; a < G_N_ELEMENTS (Ns); a++)
    for (guint b = 0; b < G_N_ELEMENTS (Ks); b++) {
      int64_t N = Ns[a], K = Ks[b], M = 3, guard = 40;
      float *Bt = g_new (float, N * K), *X = g_new (float, M * K);
      float *y = g_new (float, M * N + guard), *ref = g_new (float, M * N);
      float *bp = g_aligned_alloc (nn_sgemm_avx512_packed_b_size (K, N),
          sizeof (float), 64);
      for (int64_t i = 0; i < N * K; i++)
        Bt[i] = frand (r);
      for (int64_t i = 0; i < M * K; i++)
        X[i] = frand (r);
      for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
          double acc = 0.0;
          for (int64_t k = 0; k < K; k++)
            acc += (double) X[i * K + k] * Bt[j * K + k];
          ref[i * N + j] = (float) acc;
        }
      nn_sgemm_avx512_pack_bt (K, N, Bt, K, bp);
      for (int path = 0; path < 2; path++) {
        int64_t rows = path == 0 ? 1 : M;
        memset (y, 0xff, (M * N + guard) * sizeof (float));     /* NaN */
        if (path == 0)
          nn_sgemv_avx512_packed (N, K, X, bp, y);
        else
          nn_sgemm_avx512_packed_b (M, N, K, X, K, bp, y, N);
        for (int64_t i = 0; i < rows * N; i++)
          if (!(fabsf (y[i] - ref[i]) <= 1e-4f * MAX (1.0f, fabsf (ref[i]))))
            g_error ("packed %s N=%ld K=%ld: element %ld is %g, reference "
                "%g", path ? "product" : "sgemv", (long) N, (long) K,
                (long) i, y[i], ref[i]);
        for (int64_t i = rows * N; i < M * N + guard; i++)
          g_assert_true (isnan (y[i]));
      }
      g_aligned_free (bp);
      g_free (Bt);
      g_free (X);
      g_free (y);
      g_free (ref);
    }
  g_rand_free (r);
}

/* ---- Transpose against the definition ---- */

/* Random ranks 2 to 4, sizes 1 to 40 and permutations: the tiled path
 * (the input's contiguous axis moved off the end, both sides at least 8,
 * partial tiles at the edges) and the gather path give exactly the
 * definition's elements */
static void
test_transpose_random (void)
{
  GRand *r = g_rand_new_with_seed (23);
  int tiled = 0;
  for (int it = 0; it < 300; it++) {
    int nd = g_rand_int_range (r, 2, 5);
    int64_t shape[4], perm[4], oshape[4], n = 1;
    for (int d = 0; d < nd; d++) {
      shape[d] = g_rand_int_range (r, 0, 3) == 0 ? g_rand_int_range (r, 1, 4)
          : g_rand_int_range (r, 8, 41);
      n *= shape[d];
      perm[d] = d;
    }
    for (int d = nd - 1; d > 0; d--) {
      int j = g_rand_int_range (r, 0, d + 1);
      int64_t t = perm[d];
      perm[d] = perm[j];
      perm[j] = t;
    }
    for (int d = 0; d < nd; d++)
      oshape[d] = shape[perm[d]];
    tiled += perm[nd - 1] != nd - 1 && shape[nd - 1] >= 8
        && oshape[nd - 1] >= 8;
    float *x = g_new (float, n), *ref = g_new (float, n);
    for (int64_t i = 0; i < n; i++)
      x[i] = (float) i;
    /* the definition: output index -> input index through perm */
    int64_t istr[4], s = 1;
    for (int d = nd - 1; d >= 0; d--) {
      istr[d] = s;
      s *= shape[d];
    }
    for (int64_t o = 0; o < n; o++) {
      int64_t rest = o, src = 0;
      for (int d = nd - 1; d >= 0; d--) {
        src += rest % oshape[d] * istr[perm[d]];
        rest /= oshape[d];
      }
      ref[o] = x[src];
    }
    builder b;
    builder_init (&b);
    g_ptr_array_add (b.inputs, value_info (&b, "x", nd, shape));
    g_ptr_array_add (b.outputs, value_info (&b, "y", nd, oshape));
    Onnx__NodeProto *node = add_node (&b, "Transpose", "x", "y");
    Onnx__AttributeProto *attrs[1] = { attr_ints (&b, "perm", nd, perm) };
    set_attrs (&b, node, 1, attrs);
    nn_model *m = build (&b, FALSE);
    size_t ny;
    float *y = run (m, 1, x, n, &ny);
    g_assert_cmpuint (ny, ==, n);
    for (int64_t i = 0; i < n; i++)
      if (y[i] != ref[i])
        g_error ("transpose of rank %d, perm %ld %ld %ld %ld: element %ld "
            "is %g, the definition's %g", nd, (long) perm[0], (long) perm[1],
            nd > 2 ? (long) perm[2] : -1L, nd > 3 ? (long) perm[3] : -1L,
            (long) i, y[i], ref[i]);
    g_free (y);
    nn_model_free (m);
    builder_clear (&b);
    g_free (x);
    g_free (ref);
  }
  /* the tiled path must have been taken, not only the gather */
  g_assert_cmpint (tiled, >=, 50);
  g_rand_free (r);
}

/* ---- recurrent steps split over the workers ---- */

static Onnx__AttributeProto *
attr_string (builder * b, const char *name, const char *v)
{
  Onnx__AttributeProto *a = keep (b, g_new0 (Onnx__AttributeProto, 1));
  onnx__attribute_proto__init (a);
  a->name = keep (b, g_strdup (name));
  a->has_type = TRUE;
  a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
  a->has_s = TRUE;
  a->s.len = strlen (v);
  a->s.data = keep (b, g_strdup (v));
  return a;
}

/* an LSTM or GRU node of hidden_size H; R an initializer (packed at
 * load for the matrix-vector pass of each step) or, with r_input, a graph
 * input after x (never packed: the product of the other path) */
static nn_model *
rnn_model (gboolean lstm, const char *dir, int64_t S, int64_t IN, int64_t H,
    const float *w, const float *rw, const float *bw, gboolean r_input)
{
  int64_t D = strcmp (dir, "bidirectional") == 0 ? 2 : 1, G = lstm ? 4 : 3;
  int64_t xs[3] = { S, 1, IN }, ws[3] = { D, G * H, IN };
  int64_t rs[3] = { D, G * H, H }, bs[2] = { D, 2 * G * H };
  int64_t ys[4] = { S, D, 1, H }, hs[3] = { D, 1, H };
  builder b;
  builder_init (&b);
  g_ptr_array_add (b.inputs, value_info (&b, "x", 3, xs));
  if (r_input)
    g_ptr_array_add (b.inputs, value_info (&b, "r", 3, rs));
  g_ptr_array_add (b.outputs, value_info (&b, "y", 4, ys));
  g_ptr_array_add (b.outputs, value_info (&b, "yh", 3, hs));
  if (lstm)
    g_ptr_array_add (b.outputs, value_info (&b, "yc", 3, hs));
  add_init (&b, "w", 3, ws, w);
  if (!r_input)
    add_init (&b, "r", 3, rs, rw);
  add_init (&b, "b", 2, bs, bw);
  Onnx__NodeProto *n = add_node (&b, lstm ? "LSTM" : "GRU", "x w r b",
      lstm ? "y yh yc" : "y yh");
  Onnx__AttributeProto *attrs[3] = { attr_int (&b, "hidden_size", H),
    attr_string (&b, "direction", dir),
    attr_int (&b, "linear_before_reset", 1)
  };
  set_attrs (&b, n, lstm ? 2 : 3, attrs);
  nn_model *m = build (&b, FALSE);
  builder_clear (&b);
  return m;
}

/* LSTM and GRU (linear_before_reset) of 256 units, forward, reverse and
 * bidirectional, odd and even sequence lengths. On one thread, with R
 * packed at load, every output (Y, Y_h, Y_c) is within 1e-5 of the same
 * node with R a graph input (never packed; the ONNX node tests check
 * that path against the definition). On 2 and 3 threads (the directions
 * on two workers; each batch-1 step split by blocks of 32 units, H
 * double-buffered) every output equals the one thread's. */
static void
test_rnn_threads (void)
{
  GRand *r = g_rand_new_with_seed (17);
  const int64_t H = 256, IN = 24;
  const char *dirs[] = { "forward", "reverse", "bidirectional" };
  for (int lstm = 0; lstm < 2; lstm++)
    for (int di = 0; di < 3; di++)
      for (int64_t S = 6; S <= 7; S++) {
        int64_t D = di == 2 ? 2 : 1, G = lstm ? 4 : 3;
        float *x = g_new (float, S * IN), *w = g_new (float, D * G * H * IN);
        float *rw = g_new (float, D * G * H * H);
        float *bw = g_new (float, D * 2 * G * H);
        for (int64_t i = 0; i < S * IN; i++)
          x[i] = frand (r);
        for (int64_t i = 0; i < D * G * H * IN; i++)
          w[i] = 0.2f * frand (r);
        for (int64_t i = 0; i < D * G * H * H; i++)
          rw[i] = 0.1f * frand (r);
        for (int64_t i = 0; i < D * 2 * G * H; i++)
          bw[i] = 0.1f * frand (r);
        nn_model *m = rnn_model (lstm, dirs[di], S, IN, H, w, rw, bw, FALSE);
        nn_model *mr = rnn_model (lstm, dirs[di], S, IN, H, w, rw, bw, TRUE);
        size_t n1, nt;
        float *y1 = run_outputs (m, 1, x, S * IN, NULL, 0, TRUE, &n1);
        size_t nr;
        float *yr = run_outputs (mr, 1, x, S * IN, rw, D * G * H * H, TRUE,
            &nr);
        g_assert_cmpuint (nr, ==, n1);
        for (size_t i = 0; i < n1; i++)
          if (!(fabsf (yr[i] - y1[i]) <= 1e-5f * MAX (1.0f, fabsf (yr[i]))))
            g_error ("%s %s S %ld, R packed: output element %zu is %g, "
                "unpacked %g", lstm ? "LSTM" : "GRU", dirs[di], (long) S, i,
                y1[i], yr[i]);
        g_free (yr);
        nn_model_free (mr);
        for (int threads = 2; threads <= 3; threads++) {
          float *yt = run_outputs (m, threads, x, S * IN, NULL, 0, TRUE,
              &nt);
          g_assert_cmpuint (nt, ==, n1);
          for (size_t i = 0; i < n1; i++)
            if (!(fabsf (yt[i] - y1[i]) <= 1e-6f * MAX (1.0f, fabsf (y1[i]))))
              g_error ("%s %s S %ld on %d threads: output element %zu is %g, "
                  "one thread %g", lstm ? "LSTM" : "GRU", dirs[di], (long) S,
                  threads, i, yt[i], y1[i]);
          g_free (yt);
        }
        g_free (y1);
        nn_model_free (m);
        g_free (x);
        g_free (w);
        g_free (rw);
        g_free (bw);
      }
  g_rand_free (r);
}

/* ---- sessions own their threads ---- */

typedef struct {
  nn_model *m;
  int threads;
  const float *x;
  size_t nx;
  float *y;
  size_t ny;
} session_job;

static gpointer
run_many (gpointer data)
{
  session_job *j = data;
  GError *err = NULL;
  nn_session_options so = {.threads = j->threads };
  nn_session *s = nn_session_new (j->m, &so, &err);
  g_assert_no_error (err);
  memcpy (nn_session_input (s, 0)->data, j->x, j->nx * sizeof (float));
  for (int r = 0; r < 20; r++) {
    g_assert_true (nn_session_run (s, &err));
    const nn_tensor *out = nn_session_output (s, 0);
    if (r == 0) {
      j->ny = nn_tensor_numel (out);
      j->y = g_memdup2 (out->data, j->ny * sizeof (float));
    } else {                    /* every run gives the same result */
      g_assert_cmpmem (out->data, j->ny * sizeof (float), j->y,
          j->ny * sizeof (float));
    }
  }
  nn_session_free (s);
  return NULL;
}

/* two sessions of one model with different thread counts, run at the same
 * time from two threads: each gets the single-threaded result */
static void
test_sessions_concurrent (void)
{
  GRand *r = g_rand_new_with_seed (5);
  int64_t xs[4] = { 1, 8, 30, 30 }, ws[4] = { 16, 8, 3, 3 };
  int64_t ys[4] = { 1, 16, 30, 30 };
  float x[8 * 30 * 30], w[16 * 8 * 9];
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = frand (r);
  for (guint i = 0; i < G_N_ELEMENTS (w); i++)
    w[i] = frand (r);
  builder b;
  builder_init (&b);
  g_ptr_array_add (b.inputs, value_info (&b, "x", 4, xs));
  g_ptr_array_add (b.outputs, value_info (&b, "y", 4, ys));
  add_init (&b, "w", 4, ws, w);
  Onnx__NodeProto *conv = add_node (&b, "Conv", "x w", "c");
  int64_t pads[4] = { 1, 1, 1, 1 };
  Onnx__AttributeProto *attrs[] = { attr_ints (&b, "pads", 4, pads) };
  set_attrs (&b, conv, 1, attrs);
  add_node (&b, "Relu", "c", "y");
  nn_model *m = build (&b, FALSE);
  size_t n;
  float *ref = run (m, 1, x, G_N_ELEMENTS (x), &n);
  session_job jobs[2] = {
    {m, 1, x, G_N_ELEMENTS (x), NULL, 0}, {m, 2, x, G_N_ELEMENTS (x), NULL, 0}
  };
  GThread *t0 = g_thread_new ("one", run_many, &jobs[0]);
  GThread *t1 = g_thread_new ("two", run_many, &jobs[1]);
  g_thread_join (t0);
  g_thread_join (t1);
  for (int k = 0; k < 2; k++) {
    g_assert_cmpuint (jobs[k].ny, ==, n);
    for (size_t i = 0; i < n; i++)
      g_assert_cmpfloat_with_epsilon (jobs[k].y[i], ref[i], 1e-5);
    g_free (jobs[k].y);
  }
  g_free (ref);
  nn_model_free (m);
  builder_clear (&b);
  g_rand_free (r);
}

/* ---- vectorized math against libm in double ---- */

static void
test_math (void)
{
  double worst_erf = 0, worst_exp = 0, worst_sig = 0, worst_tanh = 0;
  for (double v = -9.0; v <= 9.0; v += 1.0 / 4096) {
    float x = (float) v;
    double e = erf ((double) x);
    double d = fabs (nn_erff (x) - e);
    worst_erf = MAX (worst_erf, d / MAX (fabs (e), 1e-30));
    if (x > -80 && x < 80) {
      double ex = exp ((double) x);
      worst_exp = MAX (worst_exp, fabs (nn_expf (x) - ex) / ex);
    }
    double s = 1.0 / (1.0 + exp (-(double) x));
    worst_sig = MAX (worst_sig, fabs (nn_sigmoidf (x) - s) / s);
    double t = tanh ((double) x);
    if (x != 0.0f)
      worst_tanh = MAX (worst_tanh, fabs (nn_tanhf (x) - t) / fabs (t));
  }
  g_test_message ("relative error: erf %.2e exp %.2e sigmoid %.2e tanh %.2e",
      worst_erf, worst_exp, worst_sig, worst_tanh);
  g_assert_cmpfloat (worst_erf, <, 1e-6);
  g_assert_cmpfloat (worst_exp, <, 1e-6);
  g_assert_cmpfloat (worst_sig, <, 1e-6);
  g_assert_cmpfloat (worst_tanh, <, 1e-6);
  g_assert_cmpfloat (nn_erff (0.0f), ==, 0.0f);
  /* NaN propagates (the fuzzer once reached a NaN-to-int conversion) */
  volatile float nan = NAN;
  g_assert_true (isnan (nn_expf (nan)) && isnan (nn_sigmoidf (nan))
      && isnan (nn_erff (nan)) && isnan (nn_tanhf (nan)));

  /* the AVX2 sigmoid and SiLU (activation-avx2.c): within 1e-6 of the
   * definition over the same sweep, finite in the clamped ranges, NaN
   * kept, any tail length */
  if (!__builtin_cpu_supports ("avx2") || !__builtin_cpu_supports ("fma"))
    return;
  int64_t n = (int64_t) (18.0 * 4096) + 3;
  float *x = g_new (float, n + 4), *ys = g_new (float, n + 4);
  float *yl = g_new (float, n + 4);
  for (int64_t i = 0; i < n; i++)
    x[i] = (float) (-9.0 + i / 4096.0);
  x[n] = NAN;
  x[n + 1] = -200.0f;
  x[n + 2] = 200.0f;
  x[n + 3] = -INFINITY;
  nn_sigmoid_avx2 (x, ys, n + 4, FALSE);
  nn_sigmoid_avx2 (x, yl, n + 4, TRUE);
  double worst_s = 0, worst_l = 0;
  for (int64_t i = 0; i < n; i++) {
    double s = 1.0 / (1.0 + exp (-(double) x[i]));
    worst_s = MAX (worst_s, fabs (ys[i] - s) / s);
    if (x[i] != 0.0f)
      worst_l = MAX (worst_l, fabs (yl[i] - x[i] * s) / fabs (x[i] * s));
  }
  g_test_message ("AVX2 relative error: sigmoid %.2e SiLU %.2e", worst_s,
      worst_l);
  g_assert_cmpfloat (worst_s, <, 1e-6);
  g_assert_cmpfloat (worst_l, <, 1e-6);
  g_assert_true (isnan (ys[n]) && isnan (yl[n]));
  g_assert_cmpfloat (fabsf (ys[n + 1]), <, 1e-30f);
  g_assert_cmpfloat (ys[n + 2], ==, 1.0f);
  g_assert_cmpfloat (yl[n + 2], ==, 200.0f);
  g_assert_cmpfloat (fabsf (yl[n + 1]), <, 1e-30f);
  g_assert_cmpfloat (fabsf (ys[n + 3]), <, 1e-30f);
  /* in place, a length that leaves a tail of 5 */
  memcpy (yl, x, 13 * sizeof (float));
  nn_sigmoid_avx2 (yl, yl, 13, TRUE);
  for (int i = 0; i < 13; i++)
    g_assert_cmpfloat (fabsf (yl[i] - x[i] * nn_sigmoidf (x[i])), <=,
        1e-6f * fabsf (x[i]));
  g_free (x);
  g_free (ys);
  g_free (yl);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* NN_ISA only lowers the level: asked for AVX-512 on a CPU without it,
   * this run would repeat the AVX2 one under an AVX-512 name; meson
   * reports it skipped instead (exit status 77) */
  if (g_strcmp0 (g_getenv ("NN_ISA"), "avx512") == 0
      && nn_isa_get () != NN_ISA_AVX512) {
    g_printerr ("no AVX-512 on this CPU: its kernels are not tested here\n");
    return 77;
  }
  g_test_message ("kernels for %s", nn_isa_name (nn_isa_get ()));
  g_test_add_func ("/nn/kernels/conv-random", test_conv_random);
  g_test_add_func ("/nn/kernels/conv-deep", test_conv_deep);
  g_test_add_func ("/nn/kernels/depthwise-large", test_depthwise_large);
  g_test_add_func ("/nn/kernels/depthwise-direct", test_depthwise_direct);
  g_test_add_func ("/nn/kernels/maxpool-random", test_maxpool_random);
  g_test_add_func ("/nn/kernels/epilogues", test_epilogues);
  g_test_add_func ("/nn/kernels/conv-clamps", test_conv_clamps);
  g_test_add_func ("/nn/kernels/attention", test_attention);
  g_test_add_func ("/nn/kernels/matmul", test_matmul);
  g_test_add_func ("/nn/kernels/gemm", test_gemm);
  g_test_add_func ("/nn/kernels/sgemm-avx512", test_sgemm_avx512);
  g_test_add_func ("/nn/kernels/sgemv-avx512", test_sgemv_avx512);
  g_test_add_func ("/nn/kernels/sessions-concurrent",
      test_sessions_concurrent);
  g_test_add_func ("/nn/kernels/rnn-threads", test_rnn_threads);
  g_test_add_func ("/nn/kernels/transpose-random", test_transpose_random);
  g_test_add_func ("/nn/kernels/math", test_math);
  return g_test_run ();
}
