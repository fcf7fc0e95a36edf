#!/usr/bin/env bash
# mmfusion-report's page in headless Chromium.
#
# 1. A generated 12 s clip (black, white 3–5 s, black, grey 8–9 s under the
#    threshold, white 9–10 s, black) analysed by the brightness probe model
#    with mmpublish (JSON Lines) and mmrecord (clips); the page of its
#    results is opened in Chromium: one timeline per class, an event span
#    exactly where each JSON event is, a JPEG thumbnail and a clip link per
#    event, no console error; a screenshot is taken.
# 2. A generated hour of results (25 a second, 3 classes, 1000 events): the
#    page is checked the same way and its render time measured (printed,
#    not asserted).
#
# usage: report-test.sh MMFUSION-REPORT SOURCE_ROOT
# Exit 77 (skipped) when chromium is missing (scripts/setup installs it).
set -euo pipefail
report=$1
root=$2
model=$root/tests/golden/sync/probe_video_only.onnx

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "chromium not installed (scripts/setup installs it): skipped"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

fail() { echo "FAIL: $*" >&2; exit 1; }

# Chromium is not ours: no sanitizer runtime preloaded into it
browse() {
  env -u LD_PRELOAD -u ASAN_OPTIONS HOME="$tmp" "$chromium" --headless \
    --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 "$@"
}

# ---- 1. a real run ----
seg() { # pattern, frames
  echo "videotestsrc $1 num-buffers=$2 ! video/x-raw,width=320,height=240,framerate=25/1 ! c."
}
gst-launch-1.0 -q concat name=c ! videoconvert ! x264enc speed-preset=ultrafast \
  key-int-max=25 ! matroskamux ! filesink location=media.mkv \
  $(seg pattern=black 75) $(seg pattern=white 50) $(seg pattern=black 75) \
  $(seg "pattern=solid-color foreground-color=0xff737373" 25) \
  $(seg pattern=white 25) $(seg pattern=black 50)

mkdir clips
gst-launch-1.0 -m filesrc location=media.mkv ! matroskademux ! tee name=t \
  t. ! queue ! r.video \
  t. ! queue ! avdec_h264 ! videoconvert ! f.video \
  mmfusion name=f model="$model" event-on=0.5 ! mmpublish location=results.jsonl ! \
  fakesink mmrecord name=r fusion=f directory=clips pre=1000000000 \
  post=1000000000 > launch.log 2>&1 || { cat launch.log; fail "analysis"; }
# mmrecord's clip messages as JSON "clip" records (what mmfusion-analyze
# writes for them)
sed -n '/mmrecord-clip, path=/{
s/.*path=(string)\([^,]*\), start=(guint64)\([0-9]*\), end=(guint64)\([0-9]*\),.* class=(string)"\{0,1\}\([^"]*\)"\{0,1\}, utc=.*/{"type":"clip","path":"\1","start":\2,"end":\3,"class":"\4"}/
s/\\//g
p
}' launch.log >> results.jsonl
[ "$(grep -c '"type":"clip"' results.jsonl)" = 2 ] || fail "expected 2 clips"

"$report" results.jsonl --out report.html --media media.mkv --event-on 0.5 \
  --thumbnail-width 120

browse --dump-dom "file://$tmp/report.html" > dom.html 2> console.log
browse --window-size=1280,900 --screenshot="$tmp/report.png" \
  "file://$tmp/report.html" > /dev/null 2>> console.log

# the events as the JSON says: "label start end" in seconds
events_of() {
  jq -rs '[.[] | select(.type == "event")] as $e
    | reduce $e[] as $x ({open: {}, out: []};
        if $x.state == "start" then .open[$x.label] = $x.pts
        else .out += ["\($x.label) \(.open[$x.label]) \($x.pts)"] end)
    | .out[]' "$1" | awk '{printf "%s %.6f %.6f\n", $1, $2 / 1e9, $3 / 1e9}' | sort
}
spans_of() {
  grep -o '<rect class="span"[^>]*>' "$1" | sed -E \
    's/.*data-class="([^"]*)" data-start="([^"]*)" data-end="([^"]*)".*/\1 \2 \3/' | sort
}
classes_of() {
  jq -r 'select(.type == null) | .classes[].label' "$1" | sort -u
}
timelines_of() {
  grep -o '<section class="timeline"[^>]*>' "$1" | sed -E 's/.*data-class="([^"]*)".*/\1/' | sort
}
check_page() { # jsonl dom log
  [ "$(timelines_of "$2")" = "$(classes_of "$1")" ] || fail "timelines: $(timelines_of "$2" | tr '\n' ' ')"
  diff <(events_of "$1") <(spans_of "$2") || fail "event spans differ from the JSON"
  # the script ran to its end (it stamps the body) and nothing complained
  grep -q 'data-render-ms="[0-9]*"' "$2" || fail "the page script did not run"
  if grep -E 'CONSOLE.*(Uncaught|Error|error)' "$3"; then fail "console errors"; fi
}

check_page results.jsonl dom.html console.log
[ "$(events_of results.jsonl)" = "$(printf 'video 3.000000 5.000000\nvideo 9.000000 10.000000')" ] \
  || fail "the probe model's events: $(events_of results.jsonl)"
# a JPEG of the peak per event, and its clip
[ "$(grep -o '<img class="thumb"[^>]*src="data:image/jpeg;base64,/9j/' dom.html | wc -l)" = 2 ] \
  || fail "thumbnails"
for href in $(grep -o '<a class="clip" href="[^"]*"' dom.html | sed 's/.*href="//;s/"$//'); do
  [ -s "$href" ] || fail "clip link $href"
done
[ "$(grep -c '<a class="clip"' dom.html)" = 2 ] || fail "clip links"
[ "$(head -c 4 report.png | tail -c 3)" = PNG ] || fail "no screenshot"
echo "real run: 2 events, spans, thumbnails and clips as in the JSON; screenshot $(stat -c %s report.png) bytes"

# ---- 2. an hour, 1000 events ----
awk 'BEGIN {
  n = 90000; split("speech music alarm", cls, " ");
  for (e = 0; e < 1000; e++) { es[e] = int(e * 3.6 * 25) + 10; }
  e = 0; on = -1;
  for (i = 0; i < n; i++) {
    t = i * 40000000;
    if (on < 0 && e < 1000 && i == es[e]) {
      on = e % 3 + 1;
      printf "{\"schema\":\"mmfusion/1\",\"stream\":\"gen\",\"type\":\"event\",\"state\":\"start\",\"class_id\":%d,\"label\":\"%s\",\"pts\":%d,\"running_time\":%d,\"model\":\"gen\"}\n", on - 1, cls[on], t, t;
    } else if (on > 0 && i == es[e] + 40) {
      printf "{\"schema\":\"mmfusion/1\",\"stream\":\"gen\",\"type\":\"event\",\"state\":\"end\",\"class_id\":%d,\"label\":\"%s\",\"pts\":%d,\"running_time\":%d,\"model\":\"gen\"}\n", on - 1, cls[on], t, t;
      on = -1; e++;
    }
    printf "{\"schema\":\"mmfusion/1\",\"stream\":\"gen\",\"pts\":%d,\"running_time\":%d,\"duration\":40000000,\"model\":\"gen\",\"classes\":[", t, t;
    for (c = 1; c <= 3; c++) {
      s = (on == c) ? 0.9 : 0.1 + 0.05 * sin(i / (7.0 * c));
      printf "%s{\"id\":%d,\"label\":\"%s\",\"score\":%.4f}", (c > 1 ? "," : ""), c - 1, cls[c], s;
    }
    printf "]}\n";
  }
}' > hour.jsonl
"$report" hour.jsonl --out hour.html --event-on 0.5
start=$(date +%s.%N)
browse --dump-dom "file://$tmp/hour.html" > hour-dom.html 2> hour-console.log
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo '<!DOCTYPE html><html><body>x</body></html>' > empty.html
start=$(date +%s.%N)
browse --dump-dom "file://$tmp/empty.html" > /dev/null 2>&1
base=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
check_page hour.jsonl hour-dom.html hour-console.log
[ "$(grep -c '<tr class="event"' hour-dom.html)" = 1000 ] || fail "1000 event rows"
render=$(grep -o 'data-render-ms="[0-9]*"' hour-dom.html | grep -o '[0-9]*')
echo "1-hour report: $(wc -l < hour.jsonl) records, page $(stat -c %s hour.html) bytes;" \
  "parsed and laid out in ${render} ms (performance.now() at the end of the page);" \
  "chromium --dump-dom ${wall} s against ${base} s for an empty page"
