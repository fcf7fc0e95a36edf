/* A model as the elements see it: the nn runtime's model plus everything
 * its metadata_props say (docs/model-format.md), parsed and checked once.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_MODEL_H
#define MM_MODEL_H

#include <gst/gst.h>
#include <mmfusion/nn.h>
#include "mmfeatures.h"

G_BEGIN_DECLS

/* Limits checked at load, before anything is allocated from them: every
 * class costs a label, a quark and per-class state in the element (and
 * smoothing=window keeps up to 100 results of all classes); windows more
 * than an hour apart are no stream. */
#define MM_MODEL_MAX_CLASSES (1 << 20)
#define MM_MODEL_MAX_STEP_S 3600
#define MM_MODEL_MAX_LABELS_BYTES (64 << 20)
/* bytes of per-class state (smoothing history) mmfusion allows itself */
#define MM_MODEL_CLASS_STATE_BUDGET ((gsize) 256 << 20)

typedef enum { MM_MODALITY_VIDEO, MM_MODALITY_AUDIO } MmModality;
typedef enum { MM_COLOR_RGB, MM_COLOR_BGR, MM_COLOR_GRAY } MmColor;
typedef enum {
  MM_RESIZE_STRETCH, MM_RESIZE_LETTERBOX, MM_RESIZE_CROP
} MmResize;
typedef enum {
  MM_LAYOUT_NCHW, MM_LAYOUT_NCTHW, MM_LAYOUT_NTCHW,
  MM_LAYOUT_MEL_MAJOR, MM_LAYOUT_TIME_MAJOR
} MmLayout;
typedef enum {
  MM_ACTIVATION_NONE, MM_ACTIVATION_SOFTMAX, MM_ACTIVATION_SIGMOID
} MmActivation;

typedef struct {
  gchar *name;
  gint index;                   /* nn input index */
  MmModality modality;
  MmLayout layout;
  /* video: the tensor is [1, C, H, W], or clips of T frames */
  gint channels, height, width, clip_frames;
  MmColor color;
  gfloat mean[3], std[3];
  MmResize resize;
  /* audio */
  MmFeatureParams features;
} MmModelInput;

/* what an output holds (docs/model-format.md, "Output kinds") */
typedef enum {
  MM_OUTPUT_CLASSES, MM_OUTPUT_MULTI_LABEL, MM_OUTPUT_REGRESSION
} MmOutputKind;

/* outputs mmfusion reads: the first, and every other one the metadata
 * names; each costs state and meta space per result */
#define MM_MODEL_MAX_OUTPUTS 8
#define MM_MODEL_MAX_UNITS_BYTES 64

typedef struct {
  gchar *name;
  gint index;                   /* nn output index */
  MmOutputKind kind;
  guint n;                      /* values: the output's last dimension */
  gchar **labels;               /* n: class names, or the values' names */
  GQuark *label_quarks;
  MmActivation activation;
  gchar *units;                 /* regression, optional; else NULL */
} MmModelOutput;

typedef struct {
  nn_model *nn;
  gchar *path;
  gchar *name;                  /* file base name without .onnx */
  guint n_inputs;
  MmModelInput *inputs;
  /* the outputs read, the first model output first */
  guint n_outputs;
  MmModelOutput *outputs;
  /* the first output's, as before output kinds (aliases into outputs[0]) */
  guint n_classes;              /* length of the first output */
  gchar **labels;               /* n_classes */
  GQuark *label_quarks;
  MmActivation activation;
  gchar sha256[65];             /* of the file's bytes, hex */
} MmModel;

/* loads and checks; errors name the file and the metadata key at fault */
MmModel *mm_model_load (const gchar * path, GError ** error);
/* the same for `batch` samples a run (nn_load_options.batch): the file
 * must have a symbolic batch axis on every input */
MmModel *mm_model_load_batch (const gchar * path, gint64 batch,
    GError ** error);
/* TRUE when every input's batch axis is symbolic in the file */
gboolean mm_model_batch_symbolic (const MmModel * model);
/* the same from memory; `name` stands for the path in messages */
MmModel *mm_model_load_data (const void *data, gsize size,
    const gchar * name, GError ** error);
void mm_model_free (MmModel * model);

/* replaces the labels with the lines of a text file (one label a line) */
gboolean mm_model_set_labels_file (MmModel * model, const gchar * path,
    GError ** error);

const MmModelOutput *mm_model_find_output (const MmModel * model,
    const gchar * name);
const gchar *mm_output_kind_name (MmOutputKind kind);

const MmModelInput *mm_model_find_input (const MmModel * model,
    const gchar * name);

/* the caps a pad for this input accepts */
GstCaps *mm_model_input_caps (const MmModelInput * input);

#define MM_MODEL_ERROR (mm_model_error_quark ())
GQuark mm_model_error_quark (void);

G_END_DECLS
#endif /* MM_MODEL_H */
