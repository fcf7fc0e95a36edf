/* Internal structures of the nn runtime: the loaded graph, its values and
 * nodes, and the contract between the graph builder and the op files.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Loading runs in this order (graph.c):
 *   import (onnx-import.c) -> topological order -> for each node: its op's
 *   prepare() checks attributes, infers output types and shapes and picks a
 *   kernel; if every input is constant the kernel runs right away (constant
 *   folding) -> fusions (fuse.c) -> memory plan (plan.c).
 * A session (session.c) then binds one arena and runs the remaining steps.
 */
#ifndef MMFUSION_NN_PRIVATE_H
#define MMFUSION_NN_PRIVATE_H

#include <mmfusion/nn.h>
#include <string.h>
#include "onnx.pb-c.h"

/* Hot loops get an AVX2+FMA clone beside the baseline one; the loader
 * picks one at start-up (GCC function multiversioning), so the library
 * stays portable to any x86-64 and still uses the wider units. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NN_VECTORIZE __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define NN_VECTORIZE
#endif

/* integers from attributes and shape inputs that ops do arithmetic on
 * (pads, strides, steps, sizes) must lie within this bound */
#define NN_MAX_DIM ((int64_t) G_MAXINT32)

/* the largest tensor a model may hold; anything larger is refused at load
 * time rather than attempted */
#define NN_MAX_TENSOR_BYTES ((int64_t) 512 << 20)

typedef struct nn_node nn_node;
typedef struct nn_model nn_graph;

/* A kernel reads `in` (absent optional inputs are NULL) and writes `out`.
 * Shapes were checked by prepare(); kernels never fail. */
typedef void (*nn_kernel) (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch);

typedef gboolean (*nn_prepare) (nn_graph * g, nn_node * node, GError ** error);

typedef enum {
  NN_ACT_NONE,
  NN_ACT_RELU,
} nn_activation;

typedef struct nn_value {
  char *name;
  nn_tensor t;                  /* type and shape; data set when constant */
  size_t nbytes;
  gboolean known;               /* produced by an input, initializer or node */
  gboolean is_const;            /* t.data is valid and owned by the graph */
  int producer;                 /* node index, or -1 */
  int first_step, last_step;    /* lifetime in the step list */
  size_t offset;                /* arena offset once planned */
  int n_uses;                   /* live consumers, for fusion */
  uint32_t symbolic;            /* graph inputs: bit d set when dimension d
                                 * had no value in the file (dim_param) */
} nn_value;

struct nn_node {
  char *name;
  char *op_type;
  const Onnx__NodeProto *proto; /* valid while loading only */
  int n_in, n_out;
  int *in, *out;                /* value indices; -1 for an absent input */
  nn_kernel run;
  void *params;                 /* op-specific, g_free'd */
  size_t scratch_bytes;
  nn_activation act;            /* fused activation on the output */
  const float *bias;            /* fused bias over the last output axis */
  gboolean dead;                /* folded or fused away */
};

struct nn_model {
  Onnx__ModelProto *proto;      /* freed at the end of loading */
  GArray *values;               /* nn_value */
  GArray *nodes;                /* nn_node */
  GHashTable *value_index;      /* name -> index + 1 */
  GArray *inputs, *outputs;     /* int value indices */
  GArray *steps;                /* int node indices, in run order */
  GPtrArray *meta_keys, *meta_values;
  GPtrArray *op_names;          /* distinct op types as loaded */
  GArray *op_counts;            /* size_t */
  int64_t opset;
  char *producer;
  size_t arena_size, scratch_size;
  gboolean no_fusion;
};

static inline nn_value *
nn_val (nn_graph * g, int idx)
{
  return idx < 0 ? NULL : &g_array_index (g->values, nn_value, idx);
}

static inline nn_node *
nn_nod (nn_graph * g, int idx)
{
  return &g_array_index (g->nodes, nn_node, idx);
}

/* input i of a node, or NULL when absent */
nn_value *nn_in (nn_graph * g, nn_node * n, int i);
/* declares output i: type and shape */
void nn_set_out (nn_graph * g, nn_node * n, int i, nn_type type, int ndim,
    const int64_t * shape);

/* a GError naming the node and its op */
void nn_node_error (GError ** error, const nn_node * n, int code,
    const char *fmt, ...) G_GNUC_PRINTF (4, 5);

/* attributes */
const Onnx__AttributeProto *nn_attr (const nn_node * n, const char *name);
int64_t nn_attr_int (const nn_node * n, const char *name, int64_t dflt);
float nn_attr_float (const nn_node * n, const char *name, float dflt);
/* string attribute into buf (NUL-terminated), or dflt */
const char *nn_attr_string (const nn_node * n, const char *name,
    char *buf, size_t size, const char *dflt);
/* INTS attribute: count or -1 when absent; at most max values copied */
int nn_attr_ints (const nn_node * n, const char *name, int64_t * out,
    int max);
int nn_attr_floats (const nn_node * n, const char *name, float *out,
    int max);

/* integer values of a constant input (int64 or int32), as int64 in a
 * g_malloc'ed array; NN_ERROR_DYNAMIC when the input is not constant */
gboolean nn_const_ints (nn_graph * g, nn_node * n, int i, int64_t ** vals,
    int64_t * count, GError ** error);

/* TensorProto -> tensor with g_malloc'ed data */
gboolean nn_tensor_from_proto (const Onnx__TensorProto * tp, nn_tensor * out,
    GError ** error);

/* shape helpers */
int64_t nn_shape_numel (int ndim, const int64_t * shape);
/* numpy broadcast of two shapes; FALSE if incompatible */
gboolean nn_broadcast_shape (int na, const int64_t * a, int nb,
    const int64_t * b, int *nout, int64_t * out);
/* normalizes a possibly negative axis; FALSE if out of range */
gboolean nn_axis (int64_t axis, int ndim, int *out);

/* C[M,N] = alpha op(A) op(B) + beta C, row-major; one-row products go to
 * sgemv, whose call overhead is far lower at the sizes batch-1 models have
 * (blas.c) */
void nn_sgemm (gboolean trans_a, gboolean trans_b, int64_t M, int64_t N,
    int64_t K, float alpha, const float *A, int64_t lda, const float *B,
    int64_t ldb, float beta, float *C, int64_t ldc);

/* exp that vectorizes: libm's expf is a call the compiler cannot widen.
 * x = n ln2 + r with n rounded by the 1.5*2^23 trick (exact for |n| < 2^22),
 * ln2 split in two for an exact reduction, e^r by the Cephes polynomial on
 * |r| <= ln2/2, and 2^n put straight into the exponent bits. Relative
 * error about 1e-7; inputs are clamped to the range of normal floats. */
static inline float
nn_expf (float x)
{
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  float n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float e = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t) n + 127) << 23;
  float scale;
  memcpy (&scale, &bits, sizeof scale);
  return e * scale;
}

/* tanh through exp: glibc's tanhf goes through expm1f and is several
 * times slower. Near zero the odd series avoids the cancellation in
 * 1 - 2/(e+1); the error stays below 1e-7 absolute. */
static inline float
nn_tanhf (float x)
{
  float ax = x < 0.0f ? -x : x;
  float series = x - x * x * x * (1.0f / 3.0f);
  float t = 1.0f - 2.0f / (nn_expf (2.0f * x) + 1.0f);
  return ax < 0.004f ? series : t;
}

static inline float
nn_sigmoidf (float x)
{
  return 1.0f / (1.0f + nn_expf (-x));
}

/* op registry (ops.c) */
nn_prepare nn_op_lookup (const char *op_type);
gboolean nn_op_supported (const char *op_type);

/* load-time passes */
/* keeps only the steps whose node is not dead (folded or fused away) */
void nn_drop_dead_steps (nn_graph * g);
gboolean nn_import (nn_graph * g, const void *data, size_t size,
    const nn_load_options * opts, GError ** error);
void nn_fuse (nn_graph * g);
void nn_plan (nn_graph * g);

/* op prepare functions, by family */
#define NN_DECLARE_PREPARE(name) \
  gboolean nn_prepare_##name (nn_graph * g, nn_node * n, GError ** error)

/* elementwise.c */
NN_DECLARE_PREPARE (binary);
NN_DECLARE_PREPARE (where);
/* unary.c */
NN_DECLARE_PREPARE (unary);
NN_DECLARE_PREPARE (cast);
NN_DECLARE_PREPARE (softmax);
/* conv.c */
NN_DECLARE_PREPARE (conv);
/* gemm.c */
NN_DECLARE_PREPARE (gemm);
NN_DECLARE_PREPARE (matmul);
/* pool.c */
NN_DECLARE_PREPARE (pool);
NN_DECLARE_PREPARE (global_pool);
/* norm.c */
NN_DECLARE_PREPARE (batch_norm);
NN_DECLARE_PREPARE (layer_norm);
NN_DECLARE_PREPARE (instance_norm);
/* reduce.c */
NN_DECLARE_PREPARE (reduce);
/* layout.c: ops that move data without arithmetic */
NN_DECLARE_PREPARE (reshape);
NN_DECLARE_PREPARE (flatten);
NN_DECLARE_PREPARE (squeeze);
NN_DECLARE_PREPARE (unsqueeze);
NN_DECLARE_PREPARE (identity);
NN_DECLARE_PREPARE (transpose);
NN_DECLARE_PREPARE (concat);
NN_DECLARE_PREPARE (split);
NN_DECLARE_PREPARE (slice);
NN_DECLARE_PREPARE (gather);
NN_DECLARE_PREPARE (expand);
NN_DECLARE_PREPARE (pad);
/* generate.c: ops that make tensors from shapes or attributes */
NN_DECLARE_PREPARE (shape);
NN_DECLARE_PREPARE (constant);
NN_DECLARE_PREPARE (constant_of_shape);
NN_DECLARE_PREPARE (range);
/* recurrent.c */
NN_DECLARE_PREPARE (gru);
NN_DECLARE_PREPARE (lstm);

#endif /* MMFUSION_NN_PRIVATE_H */
