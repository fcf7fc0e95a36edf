/* mmfault: a test-only element that injects one fault into a stream at a
 * chosen time (see mmfault.h for the faults).
 *
 *   ... ! mmfault fault=gap start=1000000000 duration=500000000 ! ...
 *
 * Every buffer whose incoming PTS lies in [start, start + duration) is
 * affected; the others pass untouched. `injected` counts affected buffers.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mmfault.h"

GST_DEBUG_CATEGORY_STATIC (mm_fault_debug);
#define GST_CAT_DEFAULT mm_fault_debug

enum {
  PROP_0,
  PROP_FAULT,
  PROP_START,
  PROP_DURATION,
  PROP_JUMP,
  PROP_INJECTED,
};

struct _MmFaultElement {
  GstElement parent;
  GstPad *sinkpad, *srcpad;

  /* under the object lock */
  MmFault fault;
  GstClockTime start, duration, jump;
  guint injected;
  gboolean once_done;           /* discont, stall: the first only */
  gboolean ended;               /* eos: everything after is dropped */
  gboolean flushing;            /* ends a stall early */
  GCond cond;
};

G_DEFINE_TYPE (MmFaultElement, mm_fault, GST_TYPE_ELEMENT);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static const GEnumValue fault_values[] = {
  {MM_FAULT_NONE, "No fault", "none"},
  {MM_FAULT_GAP, "Buffers replaced by GAP events", "gap"},
  {MM_FAULT_DROP, "Buffers dropped", "drop"},
  {MM_FAULT_DISCONT, "The first buffer flagged DISCONT", "discont"},
  {MM_FAULT_JUMP_BACK, "Timestamps moved back by jump", "jump-back"},
  {MM_FAULT_JUMP_FORWARD, "Timestamps moved forward by jump",
      "jump-forward"},
  {MM_FAULT_DUPLICATE, "Buffers pushed twice", "duplicate"},
  {MM_FAULT_NO_PTS, "Timestamps removed", "no-pts"},
  {MM_FAULT_STALL, "The thread blocks for duration at the first buffer",
      "stall"},
  {MM_FAULT_EOS, "EOS at the first buffer, nothing after", "eos"},
  {0, NULL, NULL},
};

static GType
fault_get_type (void)
{
  static GType type = 0;
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("MmFault", fault_values);
    g_once_init_leave (&type, t);
  }
  return type;
}

const gchar *
mm_fault_nick (MmFault fault)
{
  for (guint i = 0; fault_values[i].value_nick; i++)
    if (fault_values[i].value == (gint) fault)
      return fault_values[i].value_nick;
  return "?";
}

static GstFlowReturn
mm_fault_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  MmFaultElement *self = MM_FAULT (parent);
  GstClockTime pts = GST_BUFFER_PTS (buf);

  GST_OBJECT_LOCK (self);
  if (self->ended) {
    GST_OBJECT_UNLOCK (self);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  MmFault fault = self->fault;
  gboolean hit = fault != MM_FAULT_NONE && GST_CLOCK_TIME_IS_VALID (pts)
      && pts >= self->start && pts - self->start < self->duration;
  if (!hit) {
    GST_OBJECT_UNLOCK (self);
    return gst_pad_push (self->srcpad, buf);
  }
  self->injected++;
  gboolean first = !self->once_done;
  self->once_done = TRUE;
  GstClockTime jump = self->jump;
  if (fault == MM_FAULT_STALL && first) {
    gint64 until = g_get_monotonic_time () + (gint64) (self->duration / 1000);
    while (!self->flushing && g_cond_wait_until (&self->cond,
            GST_OBJECT_GET_LOCK (self), until));
  }
  if (fault == MM_FAULT_EOS)
    self->ended = TRUE;
  GST_OBJECT_UNLOCK (self);

  switch (fault) {
    case MM_FAULT_GAP:{
      GstClockTime d = GST_BUFFER_DURATION (buf);
      gst_buffer_unref (buf);
      gst_pad_push_event (self->srcpad, gst_event_new_gap (pts, d));
      return GST_FLOW_OK;
    }
    case MM_FAULT_DROP:
      gst_buffer_unref (buf);
      return GST_FLOW_OK;
    case MM_FAULT_DISCONT:
      if (first) {
        buf = gst_buffer_make_writable (buf);
        GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
      }
      break;
    case MM_FAULT_JUMP_BACK:
    case MM_FAULT_JUMP_FORWARD:
      buf = gst_buffer_make_writable (buf);
      if (fault == MM_FAULT_JUMP_FORWARD)
        GST_BUFFER_PTS (buf) = pts + jump;
      else
        GST_BUFFER_PTS (buf) = pts > jump ? pts - jump : 0;
      GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
      break;
    case MM_FAULT_DUPLICATE:{
      /* another buffer with the same content and timestamps */
      GstFlowReturn ret = gst_pad_push (self->srcpad, gst_buffer_copy (buf));
      if (ret != GST_FLOW_OK) {
        gst_buffer_unref (buf);
        return ret;
      }
      break;
    }
    case MM_FAULT_NO_PTS:
      buf = gst_buffer_make_writable (buf);
      GST_BUFFER_PTS (buf) = GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
      break;
    case MM_FAULT_EOS:
      gst_buffer_unref (buf);
      gst_pad_push_event (self->srcpad, gst_event_new_eos ());
      return GST_FLOW_OK;
    default:
      break;
  }
  return gst_pad_push (self->srcpad, buf);
}

static gboolean
mm_fault_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  MmFaultElement *self = MM_FAULT (parent);
  GST_OBJECT_LOCK (self);
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START) {
    self->flushing = TRUE;
    g_cond_broadcast (&self->cond);
  } else if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    self->flushing = FALSE;
  }
  /* after the injected EOS only flushes pass */
  gboolean drop = self->ended && GST_EVENT_IS_SERIALIZED (event)
      && GST_EVENT_TYPE (event) != GST_EVENT_FLUSH_STOP;
  GST_OBJECT_UNLOCK (self);
  if (drop) {
    gst_event_unref (event);
    return TRUE;
  }
  return gst_pad_event_default (pad, parent, event);
}

static GstStateChangeReturn
mm_fault_change_state (GstElement * element, GstStateChange transition)
{
  MmFaultElement *self = MM_FAULT (element);
  GST_OBJECT_LOCK (self);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    self->injected = 0;
    self->once_done = self->ended = self->flushing = FALSE;
  } else if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    /* a stalled thread must let go for the pads to deactivate */
    self->flushing = TRUE;
    g_cond_broadcast (&self->cond);
  }
  GST_OBJECT_UNLOCK (self);
  return GST_ELEMENT_CLASS (mm_fault_parent_class)->change_state (element,
      transition);
}

static void
mm_fault_set_property (GObject * object, guint id, const GValue * value,
    GParamSpec * pspec)
{
  MmFaultElement *self = MM_FAULT (object);
  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_FAULT: self->fault = g_value_get_enum (value); break;
    case PROP_START: self->start = g_value_get_uint64 (value); break;
    case PROP_DURATION: self->duration = g_value_get_uint64 (value); break;
    case PROP_JUMP: self->jump = g_value_get_uint64 (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
mm_fault_get_property (GObject * object, guint id, GValue * value,
    GParamSpec * pspec)
{
  MmFaultElement *self = MM_FAULT (object);
  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_FAULT: g_value_set_enum (value, self->fault); break;
    case PROP_START: g_value_set_uint64 (value, self->start); break;
    case PROP_DURATION: g_value_set_uint64 (value, self->duration); break;
    case PROP_JUMP: g_value_set_uint64 (value, self->jump); break;
    case PROP_INJECTED: g_value_set_uint (value, self->injected); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
mm_fault_finalize (GObject * object)
{
  g_cond_clear (&MM_FAULT (object)->cond);
  G_OBJECT_CLASS (mm_fault_parent_class)->finalize (object);
}

static void
mm_fault_class_init (MmFaultElementClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  gobject_class->set_property = mm_fault_set_property;
  gobject_class->get_property = mm_fault_get_property;
  gobject_class->finalize = mm_fault_finalize;
  element_class->change_state = mm_fault_change_state;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  g_object_class_install_property (gobject_class, PROP_FAULT,
      g_param_spec_enum ("fault", "Fault", "What to inject",
          fault_get_type (), MM_FAULT_NONE, rw));
  g_object_class_install_property (gobject_class, PROP_START,
      g_param_spec_uint64 ("start", "Start", "First PTS affected (ns)",
          0, G_MAXUINT64, 0, rw));
  g_object_class_install_property (gobject_class, PROP_DURATION,
      g_param_spec_uint64 ("duration", "Duration",
          "Span of PTS affected (ns); for stall, how long it blocks", 0,
          G_MAXUINT64, GST_SECOND, rw));
  g_object_class_install_property (gobject_class, PROP_JUMP,
      g_param_spec_uint64 ("jump", "Jump", "Timestamp shift of the jumps "
          "(ns)", 0, G_MAXUINT64 / 2, GST_SECOND, rw));
  g_object_class_install_property (gobject_class, PROP_INJECTED,
      g_param_spec_uint ("injected", "Injected", "Buffers affected so far",
          0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "Fault injector",
      "Testing", "Injects one fault into a stream at a chosen time",
      "gst-mmfusion authors");
  GST_DEBUG_CATEGORY_INIT (mm_fault_debug, "mmfault", 0, "fault injector");
}

static void
mm_fault_init (MmFaultElement * self)
{
  g_cond_init (&self->cond);
  self->duration = GST_SECOND;
  self->jump = GST_SECOND;
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, mm_fault_chain);
  gst_pad_set_event_function (self->sinkpad, mm_fault_sink_event);
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

gboolean
mm_fault_register (void)
{
  return gst_element_register (NULL, "mmfault", GST_RANK_NONE, MM_TYPE_FAULT);
}
