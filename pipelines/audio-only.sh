#!/usr/bin/env bash
# A model with only an audio input: the video stream is decoded and dropped,
# one result per audio window (stride 10 hops = 0.1 s for the probe model).
# You should see JSON lines about ten a second of media, each with only
# "audio" under "inputs".
# usage: pipelines/audio-only.sh [FILE] [MODEL]
set -euo pipefail
source "$(dirname "$0")/common.sh"
clip=$(sample_clip "${1:-}")
exec gst-launch-1.0 -q mmdecodebin uri="$clip" name=d \
  mmfusion name=f model="${2:-$PROBE_AUDIO}" ! mmpublish location=- ! \
  fakesink sync=false \
  d.audio ! queue ! mmaudiowindow ! f.audio \
  d.video ! fakesink sync=false
