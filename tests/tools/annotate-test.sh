#!/usr/bin/env bash
# mmfusion-model annotate and check: metadata written exactly as asked and
# nothing else of the file changed; the annotated model runs with outputs
# identical to the original; every problem is one line, exit status 1, and
# OUT is never written (nor a temporary left behind) when annotate refuses.
# The example model of docs/your-own-model.md computes what PyTorch does,
# before and after annotation.
# usage: annotate-test.sh MMFUSION_MODEL GOLDEN_NN_DIR GOLDEN_META_DIR
#                         EXAMPLE_DIR NPY_COMPARE
set -u
tool=$1 nn=$2 meta=$3 example=$4 npy_compare=$5
# in the sanitizer build, LeakSanitizer's list of suppressions it used
# (GLib's and GStreamer's load-time blocks) would add lines to stderr,
# whose single line is what is tested; real leaks still fail the run
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cnn=$nn/cnn/model.onnx   # one input "video" [1,3,32,32], output [1,10]
good=$meta/good.onnx     # video [1,3,16,16] + audio [1,1,40,20], 4 classes

# nothing to set: the very same bytes
"$tool" annotate "$cnn" "$tmp/same.onnx" >/dev/null || fail "annotate without keys exited $?"
cmp -s "$cnn" "$tmp/same.onnx" || fail "annotate without keys changed the file"

# labels, activation and preprocessing keys land in metadata_props
seq 0 9 | sed 's/^/digit /' >"$tmp/labels.txt"
"$tool" annotate "$cnn" "$tmp/a.onnx" --labels "$tmp/labels.txt" --activation softmax \
  --input video:mean=0.5 --input video:std=0.25 --input video:resize=crop \
  --output output:kind=classes >"$tmp/stdout" 2>"$tmp/stderr" \
  || fail "annotate exited $?: $(cat "$tmp/stderr")"
"$tool" inspect "$tmp/a.onnx" >"$tmp/inspect"
for line in 'mmfusion.labels = \["digit 0","digit 1",.*"digit 9"\]' \
    'mmfusion.output.activation = softmax' 'mmfusion.input.video.mean = 0.5' \
    'mmfusion.input.video.std = 0.25' 'mmfusion.input.video.resize = crop' \
    'mmfusion.output.output.kind = classes'; do
  grep -q "^  $line$" "$tmp/inspect" || fail "inspect lacks '$line'"
done
# the same network: every other byte is the original's, so removing the
# metadata again gives the original file back
"$tool" annotate "$tmp/a.onnx" "$tmp/cleared.onnx" --clear >/dev/null || fail "--clear exited $?"
cmp -s "$cnn" "$tmp/cleared.onnx" || fail "annotate + --clear is not the original file"
# ...and it runs with identical outputs
"$tool" run "$cnn" --input "video=$nn/cnn/input_video.npy" --output-dir "$tmp/o1" || fail "run original"
"$tool" run "$tmp/a.onnx" --input "video=$nn/cnn/input_video.npy" --output-dir "$tmp/o2" || fail "run annotated"
cmp -s "$tmp/o1/output.npy" "$tmp/o2/output.npy" || fail "annotated model's output differs"
# the example model against PyTorch (golden/ made by its export.py), and
# the same after annotate
for m in "$example/avnet.onnx" "$tmp/avnet.onnx"; do
  [ "$m" = "$tmp/avnet.onnx" ] && { "$tool" annotate "$example/avnet.onnx" "$m" \
    --labels "$example/labels.txt" --activation softmax >/dev/null || fail "annotate avnet"; }
  "$tool" run "$m" --input "video=$example/golden/input_video.npy" \
    --input "audio=$example/golden/input_audio.npy" --output-dir "$tmp/av" || fail "run $m"
  "$npy_compare" "$tmp/av/scores.npy" "$example/golden/output_scores.npy" 1e-5 >"$tmp/cmp" \
    || fail "$(basename "$m") against PyTorch: $(cat "$tmp/cmp")"
  rm -rf "$tmp/av"
done

# setting a key again replaces it (one entry), in place
"$tool" annotate "$tmp/a.onnx" "$tmp/a.onnx" --input video:resize=letterbox >/dev/null || fail "in-place annotate"
[ "$("$tool" inspect "$tmp/a.onnx" | grep -c 'mmfusion.input.video.resize')" -eq 1 ] || fail "key duplicated"
"$tool" inspect "$tmp/a.onnx" | grep -q 'mmfusion.input.video.resize = letterbox' || fail "key not replaced"

# check: the element's view of the model, and one run
out=$("$tool" check "$tmp/a.onnx") || fail "check exited $?"
grep -q "^  video$" <<<"$out" || fail "check lacks the pad"
grep -q "caps: video/x-raw, format=(string){ RGB" <<<"$out" || fail "check lacks the video caps"
grep -q "32×32, RGB, resize letterbox" <<<"$out" || fail "check lacks the geometry: $out"
grep -q "^run on synthetic input: ok.*top: digit [0-9] 0\.[0-9]*" <<<"$out" || fail "check's run: $out"
out=$("$tool" check "$good") || fail "check good.onnx exited $?"
grep -q "caps: audio/x-mmfusion-features, kind=(string)log-mel, rate=(int)16000, n-fft=(int)512, win-length=(int)400, hop-length=(int)160, n-mels=(int)40" <<<"$out" \
  || fail "check lacks the audio caps: $out"
grep -q "one window covers 0.2150 s; a new one every 0.0500 s" <<<"$out" || fail "check lacks the window timing"
# output kinds: annotate writes them, check shows what the element reads
"$tool" annotate "$good" "$tmp/k.onnx" --output scores:kind=regression \
  --output 'scores:labels=["w","x","y","z"]' --output scores:units=dB >/dev/null \
  || fail "annotate --output kind"
out=$("$tool" check "$tmp/k.onnx") || fail "check of a regression output exited $?"
grep -q "^results: output 'scores', regression, 4 values, activation softmax, units dB$" <<<"$out" \
  || fail "check lacks the output kind: $out"

# refusals: each problem on its own line naming it, exit 1, OUT untouched
expect_refusal() {   # expect_refusal WHAT LINES PATTERN... -- ARGS...
  local what=$1 lines=$2; shift 2
  local patterns=()
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
  shift
  echo "previous" >"$tmp/out.onnx"
  "$tool" annotate "$@" "$tmp/out.onnx" >/dev/null 2>"$tmp/stderr"
  local rc=$?
  [ $rc -eq 1 ] || fail "$what: exit status $rc"
  [ "$(wc -l <"$tmp/stderr")" -eq "$lines" ] \
    || fail "$what: expected $lines line(s): $(cat "$tmp/stderr")"
  for p in "${patterns[@]}"; do
    grep -q -- "$p" "$tmp/stderr" || fail "$what: no line matches '$p': $(cat "$tmp/stderr")"
  done
  grep -vq "^mmfusion-model: " "$tmp/stderr" && fail "$what: a line without the program name"
  [ "$(cat "$tmp/out.onnx")" = "previous" ] || fail "$what: OUT was overwritten"
  [ "$(ls "$tmp" | grep -c '^out\.onnx')" -eq 1 ] || fail "$what: a temporary file was left"
}
printf 'a\nb\nc\n' >"$tmp/three.txt"
expect_refusal "five problems" 5 "three.txt: 3 labels, but the model's first output 'output' has 10 classes" \
  "mmfusion.input.video.colour: unknown key 'colour'" \
  "'n-mels' is for audio inputs, and 'video' is video" \
  "mmfusion.input.vid.mean: the model has no input of that name (inputs: video)" \
  "mmfusion.output.activation is 'soft'; one of none, softmax, sigmoid is expected" -- \
  "$cnn" --labels "$tmp/three.txt" --input video:colour=RGB --input video:n-mels=3 \
  --input vid:mean=1 --activation soft
expect_refusal "impossible audio" 2 "hop-length is '0'; a whole number" \
  "audio input 'audio': fmax (7600 Hz) is above rate/2 (4000 Hz)" -- \
  "$good" --input audio:hop-length=0 --input audio:rate=8000
expect_refusal "win above n-fft" 1 "win-length (400) is above n-fft (256)" -- "$good" --input audio:n-fft=256
expect_refusal "key against shape" 1 "mmfusion.input.audio.n-mels is 64 but the input shape has 40 mel bands" -- \
  "$good" --input audio:n-mels=64
expect_refusal "layout against rank" 1 "layout NCTHW needs a shape of rank 5; the input has rank 4" -- \
  "$good" --input video:layout=NCTHW
expect_refusal "mean count" 1 "mean has 2 values; 1 or 3 (one per channel)" -- "$good" --input video:mean=1,2
expect_refusal "four problems against the shapes" 4 "color is GRAY but the input has 3 channels" \
  "std has 4 values" "n-mels is 64 but the input shape has 40 mel bands" \
  "win-length (400) is above n-fft (256)" -- \
  "$good" --input video:color=GRAY --input video:std=1,2,3,4 --input audio:n-mels=64 --input audio:n-fft=256
expect_refusal "no modality" 1 "cannot tell whether input 'sound' is video or audio; add --input sound:modality" -- \
  "$meta/bad_modality.onnx"
expect_refusal "output labels" 1 "mmfusion.output.scores.labels has 2 labels but the output has 4 classes" -- \
  "$good" --output 'scores:labels=["x","y"]'
expect_refusal "bad spec" 1 "expected --input NAME:key=value" -- "$good" --input video=RGB
expect_refusal "missing file" 1 "nope.onnx: " -- "$tmp/nope.onnx"
head -c 2000 /dev/urandom >"$tmp/random.onnx"
expect_refusal "random bytes" 1 "random.onnx: " -- "$tmp/random.onnx"

# check refuses what mmfusion refuses, with the element's one-line message
for f in "$meta"/bad_*.onnx; do
  "$tool" check "$f" >/dev/null 2>"$tmp/stderr"
  rc=$?
  [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] && grep -q "^mmfusion-model: $f: " "$tmp/stderr" \
    || fail "check $(basename "$f"): status $rc, $(cat "$tmp/stderr")"
done
# annotate repairs a refused model: the bad key reported, then set right
"$tool" annotate "$meta/bad_fmax.onnx" "$tmp/fixed.onnx" 2>"$tmp/stderr" && fail "annotate kept a bad fmax"
grep -q "fmax (9000 Hz) is above rate/2 (8000 Hz)" "$tmp/stderr" || fail "bad fmax: $(cat "$tmp/stderr")"
"$tool" annotate "$meta/bad_fmax.onnx" "$tmp/fixed.onnx" --input audio:fmax=8000 >/dev/null \
  || fail "annotate could not repair fmax"
"$tool" check "$tmp/fixed.onnx" >/dev/null || fail "the repaired model is refused"

# option errors are one line too; --help lists every option and key
"$tool" annotate "$cnn" 2>"$tmp/stderr"; [ $? -eq 1 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] || fail "missing OUT"
"$tool" annotate --frob "$cnn" x 2>"$tmp/stderr"; [ $? -eq 1 ] && [ "$(wc -l <"$tmp/stderr")" -eq 1 ] || fail "unknown option"
help=$("$tool" annotate --help) || fail "annotate --help exited $?"
for o in --labels --activation --input --output --clear hop-length n-mels resize units; do
  grep -q -- "$o" <<<"$help" || fail "annotate --help lacks $o"
done
"$tool" --version | grep -q "^mmfusion-model [0-9]" || fail "--version"
for c in inspect run bench annotate check; do
  "$tool" --help | grep -q "^  $c " || fail "--help lacks the command $c"
done

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all annotate/check checks passed"
