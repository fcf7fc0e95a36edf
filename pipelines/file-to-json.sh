#!/usr/bin/env bash
# A file analysed as fast as the machine goes, one JSON line per result
# (schema mmfusion/2, docs/json.md) on standard output or into OUT.
# You should see lines such as
#   {"schema":"mmfusion/2",...,"top":{"id":0,"label":"video","score":0.49},...}
# usage: pipelines/file-to-json.sh [FILE] [MODEL] [OUT]
set -euo pipefail
source "$(dirname "$0")/common.sh"
clip=$(sample_clip "${1:-}")
exec gst-launch-1.0 -q mmdecodebin uri="$clip" name=d \
  mmfusion name=f model="${2:-$PROBE_AV}" ! mmpublish location="${3:--}" ! \
  fakesink sync=false \
  d.video ! queue ! f.video \
  d.audio ! queue ! mmaudiowindow ! f.audio
