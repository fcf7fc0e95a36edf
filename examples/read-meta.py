#!/usr/bin/env python3
"""Reading mmfusion results from the meta in Python (PyGObject).

Runs a pipeline like read-results.c does, reads every frame's
GstMmFusionMeta in a pad probe after mmfusion (model name and hash,
source, capture time, timestamps, fresh flag, top-k classes and scores,
every class's score, every model output by its kind, the running-time
span of every input, the events with their start, peak and duration)
through the GstMmFusion-1.0 typelib, and checks it against what the
element says on the bus. Prints one line per frame
and a summary.

usage: read-meta.py MODEL [FRAMES]

Where the library is not installed, point GObject introspection and the
dynamic loader at the build:

  GI_TYPELIB_PATH=build/gst LD_LIBRARY_PATH=build/gst \\
  GST_PLUGIN_PATH=build/gst python3 examples/read-meta.py MODEL

Exit status: 0 when every frame had a readable result agreeing with the
bus messages, 1 otherwise, 77 when PyGObject or GStreamer's introspection
data is missing (the test suite then counts it as skipped).
"""
import sys
import time

try:
    import gi
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
except (ImportError, ValueError):
    sys.exit(77)

# our own typelib missing is an error, not a skip: the build made it
try:
    gi.require_version("GstMmFusion", "1.0")
    from gi.repository import GstMmFusion
except (ImportError, ValueError) as e:
    sys.exit(f"read-meta: GstMmFusion-1.0 typelib not found ({e}); "
             "install gst-mmfusion or set GI_TYPELIB_PATH and LD_LIBRARY_PATH")

NONE = Gst.CLOCK_TIME_NONE


def fmt(t):
    return "none" if t == NONE else f"{t / 1e9:.3f}"


class Reader:
    """Everything the probe read, by PTS, and what was wrong."""

    def __init__(self):
        self.frames = 0
        self.results = {}       # pts -> (labels, scores, event_class)
        self.outputs = {}       # pts -> [(name, kind, [(label, value)])]
        self.events = []        # (state, class-id, pts, peak, duration)
        self.with_audio = 0
        self.errors = []

    def fail(self, pts, what):
        self.errors.append(f"frame {fmt(pts)}: {what}")

    def probe(self, pad, info):
        buf = info.get_buffer()
        self.frames += 1
        # The meta (and the spans it returns) live as long as the buffer:
        # read it here, keep plain values only.
        m = GstMmFusion.buffer_get_mm_fusion_meta(buf)
        if m is None:
            self.fail(buf.pts, "no GstMmFusionMeta")
            return Gst.PadProbeReturn.OK
        if not m.fresh:
            # the model runs on every frame here: nothing may be carried
            self.fail(buf.pts, "result carried, not fresh")
        if m.pts != buf.pts or m.duration != buf.duration:
            self.fail(buf.pts, f"meta pts/duration {m.pts}/{m.duration} "
                      f"!= buffer's {buf.pts}/{buf.duration}")
        # a default segment from 0: running time is the PTS
        if m.running_time != buf.pts:
            self.fail(buf.pts, f"running time {m.running_time}")

        labels = [m.get_label(i) for i in range(m.get_length())]
        scores = [m.get_level(i) for i in range(m.get_length())]
        if len(labels) != 2 or not all(labels):
            self.fail(buf.pts, f"top-2 expected, got {labels}")
        if scores != sorted(scores, reverse=True) or \
                not all(0.0 <= s <= 1.0 for s in scores):
            self.fail(buf.pts, f"scores not best-first probabilities: {scores}")

        # every class's score (all-scores=true): the top-k are among them
        every = m.get_all_scores()
        ids = [m.get_class_id(i) for i in range(m.get_length())]
        if len(every) < len(ids) or \
                [every[c] for c in ids if 0 <= c < len(every)] != scores:
            self.fail(buf.pts, f"all scores {every} disagree with the top-k "
                      f"{list(zip(ids, scores))}")

        spans = {}
        for i in range(m.get_n_inputs()):
            s = m.get_nth_input(i)
            spans[s.get_name()] = (s.start, s.end, s.missing)
        # the frame itself is the video input
        frame_end = m.running_time + m.duration
        if spans.get("video") != (m.running_time, frame_end, False):
            self.fail(buf.pts, f"video span {spans.get('video')}")
        audio = spans.get("audio")
        if audio is None:
            self.fail(buf.pts, "no audio span")
        elif audio[2]:
            if audio[:2] != (NONE, NONE):
                self.fail(buf.pts, f"missing audio with a span {audio}")
        elif not (audio[0] < audio[1] and
                  abs(audio[1] - frame_end) < audio[1] - audio[0]):
            # the window ends within its own length of the frame's end
            # (by the sync rule, within half a window step)
            self.fail(buf.pts, f"audio span {audio} far from the frame's "
                      f"end {frame_end}")
        # the by-name accessor agrees with the list
        a = m.get_input("audio")
        if a is None or (a.start, a.end, a.missing) != audio:
            self.fail(buf.pts, "get_input('audio') disagrees")

        # who and when: the stream's name, the model file's hash, the
        # capture time (ns since 1970, UTC)
        if m.get_source() != "cam1":
            self.fail(buf.pts, f"source {m.get_source()!r}")
        if len(m.get_model_sha256() or "") != 64:
            self.fail(buf.pts, "no model hash")
        if m.utc == NONE or abs(m.utc / 1e9 - time.time()) > 60:
            self.fail(buf.pts, f"capture time {m.utc}")

        # every output by its kind; this model has one classes output,
        # whose entries are the top-k above
        outputs = []
        for o in range(m.get_n_outputs()):
            kind = m.get_output_kind(o)
            entries = [(m.get_output_label(o, i), m.get_output_value(o, i))
                       for i in range(m.get_output_length(o))]
            outputs.append((m.get_output_name(o), kind.value_nick
                            if hasattr(kind, "value_nick") else int(kind),
                            entries))
        if len(outputs) != 1 or outputs[0][2] != list(zip(labels, scores)):
            self.fail(buf.pts, f"outputs {outputs} disagree with the top-k")
        self.outputs[buf.pts] = outputs

        # events: each class's own, with where it started and its peak
        for i in range(m.get_n_events()):
            ok, out, cls, state, start, duration, score, peak = m.get_event(i)
            if not ok or out != 0 or not (0.0 <= peak <= 1.0) or peak < score:
                self.fail(buf.pts, f"event {i}: {m.get_event(i)}")
            if state != GstMmFusion.MmFusionEventState.ON:
                self.events.append((
                    "start" if state == GstMmFusion.MmFusionEventState.START
                    else "end", cls, buf.pts, peak, duration))

        self.results[buf.pts] = (labels, scores, m.event_class)
        line = "  ".join(f"{l} {s:.3f}" for l, s in zip(labels, scores))
        if audio and not audio[2]:
            self.with_audio += 1
            line += f"  audio {fmt(audio[0])}-{fmt(audio[1])}"
        else:
            line += "  (no audio)"
        if m.event_class >= 0:
            line += f"  event on: class {m.event_class}"
        print(f"{fmt(m.pts)} {m.get_model_name()}  {line}")
        return Gst.PadProbeReturn.OK


def main():
    Gst.init(None)
    if len(sys.argv) < 2:
        sys.exit("usage: read-meta.py MODEL [FRAMES]")
    model = sys.argv[1]
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    # good.onnx scores "cat" about 0.28 and "dog" 0.26 on this input:
    # event-on=0.27 gives one event, on from the first frame
    pipe = Gst.parse_launch(
        f"videotestsrc num-buffers={frames} ! video/x-raw,framerate=25/1 ! f.video "
        f"audiotestsrc num-buffers={frames * 2} ! audioconvert ! audioresample ! "
        f"mmaudiowindow ! f.audio "
        f"mmfusion name=f model={model} top-k=2 all-scores=true source=cam1 "
        f"event-on=0.27 ! fakesink")
    reader = Reader()
    src = pipe.get_by_name("f").get_static_pad("src")
    src.add_probe(Gst.PadProbeType.BUFFER, reader.probe)

    # the element's bus messages, read after the fact, are the reference
    bus = pipe.get_bus()
    pipe.set_state(Gst.State.PLAYING)
    posted = {}                 # pts -> (labels, scores)
    events = []                 # (state, class-id, pts)
    while True:
        msg = bus.timed_pop_filtered(
            NONE, Gst.MessageType.ELEMENT | Gst.MessageType.EOS |
            Gst.MessageType.ERROR)
        if msg.type == Gst.MessageType.ERROR:
            err, _ = msg.parse_error()
            print(f"read-meta: {err.message}", file=sys.stderr)
            pipe.set_state(Gst.State.NULL)
            return 1
        if msg.type == Gst.MessageType.EOS:
            break
        s = msg.get_structure()
        if s.get_name() == "mmfusion":
            ts = s.get_uint64("timestamp")[1]
            posted[ts] = (list(s.get_value("labels")),
                          list(s.get_value("scores")))
        elif s.get_name() == "mmfusion-event":
            events.append((s.get_string("state"), s.get_int("class-id")[1],
                           s.get_uint64("timestamp")[1]))
    pipe.set_state(Gst.State.NULL)

    if reader.frames != frames:
        reader.errors.append(f"{reader.frames} frames out of {frames}")
    if set(posted) != set(reader.results):
        reader.errors.append("frames with a meta and bus messages differ")
    for pts, (labels, scores) in posted.items():
        got = reader.results.get(pts)
        # the bus carries the same float32 scores, widened to double
        if got and (got[0], got[1]) != (labels, scores):
            reader.fail(pts, f"meta {got[:2]} != bus {(labels, scores)}")
    # the event state in the meta follows the bus's event messages
    on = -1
    for pts in sorted(reader.results):
        for state, cls, ts in events:
            if ts == pts:
                on = cls if state == "start" else -1
        if reader.results[pts][2] != on:
            reader.fail(pts, f"event class {reader.results[pts][2]}, bus says {on}")
    if not events:
        reader.errors.append("no event (event-on=0.27)")
    # the meta lists the same starts and ends as the bus
    if [e[:3] for e in reader.events] != events:
        reader.errors.append(f"meta events {reader.events} != bus {events}")

    # audio covers the whole clip: most frames have their window
    if reader.with_audio < frames // 2:
        reader.errors.append(f"only {reader.with_audio} frames with audio")
    print(f"{len(reader.results)} results in {reader.frames} frames, "
          f"{reader.with_audio} with audio, {len(posted)} bus messages, "
          f"{len(events)} events")
    for e in reader.errors:
        print(f"read-meta: {e}", file=sys.stderr)
    return 1 if reader.errors else 0


if __name__ == "__main__":
    sys.exit(main())
