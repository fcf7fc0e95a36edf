/* Fills a session's inputs from .npy files (npy-inputs.h).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "npy-inputs.h"

#include <string.h>

void
npy_fill_inputs (nn_session * s, const nn_model * m, const char *dir)
{
  for (size_t i = 0; i < nn_model_n_inputs (m); i++) {
    nn_tensor *dst = nn_session_input (s, i), t;
    gchar *path = g_strdup_printf ("%s/input_%s.npy", dir, dst->name);
    GError *err = NULL;
    g_assert_true (nn_npy_load (path, &t, &err));
    g_assert_no_error (err);
    g_assert_cmpint (t.type, ==, dst->type);
    g_assert_cmpint (nn_tensor_numel (&t), ==, nn_tensor_numel (dst));
    memcpy (dst->data, t.data, nn_tensor_numel (&t) * nn_type_size (t.type));
    g_free (t.data);
    g_free (path);
  }
}
