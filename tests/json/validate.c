/* mm-json-validate SCHEMA FILE...: every line of each JSON Lines FILE
 * against SCHEMA (mmjsonschema.h); for the test scripts.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mmjsonschema.h"

#include <stdio.h>

int
main (int argc, char **argv)
{
  if (argc < 3) {
    fprintf (stderr, "usage: mm-json-validate SCHEMA FILE...\n");
    return 2;
  }
  int status = 0;
  for (int i = 2; i < argc; i++) {
    GError *e = NULL;
    if (!mm_json_schema_validate_file (argv[1], argv[i], &e)) {
      fprintf (stderr, "mm-json-validate: %s\n", e->message);
      g_error_free (e);
      status = 1;
    }
  }
  return status;
}
