/* The calling thread's buffer for the products' packed panels.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each session worker packs into a buffer of its own, grown once to the
 * largest size asked and kept until the thread ends, so a product in
 * steady state allocates nothing. One buffer serves every kernel: a
 * product does not call another while it holds it.
 */
#include "kernels.h"

static GPrivate buffer_key = G_PRIVATE_INIT (g_free);
static GPrivate buffer_size_key;

float *
nn_kernel_buffer (size_t floats)
{
  size_t have = GPOINTER_TO_SIZE (g_private_get (&buffer_size_key));
  float *w = g_private_get (&buffer_key);
  if (!w || have < floats) {
    /* g_private_replace frees the old buffer */
    w = g_malloc (floats * sizeof (float) + 64);
    g_private_replace (&buffer_key, w);
    g_private_set (&buffer_size_key, GSIZE_TO_POINTER (floats));
  }
  return (float *) (((uintptr_t) w + 63) & ~(uintptr_t) 63);
}
