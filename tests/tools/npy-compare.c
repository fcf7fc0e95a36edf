/* npy-compare A.npy B.npy TOLERANCE: exit 0 when both hold float32 arrays
 * of one shape whose elements differ by at most TOLERANCE; prints the
 * largest difference. For shell tests, which have no numpy.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <mmfusion/nn.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  if (argc != 4) {
    fprintf (stderr, "usage: npy-compare A.npy B.npy TOLERANCE\n");
    return 2;
  }
  nn_tensor a, b;
  GError *err = NULL;
  if (!nn_npy_load (argv[1], &a, &err) || !nn_npy_load (argv[2], &b, &err)) {
    fprintf (stderr, "npy-compare: %s\n", err->message);
    return 2;
  }
  int status = 0;
  gboolean same = a.type == NN_TYPE_FLOAT && b.type == NN_TYPE_FLOAT
      && a.ndim == b.ndim;
  for (int d = 0; same && d < a.ndim; d++)
    same = a.shape[d] == b.shape[d];
  if (!same) {
    fprintf (stderr, "npy-compare: not float32 arrays of one shape\n");
    status = 1;
  } else {
    double worst = 0.0;
    const float *x = a.data, *y = b.data;
    for (int64_t i = 0; i < nn_tensor_numel (&a); i++) {
      double e = fabs ((double) x[i] - y[i]);
      worst = isnan (e) ? INFINITY : fmax (worst, e);
    }
    printf ("max abs difference %g\n", worst);
    status = worst <= atof (argv[3]) ? 0 : 1;
  }
  g_free (a.data);
  g_free (b.data);
  return status;
}
