#!/usr/bin/env bash
# An IP camera over RTSP (video and its microphone) with the results drawn
# on the picture. Needs a camera on the network, so it is not in the tests.
# You should see the camera's picture with the panel of top classes,
# about a window's length (0.2-1 s) behind real time.
# usage: pipelines/rtsp-camera.sh rtsp://USER:PASS@HOST/PATH MODEL
set -euo pipefail
source "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || { echo "usage: $0 rtsp://HOST/PATH MODEL" >&2; exit 1; }
exec gst-launch-1.0 -e mmdecodebin uri="$1" name=d \
  mmfusion name=f model="$2" ! mmoverlay ! videoconvert ! \
  "${VIDEO_SINK:-autovideosink}" \
  d.video ! queue ! f.video \
  d.audio ! queue ! mmaudiowindow ! f.audio
