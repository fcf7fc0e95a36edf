/* A test helper shared by the pipeline tests.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

/* Sets @pipe PLAYING and waits up to @timeout_s seconds for EOS or an
 * error, then sets it to NULL. Returns the error's message (free it) or
 * NULL at EOS; fails the running test when neither comes in time. */
gchar *run_pipeline_to_end (GstElement * pipe, guint timeout_s);
