#!/usr/bin/env bash
# A file played in a window with the model's top classes drawn on it.
# You should see the video with a panel of labels and score bars in the top
# left corner, changing as the model's answer changes.
# usage: pipelines/file-to-screen.sh [FILE] [MODEL]   (VIDEO_SINK=fakesink: headless;
#   DECODE_OPTIONS: more mmdecodebin properties, e.g. reconnect=true)
set -euo pipefail
source "$(dirname "$0")/common.sh"
clip=$(sample_clip "${1:-}")
# shellcheck disable=SC2086 # DECODE_OPTIONS holds several words
exec gst-launch-1.0 -e mmdecodebin uri="$clip" name=d ${DECODE_OPTIONS:-} \
  mmfusion name=f model="${2:-$PROBE_AV}" ! mmoverlay ! videoconvert ! \
  "${VIDEO_SINK:-autovideosink}" \
  d.video ! queue ! f.video \
  d.audio ! queue ! mmaudiowindow ! f.audio
