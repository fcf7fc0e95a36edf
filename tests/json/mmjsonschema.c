/* A JSON Schema validator for a subset of keywords (see mmjsonschema.h).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mmjsonschema.h"

#include <math.h>
#include <string.h>

struct _MmJsonSchema {
  JsonParser *parser;
  JsonNode *root;
};

static const char *const annotations[] = {
  "$schema", "$id", "$defs", "title", "description", "$comment",
  "examples", NULL
};

static const char *const keywords[] = {
  "type", "enum", "const", "properties", "required",
  "additionalProperties", "items", "minItems", "maxItems", "minimum",
  "maximum", "minLength", "maxLength", "pattern", "oneOf", "anyOf", "$ref",
  NULL
};

static gboolean
in_list (const char *const *list, const char *word)
{
  for (gint i = 0; list[i]; i++)
    if (strcmp (list[i], word) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
fail (GError ** error, const char *where, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError ** error, const char *where, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  gchar *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s",
      where[0] ? where : "/", msg);
  g_free (msg);
  return FALSE;
}

/* the schema itself: known keywords only, everywhere */
static gboolean
check_schema (JsonNode * node, const char *where, GError ** error)
{
  if (JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, where, "a schema must be an object or a boolean");
  JsonObject *o = json_node_get_object (node);
  GList *members = json_object_get_members (o);
  gboolean ok = TRUE;
  for (GList * l = members; ok && l; l = l->next) {
    const char *k = l->data;
    JsonNode *v = json_object_get_member (o, k);
    gchar *at = g_strdup_printf ("%s/%s", where, k);
    if (strcmp (k, "$defs") == 0 || strcmp (k, "properties") == 0) {
      if (!JSON_NODE_HOLDS_OBJECT (v)) {
        ok = fail (error, at, "must be an object");
      } else {
        JsonObject *defs = json_node_get_object (v);
        GList *names = json_object_get_members (defs);
        for (GList * n = names; ok && n; n = n->next) {
          gchar *at2 = g_strdup_printf ("%s/%s", at, (char *) n->data);
          ok = check_schema (json_object_get_member (defs, n->data), at2,
              error);
          g_free (at2);
        }
        g_list_free (names);
      }
    } else if (strcmp (k, "items") == 0
        || strcmp (k, "additionalProperties") == 0) {
      ok = check_schema (v, at, error);
    } else if (strcmp (k, "oneOf") == 0 || strcmp (k, "anyOf") == 0) {
      if (!JSON_NODE_HOLDS_ARRAY (v)) {
        ok = fail (error, at, "must be an array of schemas");
      } else {
        JsonArray *a = json_node_get_array (v);
        for (guint i = 0; ok && i < json_array_get_length (a); i++)
          ok = check_schema (json_array_get_element (a, i), at, error);
      }
    } else if (!in_list (keywords, k) && !in_list (annotations, k)) {
      ok = fail (error, at, "keyword '%s' is not supported by this "
          "validator", k);
    }
    g_free (at);
  }
  g_list_free (members);
  return ok;
}

MmJsonSchema *
mm_json_schema_load (const gchar * path, GError ** error)
{
  MmJsonSchema *s = g_new0 (MmJsonSchema, 1);
  s->parser = json_parser_new ();
  if (!json_parser_load_from_file (s->parser, path, error)) {
    mm_json_schema_free (s);
    return NULL;
  }
  s->root = json_parser_get_root (s->parser);
  GError *e = NULL;
  if (!s->root || !check_schema (s->root, "", &e)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path,
        e ? e->message : "empty");
    g_clear_error (&e);
    mm_json_schema_free (s);
    return NULL;
  }
  return s;
}

void
mm_json_schema_free (MmJsonSchema * s)
{
  if (!s)
    return;
  g_clear_object (&s->parser);
  g_free (s);
}

static const char *
type_of (JsonNode * n)
{
  switch (JSON_NODE_TYPE (n)) {
    case JSON_NODE_OBJECT: return "object";
    case JSON_NODE_ARRAY: return "array";
    case JSON_NODE_NULL: return "null";
    default: break;
  }
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_STRING)
    return "string";
  if (t == G_TYPE_BOOLEAN)
    return "boolean";
  if (t == G_TYPE_INT64)
    return "integer";
  return "number";
}

static gboolean
has_type (JsonNode * n, const char *want)
{
  const char *t = type_of (n);
  return strcmp (t, want) == 0
      || (strcmp (want, "number") == 0 && strcmp (t, "integer") == 0);
}

static gdouble
number (JsonNode * n)
{
  return json_node_get_value_type (n) == G_TYPE_INT64 ?
      (gdouble) json_node_get_int (n) : json_node_get_double (n);
}

/* JSON equality, for enum and const */
static gboolean
equal (JsonNode * a, JsonNode * b)
{
  if (JSON_NODE_HOLDS_VALUE (a) && JSON_NODE_HOLDS_VALUE (b)
      && strcmp (type_of (a), "string") != 0
      && strcmp (type_of (a), "boolean") != 0
      && strcmp (type_of (b), "string") != 0
      && strcmp (type_of (b), "boolean") != 0)
    return number (a) == number (b);
  return json_node_equal (a, b);
}

static gboolean validate (JsonNode * root, JsonNode * schema,
    JsonNode * node, const char *where, GError ** error);

static JsonNode *
resolve (JsonNode * root, const char *ref, const char *where,
    GError ** error)
{
  const char *prefix = "#/$defs/";
  if (!g_str_has_prefix (ref, prefix)) {
    fail (error, where, "$ref '%s': only #/$defs/NAME is supported", ref);
    return NULL;
  }
  JsonObject *o = json_node_get_object (root);
  JsonNode *defs = json_object_get_member (o, "$defs");
  JsonNode *target = defs && JSON_NODE_HOLDS_OBJECT (defs) ?
      json_object_get_member (json_node_get_object (defs),
      ref + strlen (prefix)) : NULL;
  if (!target)
    fail (error, where, "$ref '%s' names nothing", ref);
  return target;
}

static gboolean
validate_object (JsonNode * root, JsonObject * s, JsonNode * node,
    const char *where, GError ** error)
{
  JsonObject *o = json_node_get_object (node);
  JsonNode *req = json_object_get_member (s, "required");
  if (req) {
    JsonArray *a = json_node_get_array (req);
    for (guint i = 0; i < json_array_get_length (a); i++) {
      const char *name = json_array_get_string_element (a, i);
      if (!json_object_has_member (o, name))
        return fail (error, where, "required member '%s' is missing", name);
    }
  }
  JsonNode *props = json_object_get_member (s, "properties");
  JsonObject *p = props ? json_node_get_object (props) : NULL;
  JsonNode *extra = json_object_get_member (s, "additionalProperties");
  GList *members = json_object_get_members (o);
  gboolean ok = TRUE;
  for (GList * l = members; ok && l; l = l->next) {
    const char *name = l->data;
    gchar *at = g_strdup_printf ("%s/%s", where, name);
    JsonNode *sub = p ? json_object_get_member (p, name) : NULL;
    if (!sub)
      sub = extra;
    if (sub)
      ok = validate (root, sub, json_object_get_member (o, name), at, error);
    g_free (at);
  }
  g_list_free (members);
  return ok;
}

/* how far into the instance an error got: the length of its place */
static gsize
depth (const GError * e)
{
  const char *colon = strstr (e->message, ": ");
  return colon ? (gsize) (colon - e->message) : 0;
}

/* how many alternatives of a oneOf/anyOf the node matches; with none,
 * the error of the one that got furthest (the likely intended one) */
static guint
count_matches (JsonNode * root, JsonNode * list, JsonNode * node,
    const char *where, GError ** error)
{
  JsonArray *a = json_node_get_array (list);
  guint matches = 0;
  GError *best = NULL;
  for (guint i = 0; i < json_array_get_length (a); i++) {
    GError *e = NULL;
    if (validate (root, json_array_get_element (a, i), node, where, &e)) {
      matches++;
    } else if (!best || depth (e) > depth (best)) {
      g_clear_error (&best);
      best = e;
    } else {
      g_error_free (e);
    }
  }
  if (matches == 0 && best)
    g_propagate_error (error, best);
  else
    g_clear_error (&best);
  return matches;
}

static gboolean
validate (JsonNode * root, JsonNode * schema, JsonNode * node,
    const char *where, GError ** error)
{
  if (JSON_NODE_HOLDS_VALUE (schema))   /* true or false */
    return json_node_get_boolean (schema) ? TRUE :
        fail (error, where, "no value is allowed here");
  JsonObject *s = json_node_get_object (schema);
  JsonNode *k;

  if ((k = json_object_get_member (s, "$ref"))) {
    JsonNode *target = resolve (root, json_node_get_string (k), where,
        error);
    if (!target || !validate (root, target, node, where, error))
      return FALSE;
  }
  if ((k = json_object_get_member (s, "type"))) {
    gboolean ok = FALSE;
    GString *names = g_string_new (NULL);
    if (JSON_NODE_HOLDS_ARRAY (k)) {
      JsonArray *a = json_node_get_array (k);
      for (guint i = 0; i < json_array_get_length (a); i++) {
        const char *t = json_array_get_string_element (a, i);
        ok = ok || has_type (node, t);
        g_string_append_printf (names, "%s%s", i ? " or " : "", t);
      }
    } else {
      ok = has_type (node, json_node_get_string (k));
      g_string_append (names, json_node_get_string (k));
    }
    if (!ok) {
      fail (error, where, "%s expected, %s found", names->str,
          type_of (node));
      g_string_free (names, TRUE);
      return FALSE;
    }
    g_string_free (names, TRUE);
  }
  if ((k = json_object_get_member (s, "const")) && !equal (k, node))
    return fail (error, where, "not the value the schema fixes");
  if ((k = json_object_get_member (s, "enum"))) {
    JsonArray *a = json_node_get_array (k);
    gboolean ok = FALSE;
    for (guint i = 0; !ok && i < json_array_get_length (a); i++)
      ok = equal (json_array_get_element (a, i), node);
    if (!ok)
      return fail (error, where, "not one of the values the schema lists");
  }
  const char *t = type_of (node);
  if (strcmp (t, "number") == 0 || strcmp (t, "integer") == 0) {
    gdouble v = number (node);
    if ((k = json_object_get_member (s, "minimum")) && v < number (k))
      return fail (error, where, "%g is below the minimum %g", v,
          number (k));
    if ((k = json_object_get_member (s, "maximum")) && v > number (k))
      return fail (error, where, "%g is above the maximum %g", v,
          number (k));
  }
  if (strcmp (t, "string") == 0) {
    const char *str = json_node_get_string (node);
    glong len = g_utf8_strlen (str, -1);
    if ((k = json_object_get_member (s, "minLength")) && len < number (k))
      return fail (error, where, "shorter than %g characters", number (k));
    if ((k = json_object_get_member (s, "maxLength")) && len > number (k))
      return fail (error, where, "longer than %g characters", number (k));
    if ((k = json_object_get_member (s, "pattern"))) {
      GError *e = NULL;
      GRegex *re = g_regex_new (json_node_get_string (k), 0, 0, &e);
      if (!re) {
        fail (error, where, "bad pattern in the schema: %s", e->message);
        g_error_free (e);
        return FALSE;
      }
      gboolean m = g_regex_match (re, str, 0, NULL);
      g_regex_unref (re);
      if (!m)
        return fail (error, where, "'%s' does not match %s", str,
            json_node_get_string (k));
    }
  }
  if (strcmp (t, "array") == 0) {
    JsonArray *a = json_node_get_array (node);
    guint len = json_array_get_length (a);
    if ((k = json_object_get_member (s, "minItems")) && len < number (k))
      return fail (error, where, "fewer than %g items", number (k));
    if ((k = json_object_get_member (s, "maxItems")) && len > number (k))
      return fail (error, where, "more than %g items", number (k));
    if ((k = json_object_get_member (s, "items")))
      for (guint i = 0; i < len; i++) {
        gchar *at = g_strdup_printf ("%s/%u", where, i);
        gboolean ok = validate (root, k, json_array_get_element (a, i), at,
            error);
        g_free (at);
        if (!ok)
          return FALSE;
      }
  }
  if (strcmp (t, "object") == 0
      && !validate_object (root, s, node, where, error))
    return FALSE;
  if ((k = json_object_get_member (s, "anyOf"))
      && count_matches (root, k, node, where, error) == 0)
    return FALSE;
  if ((k = json_object_get_member (s, "oneOf"))) {
    GError *e = NULL;
    guint n = count_matches (root, k, node, where, &e);
    if (n == 0) {
      g_propagate_error (error, e);
      return FALSE;
    }
    if (n > 1)
      return fail (error, where, "matches %u alternatives of oneOf, not "
          "exactly one", n);
  }
  return TRUE;
}

gboolean
mm_json_schema_validate (MmJsonSchema * schema, JsonNode * instance,
    GError ** error)
{
  return validate (schema->root, schema->root, instance, "", error);
}

gboolean
mm_json_schema_validate_file (const gchar * schema_path,
    const gchar * jsonl_path, GError ** error)
{
  MmJsonSchema *schema = mm_json_schema_load (schema_path, error);
  if (!schema)
    return FALSE;
  gchar *text;
  if (!g_file_get_contents (jsonl_path, &text, NULL, error)) {
    mm_json_schema_free (schema);
    return FALSE;
  }
  gchar **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  JsonParser *p = json_parser_new ();
  gboolean ok = TRUE;
  for (guint i = 0; ok && lines[i]; i++) {
    if (!lines[i][0])
      continue;
    GError *e = NULL;
    ok = json_parser_load_from_data (p, lines[i], -1, &e)
        && mm_json_schema_validate (schema, json_parser_get_root (p), &e);
    if (!ok) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%u: %s "
          "(%s)", jsonl_path, i + 1, e->message, lines[i]);
      g_error_free (e);
    }
  }
  g_object_unref (p);
  g_strfreev (lines);
  mm_json_schema_free (schema);
  return ok;
}
