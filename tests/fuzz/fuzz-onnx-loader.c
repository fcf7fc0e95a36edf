/* libFuzzer target: the ONNX loader, and a run of whatever it accepts.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Build and run with scripts/fuzz (clang, ASan + UBSan). Any crash,
 * sanitizer report or leak is a finding; a GError is the expected answer.
 */
#include <mmfusion/nn.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GError *err = NULL;
  /* some inputs load with a batch or a small memory budget, chosen by
   * size so that the corpus keeps its meaning */
  nn_load_options opts = { 0 };
  if (size % 5 == 1)
    opts.batch = 2;
  if (size % 7 == 3)
    opts.memory_budget = (size_t) 1 << 20;
  nn_model *m = nn_model_load_data (data, size, &opts, &err);
  if (!m) {
    /* every refusal must say why */
    if (!err || !err->message || !*err->message)
      __builtin_trap ();
    g_error_free (err);
    return 0;
  }
  /* a model that loads must also run; keep the arena modest so the fuzzer
   * spends its time on parsing rather than on memset */
  if (nn_model_arena_size (m) < ((size_t) 64 << 20)) {
    nn_session *s = nn_session_new (m, NULL, NULL);
    if (s) {
      nn_session_run (s, NULL);
      nn_session_free (s);
    }
  }
  nn_model_free (m);
  return 0;
}
