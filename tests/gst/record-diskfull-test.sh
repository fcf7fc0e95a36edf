#!/usr/bin/env bash
# mmrecord on a full disk: a 48 kB tmpfs cannot hold either clip of a
# generated 12 s file with two events. The writes fail mid-clip: exactly
# one warning, no partial file left, no clip announced, and the pipeline
# still runs to its end. Needs root to mount the tmpfs: skipped (77) when
# mounting is not allowed.
# usage: record-diskfull-test.sh SOURCE_ROOT
set -euo pipefail
root=$1
tmp=$(mktemp -d)
mnt=$tmp/full
mkdir "$mnt"
if ! mount -t tmpfs -o size=48k tmpfs "$mnt" 2>/dev/null; then
  rmdir "$mnt"; rm -rf "$tmp"
  echo "cannot mount a tmpfs here (needs root): skipped"
  exit 77
fi
trap 'umount "$mnt"; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$tmp"

# noise (mean brightness 0.5, under event-on) between white spans: the
# noise makes the clips far larger than the disk
seg() { echo "videotestsrc $1 num-buffers=$2 ! video/x-raw,width=320,height=240,framerate=25/1 ! c."; }
gst-launch-1.0 -q concat name=c ! videoconvert ! x264enc speed-preset=ultrafast \
  key-int-max=25 ! matroskamux ! filesink location=media.mkv \
  $(seg pattern=snow 75) $(seg pattern=white 50) $(seg pattern=snow 75) \
  $(seg pattern=white 25) $(seg pattern=snow 75)

gst-launch-1.0 -m filesrc location=media.mkv ! matroskademux ! tee name=t \
  t. ! queue ! r.video \
  t. ! queue ! avdec_h264 ! videoconvert ! f.video \
  mmfusion name=f model="$root/tests/golden/sync/probe_video_only.onnx" \
    event-on=0.8 ! fakesink \
  mmrecord name=r fusion=f directory="$mnt" pre=1000000000 post=1000000000 \
  > launch.log 2>&1 || { tail -5 launch.log; fail "the pipeline did not end well"; }
grep -q "Got EOS" launch.log || fail "no EOS"
[ "$(grep -c 'mmfusion-event, state=(string)start' launch.log)" = 2 ] || fail "expected 2 events"
n=$(grep -c '^WARNING: from element .*GstMmRecord' launch.log || true)
[ "$n" = 1 ] || fail "$n warnings, expected exactly 1"
grep '^WARNING: from element .*GstMmRecord' launch.log
! grep -q 'mmrecord-clip' launch.log || fail "a clip was announced"
[ -z "$(ls -A "$mnt")" ] || fail "partial files left: $(ls "$mnt")"
echo "disk full: one warning, nothing left behind, the pipeline ended"
