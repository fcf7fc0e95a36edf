/* Audio feature parameters and the log-mel front end (docs/audio-features.md).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmfeatures.h"

#include <math.h>
#include <string.h>

GType
mm_feature_kind_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {MM_FEATURE_KIND_LOG_MEL, "Log-mel spectrogram windows", "log-mel"},
    {MM_FEATURE_KIND_WAVEFORM, "Raw mono sample windows", "waveform"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("MmFeatureKind", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

void
mm_feature_params_init (MmFeatureParams * p)
{
  p->kind = MM_FEATURE_KIND_LOG_MEL;
  p->rate = 16000;
  p->n_fft = 512;
  p->win_length = 400;
  p->hop_length = 160;
  p->n_mels = 64;
  p->fmin = 0.0;
  p->fmax = 0.0;
  p->log_offset = 1e-6;
  p->frames = 100;
  p->stride = 10;
}

static gboolean
bad (GError ** error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad (GError ** error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  gchar *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION, msg);
  g_free (msg);
  return FALSE;
}

guint64
mm_feature_params_memory (const MmFeatureParams * p)
{
  /* in doubles: the factors come from caps and model files, and their
   * product must not wrap around */
  gdouble window = 4.0 * (p->kind == MM_FEATURE_KIND_WAVEFORM ?
      (gdouble) mm_feature_params_window_samples (p) :
      (gdouble) p->n_mels * p->frames);
  /* mmaudiowindow's pool of 4 windows and its ring of log-mel frames */
  gdouble bytes = window * (p->kind == MM_FEATURE_KIND_WAVEFORM ? 4 : 5);
  /* pending samples, and the front end's tables (frame, spectrum, power,
   * Hann window, filter weights: a few per FFT bin and per mel band) */
  bytes += 4.0 * ((p->kind == MM_FEATURE_KIND_WAVEFORM ?
          (gdouble) mm_feature_params_window_samples (p) :
          (gdouble) p->win_length) + 4096);
  if (p->kind == MM_FEATURE_KIND_LOG_MEL)
    bytes += 8.0 * (4.0 * p->n_fft + p->win_length) + 32.0 * p->n_mels;
  return bytes >= (gdouble) G_MAXUINT64 ? G_MAXUINT64 : (guint64) bytes;
}

/* Sizes come from properties, caps and model files: checked against a
 * budget before anything is allocated, so a typo cannot ask for
 * terabytes. */
static gboolean
check_memory (const MmFeatureParams * p, GError ** error)
{
  guint64 need = mm_feature_params_memory (p);
  if (need <= MM_FEATURES_MEMORY_BUDGET)
    return TRUE;
  gchar *size = g_format_size_full (need, G_FORMAT_SIZE_IEC_UNITS);
  gchar *budget = g_format_size_full (MM_FEATURES_MEMORY_BUDGET,
      G_FORMAT_SIZE_IEC_UNITS);
  if (p->kind == MM_FEATURE_KIND_WAVEFORM)
    bad (error, "windows of frames=%d × hop-length=%d samples need %s, more "
        "than the %s budget", p->frames, p->hop_length, size, budget);
  else
    bad (error, "windows of n-mels=%d × frames=%d need %s, more than the %s "
        "budget", p->n_mels, p->frames, size, budget);
  g_free (size);
  g_free (budget);
  return FALSE;
}

gboolean
mm_feature_params_validate (const MmFeatureParams * p, GError ** error)
{
  if (p->rate < 1)
    return bad (error, "rate (%d) must be positive", p->rate);
  if (p->hop_length < 1)
    return bad (error, "hop-length (%d) must be positive", p->hop_length);
  if (p->win_length < 1)
    return bad (error, "win-length (%d) must be positive", p->win_length);
  if (p->frames < 1)
    return bad (error, "frames (%d) must be at least 1", p->frames);
  if (p->stride < 1)
    return bad (error, "stride (%d) must be at least 1", p->stride);
  if (p->kind == MM_FEATURE_KIND_WAVEFORM)
    return check_memory (p, error);
  if (p->n_fft < 2 || p->n_fft % 2 != 0)
    return bad (error, "n-fft (%d) must be even and at least 2", p->n_fft);
  if (p->win_length > p->n_fft)
    return bad (error, "win-length (%d) is above n-fft (%d)", p->win_length,
        p->n_fft);
  if (p->n_mels < 1)
    return bad (error, "n-mels (%d) must be at least 1", p->n_mels);
  double nyquist = p->rate / 2.0;
  double fmax = p->fmax > 0.0 ? p->fmax : nyquist;
  if (fmax > nyquist)
    return bad (error, "fmax (%g Hz) is above rate/2 (%g Hz)", fmax, nyquist);
  if (p->fmin < 0.0 || p->fmin >= fmax)
    return bad (error, "fmin (%g Hz) must lie in [0, fmax = %g Hz)", p->fmin,
        fmax);
  if (!(p->log_offset > 0.0))
    return bad (error, "log-offset (%g) must be positive", p->log_offset);
  return check_memory (p, error);
}

static const char *
kind_nick (MmFeatureKind kind)
{
  return kind == MM_FEATURE_KIND_WAVEFORM ? "waveform" : "log-mel";
}

GstCaps *
mm_feature_params_to_caps (const MmFeatureParams * p)
{
  return gst_caps_new_simple (MM_FEATURES_MEDIA_TYPE,
      "kind", G_TYPE_STRING, kind_nick (p->kind),
      "rate", G_TYPE_INT, p->rate,
      "n-fft", G_TYPE_INT, p->n_fft,
      "win-length", G_TYPE_INT, p->win_length,
      "hop-length", G_TYPE_INT, p->hop_length,
      "n-mels", G_TYPE_INT, p->n_mels,
      "fmin", G_TYPE_DOUBLE, p->fmin,
      "fmax", G_TYPE_DOUBLE, p->fmax > 0.0 ? p->fmax : p->rate / 2.0,
      "log-offset", G_TYPE_DOUBLE, p->log_offset,
      "frames", G_TYPE_INT, p->frames,
      "stride", G_TYPE_INT, p->stride, NULL);
}

gboolean
mm_feature_params_from_structure (MmFeatureParams * p, const GstStructure * s,
    GError ** error)
{
  static const struct {
    const char *name;
    gsize offset;
  } ints[] = {
    {"rate", G_STRUCT_OFFSET (MmFeatureParams, rate)},
    {"n-fft", G_STRUCT_OFFSET (MmFeatureParams, n_fft)},
    {"win-length", G_STRUCT_OFFSET (MmFeatureParams, win_length)},
    {"hop-length", G_STRUCT_OFFSET (MmFeatureParams, hop_length)},
    {"n-mels", G_STRUCT_OFFSET (MmFeatureParams, n_mels)},
    {"frames", G_STRUCT_OFFSET (MmFeatureParams, frames)},
    {"stride", G_STRUCT_OFFSET (MmFeatureParams, stride)},
  }, doubles[] = {
    {"fmin", G_STRUCT_OFFSET (MmFeatureParams, fmin)},
    {"fmax", G_STRUCT_OFFSET (MmFeatureParams, fmax)},
    {"log-offset", G_STRUCT_OFFSET (MmFeatureParams, log_offset)},
  };
  const char *kind = gst_structure_get_string (s, "kind");
  if (!kind || (strcmp (kind, "log-mel") != 0 && strcmp (kind, "waveform")))
    return bad (error, "caps field kind must be log-mel or waveform");
  p->kind = strcmp (kind, "waveform") == 0 ? MM_FEATURE_KIND_WAVEFORM :
      MM_FEATURE_KIND_LOG_MEL;
  for (gsize i = 0; i < G_N_ELEMENTS (ints); i++)
    if (!gst_structure_get_int (s, ints[i].name,
            G_STRUCT_MEMBER_P (p, ints[i].offset)))
      return bad (error, "caps field %s is missing or not fixed",
          ints[i].name);
  for (gsize i = 0; i < G_N_ELEMENTS (doubles); i++)
    if (!gst_structure_get_double (s, doubles[i].name,
            G_STRUCT_MEMBER_P (p, doubles[i].offset)))
      return bad (error, "caps field %s is missing or not fixed",
          doubles[i].name);
  return TRUE;
}

void
mm_feature_params_fixate (const MmFeatureParams * p, GstStructure * s)
{
  GstCaps *want = mm_feature_params_to_caps (p);
  const GstStructure *w = gst_caps_get_structure (want, 0);
  for (gint i = 0; i < gst_structure_n_fields (w); i++) {
    const char *name = gst_structure_nth_field_name (w, i);
    const GValue *pref = gst_structure_get_value (w, name);
    if (!gst_structure_has_field (s, name)) {
      gst_structure_set_value (s, name, pref);
    } else if (G_VALUE_TYPE (pref) == G_TYPE_INT) {
      gst_structure_fixate_field_nearest_int (s, name,
          g_value_get_int (pref));
    } else if (G_VALUE_TYPE (pref) == G_TYPE_DOUBLE) {
      gst_structure_fixate_field_nearest_double (s, name,
          g_value_get_double (pref));
    } else {
      gst_structure_fixate_field_string (s, name, g_value_get_string (pref));
    }
  }
  gst_caps_unref (want);
}

gint64
mm_feature_params_window_samples (const MmFeatureParams * p)
{
  return (gint64) (p->frames - 1) * p->hop_length + p->win_length;
}

gint64
mm_feature_params_step_samples (const MmFeatureParams * p)
{
  return (gint64) p->stride * p->hop_length;
}

gsize
mm_feature_params_window_floats (const MmFeatureParams * p)
{
  if (p->kind == MM_FEATURE_KIND_WAVEFORM)
    return (gsize) mm_feature_params_window_samples (p);
  return (gsize) p->n_mels * p->frames;
}

/* the log-mel front end */

struct _MmLogMel {
  gint n_fft, win, n_mels, n_bins;
  gdouble log_offset;
  GstFFTF64 *fft;
  gdouble *window;              /* periodic Hann, win values */
  gdouble *frame;               /* n_fft: windowed, zero-padded */
  GstFFTF64Complex *spectrum;   /* n_bins */
  gdouble *power;               /* n_bins */
  /* filter j covers bins [first[j], first[j] + count[j]) with weights
   * starting at weights + offset[j] (the triangles are sparse) */
  gint *first, *count, *offset;
  gdouble *weights;
};

static double
hz_to_mel (double f)
{
  return 2595.0 * log10 (1.0 + f / 700.0);
}

static double
mel_to_hz (double m)
{
  return 700.0 * (pow (10.0, m / 2595.0) - 1.0);
}

MmLogMel *
mm_log_mel_new (const MmFeatureParams * p)
{
  MmLogMel *lm = g_new0 (MmLogMel, 1);
  lm->n_fft = p->n_fft;
  lm->win = p->win_length;
  lm->n_mels = p->n_mels;
  lm->n_bins = p->n_fft / 2 + 1;
  lm->log_offset = p->log_offset;
  lm->fft = gst_fft_f64_new (p->n_fft, FALSE);
  lm->window = g_new (gdouble, lm->win);
  for (gint n = 0; n < lm->win; n++)
    lm->window[n] = 0.5 - 0.5 * cos (2.0 * G_PI * n / lm->win);
  lm->frame = g_new0 (gdouble, lm->n_fft);
  lm->spectrum = g_new0 (GstFFTF64Complex, lm->n_bins);
  lm->power = g_new0 (gdouble, lm->n_bins);

  /* HTK mel points, evenly spaced in mel from fmin to fmax; filter j
   * rises from point j to j+1 and falls to j+2, no area normalization */
  double fmax = p->fmax > 0.0 ? p->fmax : p->rate / 2.0;
  double mlo = hz_to_mel (p->fmin), mhi = hz_to_mel (fmax);
  double *pts = g_new (double, lm->n_mels + 2);
  for (gint i = 0; i < lm->n_mels + 2; i++)
    pts[i] = mel_to_hz (mlo + (mhi - mlo) * i / (lm->n_mels + 1));
  lm->first = g_new0 (gint, lm->n_mels);
  lm->count = g_new0 (gint, lm->n_mels);
  lm->offset = g_new0 (gint, lm->n_mels);
  GArray *w = g_array_new (FALSE, FALSE, sizeof (gdouble));
  for (gint j = 0; j < lm->n_mels; j++) {
    double lo = pts[j], mid = pts[j + 1], hi = pts[j + 2];
    lm->offset[j] = (gint) w->len;
    lm->first[j] = -1;
    for (gint k = 0; k < lm->n_bins; k++) {
      double f = (double) k * p->rate / p->n_fft;
      double up = (f - lo) / (mid - lo), down = (hi - f) / (hi - mid);
      double v = MAX (0.0, MIN (up, down));
      if (v <= 0.0) {
        if (lm->first[j] >= 0)
          break;                /* past the triangle */
        continue;
      }
      if (lm->first[j] < 0)
        lm->first[j] = k;
      g_array_append_val (w, v);
      lm->count[j]++;
    }
    if (lm->first[j] < 0)
      lm->first[j] = 0;         /* an empty filter: too few bins */
  }
  /* never NULL: with an n-fft too small for n-mels every filter can be
   * empty, and even NULL + 0 is undefined */
  gdouble zero = 0.0;
  g_array_append_val (w, zero);
  lm->weights = (gdouble *) g_array_free (w, FALSE);
  g_free (pts);
  return lm;
}

void
mm_log_mel_free (MmLogMel * lm)
{
  if (!lm)
    return;
  gst_fft_f64_free (lm->fft);
  g_free (lm->window);
  g_free (lm->frame);
  g_free (lm->spectrum);
  g_free (lm->power);
  g_free (lm->first);
  g_free (lm->count);
  g_free (lm->offset);
  g_free (lm->weights);
  g_free (lm);
}

void
mm_log_mel_frame (MmLogMel * lm, const gfloat * samples, gfloat * mels)
{
  for (gint n = 0; n < lm->win; n++)
    lm->frame[n] = samples[n] * lm->window[n];
  /* frame[win..n_fft) stays zero from allocation */
  gst_fft_f64_fft (lm->fft, lm->frame, lm->spectrum);
  for (gint k = 0; k < lm->n_bins; k++)
    lm->power[k] = lm->spectrum[k].r * lm->spectrum[k].r
        + lm->spectrum[k].i * lm->spectrum[k].i;
  for (gint j = 0; j < lm->n_mels; j++) {
    const gdouble *wj = lm->weights + lm->offset[j];
    const gdouble *pj = lm->power + lm->first[j];
    gdouble acc = 0.0;
    for (gint k = 0; k < lm->count[j]; k++)
      acc += wj[k] * pj[k];
    mels[j] = (gfloat) log (acc + lm->log_offset);
  }
}
