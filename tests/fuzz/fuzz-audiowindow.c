/* libFuzzer target: mmaudiowindow with fuzzed caps, properties, buffer
 * sizes, timestamps, DISCONT flags and GAP events. Anything but an error
 * message or a clean refusal is a finding.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: 16 header bytes (format, channels, rate, parameters), then chunks
 * of [size byte, flags byte, data...].
 */
#include <stdint.h>
#include <gst/gst.h>
#include <gst/check/gstharness.h>

#include "gstmmfusionelements.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static const gint rates[] = { 8000, 16000, 22050, 44100, 48000, 1, 3, 96000 };

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static gboolean inited;
  if (!inited) {
    gst_init (NULL, NULL);
    GST_ELEMENT_REGISTER (mmaudiowindow, NULL);
    inited = TRUE;
  }
  if (size < 16)
    return 0;
  gboolean s16 = data[0] & 1;
  gint channels = 1 + (data[1] % 8);
  gint rate = rates[data[2] % G_N_ELEMENTS (rates)];
  gint n_fft = 2 * (1 + data[3] % 128);         /* 2..256, even */
  gint win = 1 + data[4] % 300;
  gint hop = 1 + data[5] % 200;
  gint n_mels = 1 + data[6] % 80;
  gint frames = 1 + data[7] % 40;
  gint stride = 1 + data[8] % 60;
  gboolean waveform = data[9] & 1;
  gdouble fmax = (data[10] % 4) ? 0.0 : data[11] * 50.0;
  gboolean pad_end = data[12] & 1;
  guint64 threshold = 1 + (guint64) data[13] * GST_MSECOND;

  gchar *desc = g_strdup_printf ("mmaudiowindow kind=%s rate=%d n-fft=%d "
      "win-length=%d hop-length=%d n-mels=%d frames=%d stride=%d fmax=%g "
      "pad-end=%d alignment-threshold=%" G_GUINT64_FORMAT,
      waveform ? "waveform" : "log-mel", rate, n_fft, win, hop, n_mels,
      frames, stride, fmax, pad_end, threshold);
  GstHarness *h = gst_harness_new_parse (desc);
  g_free (desc);
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gchar *caps = g_strdup_printf ("audio/x-raw, format=%s, layout=interleaved, "
      "rate=%d, channels=%d", s16 ? "S16LE" : "F32LE", rate, channels);
  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);

  gsize bpf = (s16 ? 2 : 4) * channels;
  size_t at = 16;
  guint64 samples = 0;
  while (at + 2 <= size) {
    gsize frames_n = 1 + data[at] * 17;     /* 1 .. 4336 frames */
    guint8 flags = data[at + 1];
    at += 2;
    if (flags & 0x80) {
      gst_harness_push_event (h, gst_event_new_gap (gst_util_uint64_scale_int
              (samples, GST_SECOND, rate), GST_MSECOND * (flags & 0x7f)));
      continue;
    }
    GstBuffer *b = gst_buffer_new_allocate (NULL, frames_n * bpf, NULL);
    GstMapInfo map;
    gst_buffer_map (b, &map, GST_MAP_WRITE);
    /* the payload comes from the input, repeated: NaN and huge values
     * included */
    for (gsize i = 0; i < map.size; i++)
      map.data[i] = at < size ? data[at + i % (size - at)] : 0;
    gst_buffer_unmap (b, &map);
    GST_BUFFER_PTS (b) = gst_util_uint64_scale_int (samples, GST_SECOND, rate)
        + (flags & 0x40 ? GST_MSECOND * (flags & 0x3f) : 0);
    if (flags & 0x20)
      GST_BUFFER_PTS (b) = GST_CLOCK_TIME_NONE;
    if (flags & 0x10)
      GST_BUFFER_FLAG_SET (b, GST_BUFFER_FLAG_DISCONT);
    samples += frames_n;
    if (gst_harness_push (h, b) != GST_FLOW_OK)
      break;
    GstBuffer *out;
    while ((out = gst_harness_try_pull (h)))
      gst_buffer_unref (out);
    at += MIN ((size_t) 8, size - at);
  }
  gst_harness_push_event (h, gst_event_new_eos ());
  GstBuffer *out;
  while ((out = gst_harness_try_pull (h)))
    gst_buffer_unref (out);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  return 0;
}
