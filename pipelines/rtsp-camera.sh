#!/usr/bin/env bash
# An IP camera over RTSP (video and its microphone) with the results drawn
# on the picture. Needs a camera on the network, so it is not in the tests.
# You should see the camera's picture with the panel of top classes,
# about a window's length (0.2-1 s) behind real time.
# It is file-to-screen.sh with a URI: mmdecodebin takes files and streams.
# usage: pipelines/rtsp-camera.sh rtsp://USER:PASS@HOST/PATH MODEL
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 rtsp://HOST/PATH MODEL" >&2; exit 1; }
# A camera that drops out (reboot, network) is reconnected: a warning, the
# picture stands still, and it goes on when the camera is back.
DECODE_OPTIONS="reconnect=true stall-timeout=3000000000 ${DECODE_OPTIONS:-}" \
  exec bash "$(dirname "$0")/file-to-screen.sh" "$1" "$2"
