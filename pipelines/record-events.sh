#!/usr/bin/env bash
# Records a clip around each event: the file's encoded video and audio go
# both to mmrecord (kept as they are, no re-encoding) and, decoded, to
# mmfusion; every event (a class whose score reaches EVENT_ON) gives a
# Matroska clip from 2 s before it to 2 s after it in OUTDIR, overlapping
# events share one clip. Results go to OUTDIR/results.jsonl and, when
# mmfusion-report exists ($MMFUSION_REPORT, by default this checkout's
# build/tools/mmfusion-report), a page with the score timelines,
# events, pictures and clip links to OUTDIR/report.html.
# Without arguments: the shipped AV-digits clip and fused model (a digit is
# shown and spoken every second: clips of 3 digits and more, cut at the
# 10 s max-duration). MODEL needs a video and an audio input.
# usage: pipelines/record-events.sh [FILE] [MODEL] [EVENT_ON] [OUTDIR]
set -euo pipefail
source "$(dirname "$0")/common.sh"
file=${1:-$ROOT/models/avdigits/demo.mkv}
model=${2:-$ROOT/models/avdigits/avdigits-attention.onnx}
on=${3:-0.9}
out=${4:-${TMPDIR:-/tmp}/mmfusion-record}
mkdir -p "$out"
name=$(basename "${file%.*}")
rm -f "$out/results.jsonl"
# The analysis branches hold up to 5 s (an audio window must fill while the
# demuxer interleaves); mmrecord's memory (buffer-duration, 15 s) must cover
# that lag plus pre plus a GOP
q="queue max-size-time=5000000000 max-size-buffers=0 max-size-bytes=0"
# what mmrecord stores: the parsed, still encoded streams
video='video/x-h264;video/x-h265;video/x-vp8;video/x-vp9;video/x-av1;image/jpeg'
audio='audio/mpeg;audio/x-opus;audio/x-vorbis;audio/x-flac;audio/x-ac3'
gst-launch-1.0 -m filesrc location="$file" ! parsebin name=p \
  p. ! "$video" ! tee name=v \
    v. ! queue ! r.video \
    v. ! $q ! decodebin ! videoconvert ! f.video \
  p. ! "$audio" ! tee name=a \
    a. ! queue ! r.audio \
    a. ! $q ! decodebin ! audioconvert ! audioresample ! mmaudiowindow ! f.audio \
  mmfusion name=f model="$model" event-on="$on" top-k=32 ! \
    mmpublish location="$out/results.jsonl" ! fakesink \
  mmrecord name=r fusion=f directory="$out" source="$name" \
    pre=2000000000 post=2000000000 max-duration=10000000000 \
  > "$out/launch.log" 2>&1 || { tail -5 "$out/launch.log" >&2; exit 1; }
# each mmrecord-clip message, as a JSON "clip" record for the report
sed -n '/mmrecord-clip, path=/{
s/.*path=(string)\([^,]*\), start=(guint64)\([0-9]*\), end=(guint64)\([0-9]*\),.* class=(string)"\{0,1\}\([^"]*\)"\{0,1\}, utc=.*/{"type":"clip","path":"\1","start":\2,"end":\3,"class":"\4"}/
s/\\//g
p
}' "$out/launch.log" > "$out/clips.jsonl"
echo "$(grep -c '"type":"event"' "$out/results.jsonl" || true) event records," \
  "$(wc -l < "$out/clips.jsonl") clips in $out:"
sed 's/.*"path":"\([^"]*\)".*"class":"\([^"]*\)".*/  \1 (\2)/' "$out/clips.jsonl"
report=${MMFUSION_REPORT:-$ROOT/build/tools/mmfusion-report}
if [ -x "$report" ]; then
  cat "$out/results.jsonl" "$out/clips.jsonl" > "$out/all.jsonl"
  "$report" "$out/all.jsonl" --out "$out/report.html" \
    --media "$file" --event-on "$on" --source "$name"
fi
