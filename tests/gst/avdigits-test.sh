#!/usr/bin/env bash
# The shipped AV-digits models through the C pipeline on the shipped demo
# clip: every segment's ten scores (the result score.sh picks for it: the
# last frame with the audio window covering the segment's second) equal
# PyTorch's, computed from the same decoded media by
# models/avdigits/make_goldens.py through features.py. This checks the
# whole path training assumed: decoding, mmaudiowindow's log-mel
# (docs/audio-features.md), mmfusion's grey area downscale and normalization
# (docs/model-format.md), window choice (docs/synchronization.md) and the runtime.
# The H.264 decoder (-libav) is in the plugin list meson gives this test.
# usage: avdigits-test.sh MMFUSION_ANALYZE MODELS_DIR GOLDEN_CSV
set -u
tool=$1 models=$2 golden=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GST_REGISTRY="$tmp/registry.bin"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
segments=$(($(wc -l <"$models/demo.labels.csv") - 1))

for kind in concat attention video audio; do
  "$tool" "$models/demo.mkv" --model "$models/avdigits-$kind.onnx" --top-k 10 \
    --json "$tmp/$kind.jsonl" 2>"$tmp/stderr" \
    || { fail "$kind: analyze exited $?: $(cat "$tmp/stderr")"; continue; }
  # segment,label,predicted,score0..score9 (the demo's scorer picks them)
  "$models/score.sh" --segments "$models/demo.labels.csv" "$tmp/$kind.jsonl" \
    | awk -F, '$3 != ""' >"$tmp/$kind.csv"
  report=$(awk -F, -v kind="$kind" -v n="$segments" '
    NR == FNR { if ($1 == kind) for (i = 0; i < 10; i++) want[$2, i] = $(4 + i); next }
    { got++; for (i = 0; i < 10; i++) {
        if (!(($1, i) in want)) { print "segment " $1 " not in the golden"; exit }
        d = $(4 + i) - want[$1, i]; d = d < 0 ? -d : d; if (d > worst) worst = d } }
    END { if (got != n) print "results for " got " of " n " segments";
          else if (worst > 1e-4) print "max |C - PyTorch| " worst " > 1e-4";
          else print "ok " worst }' "$golden" "$tmp/$kind.csv")
  case $report in
    ok*) echo "$kind: $segments segments, max |C - PyTorch| ${report#ok }" ;;
    *) fail "$kind: $report" ;;
  esac
done

# the demo's scorer agrees with the golden's labels and argmax
acc=$("$models/score.sh" "$models/demo.labels.csv" "$tmp/concat.jsonl") \
  || fail "score.sh failed"
want=$(awk -F, '$1 == "concat" { best = 0; for (i = 1; i < 10; i++)
         if ($(4 + i) > $(4 + best)) best = i; n++; ok += best == $3 }
       END { printf "%.3f", ok / n }' "$golden")
[ "${acc#accuracy }" != "$acc" ] && [ "$(echo "$acc" | cut -d' ' -f2)" = "$want" ] \
  || fail "score.sh says '$acc', the golden's argmax gives $want"

# the demo's overlay run: a 10 fps clip whose audio path renegotiates
# while the muxer still waits for the first drawn frame (it once stalled
# there); the file gets both tracks
if timeout 120 "$tool" "$models/demo.mkv" --model "$models/avdigits-concat.onnx" \
    --overlay "$tmp/overlay.mkv" 2>"$tmp/stderr"; then
  # plays to EOS only when both tracks exist: a sink without data never
  # prerolls and the timeout ends the run
  timeout 60 env -u GST_PLUGIN_PATH gst-launch-1.0 -q \
      filesrc location="$tmp/overlay.mkv" ! matroskademux name=d \
      d.video_0 ! queue ! fakesink sync=false d.audio_0 ! queue ! fakesink sync=false \
      >/dev/null 2>&1 || fail "overlay file: no video and audio track to play ($?)"
else
  fail "overlay run exited $? (124: stalled): $(cat "$tmp/stderr")"
fi

# without the H.264 decoder (GStreamer's libav plugin left out): the run
# goes on with the video missing, and says so
GST_PLUGIN_LOADING_WHITELIST=gstreamer:gst-plugins-base:gst-plugins-good:gst-mmfusion \
  GST_REGISTRY="$tmp/registry-no-libav.bin" "$tool" "$models/demo.mkv" \
  --model "$models/avdigits-concat.onnx" --json "$tmp/no-video.jsonl" 2>"$tmp/stderr" \
  || fail "without libav: exited $?: $(cat "$tmp/stderr")"
grep -q "warning: no GStreamer element for video/x-h264" "$tmp/stderr" \
  || fail "without libav: no warning about the video stream: $(cat "$tmp/stderr")"
grep -q '"video":{"start":null,"end":null,"missing":true}' "$tmp/no-video.jsonl" \
  || fail "without libav: results do not mark the video missing"

[ "$failures" -eq 0 ] && echo "all checks passed"
exit $((failures > 0))
