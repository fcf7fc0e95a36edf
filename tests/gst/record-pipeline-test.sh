#!/usr/bin/env bash
# pipelines/record-events.sh on the shipped AV-digits clip: it ends, writes
# JSON Lines with events, at least one clip that plays with video and
# audio, and the report page linking the clips.
# usage: record-pipeline-test.sh SOURCE_ROOT MMFUSION_REPORT
# (the report tool of the build under test: a sanitizer build has its own)
set -euo pipefail
root=$1
export MMFUSION_REPORT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
bash "$root/pipelines/record-events.sh" "$root/models/avdigits/demo.mkv" \
  "$root/models/avdigits/avdigits-attention.onnx" 0.9 "$tmp/out"
n=$(wc -l < "$tmp/out/clips.jsonl")
[ "$n" -ge 1 ] || fail "no clip"
[ "$(grep -c '"type":"event"' "$tmp/out/results.jsonl")" -ge 2 ] || fail "no events"
for clip in "$tmp"/out/*-*Z.mkv; do
  info=$(gst-discoverer-1.0 "$clip")
  echo "$info" | grep -q "video #" || fail "$clip: no video"
  echo "$info" | grep -q "audio #" || fail "$clip: no audio"
done
[ "$(ls "$tmp"/out/*-*Z.mkv | wc -l)" = "$n" ] || fail "clip files and messages differ"
[ "$(grep -o '<a class="clip"' "$tmp/out/report.html" | wc -l)" -ge 1 ] || fail "report without clip links"
echo "$n clips, report written"
