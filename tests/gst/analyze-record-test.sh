#!/usr/bin/env bash
# mmfusion-analyze --event-on/--event-off, --report and --record on a
# generated clip whose events are known: the brightness probe model scores a
# frame by its mean brightness, so the picture decides the events.
#
#   0–3 s black, 3–5 s white, 5–6 s grey (0.45), 6–8 s black, 8–9 s white,
#   9–11 s black; H.264 (GOP 1 s) and Vorbis in Matroska.
#
# --event-on 0.5: events 3–5 and 8–9 s; with --event-off 0.4 the grey
# second keeps the first one on: 3–6 s. Bad thresholds: one error line,
# exit 1. --report: the page has the class's timeline and a span and a table
# row exactly at each event of the JSON, a link to each clip. --record with
# --pre 0.5 --post 0.5: one clip per event, each from the keyframe at or
# before start − pre (within a GOP of it) to at or after end + post (within
# a GOP and a frame of it: a video-only model's analysis lags little), with
# video and audio
# (gst-discoverer-1.0), announced on stderr and as a "clip" line in the JSON;
# a folder that is missing or not a folder: one warning line, exit 0.
# A full disk (48 kB tmpfs, when root may mount one): mmrecord's warning
# as one line, no clip, exit 0. --live=test --record: a clip with video and
# audio, and the page, after SIGTERM. pipelines/analyze-and-record.sh: the same in one command.
#
# usage: analyze-record-test.sh MMFUSION_ANALYZE SYNC_GOLDEN_DIR
set -u
tool=$1 sync=$2
model=$sync/probe_video_only.onnx
tmp=$(mktemp -d)
trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ -n "${LSAN_OPTIONS:-}" ] && export LSAN_OPTIONS="$LSAN_OPTIONS:print_suppressions=0"
# programs not built here run without our plugin (in the sanitizer build it
# cannot load into them)
plain() {
  env -u GST_PLUGIN_PATH -u LD_LIBRARY_PATH -u LD_PRELOAD GST_REGISTRY="$tmp/registry.bin" "$@"
}
for e in x264enc vorbisenc matroskamux; do
  plain gst-inspect-1.0 "$e" >/dev/null 2>&1 || { echo "no $e: skipped"; exit 77; }
done

seg() { # pattern, frames
  echo "videotestsrc $1 num-buffers=$2 ! video/x-raw,width=160,height=120,framerate=25/1 ! c."
}
plain gst-launch-1.0 -q concat name=c ! videoconvert ! video/x-raw,format=I420 ! \
  x264enc speed-preset=ultrafast key-int-max=25 ! matroskamux name=m ! \
  filesink location=media.mkv \
  $(seg pattern=black 75) $(seg pattern=white 50) \
  $(seg "pattern=solid-color foreground-color=0xff737373" 25) \
  $(seg pattern=black 50) $(seg pattern=white 25) $(seg pattern=black 50) \
  audiotestsrc num-buffers=470 samplesperbuffer=1024 ! audio/x-raw,rate=44100 ! \
  audioconvert ! vorbisenc ! m. || { echo "cannot make the test clip"; exit 1; }

# the events of a JSON Lines file: "label start end" in seconds
events_of() {
  awk '/"type":"event"/ {
      match($0, /"label":"[^"]*"/); l = substr($0, RSTART + 9, RLENGTH - 10)
      match($0, /"pts":[0-9]+/); t = substr($0, RSTART + 6, RLENGTH - 6) / 1e9
      if ($0 ~ /"state":"start"/) on[l] = t; else printf "%s %.6f %.6f\n", l, on[l], t
    }' "$1" | sort
}

# ---- 1. --event-on / --event-off reach mmfusion ----
"$tool" media.mkv --model "$model" --event-on 0.5 --json on.jsonl 2>err \
  || fail "--event-on exited $?: $(cat err)"
[ "$(events_of on.jsonl)" = "$(printf 'video 3.000000 5.000000\nvideo 8.000000 9.000000')" ] \
  || fail "--event-on 0.5: events $(events_of on.jsonl | tr '\n' ';')"
"$tool" media.mkv --model "$model" --event-on video=0.5 --event-off video=0.4 \
  --json off.jsonl 2>err || fail "--event-off exited $?: $(cat err)"
[ "$(events_of off.jsonl)" = "$(printf 'video 3.000000 6.000000\nvideo 8.000000 9.000000')" ] \
  || fail "--event-off 0.4: events $(events_of off.jsonl | tr '\n' ';')"
# no --event-on: no events
"$tool" media.mkv --model "$model" --json none.jsonl 2>/dev/null
[ "$(grep -c '"type":"event"' none.jsonl)" = 0 ] || fail "events without --event-on"

# bad thresholds: one line, exit 1, nothing written
for args in "--event-on abc" "--event-on video=" "--event-on 0.5,"  \
    "--event-on 0.5 --event-off x" "--event-off 0.5" "--event-on nosuch=0.5" \
    "--record . --event-off 0.5" "--event-on 0.5 --record . --pre -1" "--json bad.html"; do
  # shellcheck disable=SC2086
  "$tool" media.mkv --model "$model" $args --report bad.html 2>err
  status=$?
  [ $status = 1 ] || fail "$args: exit $status"
  [ "$(wc -l <err)" = 1 ] && grep -q '^mmfusion-analyze: ' err \
    || fail "$args: not one error line: $(cat err)"
  [ ! -e bad.html ] || fail "$args: a report was written"
done

# ---- 2. --report (with --record: the clips linked) and 3. --record ----
mkdir clips
"$tool" media.mkv --model "$model" --event-on 0.5 --event-off 0.4 --json run.jsonl \
  --report report.html --record clips --pre 0.5 --post 0.5 2>err \
  || fail "--report --record exited $?: $(cat err)"
# the page: one timeline, for the model's class; a span and a row per event,
# at the JSON's times; a thumbnail per event
grep -o '<section class="timeline"[^>]*>' report.html | grep -c 'data-class="video"' \
  | grep -qx 1 || fail "the page has no timeline of 'video'"
spans=$(grep -o '<rect class="span"[^>]*>' report.html \
  | sed -E 's/.*data-class="([^"]*)" data-start="([^"]*)" data-end="([^"]*)".*/\1 \2 \3/' | sort)
[ "$spans" = "$(events_of run.jsonl)" ] || fail "spans '$spans' are not the JSON's events"
rows=$(grep -o '<tr class="event"[^>]*>' report.html \
  | sed -E 's/.*data-class="([^"]*)" data-start="([^"]*)" data-end="([^"]*)".*/\1 \2 \3/' | sort)
[ "$rows" = "$(events_of run.jsonl)" ] || fail "table rows '$rows' are not the JSON's events"
[ "$(grep -o '<img class="thumb"[^>]*src="data:image/jpeg;base64,' report.html | wc -l)" = 2 ] \
  || fail "thumbnails"
grep -q '^mmfusion-analyze: report.html: [0-9]* results, 2 events, 2 thumbnails$' err \
  || fail "the report's line: $(cat err)"
for href in $(grep -o '<a class="clip" href="[^"]*"' report.html | sed 's/.*href="//;s/"$//'); do
  [ -s "$href" ] || fail "clip link $href"
done
grep -q '<a class="clip"' report.html || fail "no clip linked from the page"

# the clips: as many files as announcements on stderr and JSON clip lines,
# one per event here (they are 2 s apart, more than pre + post)
n_files=$(ls clips | wc -l)
[ "$n_files" = 2 ] || fail "$n_files clips, expected 2: $(ls clips)"
[ "$(grep -c '^mmfusion-analyze: clip clips/' err)" = "$n_files" ] || fail "stderr: $(cat err)"
[ "$(grep -c '^{"schema":"mmfusion/2","type":"clip","path":"clips/' run.jsonl)" = "$n_files" ] \
  || fail "JSON clip lines: $(grep clip run.jsonl)"
[ "$(grep -vc '}$' run.jsonl)" = 0 ] || fail "a JSON line is cut"
# results, event and clip lines: all as docs/mmfusion-2.schema.json says
"$MM_JSON_VALIDATE" "$MM_JSON_SCHEMA" on.jsonl off.jsonl none.jsonl run.jsonl \
  || fail "JSON records do not match the schema"
# each clip line covers its event: start <= event start - pre (the key
# frame before it, GOP 1 s), end >= event end + post, both within a GOP
paste <(events_of run.jsonl) <(grep '"type":"clip"' run.jsonl \
    | sed -E 's/.*"start":([0-9]+),"end":([0-9]+).*/\1 \2/') \
  | awk '{ s = $4 / 1e9; e = $5 / 1e9; want_s = $2 - 0.5; want_e = $3 + 0.5
           if (s > want_s + 1e-6 || s < want_s - 1 - 1e-6 || e < want_e - 1e-6 || e > want_e + 1.04) bad = 1 }
         END { exit bad }' || fail "clips do not cover their events: $(grep clip run.jsonl)"
for f in clips/*; do
  info=$(plain gst-discoverer-1.0 "$f" 2>&1)
  echo "$info" | grep -q 'video #[0-9]*: H.264' || fail "$f: no video: $info"
  echo "$info" | grep -q 'audio #[0-9]*: Vorbis' || fail "$f: no audio: $info"
done

# a model with an audio input too (the parsed audio decoded into
# mmaudiowindow) and --overlay: the analysis has the audio, the overlay
# file is whole, the clips are there
mkdir clips-av
"$tool" media.mkv --model "$sync/probe_s10.onnx" --event-on video=0.5 --json av.jsonl \
  --record clips-av --pre 1 --post 1 --overlay overlay.mkv 2>err \
  || fail "an audio-video model with --record --overlay exited $?: $(cat err)"
[ "$(grep -c '"audio":{"start":[0-9]' av.jsonl)" -ge 200 ] || fail "--record: the model lost the audio"
[ "$(ls clips-av | wc -l)" = 2 ] || fail "audio-video model: $(ls clips-av | wc -l) clips"
plain gst-discoverer-1.0 overlay.mkv 2>&1 | grep -q 'Duration: 0:00:11' || fail "--overlay with --record"

# the JSON on standard output gets the clip lines too; the page is made
# from a file of the tool's own, removed afterwards
mkdir clips2
TMPDIR=$tmp "$tool" media.mkv --model "$model" --event-on 0.5 --json - --report r2.html \
  --record clips2 --pre 1 --post 1 >stdout.jsonl 2>err || fail "--json - exited $?"
[ "$(grep -c '"type":"clip"' stdout.jsonl)" = "$(ls clips2 | wc -l)" ] \
  && [ "$(ls clips2 | wc -l)" -ge 1 ] || fail "clip lines on stdout: $(grep -c clip stdout.jsonl)"
[ "$(grep -c '<tr class="event"' r2.html)" = 2 ] || fail "--json - page rows"
ls "$tmp"/mmfusion-analyze-* >/dev/null 2>&1 && fail "the records file was left behind"
# no --json at all
"$tool" media.mkv --model "$model" --event-on 0.5 --report r3.html 2>/dev/null \
  && [ "$(grep -c '<tr class="event"' r3.html)" = 2 ] || fail "--report without --json"

# a folder that is not there, or a file: one warning line, the run completes
: >afile
for dir in missing afile; do
  "$tool" media.mkv --model "$model" --event-on 0.5 --json w.jsonl --record "$dir" \
    2>err || fail "--record $dir exited $?"
  [ "$(grep -c 'warning' err)" = 1 ] && grep -q "^mmfusion-analyze: warning: $dir: " err \
    || fail "--record $dir: $(cat err)"
  [ "$(grep -c '"type":"event"' w.jsonl)" = 4 ] || fail "--record $dir: the analysis did not complete"
done
# read-only (root may write anyway: then only that the run completes)
mkdir ro && chmod 555 ro
"$tool" media.mkv --model "$model" --event-on 0.5 --record ro --pre 1 --post 1 2>err \
  || fail "--record ro exited $?"
if [ "$(id -u)" != 0 ]; then
  [ "$(grep -c warning err)" = 1 ] || fail "read-only folder: $(cat err)"
fi

# ---- pipelines/analyze-and-record.sh: the one-command form ----
root=$(cd "$sync/../../.." && pwd)
MMFUSION_ANALYZE=$tool bash "$root/pipelines/analyze-and-record.sh" media.mkv "$model" 0.5 \
  script >/dev/null 2>err || fail "analyze-and-record.sh exited $?: $(cat err)"
# with 2 s before and after, the events 3–5 s and 8–9 s share one clip
[ "$(ls script/clips | wc -l)" = 1 ] && [ "$(grep -c '"type":"clip"' script/results.jsonl)" = 1 ] \
  && [ "$(grep -c '<tr class="event"' script/report.html)" = 2 ] \
  && [ "$(grep -c '<a class="clip"' script/report.html)" = 2 ] \
  || fail "analyze-and-record.sh: $(ls script/clips) $(cat err)"

# ---- --live=test --record, ended by SIGTERM: a clip, the page ----
mkdir live
"$tool" --live=test --model "$model" --event-on 0 --record live --pre 1 --post 1 \
  --json live.jsonl --report live.html 2>err & pid=$!
# 4 s from the first result, however long the start takes
for _ in $(seq 300); do
  [ -s live.jsonl ] && break
  sleep 0.1
done
sleep 4
kill -TERM $pid
wait $pid || fail "--live=test --record exited $?: $(cat err)"
n=$(ls live | wc -l)
[ "$n" = 1 ] || fail "--live=test: $n clips"
# The event starts at the first frame; mmrecord opens a clip with the
# streams whose caps it has by then, so where the start is slow (the
# sanitizer build, MM_SLOW_RUN) the audio encoder's first output may come
# after it and the clip is video only: audio is required in the normal run.
for f in live/*; do
  info=$(plain gst-discoverer-1.0 "$f" 2>&1)
  echo "$info" | grep -q 'video #[0-9]*: H.264' || fail "live clip $f: no video: $info"
  if [ -z "${MM_SLOW_RUN:-}" ]; then
    echo "$info" | grep -q 'audio #[0-9]*: \(Opus\|Vorbis\)' || fail "live clip $f: no audio: $info"
  fi
done
grep -q '<section class="timeline"' live.html || fail "no page after SIGTERM"

# ---- a full disk (a 48 kB tmpfs; needs root, else left out) ----
mkdir full
if mount -t tmpfs -o size=48k tmpfs full 2>/dev/null; then
  # noise (brightness 0.5, under event-on 0.8) makes the clips too large
  seg320() { echo "videotestsrc $1 num-buffers=$2 ! video/x-raw,width=320,height=240,framerate=25/1 ! c."; }
  plain gst-launch-1.0 -q concat name=c ! videoconvert ! video/x-raw,format=I420 ! \
    x264enc speed-preset=ultrafast key-int-max=25 ! matroskamux ! filesink location=snow.mkv \
    $(seg320 pattern=snow 50) $(seg320 pattern=white 25) $(seg320 pattern=snow 50) \
    $(seg320 pattern=white 25) $(seg320 pattern=snow 50)
  "$tool" snow.mkv --model "$model" --event-on 0.8 --json full.jsonl --record full \
    --pre 1 --post 1 2>err || fail "full disk: exited $?: $(cat err)"
  [ "$(grep -c warning err)" = 1 ] && grep -q "^mmfusion-analyze: warning: full: Cannot record a clip: .*No space left" err \
    || fail "full disk: not one warning: $(cat err)"
  [ "$(grep -c '"type":"clip"' full.jsonl)" = 0 ] || fail "full disk: a clip announced"
  [ "$(grep -c '"type":"event"' full.jsonl)" = 4 ] || fail "full disk: the analysis did not complete"
  umount full
else
  echo "cannot mount a tmpfs (needs root): the full-disk case left out"
fi

[ $failures = 0 ] && echo "all passed"
exit $((failures > 0))
