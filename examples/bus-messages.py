#!/usr/bin/env python3
"""Printing mmfusion's bus messages from Python (PyGObject).

usage: bus-messages.py MODEL [FRAMES]
Exit status 77 when PyGObject or GStreamer's introspection data is missing
(the test suite then counts it as skipped).
"""
import sys

try:
    import gi
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
except (ImportError, ValueError):
    sys.exit(77)


def main():
    Gst.init(None)
    model = sys.argv[1]
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    pipe = Gst.parse_launch(
        f"videotestsrc num-buffers={frames} ! video/x-raw,framerate=25/1 ! f.video "
        f"audiotestsrc num-buffers={frames * 2} ! audioconvert ! audioresample ! "
        f"mmaudiowindow ! f.audio mmfusion name=f model={model} top-k=2 ! fakesink")
    bus = pipe.get_bus()
    pipe.set_state(Gst.State.PLAYING)
    count = 0
    while True:
        msg = bus.timed_pop_filtered(
            Gst.CLOCK_TIME_NONE,
            Gst.MessageType.ELEMENT | Gst.MessageType.EOS | Gst.MessageType.ERROR)
        if msg.type == Gst.MessageType.ERROR:
            err, _ = msg.parse_error()
            print(f"error: {err.message}", file=sys.stderr)
            pipe.set_state(Gst.State.NULL)
            return 1
        if msg.type == Gst.MessageType.EOS:
            break
        s = msg.get_structure()
        if s.get_name() == "mmfusion":
            ok, ts = s.get_uint64("timestamp")
            print(f"{ts / 1e9:.3f} s  {s.get_string('label')} {s.get_double('score')[1]:.3f}")
            count += 1
    pipe.set_state(Gst.State.NULL)
    print(f"{count} results")
    return 0 if count == frames else 1


if __name__ == "__main__":
    sys.exit(main())
