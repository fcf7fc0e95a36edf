/* A copy of an ONNX model with dimension 0 of every graph input and
 * output made symbolic ("N"), so that it can be loaded for batches: the
 * shipped AV-digits models fix it at 1.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_TEST_BATCH_MODEL_H
#define MM_TEST_BATCH_MODEL_H

#include <gst/check/gstcheck.h>

/* writes the copy into a new temporary folder; g_error on failure (it runs
 * before the tests) */
gchar *batch_model_write (const gchar * src);
/* removes the copy and its folder */
void batch_model_remove (gchar * path);

/* A test program's main: gst_check_init, the shipped AV-digits concat
 * model (MM_MODELS) into *fixed and its batch copy into *batch, the suite
 * run, then both let go; the exit status. */
int batch_model_main (int argc, char **argv, Suite * (*make_suite) (void),
    gchar ** fixed, gchar ** batch);

#endif
