/* mmaudiowindow: streaming log-mel (or waveform) windows, exact to the
 * sample.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-mmaudiowindow
 * @title: mmaudiowindow
 *
 * Cuts raw audio into the feature windows an audio model consumes: log-mel
 * spectrogram windows laid out float32 [n-mels][frames], or raw mono sample
 * windows (`kind=waveform`). The features follow docs/audio-features.md
 * exactly (periodic Hann, power spectrum, HTK mel filterbank without area
 * normalization, natural log with an offset), so a model trained with the
 * reference front end sees identical numbers.
 *
 * Every feature parameter is a field of the source caps
 * (`audio/x-mmfusion-features`), so a downstream element such as mmfusion
 * demands exactly what its model was trained with; the properties of the
 * same names are used when downstream does not care. The sample rate is
 * negotiated upstream: put audioconvert ! audioresample before this element.
 *
 * Timing: a window's PTS is the time of its first sample and its duration
 * covers ((frames - 1) * hop-length + win-length) samples, both computed
 * from sample counts; the buffer offset is the window index since the
 * last flush. A window exists only once audio up to its end has arrived,
 * so the element adds its window duration to the minimum latency it
 * reports. A DISCONT buffer, a GAP event or timestamps that drift further
 * than #GstMmAudioWindow:alignment-threshold restart the windowing at the
 * new position.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 audiotestsrc num-buffers=100 wave=pink-noise ! audioconvert ! \
 *     audioresample ! mmaudiowindow n-mels=64 frames=100 stride=10 ! fakesink silent=false -v
 * ]| Prints one 64×100 log-mel window every 100 ms of audio.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmaudiowindow.h"
#include "gstmmfusionelements.h"
#include "mmfeatures.h"

#include <gst/audio/audio.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (mm_audio_window_debug);
#define GST_CAT_DEFAULT mm_audio_window_debug

#define DEFAULT_ALIGNMENT_THRESHOLD (40 * GST_MSECOND)
#define DEFAULT_PAD_END FALSE
/* mono samples converted per step: bounds the staging buffer */
#define CHUNK_SAMPLES 4096

enum {
  PROP_0,
  PROP_KIND,
  PROP_RATE,
  PROP_N_FFT,
  PROP_WIN_LENGTH,
  PROP_HOP_LENGTH,
  PROP_N_MELS,
  PROP_FMIN,
  PROP_FMAX,
  PROP_LOG_OFFSET,
  PROP_FRAMES,
  PROP_STRIDE,
  PROP_ALIGNMENT_THRESHOLD,
  PROP_PAD_END,
};

struct _GstMmAudioWindow {
  GstElement parent;
  GstPad *sinkpad, *srcpad;

  /* properties, under the object lock */
  MmFeatureParams props;
  GstClockTime alignment_threshold;
  gboolean pad_end;

  /* negotiated, written by the streaming thread; params and configured
   * under the object lock too, for the LATENCY query */
  GstAudioInfo in_info;
  MmFeatureParams params;
  gboolean configured;
  MmLogMel *log_mel;
  GstBufferPool *pool;
  GstSegment segment;

  /* mono samples [pend_start, pend_start + pend_len) since the origin */
  gfloat *pend;
  gsize pend_cap, pend_len;
  guint64 pend_start;
  guint64 total;                /* samples received since the origin */
  GstClockTime origin;          /* PTS of sample 0, NONE until known */
  guint64 next_frame;           /* next STFT frame to compute */
  guint64 next_window;          /* next window to emit (since origin) */
  guint64 window_counter;       /* buffer offsets, since the last flush */
  gfloat *ring;                 /* last `frames` log-mel frames */
  gboolean discont;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw, format = (string) { F32LE, S16LE }, "
        "layout = (string) interleaved, rate = (int) [ 1, MAX ], "
        "channels = (int) [ 1, MAX ]"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (MM_FEATURES_MEDIA_TYPE ", "
        "kind = (string) { log-mel, waveform }, rate = (int) [ 1, MAX ], "
        "n-fft = (int) [ 2, MAX ], win-length = (int) [ 1, MAX ], "
        "hop-length = (int) [ 1, MAX ], n-mels = (int) [ 1, MAX ], "
        "fmin = (double) [ 0, MAX ], fmax = (double) [ 0, MAX ], "
        "log-offset = (double) [ 0, MAX ], frames = (int) [ 1, MAX ], "
        "stride = (int) [ 1, MAX ]"));

#define gst_mm_audio_window_parent_class parent_class
G_DEFINE_TYPE (GstMmAudioWindow, gst_mm_audio_window, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (mmaudiowindow, "mmaudiowindow", GST_RANK_NONE,
    GST_TYPE_MM_AUDIO_WINDOW);

static void gst_mm_audio_window_finalize (GObject * object);
static void gst_mm_audio_window_set_property (GObject * object, guint id,
    const GValue * value, GParamSpec * pspec);
static void gst_mm_audio_window_get_property (GObject * object, guint id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_mm_audio_window_change_state (GstElement *
    element, GstStateChange transition);
static GstFlowReturn gst_mm_audio_window_chain (GstPad * pad,
    GstObject * parent, GstBuffer * buf);
static gboolean gst_mm_audio_window_sink_event (GstPad * pad,
    GstObject * parent, GstEvent * event);
static gboolean gst_mm_audio_window_sink_query (GstPad * pad,
    GstObject * parent, GstQuery * query);
static gboolean gst_mm_audio_window_src_query (GstPad * pad,
    GstObject * parent, GstQuery * query);

#define STRUCTURAL (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)

static void
gst_mm_audio_window_class_init (GstMmAudioWindowClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  MmFeatureParams d;
  mm_feature_params_init (&d);

  gobject_class->finalize = gst_mm_audio_window_finalize;
  gobject_class->set_property = gst_mm_audio_window_set_property;
  gobject_class->get_property = gst_mm_audio_window_get_property;

  /* The feature parameters below are preferences: a downstream element
   * that fixes a caps field (mmfusion, from its model) overrides them. */

  /**
   * GstMmAudioWindow:kind:
   * Log-mel spectrogram windows, or raw mono sample windows.
   */
  g_object_class_install_property (gobject_class, PROP_KIND,
      g_param_spec_enum ("kind", "Kind", "What a window holds",
          MM_TYPE_FEATURE_KIND, d.kind, STRUCTURAL));
  /**
   * GstMmAudioWindow:rate:
   * Sample rate the features are computed at; upstream resamples to it.
   */
  g_object_class_install_property (gobject_class, PROP_RATE,
      g_param_spec_int ("rate", "Rate", "Sample rate of the features (Hz)",
          1, G_MAXINT, d.rate, STRUCTURAL));
  /**
   * GstMmAudioWindow:n-fft:
   * FFT length; the window is zero-padded to it. Must be even.
   */
  g_object_class_install_property (gobject_class, PROP_N_FFT,
      g_param_spec_int ("n-fft", "FFT length", "FFT length in samples (even)",
          2, 65536, d.n_fft, STRUCTURAL));
  g_object_class_install_property (gobject_class, PROP_WIN_LENGTH,
      g_param_spec_int ("win-length", "Window length",
          "STFT window (Hann) length in samples, at most n-fft",
          1, 65536, d.win_length, STRUCTURAL));
  g_object_class_install_property (gobject_class, PROP_HOP_LENGTH,
      g_param_spec_int ("hop-length", "Hop length",
          "Samples between consecutive STFT frames",
          1, 65536, d.hop_length, STRUCTURAL));
  g_object_class_install_property (gobject_class, PROP_N_MELS,
      g_param_spec_int ("n-mels", "Mel bands", "Number of mel filters",
          1, 4096, d.n_mels, STRUCTURAL));
  g_object_class_install_property (gobject_class, PROP_FMIN,
      g_param_spec_double ("fmin", "Lowest frequency",
          "Lower edge of the mel filterbank (Hz), below fmax", 0.0, 192000.0,
          d.fmin,
          STRUCTURAL));
  /**
   * GstMmAudioWindow:fmax:
   * Upper edge of the mel filterbank; 0 means rate / 2.
   */
  g_object_class_install_property (gobject_class, PROP_FMAX,
      g_param_spec_double ("fmax", "Highest frequency",
          "Upper edge of the mel filterbank (Hz), at most rate / 2 (192 kHz "
          "for 384 kHz audio); 0: rate / 2", 0.0, 192000.0, d.fmax,
          STRUCTURAL));
  g_object_class_install_property (gobject_class, PROP_LOG_OFFSET,
      g_param_spec_double ("log-offset", "Log offset",
          "Added to mel energies before the natural log (usually 1e-6 to 1)",
          G_MINDOUBLE, 1000.0, d.log_offset, STRUCTURAL));
  g_object_class_install_property (gobject_class, PROP_FRAMES,
      g_param_spec_int ("frames", "Frames", "STFT frames per window "
          "(n-mels × frames within a 256 MiB memory budget)",
          1, 65536, d.frames, STRUCTURAL));
  g_object_class_install_property (gobject_class, PROP_STRIDE,
      g_param_spec_int ("stride", "Stride",
          "STFT frames between the starts of consecutive windows",
          1, 65536, d.stride, STRUCTURAL));
  /**
   * GstMmAudioWindow:alignment-threshold:
   * Buffer timestamps further than this from the position the sample
   * count predicts restart the windowing at the new position.
   */
  g_object_class_install_property (gobject_class, PROP_ALIGNMENT_THRESHOLD,
      g_param_spec_uint64 ("alignment-threshold", "Alignment threshold",
          "Timestamp drift (ns) that restarts the windowing", 1,
          G_MAXUINT64, DEFAULT_ALIGNMENT_THRESHOLD,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  /**
   * GstMmAudioWindow:pad-end:
   * At EOS, emit one last window zero-padded after the final sample, if
   * any audio arrived after the start of the next window.
   */
  g_object_class_install_property (gobject_class, PROP_PAD_END,
      g_param_spec_boolean ("pad-end", "Pad end",
          "Emit a zero-padded last window at EOS", DEFAULT_PAD_END,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_set_static_metadata (element_class,
      "Audio feature windows", "Filter/Analyzer/Audio",
      "Cuts audio into log-mel or waveform windows with sample-exact "
      "timestamps, for audio and audio-visual models",
      "gst-mmfusion authors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_mm_audio_window_change_state);
  gst_type_mark_as_plugin_api (MM_TYPE_FEATURE_KIND, 0);
  GST_DEBUG_CATEGORY_INIT (mm_audio_window_debug, "mmaudiowindow", 0,
      "mmfusion audio feature windows");
}

static void
gst_mm_audio_window_init (GstMmAudioWindow * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_mm_audio_window_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_mm_audio_window_sink_event));
  gst_pad_set_query_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_mm_audio_window_sink_query));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_mm_audio_window_src_query));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  mm_feature_params_init (&self->props);
  self->alignment_threshold = DEFAULT_ALIGNMENT_THRESHOLD;
  self->pad_end = DEFAULT_PAD_END;
  self->origin = GST_CLOCK_TIME_NONE;
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
}

static void
release_configuration (GstMmAudioWindow * self)
{
  if (self->pool) {
    gst_buffer_pool_set_active (self->pool, FALSE);
    gst_clear_object (&self->pool);
  }
  g_clear_pointer (&self->log_mel, mm_log_mel_free);
  g_clear_pointer (&self->pend, g_free);
  g_clear_pointer (&self->ring, g_free);
  GST_OBJECT_LOCK (self);
  self->configured = FALSE;
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_audio_window_finalize (GObject * object)
{
  release_configuration (GST_MM_AUDIO_WINDOW (object));
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Structural properties change only in NULL or READY (the element says so
 * with GST_PARAM_MUTABLE_READY and enforces it here). */
static gboolean
may_change (GstMmAudioWindow * self, GParamSpec * pspec)
{
  if (!(pspec->flags & GST_PARAM_MUTABLE_READY))
    return TRUE;
  GstState state = GST_STATE (self);
  if (state <= GST_STATE_READY)
    return TRUE;
  g_warning ("mmaudiowindow: property '%s' can only be changed in the NULL "
      "or READY state", pspec->name);
  return FALSE;
}

static void
gst_mm_audio_window_set_property (GObject * object, guint id,
    const GValue * value, GParamSpec * pspec)
{
  GstMmAudioWindow *self = GST_MM_AUDIO_WINDOW (object);
  GST_OBJECT_LOCK (self);
  if (!may_change (self, pspec)) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  MmFeatureParams *p = &self->props;
  switch (id) {
    case PROP_KIND: p->kind = g_value_get_enum (value); break;
    case PROP_RATE: p->rate = g_value_get_int (value); break;
    case PROP_N_FFT: p->n_fft = g_value_get_int (value); break;
    case PROP_WIN_LENGTH: p->win_length = g_value_get_int (value); break;
    case PROP_HOP_LENGTH: p->hop_length = g_value_get_int (value); break;
    case PROP_N_MELS: p->n_mels = g_value_get_int (value); break;
    case PROP_FMIN: p->fmin = g_value_get_double (value); break;
    case PROP_FMAX: p->fmax = g_value_get_double (value); break;
    case PROP_LOG_OFFSET: p->log_offset = g_value_get_double (value); break;
    case PROP_FRAMES: p->frames = g_value_get_int (value); break;
    case PROP_STRIDE: p->stride = g_value_get_int (value); break;
    case PROP_ALIGNMENT_THRESHOLD:
      self->alignment_threshold = g_value_get_uint64 (value);
      break;
    case PROP_PAD_END: self->pad_end = g_value_get_boolean (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mm_audio_window_get_property (GObject * object, guint id, GValue * value,
    GParamSpec * pspec)
{
  GstMmAudioWindow *self = GST_MM_AUDIO_WINDOW (object);
  GST_OBJECT_LOCK (self);
  const MmFeatureParams *p = &self->props;
  switch (id) {
    case PROP_KIND: g_value_set_enum (value, p->kind); break;
    case PROP_RATE: g_value_set_int (value, p->rate); break;
    case PROP_N_FFT: g_value_set_int (value, p->n_fft); break;
    case PROP_WIN_LENGTH: g_value_set_int (value, p->win_length); break;
    case PROP_HOP_LENGTH: g_value_set_int (value, p->hop_length); break;
    case PROP_N_MELS: g_value_set_int (value, p->n_mels); break;
    case PROP_FMIN: g_value_set_double (value, p->fmin); break;
    case PROP_FMAX: g_value_set_double (value, p->fmax); break;
    case PROP_LOG_OFFSET: g_value_set_double (value, p->log_offset); break;
    case PROP_FRAMES: g_value_set_int (value, p->frames); break;
    case PROP_STRIDE: g_value_set_int (value, p->stride); break;
    case PROP_ALIGNMENT_THRESHOLD:
      g_value_set_uint64 (value, self->alignment_threshold);
      break;
    case PROP_PAD_END: g_value_set_boolean (value, self->pad_end); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* Forget all audio: windowing restarts at the next buffer. */
static void
restart (GstMmAudioWindow * self)
{
  self->pend_len = 0;
  self->pend_start = 0;
  self->total = 0;
  self->next_frame = 0;
  self->next_window = 0;
  self->origin = GST_CLOCK_TIME_NONE;
  self->discont = TRUE;
}

static GstStateChangeReturn
gst_mm_audio_window_change_state (GstElement * element,
    GstStateChange transition)
{
  GstMmAudioWindow *self = GST_MM_AUDIO_WINDOW (element);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    restart (self);
    self->window_counter = 0;
    gst_segment_init (&self->segment, GST_FORMAT_TIME);
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    release_configuration (self);
  return ret;
}

/* Feature caps downstream allows, as a list of acceptable rates for the
 * raw audio upstream may send: the sample rate is negotiated upstream. */
static GstCaps *
sink_caps (GstMmAudioWindow * self, GstCaps * filter)
{
  GstCaps *peer = gst_pad_peer_query_caps (self->srcpad, NULL);
  GstCaps *tmpl = gst_pad_get_pad_template_caps (self->srcpad);
  GstCaps *allowed = gst_caps_intersect (peer, tmpl);
  gst_caps_unref (peer);
  gst_caps_unref (tmpl);

  GST_OBJECT_LOCK (self);
  gint pref_rate = self->props.rate;
  GST_OBJECT_UNLOCK (self);

  GstCaps *raw = gst_pad_get_pad_template_caps (self->sinkpad);
  GstCaps *result = gst_caps_new_empty ();
  for (guint i = 0; i < gst_caps_get_size (allowed); i++) {
    const GstStructure *s = gst_caps_get_structure (allowed, i);
    const GValue *rate = gst_structure_get_value (s, "rate");
    GstCaps *c = gst_caps_copy (raw);
    /* downstream leaves the rate open: ours is the preference */
    if (!rate || (G_VALUE_TYPE (rate) == GST_TYPE_INT_RANGE
            && gst_value_get_int_range_min (rate) <= 1
            && gst_value_get_int_range_max (rate) == G_MAXINT))
      gst_caps_set_simple (c, "rate", G_TYPE_INT, pref_rate, NULL);
    else
      gst_caps_set_value (c, "rate", rate);
    result = gst_caps_merge (result, c);
  }
  gst_caps_unref (raw);
  gst_caps_unref (allowed);
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, result,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (result);
    result = tmp;
  }
  return result;
}

static gboolean
configure (GstMmAudioWindow * self, GstCaps * in_caps)
{
  GstAudioInfo info;
  GError *err = NULL;
  if (!gst_audio_info_from_caps (&info, in_caps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("invalid audio caps %" GST_PTR_FORMAT, in_caps));
    return FALSE;
  }

  /* downstream's constraints win; our properties fill what it leaves open */
  GST_OBJECT_LOCK (self);
  MmFeatureParams pref = self->props;
  GST_OBJECT_UNLOCK (self);
  pref.rate = GST_AUDIO_INFO_RATE (&info);
  GstCaps *peer = gst_pad_peer_query_caps (self->srcpad, NULL);
  GstCaps *tmpl = gst_pad_get_pad_template_caps (self->srcpad);
  GstCaps *allowed = gst_caps_intersect (peer, tmpl);
  gst_caps_unref (peer);
  gst_caps_unref (tmpl);
  GstCaps *rate_caps = gst_caps_new_simple (MM_FEATURES_MEDIA_TYPE, "rate",
      G_TYPE_INT, pref.rate, NULL);
  GstCaps *cand = gst_caps_intersect (allowed, rate_caps);
  gst_caps_unref (allowed);
  gst_caps_unref (rate_caps);
  if (gst_caps_is_empty (cand)) {
    gst_caps_unref (cand);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("downstream does not accept features at %d Hz; put audioresample "
            "before mmaudiowindow", pref.rate));
    return FALSE;
  }
  cand = gst_caps_truncate (cand);
  cand = gst_caps_make_writable (cand);
  mm_feature_params_fixate (&pref, gst_caps_get_structure (cand, 0));

  MmFeatureParams p;
  if (!mm_feature_params_from_structure (&p, gst_caps_get_structure (cand,
              0), &err) || !mm_feature_params_validate (&p, &err)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Impossible audio feature parameters: %s", err->message),
        ("caps %" GST_PTR_FORMAT, cand));
    g_error_free (err);
    gst_caps_unref (cand);
    return FALSE;
  }
  /* canonical caps: fmax resolved, every field present */
  gst_caps_unref (cand);
  GstCaps *out = mm_feature_params_to_caps (&p);

  release_configuration (self);
  self->in_info = info;
  /* the LATENCY query reads params from any thread */
  GST_OBJECT_LOCK (self);
  self->params = p;
  GST_OBJECT_UNLOCK (self);
  if (p.kind == MM_FEATURE_KIND_LOG_MEL) {
    self->log_mel = mm_log_mel_new (&p);
    self->ring = g_new0 (gfloat, (gsize) p.n_mels * p.frames);
    self->pend_cap = (gsize) p.win_length + CHUNK_SAMPLES;
  } else {
    self->pend_cap = (gsize) mm_feature_params_window_samples (&p)
        + CHUNK_SAMPLES;
  }
  self->pend = g_new0 (gfloat, self->pend_cap);

  gsize size = mm_feature_params_window_floats (&p) * sizeof (gfloat);
  self->pool = gst_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (self->pool);
  gst_buffer_pool_config_set_params (config, out, (guint) size, 4, 0);
  if (!gst_buffer_pool_set_config (self->pool, config)
      || !gst_buffer_pool_set_active (self->pool, TRUE)) {
    gst_caps_unref (out);
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT, (NULL),
        ("cannot set up a pool of %" G_GSIZE_FORMAT "-byte buffers", size));
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  self->configured = TRUE;
  GST_OBJECT_UNLOCK (self);
  restart (self);
  GST_INFO_OBJECT (self, "configured %" GST_PTR_FORMAT, out);
  gboolean ok = gst_pad_push_event (self->srcpad, gst_event_new_caps (out));
  gst_caps_unref (out);
  return ok;
}

/* Appends n frames of interleaved input as mono float. */
static void
append_mono (GstMmAudioWindow * self, const guint8 * data, gsize n)
{
  gint ch = GST_AUDIO_INFO_CHANNELS (&self->in_info);
  gfloat *dst = self->pend + self->pend_len;
  if (GST_AUDIO_INFO_FORMAT (&self->in_info) == GST_AUDIO_FORMAT_F32LE) {
    const gfloat *src = (const gfloat *) data;
    if (ch == 1) {
      memcpy (dst, src, n * sizeof (gfloat));
    } else {
      gfloat inv = 1.0f / ch;
      for (gsize i = 0; i < n; i++) {
        gfloat acc = 0.0f;
        for (gint c = 0; c < ch; c++)
          acc += src[i * ch + c];
        dst[i] = acc * inv;
      }
    }
  } else {
    const gint16 *src = (const gint16 *) data;
    gfloat scale = 1.0f / (32768.0f * ch);
    for (gsize i = 0; i < n; i++) {
      gint32 acc = 0;
      for (gint c = 0; c < ch; c++)
        acc += src[i * ch + c];
      dst[i] = (gfloat) acc * scale;
    }
  }
  self->pend_len += n;
}

static GstFlowReturn
emit_window (GstMmAudioWindow * self)
{
  const MmFeatureParams *p = &self->params;
  GstBuffer *out = NULL;
  GstFlowReturn ret = gst_buffer_pool_acquire_buffer (self->pool, &out, NULL);
  if (ret != GST_FLOW_OK)
    return ret;
  guint64 j = self->next_window;
  guint64 start = j * (guint64) mm_feature_params_step_samples (p);
  GstMapInfo map;
  if (!gst_buffer_map (out, &map, GST_MAP_WRITE)) {
    gst_buffer_unref (out);
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE, (NULL),
        ("cannot map a window buffer for writing"));
    return GST_FLOW_ERROR;
  }
  gfloat *dst = (gfloat *) map.data;
  if (p->kind == MM_FEATURE_KIND_LOG_MEL) {
    /* ring holds frames [j*stride, j*stride + frames) by frame % frames;
     * the window is laid out mel-major */
    guint64 f0 = j * (guint64) p->stride;
    for (gint t = 0; t < p->frames; t++) {
      const gfloat *mel = self->ring + ((f0 + t) % p->frames) * p->n_mels;
      for (gint m = 0; m < p->n_mels; m++)
        dst[(gsize) m * p->frames + t] = mel[m];
    }
  } else {
    memcpy (dst, self->pend + (start - self->pend_start),
        mm_feature_params_window_floats (p) * sizeof (gfloat));
  }
  gst_buffer_unmap (out, &map);

  gint rate = p->rate;
  GST_BUFFER_PTS (out) = self->origin +
      gst_util_uint64_scale_int_round (start, GST_SECOND, rate);
  GST_BUFFER_DURATION (out) = gst_util_uint64_scale_int_round (start +
      mm_feature_params_window_samples (p), GST_SECOND, rate) -
      gst_util_uint64_scale_int_round (start, GST_SECOND, rate);
  GST_BUFFER_DTS (out) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_OFFSET (out) = self->window_counter;
  GST_BUFFER_OFFSET_END (out) = self->window_counter + 1;
  if (self->discont) {
    GST_BUFFER_FLAG_SET (out, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  self->window_counter++;
  self->next_window++;
  GST_LOG_OBJECT (self, "window %" G_GUINT64_FORMAT " pts %" GST_TIME_FORMAT,
      GST_BUFFER_OFFSET (out), GST_TIME_ARGS (GST_BUFFER_PTS (out)));
  return gst_pad_push (self->srcpad, out);
}

/* Computes every frame and emits every window the pending samples allow,
 * then drops samples no future window needs. */
static GstFlowReturn
process (GstMmAudioWindow * self)
{
  const MmFeatureParams *p = &self->params;
  GstFlowReturn ret = GST_FLOW_OK;
  guint64 step = (guint64) mm_feature_params_step_samples (p);
  guint64 wlen = (guint64) mm_feature_params_window_samples (p);
  guint64 keep_from;

  if (p->kind == MM_FEATURE_KIND_WAVEFORM) {
    while (ret == GST_FLOW_OK && self->next_window * step + wlen <= self->total)
      ret = emit_window (self);
    keep_from = self->next_window * step;
  } else {
    for (;;) {
      guint64 f = self->next_frame;
      guint64 fstart = f * (guint64) p->hop_length;
      if (fstart + (guint64) p->win_length > self->total || ret != GST_FLOW_OK)
        break;
      mm_log_mel_frame (self->log_mel, self->pend + (fstart -
              self->pend_start), self->ring + (f % p->frames) * p->n_mels);
      self->next_frame++;
      if (f == self->next_window * (guint64) p->stride + p->frames - 1)
        ret = emit_window (self);
      /* skip frames that belong to no window (stride > frames) */
      guint64 first = self->next_window * (guint64) p->stride;
      if (self->next_frame < first)
        self->next_frame = first;
    }
    keep_from = self->next_frame * (guint64) p->hop_length;
  }
  /* drop what no future frame or window reads; when that lies beyond the
   * audio received (stride gaps), consume() skips input up to it */
  if (keep_from >= self->pend_start + self->pend_len) {
    self->pend_len = 0;
    self->pend_start = keep_from;
  } else if (keep_from > self->pend_start) {
    gsize drop = (gsize) (keep_from - self->pend_start);
    memmove (self->pend, self->pend + drop,
        (self->pend_len - drop) * sizeof (gfloat));
    self->pend_len -= drop;
    self->pend_start += drop;
  }
  return ret;
}

static GstFlowReturn
consume (GstMmAudioWindow * self, const guint8 * data, gsize frames)
{
  gsize bpf = GST_AUDIO_INFO_BPF (&self->in_info);
  GstFlowReturn ret = GST_FLOW_OK;
  while (frames > 0 && ret == GST_FLOW_OK) {
    /* samples before the next needed one (stride gaps) are skipped */
    if (self->pend_len == 0 && self->pend_start > self->total) {
      gsize skip = (gsize) MIN ((guint64) frames,
          self->pend_start - self->total);
      self->total += skip;
      data += skip * bpf;
      frames -= skip;
      continue;
    }
    gsize n = MIN (frames, self->pend_cap - self->pend_len);
    append_mono (self, data, n);
    self->total += n;
    data += n * bpf;
    frames -= n;
    ret = process (self);
  }
  return ret;
}

static GstFlowReturn
gst_mm_audio_window_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstMmAudioWindow *self = GST_MM_AUDIO_WINDOW (parent);
  if (!self->configured) {
    gst_buffer_unref (buf);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("audio arrived before caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  GST_OBJECT_LOCK (self);
  GstClockTime threshold = self->alignment_threshold;
  GST_OBJECT_UNLOCK (self);

  GstClockTime pts = GST_BUFFER_PTS (buf);
  gint rate = GST_AUDIO_INFO_RATE (&self->in_info);
  if (GST_CLOCK_TIME_IS_VALID (self->origin) && GST_CLOCK_TIME_IS_VALID (pts)) {
    GstClockTime expected = self->origin +
        gst_util_uint64_scale_int_round (self->total, GST_SECOND, rate);
    GstClockTime drift = pts > expected ? pts - expected : expected - pts;
    if (drift > threshold || GST_BUFFER_IS_DISCONT (buf)) {
      GST_DEBUG_OBJECT (self, "realigning: pts %" GST_TIME_FORMAT
          ", expected %" GST_TIME_FORMAT "%s", GST_TIME_ARGS (pts),
          GST_TIME_ARGS (expected), GST_BUFFER_IS_DISCONT (buf) ?
          " (discont)" : "");
      restart (self);
    }
  } else if (GST_BUFFER_IS_DISCONT (buf) && self->total > 0) {
    restart (self);
  }
  if (!GST_CLOCK_TIME_IS_VALID (self->origin))
    self->origin = GST_CLOCK_TIME_IS_VALID (pts) ? pts : self->segment.start;

  GstMapInfo map;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    gst_buffer_unref (buf);
    GST_ELEMENT_ERROR (self, RESOURCE, READ, (NULL), ("cannot map buffer"));
    return GST_FLOW_ERROR;
  }
  gsize bpf = GST_AUDIO_INFO_BPF (&self->in_info);
  GstFlowReturn ret = consume (self, map.data, map.size / bpf);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  return ret;
}

/* At EOS: one last window, zero-padded, when audio reached into it. */
static void
drain (GstMmAudioWindow * self)
{
  GST_OBJECT_LOCK (self);
  gboolean pad_end = self->pad_end;
  GST_OBJECT_UNLOCK (self);
  if (!pad_end || !self->configured)
    return;
  const MmFeatureParams *p = &self->params;
  guint64 start = self->next_window * (guint64)
      mm_feature_params_step_samples (p);
  if (self->total <= start)
    return;
  guint64 end = start + (guint64) mm_feature_params_window_samples (p);
  guint64 missing = end - self->total;
  guint64 emitted = self->window_counter;
  /* feed zeros as mono float until that window is out */
  while (missing > 0 && self->window_counter == emitted) {
    gsize n = (gsize) MIN (missing, (guint64) (self->pend_cap -
            self->pend_len));
    memset (self->pend + self->pend_len, 0, n * sizeof (gfloat));
    self->pend_len += n;
    self->total += n;
    missing -= n;
    if (process (self) != GST_FLOW_OK)
      break;
  }
}

static gboolean
gst_mm_audio_window_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstMmAudioWindow *self = GST_MM_AUDIO_WINDOW (parent);
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      gst_event_parse_caps (event, &caps);
      gboolean ok = configure (self, caps);
      gst_event_unref (event);
      return ok;
    }
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &self->segment);
      if (self->segment.format != GST_FORMAT_TIME) {
        GST_ELEMENT_ERROR (self, STREAM, FORMAT, (NULL),
            ("segments in %s format are not supported; time is needed",
                gst_format_get_name (self->segment.format)));
        gst_event_unref (event);
        return FALSE;
      }
      break;
    case GST_EVENT_FLUSH_STOP:
      restart (self);
      self->window_counter = 0;
      break;
    case GST_EVENT_GAP:
      /* no audio for a while: windows restart after the gap */
      restart (self);
      break;
    case GST_EVENT_EOS:
      drain (self);
      break;
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_mm_audio_window_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstMmAudioWindow *self = GST_MM_AUDIO_WINDOW (parent);
  if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
    GstCaps *filter;
    gst_query_parse_caps (query, &filter);
    GstCaps *caps = sink_caps (self, filter);
    gst_query_set_caps_result (query, caps);
    gst_caps_unref (caps);
    return TRUE;
  }
  if (GST_QUERY_TYPE (query) == GST_QUERY_ALLOCATION)
    return FALSE;               /* we copy into our own staging buffer */
  return gst_pad_query_default (pad, parent, query);
}

static gboolean
gst_mm_audio_window_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstMmAudioWindow *self = GST_MM_AUDIO_WINDOW (parent);
  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    if (!gst_pad_peer_query (self->sinkpad, query))
      return FALSE;
    gboolean live;
    GstClockTime min, max;
    gst_query_parse_latency (query, &live, &min, &max);
    /* a window is complete only once its last sample has arrived */
    GST_OBJECT_LOCK (self);
    MmFeatureParams p = self->configured ? self->params : self->props;
    GST_OBJECT_UNLOCK (self);
    GstClockTime window = gst_util_uint64_scale_int_round
        (mm_feature_params_window_samples (&p), GST_SECOND, p.rate);
    min += window;
    if (GST_CLOCK_TIME_IS_VALID (max))
      max += window;
    GST_DEBUG_OBJECT (self, "latency: upstream + %" GST_TIME_FORMAT,
        GST_TIME_ARGS (window));
    gst_query_set_latency (query, live, min, max);
    return TRUE;
  }
  return gst_pad_query_default (pad, parent, query);
}
