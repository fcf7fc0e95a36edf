#!/usr/bin/env bash
# What pipelines/record-events.sh builds by hand, in one command:
# mmfusion-analyze analyses the file (or live test sources), records a clip
# around each event (the encoded video and audio kept as they are, 2 s
# before and after) and writes the JSON Lines (with a "clip" line per clip)
# and the report page with the score timelines, events, pictures and clip
# links:
#   OUTDIR/results.jsonl  OUTDIR/report.html  OUTDIR/clips/*.mkv
# Without arguments: the shipped AV-digits clip and fused model (a digit is
# shown and spoken every second). INPUT may be a file, a URI or --live=test
# (then Ctrl-C ends it; the clips and the page are complete).
# You should see a line per clip, "mmfusion-analyze: clip OUTDIR/clips/…",
# then the page's and the run's summaries.
# usage: pipelines/analyze-and-record.sh [INPUT] [MODEL] [EVENT_ON] [OUTDIR]
set -euo pipefail
source "$(dirname "$0")/common.sh"
input=${1:-$ROOT/models/avdigits/demo.mkv}
model=${2:-$ROOT/models/avdigits/avdigits-attention.onnx}
on=${3:-0.9}
out=${4:-${TMPDIR:-/tmp}/mmfusion-analyze-record}
tool=${MMFUSION_ANALYZE:-$ROOT/build/tools/mmfusion-analyze}
mkdir -p "$out/clips"
exec "$tool" "$input" --model "$model" --event-on "$on" --top-k 32 \
  --json "$out/results.jsonl" --report "$out/report.html" \
  --record "$out/clips" --pre 2 --post 2
