/* Fills a session's inputs from INPUT_NAME.npy files, as the golden and zoo
 * generators write them beside each model.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <mmfusion/nn.h>

/* every input of @m from DIR/input_NAME.npy; a missing file or a wrong
 * type or size fails the running GTest */
void npy_fill_inputs (nn_session * s, const nn_model * m, const char *dir);
