/* `list-properties --plugin NAME` prints the plugin's element names, one a
 * line. `list-properties ELEMENT...` prints every property of the elements:
 *   ELEMENT<TAB>PROPERTY<TAB>OWN|INHERITED<TAB>MUTABILITY
 * MUTABILITY: read-only, ready (GST_PARAM_MUTABLE_READY), paused, playing,
 * or always (writable, no GStreamer mutability flag). The docs test compares
 * this with the property tables of docs/elements.md.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <stdio.h>

static const char *
mutability (const GParamSpec * p)
{
  if (!(p->flags & G_PARAM_WRITABLE))
    return "read-only";
  if (p->flags & GST_PARAM_MUTABLE_READY)
    return "ready";
  if (p->flags & GST_PARAM_MUTABLE_PAUSED)
    return "paused";
  if (p->flags & GST_PARAM_MUTABLE_PLAYING)
    return "playing";
  return "always";
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  int status = 0;
  if (argc == 3 && g_str_equal (argv[1], "--plugin")) {
    GList *features = gst_registry_get_feature_list_by_plugin
        (gst_registry_get (), argv[2]);
    for (GList * l = features; l; l = l->next)
      if (GST_IS_ELEMENT_FACTORY (l->data))
        printf ("%s\n", gst_plugin_feature_get_name (l->data));
    status = features ? 0 : 1;
    if (!features)
      fprintf (stderr, "list-properties: no plugin %s (is GST_PLUGIN_PATH "
          "set?)\n", argv[2]);
    gst_plugin_feature_list_free (features);
    return status;
  }
  for (int i = 1; i < argc; i++) {
    GstElement *e = gst_element_factory_make (argv[i], NULL);
    if (!e) {
      fprintf (stderr, "list-properties: %s: no such element (is "
          "GST_PLUGIN_PATH set?)\n", argv[i]);
      status = 1;
      continue;
    }
    GType type = G_OBJECT_TYPE (e);
    guint n;
    GParamSpec **props = g_object_class_list_properties
        (G_OBJECT_GET_CLASS (e), &n);
    for (guint k = 0; k < n; k++)
      printf ("%s\t%s\t%s\t%s\n", argv[i], props[k]->name,
          props[k]->owner_type == type ? "own" : "inherited",
          mutability (props[k]));
    g_free (props);
    gst_object_unref (e);
  }
  return status;
}
