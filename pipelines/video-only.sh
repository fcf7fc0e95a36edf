#!/usr/bin/env bash
# A model with only a video input: the audio stream is decoded and dropped,
# one result per frame.
# You should see one JSON line per frame (30 a second for the sample clip),
# each with only "video" under "inputs".
# usage: pipelines/video-only.sh [FILE] [MODEL]
set -euo pipefail
source "$(dirname "$0")/common.sh"
clip=$(sample_clip "${1:-}")
exec gst-launch-1.0 -q mmdecodebin uri="$clip" name=d \
  mmfusion name=f model="${2:-$PROBE_VIDEO}" ! mmpublish location=- ! \
  fakesink sync=false \
  d.video ! queue ! f.video \
  d.audio ! fakesink sync=false
