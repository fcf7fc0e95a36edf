/* Audio feature parameters (docs/audio-features.md) and the log-mel front end
 * shared by mmaudiowindow and mmfusion.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One vocabulary serves properties, caps fields and model metadata keys:
 * kind, rate, n-fft, win-length, hop-length, n-mels, fmin, fmax,
 * log-offset, frames, stride. Feature windows travel with caps
 * "audio/x-mmfusion-features" carrying every one of them.
 */
#ifndef MM_FEATURES_H
#define MM_FEATURES_H

#include <gst/gst.h>
#include <gst/fft/gstfftf64.h>

G_BEGIN_DECLS

#define MM_FEATURES_MEDIA_TYPE "audio/x-mmfusion-features"

typedef enum {
  MM_FEATURE_KIND_LOG_MEL,
  MM_FEATURE_KIND_WAVEFORM,
} MmFeatureKind;

#define MM_TYPE_FEATURE_KIND (mm_feature_kind_get_type ())
GType mm_feature_kind_get_type (void);

typedef struct {
  MmFeatureKind kind;
  gint rate;
  gint n_fft;
  gint win_length;
  gint hop_length;
  gint n_mels;
  gdouble fmin;
  gdouble fmax;                 /* 0: rate / 2 */
  gdouble log_offset;
  gint frames;                  /* STFT frames per window */
  gint stride;                  /* STFT frames between window starts */
} MmFeatureParams;

/* the documented defaults, with 64 mels and 100 frames (about one second) */
void mm_feature_params_init (MmFeatureParams * p);

/* FALSE with an error naming the offending parameter; also when the
 * memory the parameters need is above MM_FEATURES_MEMORY_BUDGET */
gboolean mm_feature_params_validate (const MmFeatureParams * p,
    GError ** error);

/* What mmaudiowindow holds for these parameters (window buffers, ring,
 * staging, front-end tables), in bytes; at most the budget is allowed:
 * 256 MiB is thousands of times what a real model's window needs (64 mels
 * × 100 frames is 25 KiB). */
#define MM_FEATURES_MEMORY_BUDGET (G_GUINT64_CONSTANT (256) << 20)
guint64 mm_feature_params_memory (const MmFeatureParams * p);

/* fixed caps with every field */
GstCaps *mm_feature_params_to_caps (const MmFeatureParams * p);
/* reads every field of a fixed structure; FALSE naming a missing one */
gboolean mm_feature_params_from_structure (MmFeatureParams * p,
    const GstStructure * s, GError ** error);
/* fixes unfixed fields of s to the values of p (the preferences) */
void mm_feature_params_fixate (const MmFeatureParams * p, GstStructure * s);

/* samples in one window, and between window starts */
gint64 mm_feature_params_window_samples (const MmFeatureParams * p);
gint64 mm_feature_params_step_samples (const MmFeatureParams * p);
/* floats in one window buffer */
gsize mm_feature_params_window_floats (const MmFeatureParams * p);

/* The log-mel front end: everything precomputed once per configuration;
 * computing a frame allocates nothing. It computes in double precision:
 * in float, quiet bins beside loud ones (a sine sweep) lose enough
 * precision that their log moves by 1e-3, ten times the tolerance the
 * training reference allows. */
typedef struct _MmLogMel MmLogMel;

MmLogMel *mm_log_mel_new (const MmFeatureParams * p);
void mm_log_mel_free (MmLogMel * lm);
/* win_length samples in, n_mels log-mel values out */
void mm_log_mel_frame (MmLogMel * lm, const gfloat * samples, gfloat * mels);

G_END_DECLS
#endif /* MM_FEATURES_H */
