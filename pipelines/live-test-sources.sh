#!/usr/bin/env bash
# Live test sources (a bouncing ball and ticks) in real time, the way a
# camera and a microphone would arrive, results as JSON lines on standard
# output: about 30 lines a second, every one with both inputs present
# ("missing":false) after the first audio window. Runs SECONDS (default 5):
# the sources stop by themselves after that many buffers; Ctrl-C ends early.
# usage: pipelines/live-test-sources.sh [SECONDS] [MODEL]
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-5}
exec gst-launch-1.0 -q -e \
  mmfusion name=f model="${2:-$PROBE_AV}" ! mmpublish location=- ! \
  fakesink sync=true \
  videotestsrc is-live=true pattern=ball num-buffers=$((seconds * 30)) ! \
  video/x-raw,width=640,height=480,framerate=30/1 ! queue ! f.video \
  audiotestsrc is-live=true wave=ticks samplesperbuffer=480 \
    num-buffers=$((seconds * 100)) ! audio/x-raw,rate=48000 ! \
    audioconvert ! audioresample ! \
  mmaudiowindow ! queue ! f.audio
