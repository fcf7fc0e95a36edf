#!/usr/bin/env bash
# mmfusion-analyze with 8 inputs in one run: 6 files, a live RTSP camera
# that stays, and one that goes away for good once it gave results. The one that goes is
# said on one line naming it, the others go on (the live one's results
# keep coming after it), SIGTERM then ends the run with every JSON Lines
# file whole; the 6 files have a result for every frame.
# usage: analyze-multi-test.sh MMFUSION_ANALYZE SYNC_GOLDEN_DIR RTSP_CUT
set -u
tool=$1 sync=$2 rtsp_cut=$3
tmp=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
[ -n "${LSAN_OPTIONS:-}" ] && export LSAN_OPTIONS="$LSAN_OPTIONS:print_suppressions=0"
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
launch() {
  env -u GST_PLUGIN_PATH -u LD_LIBRARY_PATH GST_REGISTRY="$tmp/registry.bin" \
    gst-launch-1.0 "$@"
}
model="$sync/probe_s10.onnx"
whole() { [ "$(grep -vc '}$' "$1")" -eq 0 ]; }

# 2 s of 30 fps video and audio, -base and -good codecs
launch -q matroskamux name=m ! filesink location="$tmp/av.mkv" \
  videotestsrc num-buffers=60 ! video/x-raw,width=160,height=120,framerate=30/1 \
  ! jpegenc ! m. \
  audiotestsrc num-buffers=86 samplesperbuffer=1024 ! audio/x-raw,rate=44100 \
  ! audioconvert ! vorbisenc ! m. || { echo "cannot make the test file"; exit 1; }

"$rtsp_cut" >"$tmp/ports" & server=$!
for _ in $(seq 100); do
  [ -s "$tmp/ports" ] && break
  sleep 0.1
done
read -r kept gone <"$tmp/ports" || { echo "the RTSP servers did not start"; exit 1; }
{
  echo "# six files, a camera that stays, one that goes"
  for i in 1 2 3 4 5 6; do
    cp "$tmp/av.mkv" "$tmp/f$i.mkv"
    echo "file$i $tmp/f$i.mkv"
  done
  echo "cam-kept rtsp://127.0.0.1:$kept/cam"
  echo "cam-gone rtsp://127.0.0.1:$gone/cam"
} >"$tmp/inputs"

# 3 attempts (1 + 2 + 4 s): a slow build's first connection may stall too
"$tool" --inputs "$tmp/inputs" --model "$model" --json "$tmp/out/" \
  --max-reconnects 3 2>"$tmp/stderr" & pid=$!
# the camera goes once it gave results
for _ in $(seq 600); do
  [ "$( { wc -l <"$tmp/out/cam-gone.jsonl"; } 2>/dev/null || echo 0)" -ge 5 ] && break
  sleep 0.1
done
kill -USR1 $server
# it is given up: a 5 s stall (or a closed connection), three failed attempts
for _ in $(seq 600); do
  grep -q '^mmfusion-analyze: cam-gone: ' "$tmp/stderr" && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
sleep 1
before=$(wc -l <"$tmp/out/cam-kept.jsonl")
sleep 3
after=$(wc -l <"$tmp/out/cam-kept.jsonl")
kill -TERM $pid
wait $pid
rc=$?
cat "$tmp/stderr"

[ $rc -eq 1 ] || fail "exit status $rc (1: an input failed)"
n=$(grep -c "^mmfusion-analyze: cam-gone: rtsp://127.0.0.1:$gone/cam: .*gave up after 3 reconnection attempts; the other inputs go on$" "$tmp/stderr")
[ "$n" -eq 1 ] || fail "the failure is not said on one line naming cam-gone ($n lines)"
# no other input failed
[ "$(grep -v -e ': warning: ' -e '^mmfusion-analyze: [^:]*: [0-9]* results' \
  -e '^mmfusion-analyze: 8 inputs' -e 'cam-gone: rtsp' "$tmp/stderr" | wc -l)" -eq 0 ] \
  || fail "unexpected lines on stderr"
grep -q '^mmfusion-analyze: 8 inputs, 7 ended, 1 failed' "$tmp/stderr" \
  || fail "no summary of 8 inputs, 7 ended, 1 failed"
for i in 1 2 3 4 5 6; do
  f="$tmp/out/file$i.jsonl"
  [ "$(wc -l <"$f")" -eq 60 ] || fail "file$i: $(wc -l <"$f") results, not 60"
  whole "$f" || fail "file$i: a JSON line is cut"
  [ "$(grep -c "\"stream\":\"file$i\"" "$f")" -eq 60 ] || fail "file$i: stream name"
done
for c in cam-kept cam-gone; do
  f="$tmp/out/$c.jsonl"
  [ "$(wc -l <"$f")" -gt 0 ] || fail "$c: no results"
  whole "$f" || fail "$c: a JSON line is cut"
done
[ "$after" -gt "$before" ] || fail "cam-kept stopped when cam-gone failed ($before, $after results)"
echo "cam-kept: $before results at the failure + 1 s, $after 3 s later; cam-gone: $(wc -l <"$tmp/out/cam-gone.jsonl") results before it went"

# the forms of --json and --inputs that are refused: one line each
expect_error() { # what, pattern, arguments...
  local what=$1 pattern=$2
  shift 2
  "$tool" "$@" 2>"$tmp/err" >/dev/null
  local rc=$?
  { [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "$pattern" "$tmp/err"; } \
    || fail "$what: exit $rc: $(cat "$tmp/err")"
}
expect_error "one --json file for several inputs" "x.jsonl: with several inputs --json takes a folder" \
  "$tmp/f1.mkv" "$tmp/f2.mkv" --model "$model" --json "$tmp/x.jsonl"
printf 'a %s\na %s\n' "$tmp/f1.mkv" "$tmp/f2.mkv" >"$tmp/dup"
expect_error "a name twice" "dup: line 2: the name 'a' is used twice" \
  --inputs "$tmp/dup" --model "$model"
printf 'a/b %s\n' "$tmp/f1.mkv" >"$tmp/slash"
expect_error "a bad name" "slash: line 1: the name 'a/b' may only have" \
  --inputs "$tmp/slash" --model "$model"
expect_error "--overlay" "command line: --overlay takes one input" \
  "$tmp/f1.mkv" "$tmp/f2.mkv" --model "$model" --overlay "$tmp/o.mkv"
expect_error "a missing file" "f9: .*f9.mkv: no such file" \
  "$tmp/f1.mkv" "$tmp/f9.mkv" --model "$model"
# names from the command line: file base names, made unique; {source}
"$tool" "$tmp/f1.mkv" "$tmp/f1.mkv" --model "$model" \
  --json "$tmp/t/{source}.jsonl" 2>"$tmp/err" || fail "two of one file: $(cat "$tmp/err")"
[ "$(cat "$tmp/t/f1.jsonl" "$tmp/t/f1-2.jsonl" 2>/dev/null | wc -l)" -eq 120 ] \
  || fail "{source} template: $(ls "$tmp/t")"

# MQTT: one topic per input, by name (where a mosquitto broker is installed)
if command -v mosquitto >/dev/null && command -v mosquitto_sub >/dev/null; then
  port=$((20000 + RANDOM % 20000))
  mosquitto -p $port >"$tmp/broker.log" 2>&1 & broker=$!
  sleep 0.5
  mosquitto_sub -h 127.0.0.1 -p $port -t 'mmfusion/+/results' -v >"$tmp/sub" & sub=$!
  sleep 0.5
  "$tool" "$tmp/f1.mkv" "$tmp/f2.mkv" --model "$model" --mqtt 127.0.0.1:$port \
    2>"$tmp/err" || fail "--mqtt: $(cat "$tmp/err")"
  sleep 1
  kill $sub $broker 2>/dev/null
  wait $sub $broker 2>/dev/null
  for f in f1 f2; do
    n=$(grep -c "^mmfusion/$f/results {" "$tmp/sub")
    [ "$n" -eq 60 ] || fail "--mqtt: $n records on mmfusion/$f/results, not 60"
  done
else
  echo "no mosquitto broker: the --mqtt check is left out"
fi

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all mmfusion-analyze several-inputs checks passed"
