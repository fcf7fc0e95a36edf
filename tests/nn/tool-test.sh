#!/usr/bin/env bash
# mmfusion-model: inspect/run/bench work on a golden model, and every error
# exits 1 with exactly one line "mmfusion-model: FILE: reason" on stderr.
# usage: tool-test.sh MMFUSION_MODEL GOLDEN_NN_DIR GOLDEN_BAD_DIR
set -u
tool=$1 nn=$2 bad=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cnn=$nn/cnn/model.onnx
out=$("$tool" inspect "$cnn") || fail "inspect exited $?"
grep -q "video float32 \[1, 3, 32, 32\]" <<<"$out" || fail "inspect lacks the input"
grep -q "output float32 \[1, 10\]" <<<"$out" || fail "inspect lacks the output"
grep -q "^  Conv 3$" <<<"$out" || fail "inspect lacks op counts"

"$tool" run "$cnn" --input "video=$nn/cnn/input_video.npy" --output-dir "$tmp/out" \
  || fail "run exited $?"
[ "$(head -c 6 "$tmp/out/output.npy" | tail -c 5)" = "NUMPY" ] || fail "run wrote no .npy"
# the .npy written equals PyTorch's bit for bit in size: header + 10 floats
[ "$(stat -c %s "$tmp/out/output.npy")" -eq 168 ] || fail "output .npy has the wrong size"

last=$("$tool" bench "$cnn" --runs 5 | tail -n 1)
[[ "$last" =~ ^median_ms=[0-9.]+\ min_ms=[0-9.]+\ runs=5$ ]] || fail "bench line: $last"

# errors: exit status 1, one line naming the program and the file
expect_error() {
  local what=$1; shift
  "$tool" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  [ $rc -eq 1 ] || fail "$what: exit status $rc"
  [ "$(wc -l <"$tmp/stderr")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$tmp/stderr")"
  grep -q "^mmfusion-model: " "$tmp/stderr" || fail "$what: stderr: $(cat "$tmp/stderr")"
}
head -c 3000 /dev/urandom >"$tmp/random.onnx"
head -c 500 "$cnn" >"$tmp/truncated.onnx"
expect_error "missing file" inspect "$tmp/nope.onnx"
expect_error "random bytes" inspect "$tmp/random.onnx"
expect_error "truncated" run "$tmp/truncated.onnx" --output-dir "$tmp/o"
for f in "$bad"/*.onnx; do expect_error "$(basename "$f")" inspect "$f"; done
expect_error "wrong input shape" run "$cnn" --input "video=$nn/attention/input_audio.npy" --output-dir "$tmp/o"
expect_error "unknown input" run "$cnn" --input "sound=$nn/cnn/input_video.npy" --output-dir "$tmp/o"
expect_error "input not given" run "$cnn" --output-dir "$tmp/o"
expect_error "bad npy" run "$cnn" --input "video=$tmp/random.onnx" --output-dir "$tmp/o"
expect_error "bad bench args" bench "$cnn" --threads 0
expect_error "unknown command" frobnicate "$cnn"

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all mmfusion-model checks passed"
