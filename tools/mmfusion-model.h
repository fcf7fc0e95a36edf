/* mmfusion-model: what its command files share.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MMFUSION_MODEL_TOOL_H
#define MMFUSION_MODEL_TOOL_H

#include <glib.h>

G_BEGIN_DECLS

/* prints the one error line "mmfusion-model: FILE: reason"; returns 1 */
int mm_tool_fail (const char *file, const char *reason);
int mm_tool_failf (const char *file, const char *fmt, ...)
    G_GNUC_PRINTF (2, 3);

/* the subcommands in their own files; argv[0] is the subcommand */
int mm_tool_annotate (int argc, char **argv);
int mm_tool_check (int argc, char **argv);

G_END_DECLS
#endif /* MMFUSION_MODEL_TOOL_H */
