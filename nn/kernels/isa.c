/* Which instruction set the runtime's own kernels use, decided once.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * From the CPU (__builtin_cpu_supports), unless NN_ISA names a lower one
 * (avx512, avx2, generic): tests force each path that way. Below AVX-512
 * the products go to OpenBLAS, which picks its own AVX2/FMA kernels.
 */
#include "kernels.h"

#include <string.h>

static nn_isa
detect (void)
{
  nn_isa best = NN_ISA_GENERIC;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    best = NN_ISA_AVX2;
  if (best == NN_ISA_AVX2 && __builtin_cpu_supports ("avx512f"))
    best = NN_ISA_AVX512;
#endif
  const char *env = g_getenv ("NN_ISA");
  if (env && strcmp (env, "generic") == 0)
    best = NN_ISA_GENERIC;
  else if (env && strcmp (env, "avx2") == 0 && best > NN_ISA_AVX2)
    best = NN_ISA_AVX2;
  return best;
}

nn_isa
nn_isa_get (void)
{
  static gsize once = 0;
  static nn_isa isa;
  if (g_once_init_enter (&once)) {
    isa = detect ();
    g_once_init_leave (&once, 1);
  }
  return isa;
}

const char *
nn_isa_name (nn_isa isa)
{
  return isa == NN_ISA_AVX512 ? "avx512" : isa == NN_ISA_AVX2 ? "avx2" :
      "generic";
}
