/* mmfusion nn: a small inference runtime for PyTorch-exported ONNX models.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How to use it
 * -------------
 *
 *   GError *err = NULL;
 *   nn_model *m = nn_model_load_file ("model.onnx", NULL, &err);
 *   if (!m) { g_printerr ("%s\n", err->message); ... }
 *
 *   nn_session *s = nn_session_new (m, NULL, &err);
 *   nn_tensor *x = nn_session_input (s, 0);       // shape and type are fixed
 *   fill ((float *) x->data, nn_tensor_numel (x));
 *   if (!nn_session_run (s, &err)) ...
 *   const nn_tensor *y = nn_session_output (s, 0);
 *   ... read (const float *) y->data ...
 *   nn_session_free (s);
 *   nn_model_free (m);
 *
 * The runtime is static-shaped. Loading a model resolves every tensor's
 * shape once: symbolic dimensions of the graph inputs become 1 unless the
 * caller gives them (nn_load_options.dims), the Shape/Gather/Concat chains
 * that PyTorch exports for reshapes fold to constants, Conv+Relu and similar
 * pairs fuse, and a memory plan packs every intermediate tensor into one
 * arena by lifetime. A session owns one arena; running it allocates nothing.
 * Several sessions may share one model (it is read-only after loading), each
 * used by one thread at a time.
 *
 * Batches: a model exported with a symbolic batch axis (torch.onnx.export
 * with dynamic_axes={"video": {0: "N"}, ...}) can be loaded for N samples
 * a run with nn_load_options.batch = N; each input and output then holds
 * the N samples one after the other, and the results are those of N
 * single runs.
 *
 * Loading reads the file once and keeps one copy of the weights; every
 * size a model declares is checked against a memory budget
 * (nn_load_options.memory_budget) before anything is allocated for it.
 *
 * A graph input whose values decide shapes (the `shape` input of a Reshape
 * fed by the caller, say) cannot be resolved at load time; such inputs can
 * be pinned to fixed values with nn_load_options.constants.
 *
 * Errors are reported through GError in the NN_ERROR domain, with messages
 * that name the node, its op and the reason.
 */
#ifndef MMFUSION_NN_H
#define MMFUSION_NN_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

#define NN_MAX_DIMS 8

/* Element types; the values are those of ONNX TensorProto.DataType. */
typedef enum {
  NN_TYPE_FLOAT = 1,
  NN_TYPE_UINT8 = 2,
  NN_TYPE_INT32 = 6,
  NN_TYPE_INT64 = 7,
  NN_TYPE_BOOL = 9,
} nn_type;

/* A dense row-major tensor. `stride` is in elements; the runtime's own
 * tensors are always contiguous (stride[ndim-1] == 1). */
typedef struct nn_tensor {
  nn_type type;
  int32_t ndim;
  int64_t shape[NN_MAX_DIMS];
  int64_t stride[NN_MAX_DIMS];
  void *data;
  const char *name;
} nn_tensor;

typedef struct nn_model nn_model;
typedef struct nn_session nn_session;

/* A value for a symbolic dimension of a graph input, by the dimension's
 * name (dim_param) or, when name is NULL, by input name and axis. */
typedef struct nn_dim_value {
  const char *name;             /* dim_param, or NULL */
  const char *input;            /* input name when name is NULL */
  int32_t axis;
  int64_t value;
} nn_dim_value;

typedef struct nn_load_options {
  const nn_dim_value *dims;
  size_t n_dims;
  /* graph inputs bound to fixed values at load time (they are then no
   * longer session inputs); name, type, shape and data are read */
  const nn_tensor *constants;
  size_t n_constants;
  /* leave out load-time fusions (for testing that they change nothing) */
  gboolean no_fusion;
  /* inputs per run: sets axis 0 of every graph input, which must be
   * symbolic in the file (or equal to it); 0 keeps the file's value, and
   * a symbolic batch axis then becomes 1 (or what `dims` gives it) */
  int64_t batch;
  /* bytes the model may take: weights, constants made at load time and
   * one session's arena; a computed tensor may take a quarter of it.
   * 0: 1 GiB. A model beyond it is refused, naming the tensor. */
  size_t memory_budget;
} nn_load_options;

/* threads: the session's own workers (the caller of nn_session_run is one
 * of them), used to split large convolutions and products; each session
 * has its own, so sessions with different counts do not interfere.
 * 0: one per CPU; default (NULL options) 1. */
typedef struct nn_session_options {
  int32_t threads;
} nn_session_options;

#define NN_ERROR (nn_error_quark ())
GQuark nn_error_quark (void);

typedef enum {
  NN_ERROR_IO,                  /* file cannot be read */
  NN_ERROR_PARSE,               /* not a valid ONNX protobuf */
  NN_ERROR_UNSUPPORTED,         /* valid ONNX we do not run (op, type, feature) */
  NN_ERROR_INVALID,             /* graph or attribute contradicts the spec */
  NN_ERROR_SHAPE,               /* shapes do not fit */
  NN_ERROR_DYNAMIC,             /* a shape depends on a non-constant input */
} nn_error_code;

/* model */
nn_model *nn_model_load_file (const char *path, const nn_load_options * opts,
    GError ** error);
nn_model *nn_model_load_data (const void *data, size_t size,
    const nn_load_options * opts, GError ** error);
void nn_model_free (nn_model * model);

size_t nn_model_n_inputs (const nn_model * model);
size_t nn_model_n_outputs (const nn_model * model);
/* shape, type and name of an input/output (data is NULL) */
const nn_tensor *nn_model_input (const nn_model * model, size_t i);
const nn_tensor *nn_model_output (const nn_model * model, size_t i);
/* TRUE when dimension `axis` of input i had no fixed value in the file (a
 * symbolic dim_param, or none): its size is then 1 or the caller's
 * nn_load_options.dims value, not the model author's */
gboolean nn_model_input_dim_symbolic (const nn_model * model, size_t i,
    int32_t axis);
/* index of an input/output by name, or -1 */
int nn_model_input_index (const nn_model * model, const char *name);
int nn_model_output_index (const nn_model * model, const char *name);

/* metadata_props: value for a key, or NULL; and iteration */
const char *nn_model_metadata (const nn_model * model, const char *key);
size_t nn_model_n_metadata (const nn_model * model);
void nn_model_metadata_entry (const nn_model * model, size_t i,
    const char **key, const char **value);

/* graph facts, for inspection */
int64_t nn_model_opset (const nn_model * model);
const char *nn_model_producer (const nn_model * model);
/* number of nodes that run per session run, after folding and fusion */
size_t nn_model_n_steps (const nn_model * model);
/* op_type of each node of the file as loaded, with counts */
size_t nn_model_n_op_types (const nn_model * model);
void nn_model_op_type (const nn_model * model, size_t i, const char **op_type,
    size_t *count);
/* bytes of the arena one session needs */
size_t nn_model_arena_size (const nn_model * model);
/* inputs per run: axis 0 of the graph inputs as loaded (see
 * nn_load_options.batch); a session's inputs and outputs hold that many
 * samples one after the other */
int64_t nn_model_batch (const nn_model * model);
/* multiply-adds of one run in Conv, Gemm, MatMul, LSTM and GRU nodes */
int64_t nn_model_macs (const nn_model * model);

/* session */
nn_session *nn_session_new (const nn_model * model,
    const nn_session_options * opts, GError ** error);
void nn_session_free (nn_session * session);
/* buffers the caller fills before nn_session_run; stable for the session */
nn_tensor *nn_session_input (nn_session * session, size_t i);
/* results of the last run; valid until the next run */
const nn_tensor *nn_session_output (nn_session * session, size_t i);
gboolean nn_session_run (nn_session * session, GError ** error);
/* samples per run (nn_model_batch of the session's model) */
int64_t nn_session_batch (const nn_session * session);

/* tensors */
int64_t nn_tensor_numel (const nn_tensor * t);
size_t nn_type_size (nn_type type);
const char *nn_type_name (nn_type type);
/* sets ndim, shape and contiguous strides */
void nn_tensor_set_shape (nn_tensor * t, int32_t ndim, const int64_t * shape);

/* NumPy .npy files (version 1.0/2.0, little-endian '<f4', '<i8', '|b1',
 * '<i4', C order). Loaded data is g_malloc'ed and owned by the caller. */
gboolean nn_npy_load (const char *path, nn_tensor * out, GError ** error);
gboolean nn_npy_save (const char *path, const nn_tensor * t, GError ** error);
/* an ONNX TensorProto file (the test data format); data owned by caller */
gboolean nn_tensor_proto_load (const char *path, nn_tensor * out,
    char **name, GError ** error);

G_END_DECLS
#endif /* MMFUSION_NN_H */
