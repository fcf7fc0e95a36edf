#!/usr/bin/env bash
# Every pipelines/ script that needs no camera or network runs headless on
# a generated clip, and its output is what the script's comment promises.
# usage: pipelines-test.sh SOURCE_ROOT
set -u
root=$1
tmp=$(mktemp -d)
trap 'kill $broker 2>/dev/null; rm -rf "$tmp"' EXIT
broker=
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
p=$root/pipelines

# 5 s at 30 fps with audio, made without our plugin loaded
env -u GST_PLUGIN_PATH -u LD_PRELOAD GST_REGISTRY="$tmp/registry.bin" \
  gst-launch-1.0 -q matroskamux name=m ! filesink location="$tmp/clip.mkv" \
  videotestsrc num-buffers=150 ! video/x-raw,width=320,height=240,framerate=30/1 \
  ! jpegenc ! m. audiotestsrc num-buffers=235 ! audioconvert ! vorbisenc ! m. \
  || { echo "cannot make the clip"; exit 1; }
clip=$tmp/clip.mkv

bash "$p/file-to-json.sh" "$clip" >"$tmp/json" 2>"$tmp/err" || fail "file-to-json: $(cat "$tmp/err")"
[ "$(grep -c '^{"schema":"mmfusion/2".*"audio":{"start":[0-9]' "$tmp/json")" -ge 140 ] \
  || fail "file-to-json: $(wc -l <"$tmp/json") lines, expected 150 with audio"

bash "$p/video-only.sh" "$clip" >"$tmp/video" 2>"$tmp/err" || fail "video-only: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/video")" -eq 150 ] || fail "video-only: $(wc -l <"$tmp/video") lines, not 150"
! grep -q '"audio"' "$tmp/video" || fail "video-only: a line mentions audio"

bash "$p/audio-only.sh" "$clip" >"$tmp/audio" 2>"$tmp/err" || fail "audio-only: $(cat "$tmp/err")"
n=$(wc -l <"$tmp/audio")
# 5.46 s of audio, a result every 0.1 s once the first 0.1 s window is full
[ "$n" -ge 50 ] && [ "$n" -le 55 ] || fail "audio-only: $n lines, expected about 54"
! grep -q '"video"' "$tmp/audio" || fail "audio-only: a line mentions video"

VIDEO_SINK=fakesink bash "$p/file-to-screen.sh" "$clip" >"$tmp/out" 2>&1 \
  || fail "file-to-screen: $(tail -3 "$tmp/out")"
grep -q "Got EOS" "$tmp/out" || fail "file-to-screen did not reach the end"

bash "$p/live-test-sources.sh" 3 >"$tmp/live" 2>"$tmp/err" || fail "live exited $?: $(cat "$tmp/err") $(tail -c 300 "$tmp/live")"
n=$(grep -c '"audio":{"start":[0-9]' "$tmp/live")
[ "$n" -ge 45 ] || fail "live-test-sources: $n results with both inputs in 3 s"

if command -v mosquitto >/dev/null && command -v mosquitto_sub >/dev/null; then
  port=$((20000 + RANDOM % 20000))
  mosquitto -p "$port" >/dev/null 2>&1 & broker=$!
  sleep 0.5
  mosquitto_sub -p "$port" -t mmfusion/results -C 150 -W 60 >"$tmp/mqtt" & sub=$!
  sleep 0.5
  bash "$p/mqtt.sh" "$clip" "" 127.0.0.1 "$port" >/dev/null 2>"$tmp/err" \
    || fail "mqtt: $(cat "$tmp/err")"
  wait $sub
  [ "$(grep -c '^{"schema":"mmfusion/2"' "$tmp/mqtt")" -eq 150 ] \
    || fail "mqtt: $(wc -l <"$tmp/mqtt") records arrived, not 150"
else
  echo "mqtt.sh not run: mosquitto or mosquitto_sub missing (scripts/setup installs them)"
fi

# every record the scripts wrote is what docs/mmfusion-2.schema.json says
for f in json video audio mqtt; do
  [ -f "$tmp/$f" ] || continue
  "$MM_JSON_VALIDATE" "$MM_JSON_SCHEMA" "$tmp/$f" || fail "$f: records do not match the schema"
done

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all pipelines/ checks passed"
