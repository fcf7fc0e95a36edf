#!/usr/bin/env bash
# Results published to an MQTT broker (topic mmfusion/results, QoS 1) while
# the file plays in real time. If the broker goes away the pipeline keeps
# running and counts what it dropped. Watch with:
#   mosquitto_sub -h HOST -t mmfusion/results
# You should see one JSON record per result there.
# usage: pipelines/mqtt.sh [FILE] [MODEL] [HOST] [PORT]
set -euo pipefail
source "$(dirname "$0")/common.sh"
clip=$(sample_clip "${1:-}")
exec gst-launch-1.0 -q mmdecodebin uri="$clip" name=d \
  mmfusion name=f model="${2:-$PROBE_AV}" ! \
  mmpublish mqtt-host="${3:-localhost}" mqtt-port="${4:-1883}" mqtt-topic=mmfusion/results mqtt-qos=1 ! \
  fakesink sync=true \
  d.video ! queue ! f.video \
  d.audio ! queue ! mmaudiowindow ! f.audio
