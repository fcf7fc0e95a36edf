#!/usr/bin/env bash
# docs/your-own-model.md, followed literally: every fenced block opened
# with "```sh tested" is run, in order, from a scratch folder laid out like
# the repository root (examples/ and build/ linked in), then the results
# are checked: the annotated model, check's report, one JSON line per frame
# with the model's own labels, audio present once the first window filled.
# usage: walk-test.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
doc=$src/docs/your-own-model.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

awk '/^```sh tested$/ {on = 1; next} /^```$/ {on = 0} on' "$doc" >"$tmp/walk.sh"
blocks=$(grep -c '^```sh tested$' "$doc")
[ "$blocks" -ge 4 ] || fail "only $blocks tested blocks in $doc"

mkdir "$tmp/root"
ln -s "$src/examples" "$tmp/root/examples"
ln -s "$build" "$tmp/root/build"
# the page's commands set what they need themselves; a private registry
# keeps the test's plugin scans its own
(cd "$tmp/root" && env -u GST_PLUGIN_PATH GST_REGISTRY="$tmp/registry.bin" \
  bash -euo pipefail "$tmp/walk.sh") >"$tmp/stdout" 2>"$tmp/stderr" \
  || fail "the walk's commands failed ($?): $(tail -n 5 "$tmp/stderr")"

out=$tmp/root/my-model
[ -s "$out/avnet.onnx" ] || fail "annotate wrote no model"
grep -q "^run on synthetic input: ok" "$tmp/stdout" || fail "check did not run the model"
grep -q "^  labels: speech, music, alarm, applause, silence$" "$tmp/stdout" \
  || fail "check does not report the labels"
grep -q "one window covers 1.0150 s; a new one every 0.1000 s" "$tmp/stdout" \
  || fail "check does not report the audio window"
[ -f "$out/results.jsonl" ] || fail "no results"
lines=$(wc -l <"$out/results.jsonl" 2>/dev/null || echo 0)
[ "$lines" -eq 60 ] || fail "expected 60 results (one per frame), got $lines"
# every label reported is one of the labels file's
grep -o '"label":"[^"]*"' "$out/results.jsonl" | sort -u | sed 's/"label":"\(.*\)"/\1/' >"$tmp/seen"
[ -s "$tmp/seen" ] || fail "no labels in the results"
while read -r l; do
  grep -qx "$l" "$src/examples/your-own-model/labels.txt" || fail "label '$l' is not the model's"
done <"$tmp/seen"
[ "$(wc -l <"$tmp/seen")" -eq 5 ] || fail "the top-5 lists should name all 5 labels"
with_audio=$(grep -c '"audio":{"start":[0-9]' "$out/results.jsonl")
[ "$with_audio" -ge 40 ] || fail "only $with_audio results had audio"
grep -q '^{"schema":"mmfusion/2".*"model":{"name":"avnet"' "$tmp/stdout" \
  || fail "the page's 'head' printed no result line"

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "docs/your-own-model.md: all $blocks tested blocks ran, $lines results"
