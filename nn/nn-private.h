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

/* Hot loops get AVX-512 and AVX2+FMA clones beside the baseline one; the
 * loader picks one at start-up (GCC function multiversioning), so the
 * library stays portable to any x86-64 and still uses the wider units
 * (the AVX-512 clone runs activations such as SiLU 16 lanes at a time). */
/* Not under ThreadSanitizer: the clones' resolvers run while the program is
 * relocated, before TSan's runtime is up, and crash every test binary. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) \
    && !defined(__SANITIZE_THREAD__)
#define NN_VECTORIZE __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NN_VECTORIZE
#endif

/* integers from attributes and shape inputs that ops do arithmetic on
 * (pads, strides, steps, sizes) must lie within this bound */
#define NN_MAX_DIM ((int64_t) G_MAXINT32)

/* the largest tensor a model may hold; anything larger is refused at load
 * time rather than attempted */
#define NN_MAX_TENSOR_BYTES ((int64_t) 512 << 20)

/* Memory budget of one model: weights, constants made at load time and one
 * session's arena together (nn_load_options.memory_budget overrides it).
 * A tensor the runtime computes (graph input, node output, scratch) may
 * take at most a quarter of it: weights are backed by bytes of the file,
 * computed tensors only by numbers in it, and a few bytes of file must not
 * make us allocate gigabytes. */
#define NN_DEFAULT_MEMORY_BUDGET ((size_t) 1 << 30)

typedef struct nn_node nn_node;
typedef struct nn_model nn_graph;

/* A kernel reads `in` (absent optional inputs are NULL) and writes `out`.
 * Shapes were checked by prepare(); kernels never fail. */
typedef void (*nn_kernel) (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch);

typedef gboolean (*nn_prepare) (nn_graph * g, nn_node * node, GError ** error);

/* Operators by id (ops.c holds the table: name, prepare, traits). */
typedef enum {
  NN_OP_UNKNOWN,
  NN_OP_ADD, NN_OP_SUB, NN_OP_MUL, NN_OP_DIV, NN_OP_POW, NN_OP_EQUAL,
  NN_OP_WHERE,
  NN_OP_SQRT, NN_OP_EXP, NN_OP_LOG, NN_OP_ERF, NN_OP_NEG, NN_OP_ABS,
  NN_OP_RECIPROCAL, NN_OP_RELU, NN_OP_LEAKY_RELU, NN_OP_SIGMOID, NN_OP_TANH,
  NN_OP_CLIP, NN_OP_HARD_SIGMOID, NN_OP_HARD_SWISH,
  NN_OP_SOFTMAX, NN_OP_LOG_SOFTMAX, NN_OP_CAST,
  NN_OP_CONV, NN_OP_GEMM, NN_OP_MATMUL,
  NN_OP_MAX_POOL, NN_OP_AVERAGE_POOL, NN_OP_GLOBAL_AVERAGE_POOL,
  NN_OP_GLOBAL_MAX_POOL,
  NN_OP_BATCH_NORM, NN_OP_LAYER_NORM, NN_OP_INSTANCE_NORM,
  NN_OP_REDUCE_MEAN, NN_OP_REDUCE_SUM, NN_OP_REDUCE_MAX,
  NN_OP_RESHAPE, NN_OP_FLATTEN, NN_OP_SQUEEZE, NN_OP_UNSQUEEZE,
  NN_OP_IDENTITY, NN_OP_DROPOUT, NN_OP_TRANSPOSE, NN_OP_CONCAT, NN_OP_SPLIT,
  NN_OP_SLICE, NN_OP_GATHER, NN_OP_EXPAND, NN_OP_PAD,
  NN_OP_SHAPE, NN_OP_CONSTANT, NN_OP_CONSTANT_OF_SHAPE, NN_OP_RANGE,
  NN_OP_GRU, NN_OP_LSTM,
  NN_OP_COUNT
} nn_op;

typedef enum {
  /* an elementwise activation a producer can apply to its output rows */
  NN_TRAIT_EPILOGUE = 1 << 0,
  /* a GEMM-like op whose kernel runs an epilogue (bias, residual, act) */
  NN_TRAIT_PRODUCER = 1 << 1,
  /* moves or describes data without arithmetic */
  NN_TRAIT_SHAPE_ONLY = 1 << 2,
  /* every output is optional (the kernel checks each) */
  NN_TRAIT_OPTIONAL_OUTPUTS = 1 << 3,
} nn_trait;

/* Activations a producer applies in its epilogue. */
typedef enum {
  NN_ACT_NONE,
  NN_ACT_RELU,
  NN_ACT_LEAKY_RELU,            /* alpha */
  NN_ACT_CLIP,                  /* [alpha, beta] */
  NN_ACT_HARD_SIGMOID,          /* clamp01 (alpha x + beta) */
  NN_ACT_HARD_SWISH,
  NN_ACT_SIGMOID,
  NN_ACT_TANH,
  NN_ACT_SILU,                  /* x sigmoid (x) */
  NN_ACT_GELU,                  /* x (1 + erf (x / sqrt 2)) / 2 */
} nn_activation;

/* What a producer does to each output element after the product:
 * y = act (y + bias + residual). The bias is per output channel (Conv) or
 * per column (MatMul, nn_node.bias); the residual is input slot
 * `residual` of the node, of the output's shape. */
typedef struct {
  nn_activation act;
  float alpha, beta;
  int residual;                 /* input slot, or -1 */
} nn_epilogue;

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
  nn_op op;
  nn_epilogue epi;              /* fused bias add, residual, activation */
  const float *bias;            /* fused bias over the last output axis */
  gboolean dead;                /* folded or fused away */
  /* bit i set by prepare(): input i was copied into params (weights packed
   * for a kernel) and the kernel never reads the value itself, so a
   * constant read by no other node is freed after loading (graph.c) */
  guint32 packed_inputs;
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
  size_t budget, used;          /* memory budget and bytes taken from it */
  int64_t batch;                /* inputs per run (axis 0 of the inputs) */
  int64_t macs;                 /* multiply-adds of Conv/Gemm/MatMul/RNNs */
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
/* the same with raw_data given apart from the message (NULL: none);
 * `release`: raw lies in a read-only file mapping, whose pages are given
 * back as they are copied */
gboolean nn_tensor_from_raw (const Onnx__TensorProto * tp, const void *raw,
    size_t raw_len, gboolean release, nn_tensor * out, GError ** error);

/* memory budget (graph.c): takes `bytes` for the tensor `name`, or fails
 * with a GError naming it and the size; and the limit of one computed
 * tensor */
gboolean nn_budget_take (nn_graph * g, size_t bytes, const char *what,
    const char *name, GError ** error);
size_t nn_max_computed_bytes (const nn_graph * g);
/* fails with a node error when output `i` of `n` (as nn_set_out gave it)
 * would pass that limit; prepare functions that fill a tensor at load
 * time ask before they allocate it */
gboolean nn_output_fits (nn_graph * g, const nn_node * n, int i,
    GError ** error);
/* "381.5 MiB": a size for messages, g_free'd by the caller */
gchar *nn_size_string (double bytes);
/* "float32 [1, 3, 224, 224]" into buf */
const char *nn_shape_string (const nn_tensor * t, char *buf, size_t size);

/* shape helpers */
int64_t nn_shape_numel (int ndim, const int64_t * shape);
/* numpy broadcast of two shapes; FALSE if incompatible */
gboolean nn_broadcast_shape (int na, const int64_t * a, int nb,
    const int64_t * b, int *nout, int64_t * out);
/* normalizes a possibly negative axis; FALSE if out of range */
gboolean nn_axis (int64_t axis, int ndim, int *out);

/* blas.c: OpenBLAS set to one thread and its idle workers stopped, once
 * per process (every session does it when it is made) */
void nn_blas_single_threaded (void);

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
 * error about 1e-7; inputs are clamped to the range of normal floats, NaN
 * stays NaN. */
static inline float
nn_expf (float x)
{
  /* written so that NaN clamps to -87 (a NaN converted to int below would
   * be undefined); the NaN itself is returned at the end */
  float xc = x > -87.0f ? x : -87.0f;
  xc = xc < 88.0f ? xc : 88.0f;
  float n = (xc * 1.44269504f + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
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
  return x == x ? e * scale : x;
}

/* tanh through exp: glibc's tanhf goes through expm1f and is several
 * times slower. Below |x| = 0.55, where 1 - 2/(e^2x + 1) loses digits to
 * cancellation, the odd Taylor series to x^15 (truncation below 3e-8
 * relative); above, the exp form is within 2e-7 relative. Both computed,
 * one selected: no branch, so it vectorizes. */
static inline float
nn_tanhf (float x)
{
  float ax = x < 0.0f ? -x : x;
  float x2 = x * x;
  float p = -1.45583438e-3f;
  p = p * x2 + 3.59212803e-3f;
  p = p * x2 - 8.86323552e-3f;
  p = p * x2 + 2.18694885e-2f;
  p = p * x2 - 5.39682540e-2f;
  p = p * x2 + 1.33333333e-1f;
  p = p * x2 - 3.33333333e-1f;
  float series = x + x * x2 * p;
  float t = 1.0f - 2.0f / (nn_expf (2.0f * x) + 1.0f);
  return ax < 0.55f ? series : t;
}

static inline float
nn_sigmoidf (float x)
{
  return 1.0f / (1.0f + nn_expf (-x));
}

/* erf that vectorizes (glibc's erff branches per range and costs several
 * ns). Below |x| = 0.5 the Maclaurin series to x^13 (truncation < 1e-9);
 * above, erf = 1 - t P(t) e^(-x^2) with t = 1/(1 + p|x|) (Abramowitz and
 * Stegun 7.1.26, absolute error 1.5e-7, so below 3e-7 relative there);
 * both are computed and one selected, so there is no branch. */
static inline float
nn_erff (float x)
{
  float ax = x < 0.0f ? -x : x;
  float x2 = x * x;
  float s = -1.0683760684e-4f;  /* 1/9360, times 2/sqrt(pi) below */
  s = s * x2 + 7.5757575758e-4f;
  s = s * x2 - 4.6296296296e-3f;
  s = s * x2 + 2.3809523810e-2f;
  s = s * x2 - 1.0e-1f;
  s = s * x2 + 3.3333333333e-1f;
  s = s * x2 - 1.0f;
  float small = -x * s * 1.1283791671f;
  float t = 1.0f / (1.0f + 0.3275911f * ax);
  float q = 1.061405429f;
  q = q * t - 1.453152027f;
  q = q * t + 1.421413741f;
  q = q * t - 0.284496736f;
  q = q * t + 0.254829592f;
  float big = 1.0f - q * t * nn_expf (-x2);
  big = x < 0.0f ? -big : big;
  return ax < 0.5f ? small : big;
}

/* op table (ops.c) */
typedef struct {
  const char *name;
  nn_prepare prepare;
  unsigned traits;              /* nn_trait bits */
} nn_op_info;

nn_op nn_op_from_name (const char *op_type);
const nn_op_info *nn_op_get_info (nn_op op);
nn_prepare nn_op_lookup (const char *op_type);
gboolean nn_op_supported (const char *op_type);

static inline gboolean
nn_op_has (nn_op op, nn_trait trait)
{
  return (nn_op_get_info (op)->traits & trait) != 0;
}

/* epilogue.c: y[i] = act (y[i] + bias + bias_vec[i] + res[i]) over n
 * contiguous elements; bias_vec and res may be NULL */
void nn_epilogue_apply (const nn_epilogue * e, float *y, int64_t n,
    float bias, const float *bias_vec, const float *res);
/* the same activation alone, from x to y (x may equal y) */
void nn_activation_apply (nn_activation act, float alpha, float beta,
    const float *x, float *y, int64_t n);
static inline gboolean
nn_epilogue_is_identity (const nn_epilogue * e)
{
  return e->act == NN_ACT_NONE && e->residual < 0;
}
const char *nn_activation_name (nn_activation act);

/* fused attention (ops/gemm.c, ops/unary.c): MatMul (Q, Kᵀ) -> Softmax
 * over the last axis -> MatMul (·, V) run by the first MatMul row block
 * by row block, the scores never leaving the cache */
void nn_softmax_row (const float *x, float *y, int64_t n);
gboolean nn_softmax_is_rows (const nn_node * n, int64_t cols);
gboolean nn_matmul_fuse_attention (nn_graph * g, nn_node * n,
    nn_node * softmax, nn_node * m2);

/* parallel.c: intra-op parallelism over the running session's workers.
 * fn is called on disjoint ranges [lo, hi) covering [0, n), each with the
 * calling worker's own slice of the scratch buffer (`scratch` advanced by
 * worker * the session's scratch stride); outside a session run (constant
 * folding) it runs on the calling thread alone. */
typedef void (*nn_range_fn) (void *ctx, int64_t lo, int64_t hi,
    void *scratch);
void nn_parallel_for (int64_t n, int64_t grain, nn_range_fn fn, void *ctx,
    void *scratch);
/* number of workers of the running session (1 outside a run, and in a
 * chunk of a parallel loop, where a nested loop runs inline) */
int nn_parallel_workers (void);
/* the grain for n items worth `work` multiply-adds in all (other ops
 * count their work in multiply-adds of the same time: the kernels run
 * ~60 a nanosecond): each chunk gets at least NN_PARALLEL_MIN_WORK of it,
 * ~1 us, since handing a chunk to a worker that is awake costs ~0.5 us
 * (tests/nn/pool-test --bench) */
#define NN_PARALLEL_MIN_WORK (1 << 16)
static inline int64_t
nn_parallel_grain (int64_t n, double work)
{
  if (work <= 0.0 || n <= 0)
    return 1;
  double g = (double) n * NN_PARALLEL_MIN_WORK / work;
  return g >= (double) n ? n : MAX (1, (int64_t) g);
}
typedef struct nn_pool nn_pool;
nn_pool *nn_pool_new (int threads);
void nn_pool_free (nn_pool * pool);
/* makes `pool` the one nn_parallel_for uses on this thread */
void nn_pool_enter (nn_pool * pool, size_t scratch_stride);
void nn_pool_leave (void);

/* load-time passes */
/* keeps only the steps whose node is not dead (folded or fused away) */
void nn_drop_dead_steps (nn_graph * g);
/* `mapped`: data is a read-only file mapping whose pages may be released
 * once copied */
gboolean nn_import (nn_graph * g, const void *data, size_t size,
    gboolean mapped, const nn_load_options * opts, GError ** error);
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
/* the epilogue activation a prepared unary node computes; FALSE if it has
 * none (or its bounds are not constant) */
gboolean nn_unary_activation (nn_graph * g, const nn_node * n,
    nn_epilogue * e);
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
