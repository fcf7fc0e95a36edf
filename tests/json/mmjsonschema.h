/* A JSON Schema validator for the keywords docs/mmfusion-2.schema.json
 * uses, so the test suite checks JSON records without Python or npm:
 * type, enum, const, properties, required, additionalProperties, items,
 * minItems, maxItems, minimum, maximum, minLength, maxLength, pattern,
 * oneOf, anyOf, $ref (to "#/$defs/NAME"). A schema with any other
 * keyword is refused, so the schema cannot silently say more than is
 * checked. Annotations ($schema, $id, $defs, title, description,
 * $comment, examples) are allowed and ignored.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MM_JSON_SCHEMA_H
#define MM_JSON_SCHEMA_H

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _MmJsonSchema MmJsonSchema;

MmJsonSchema *mm_json_schema_load (const gchar * path, GError ** error);
void mm_json_schema_free (MmJsonSchema * schema);

/* FALSE with error naming the place in the instance (/outputs/cls/kind)
 * and the keyword that failed */
gboolean mm_json_schema_validate (MmJsonSchema * schema, JsonNode * instance,
    GError ** error);
/* every line of a JSON Lines file; the error names the line */
gboolean mm_json_schema_validate_file (const gchar * schema_path,
    const gchar * jsonl_path, GError ** error);

G_END_DECLS
#endif /* MM_JSON_SCHEMA_H */
