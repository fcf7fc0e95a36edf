#!/usr/bin/env bash
# mmfusion-analyze: a file through a model gives one JSON line per result
# and a summary; every error exits 1 with one line "mmfusion-analyze: ...".
# usage: analyze-test.sh MMFUSION_ANALYZE SYNC_GOLDEN_DIR META_GOLDEN_DIR HTTP_CUT
set -u
tool=$1 sync=$2 meta=$3 http_cut=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
# in the sanitizer build, LeakSanitizer's list of suppressions used would
# add lines to the one error line checked below
[ -n "${LSAN_OPTIONS:-}" ] && export LSAN_OPTIONS="$LSAN_OPTIONS:print_suppressions=0"
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# test files are made without our plugin: in the sanitizer build it cannot
# load into an uninstrumented gst-launch
launch() {
  env -u GST_PLUGIN_PATH -u LD_LIBRARY_PATH GST_REGISTRY="$tmp/registry.bin" \
    gst-launch-1.0 "$@"
}

# 2 s of 30 fps video and 2 s of audio, in codecs of -base and -good only
launch -q matroskamux name=m ! filesink location="$tmp/av.mkv" \
  videotestsrc num-buffers=60 ! video/x-raw,width=160,height=120,framerate=30/1 \
  ! jpegenc ! m. \
  audiotestsrc num-buffers=86 samplesperbuffer=1024 ! audio/x-raw,rate=44100 \
  ! audioconvert ! vorbisenc ! m. || { echo "cannot make the test file"; exit 1; }

# one result per video frame; the JSON Lines and the summary agree
"$tool" "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --json "$tmp/out.jsonl" \
  2>"$tmp/stderr" || fail "analyze exited $?: $(cat "$tmp/stderr")"
lines=$(wc -l <"$tmp/out.jsonl")
[ "$lines" -eq 60 ] || fail "expected 60 JSON lines (one per frame), got $lines"
[ "$(grep -c '^{"schema":"mmfusion/2"' "$tmp/out.jsonl")" -eq "$lines" ] \
  || fail "a JSON line lacks the schema"
"$MM_JSON_VALIDATE" "$MM_JSON_SCHEMA" "$tmp/out.jsonl" \
  || fail "JSON records do not match docs/mmfusion-2.schema.json"
# after the first window fills, results carry real audio, not "missing"
with_audio=$(grep -c '"audio":{"start":[0-9]' "$tmp/out.jsonl")
[ "$with_audio" -ge 50 ] || fail "only $with_audio results had audio"
grep -q "^mmfusion-analyze: 60 results, 0 events, 60 inferences" "$tmp/stderr" \
  || fail "summary: $(cat "$tmp/stderr")"

# an audio-only model: the video stream is decoded and discarded
n=$("$tool" "$tmp/av.mkv" --model "$sync/probe_audio_only.onnx" --json - 2>/dev/null | wc -l)
[ "$n" -ge 10 ] || fail "audio-only model gave $n results"

# --overlay writes the drawn video with the original audio: it decodes
# again to the same 60 frames, the same 2 s, with audio in the windows
timeout 120 "$tool" "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --overlay "$tmp/overlay.mkv" \
  2>"$tmp/stderr" || fail "--overlay exited $?: $(cat "$tmp/stderr")"
timeout 120 "$tool" "$tmp/overlay.mkv" --model "$sync/probe_s10.onnx" --json "$tmp/back.jsonl" \
  2>"$tmp/stderr" || fail "re-reading the overlay file exited $?"
[ "$(wc -l <"$tmp/back.jsonl")" -eq 60 ] || fail "the overlay video has $(wc -l <"$tmp/back.jsonl") frames, not 60"
grep -q " 2\.0 s of media" "$tmp/stderr" || fail "the overlay file's duration: $(cat "$tmp/stderr")"
[ "$(grep -c '"audio":{"start":[0-9]' "$tmp/back.jsonl")" -ge 50 ] \
  || fail "the overlay file lost the audio"

# a file with no audio runs a two-input model without waiting for audio
launch -q videotestsrc num-buffers=30 ! video/x-raw,width=160,height=120,framerate=30/1 \
  ! jpegenc ! matroskamux ! filesink location="$tmp/video.mkv" || fail "cannot make video.mkv"
timeout 120 "$tool" "$tmp/video.mkv" --model "$sync/probe_s10.onnx" --json "$tmp/v.jsonl" \
  --overlay "$tmp/v-overlay.mkv" 2>/dev/null || fail "video-only file exited $?"
[ "$(grep -c '"audio":{"start":null,"end":null,"missing":true}' "$tmp/v.jsonl")" -eq 30 ] \
  || fail "a video-only file should give 30 results with audio missing"

# grey video with --overlay: mmoverlay takes GRAY8, as mmfusion does
launch -q videotestsrc num-buffers=30 ! video/x-raw,format=GRAY8,width=160,height=120,framerate=30/1 \
  ! jpegenc ! matroskamux ! filesink location="$tmp/gray.mkv" || fail "cannot make gray.mkv"
timeout 120 "$tool" "$tmp/gray.mkv" --model "$sync/probe_s10.onnx" --overlay "$tmp/gray-o.mkv" \
  2>"$tmp/stderr" || fail "GRAY8 --overlay exited $?: $(cat "$tmp/stderr")"
grep -q "^mmfusion-analyze: 30 results" "$tmp/stderr" || fail "GRAY8 --overlay: $(cat "$tmp/stderr")"

# Ctrl-C ends the stream: exit 0, and every output complete (the overlay
# file decodes to as many frames as there are JSON lines, each line whole)
launch -q matroskamux name=m ! filesink location="$tmp/big.mkv" \
  videotestsrc num-buffers=300 ! video/x-raw,width=1280,height=720,framerate=30/1 \
  ! jpegenc ! m. audiotestsrc num-buffers=450 ! audioconvert ! vorbisenc ! m. \
  || fail "cannot make the large test file"
"$tool" "$tmp/big.mkv" --model "$sync/probe_s10.onnx" --json "$tmp/int.jsonl" \
  --overlay "$tmp/int.mkv" 2>"$tmp/stderr" & pid=$!
# interrupt once results flow (however slow the machine), mid-file
for _ in $(seq 300); do
  [ -s "$tmp/int.jsonl" ] && break
  sleep 0.1
done
kill -INT $pid 2>/dev/null
wait $pid || fail "interrupted run exited $?: $(cat "$tmp/stderr")"
made=$(wc -l <"$tmp/int.jsonl")
whole=$(grep -c '}$' "$tmp/int.jsonl")
back=$(timeout 120 "$tool" "$tmp/int.mkv" --model "$sync/probe_s10.onnx" --json - 2>/dev/null | wc -l)
[ "$made" -gt 0 ] && [ "$whole" -eq "$made" ] && [ "$back" -eq "$made" ] \
  || fail "interrupted: $made JSON lines ($whole whole), overlay has $back frames"
# a second run replaces the JSON file instead of appending to it
"$tool" "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --json "$tmp/out.jsonl" 2>/dev/null
[ "$(wc -l <"$tmp/out.jsonl")" -eq 60 ] || fail "the second run appended"

# --live=test until a signal: SIGINT (Ctrl-C), SIGTERM (systemd, docker)
# and SIGHUP (a closed terminal) all end the stream, so the overlay file
# is finalized: it reads as long as the run (a file without its index
# reads as a fraction of a second), and every JSON line is whole
seconds() { # the duration gst-discoverer reads, in seconds
  env -u GST_PLUGIN_PATH -u LD_LIBRARY_PATH GST_REGISTRY="$tmp/registry.bin" \
    gst-discoverer-1.0 "$1" 2>/dev/null \
    | awk -F'[: ]+' '/^ *Duration:/ { print $3 * 3600 + $4 * 60 + $5; exit }'
}
for sig in INT TERM HUP; do
  rm -f "$tmp/live.jsonl" "$tmp/live.mkv"
  "$tool" --live=test --model "$sync/probe_s10.onnx" --json "$tmp/live.jsonl" \
    --overlay "$tmp/live.mkv" 2>"$tmp/stderr" & pid=$!
  # 5 s from the first result, however long the start takes
  for _ in $(seq 300); do
    [ -s "$tmp/live.jsonl" ] && break
    sleep 0.1
  done
  sleep 5
  kill -$sig $pid
  wait $pid || fail "--live=test, SIG$sig: exited $?: $(cat "$tmp/stderr")"
  n=$(grep -c '"audio":{"start":[0-9]' "$tmp/live.jsonl")
  [ "$n" -ge 30 ] || fail "--live=test, SIG$sig: $n results with audio in 5 s"
  [ "$(grep -vc '}$' "$tmp/live.jsonl")" -eq 0 ] || fail "SIG$sig: a JSON line is cut"
  d=$(seconds "$tmp/live.mkv")
  echo "SIG$sig after 5 s: the overlay file reads ${d:-no duration} s"
  awk -v d="${d:-0}" 'BEGIN { exit !(d >= 4.5) }' \
    || fail "SIG$sig after 5 s: the overlay file reads ${d:-no duration} s"
done

expect_error() {
  local what=$1 needle=$2; shift 2
  timeout 60 "$tool" "$@" >"$tmp/stdout" 2>"$tmp/err"
  local rc=$?
  [ $rc -eq 1 ] || fail "$what: exit status $rc"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$tmp/err")"
  grep -q "^mmfusion-analyze: .*$needle" "$tmp/err" || fail "$what: stderr: $(cat "$tmp/err")"
}
head -c 4000 /dev/urandom >"$tmp/junk.mkv"
expect_error "missing input" "no such file" "$tmp/nope.mkv" --model "$sync/probe_s10.onnx"
expect_error "missing model" "no such file" "$tmp/av.mkv" --model "$tmp/nope.onnx"
expect_error "not media" "type of stream" "$tmp/junk.mkv" --model "$sync/probe_s10.onnx"
expect_error "bad model" "layout is 'NHWC'" "$tmp/av.mkv" --model "$meta/bad_layout.onnx"
expect_error "bad top-k" "top-k" "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --top-k 0
expect_error "overlay without video" "needs a model with a video input" \
  "$tmp/av.mkv" --model "$sync/probe_audio_only.onnx" --overlay "$tmp/x.mkv"
expect_error "unknown option" "Unknown option --frobnicate" "$tmp/av.mkv" --frobnicate
expect_error "interval not a number" "--interval takes a whole number" \
  "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --interval abc
expect_error "negative interval" "not '-1'" \
  "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --interval -1
# several inputs are analyze-multi-test.sh's; the options of one input
# refuse them
expect_error "two inputs with --overlay" "command line: --overlay takes one input" \
  "$tmp/av.mkv" "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --overlay "$tmp/o.mkv"
expect_error "--live with an input" "one input only" "$tmp/av.mkv" --live=test \
  --model "$sync/probe_s10.onnx"
# --help describes every option; --version answers
help=$("$tool" --help) || fail "--help exited $?"
for opt in --model --json --overlay --interval --top-k --live --version; do
  grep -q -- "^  $opt" <<<"$help" || fail "--help does not describe $opt"
done
"$tool" --version | grep -q "^mmfusion-analyze [0-9]" || fail "--version"
# a file without a stream for any model input ends at once, it does not wait
launch -q audiotestsrc num-buffers=40 ! audioconvert ! vorbisenc ! matroskamux \
  ! filesink location="$tmp/audio.mkv" || fail "cannot make audio.mkv"
expect_error "audio-only file, video model" "it needs video, the input has only audio" \
  "$tmp/audio.mkv" --model "$sync/probe_video_only.onnx" --json "$tmp/x.jsonl"
expect_error "video-only file, audio model" "it needs audio, the input has only video" \
  "$tmp/video.mkv" --model "$sync/probe_audio_only.onnx"
# an output that is the input (by any name) is refused before it is
# truncated; so is one that is the model, or both outputs in one file
size=$(stat -c %s "$tmp/av.mkv")
ln -s av.mkv "$tmp/link.mkv"
expect_error "--json is the input" "link.mkv: is the input file" \
  "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --json "$tmp/link.mkv"
expect_error "--overlay is the input" "is the input file" \
  "file://$tmp/av.mkv" --model "$sync/probe_s10.onnx" --overlay "$tmp/../$(basename "$tmp")/av.mkv"
[ "$(stat -c %s "$tmp/av.mkv")" -eq "$size" ] || fail "the input file was overwritten"
cp "$sync/probe_s10.onnx" "$tmp/model.onnx"
expect_error "--json is the model" "is the model file" \
  "$tmp/av.mkv" --model "$tmp/model.onnx" --json "$tmp/model.onnx"
cmp -s "$sync/probe_s10.onnx" "$tmp/model.onnx" || fail "the model file was overwritten"
expect_error "one file for both" "name the same file" \
  "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --json "$tmp/o.mkv" --overlay "$tmp/o.mkv"


# outputs that cannot be written: a full disk, a folder we may not write
# in; the error names the output, not the input, and says why
expect_error "--json on a full disk" "/dev/full: .*No space left on device" \
  "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --json /dev/full
expect_error "--overlay on a full disk" "/dev/full: .*No space left on device" \
  "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --overlay /dev/full
mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
if touch "$tmp/ro/probe" 2>/dev/null; then
  # root writes anyway: a folder that is a file fails the same way
  ro="$tmp/av.mkv" why="Not a directory"
else
  ro="$tmp/ro" why="Permission denied"
fi
expect_error "--json in a read-only folder" "$ro/x.jsonl: .*$why" \
  "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --json "$ro/x.jsonl"
expect_error "--overlay in a read-only folder" "$ro/x.mkv: .*$why" \
  "$tmp/av.mkv" --model "$sync/probe_s10.onnx" --overlay "$ro/x.mkv"

# an input that disappears: no crash, no hang, every JSON line whole
ends_cleanly() { # what: exit 0, or 1 with one error line
  local what=$1 rc=$2
  { [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ]; }; } \
    || fail "$what: exit status $rc: $(cat "$tmp/stderr")"
  [ "$(grep -vc '}$' "$tmp/cut.jsonl")" -eq 0 ] || fail "$what: a JSON line is cut"
}
# the file truncated while it is read: the run ends with what was there
cp "$tmp/big.mkv" "$tmp/trunc.mkv"
rm -f "$tmp/cut.jsonl"
timeout -k 5 60 "$tool" "$tmp/trunc.mkv" --model "$sync/probe_s10.onnx" \
  --json "$tmp/cut.jsonl" --overlay "$tmp/cut.mkv" 2>"$tmp/stderr" & pid=$!
for _ in $(seq 300); do
  [ -s "$tmp/cut.jsonl" ] && break
  sleep 0.1
done
truncate -s $(($(stat -c %s "$tmp/big.mkv") / 3)) "$tmp/trunc.mkv"
wait $pid
rc=$?
ends_cleanly "truncated input" $rc
d=$(seconds "$tmp/cut.mkv")
[ $rc -ne 0 ] || [ -n "$d" ] || fail "truncated input: the overlay file is not finalized"
echo "input truncated while read: exit $rc, $(wc -l <"$tmp/cut.jsonl") results, overlay ${d:-?} s"
# an HTTP server that goes away in the middle of the file
"$http_cut" "$tmp/big.mkv" $(($(stat -c %s "$tmp/big.mkv") / 2)) >"$tmp/port" & server=$!
for _ in $(seq 50); do
  [ -s "$tmp/port" ] && break
  sleep 0.1
done
rm -f "$tmp/cut.jsonl"
timeout -k 5 60 "$tool" "http://127.0.0.1:$(head -1 "$tmp/port")/big.mkv" \
  --model "$sync/probe_s10.onnx" --json "$tmp/cut.jsonl" 2>"$tmp/stderr"
rc=$?
ends_cleanly "HTTP server gone" $rc
[ $rc -eq 0 ] || grep -q ": reading the input failed part-way" "$tmp/stderr" \
  || fail "HTTP server gone: $(cat "$tmp/stderr")"
echo "HTTP server gone mid-file: exit $rc, $(wc -l <"$tmp/cut.jsonl") results: $(cat "$tmp/stderr")"
kill $server 2>/dev/null
wait $server 2>/dev/null

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all mmfusion-analyze checks passed"
