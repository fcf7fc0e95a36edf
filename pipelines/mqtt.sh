#!/usr/bin/env bash
# Results published to an MQTT broker (topic mmfusion/results, QoS 1) while
# the file plays in real time. If the broker goes away the pipeline keeps
# running and counts what it dropped. Watch with:
#   mosquitto_sub -h HOST -t mmfusion/results
# You should see one JSON record per result there.
# TLS and a password, when the broker wants them, from the environment:
#   MQTT_CA_FILE, MQTT_CERT_FILE, MQTT_KEY_FILE, MQTT_USERNAME, MQTT_PASSWORD
# (with TLS the port is usually 8883). The password then shows in the
# process list: in production set it from an application, not a launch line.
# usage: pipelines/mqtt.sh [FILE] [MODEL] [HOST] [PORT]
set -euo pipefail
source "$(dirname "$0")/common.sh"
clip=$(sample_clip "${1:-}")
secure=()
[ -n "${MQTT_CA_FILE:-}" ] && secure+=(mqtt-ca-file="$MQTT_CA_FILE")
[ -n "${MQTT_CERT_FILE:-}" ] && secure+=(mqtt-cert-file="$MQTT_CERT_FILE")
[ -n "${MQTT_KEY_FILE:-}" ] && secure+=(mqtt-key-file="$MQTT_KEY_FILE")
[ -n "${MQTT_USERNAME:-}" ] && secure+=(mqtt-username="$MQTT_USERNAME")
[ -n "${MQTT_PASSWORD:-}" ] && secure+=(mqtt-password="$MQTT_PASSWORD")
exec gst-launch-1.0 -q mmdecodebin uri="$clip" name=d \
  mmfusion name=f model="${2:-$PROBE_AV}" ! \
  mmpublish mqtt-host="${3:-localhost}" mqtt-port="${4:-1883}" mqtt-topic=mmfusion/results mqtt-qos=1 \
    ${secure[@]+"${secure[@]}"} ! \
  fakesink sync=true \
  d.video ! queue ! f.video \
  d.audio ! queue ! mmaudiowindow ! f.audio
