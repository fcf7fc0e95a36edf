# Sourced by every pipeline script: finds the plugin in this checkout's
# build/ unless GST_PLUGIN_PATH says otherwise, and makes a short sample
# clip when a script is run without a file.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GST_PLUGIN_PATH=${GST_PLUGIN_PATH:-$ROOT/build/gst}
# the sync probe models answer "how much video, how much audio": stand-ins
# until you pass your own model
PROBE_AV=$ROOT/tests/golden/sync/probe_s10.onnx
PROBE_VIDEO=$ROOT/tests/golden/sync/probe_video_only.onnx
PROBE_AUDIO=$ROOT/tests/golden/sync/probe_audio_only.onnx

# sample_clip [PATH]: prints PATH, or makes 5 s of test video and audio
sample_clip() {
  if [ -n "${1:-}" ]; then echo "$1"; return; fi
  local clip=${TMPDIR:-/tmp}/mmfusion-sample.mkv
  if [ ! -s "$clip" ]; then
    gst-launch-1.0 -q matroskamux name=m ! filesink location="$clip" \
      videotestsrc num-buffers=150 pattern=ball ! \
      video/x-raw,width=320,height=240,framerate=30/1 ! jpegenc ! m. \
      audiotestsrc num-buffers=235 wave=ticks ! audioconvert ! vorbisenc ! m. >&2
  fi
  echo "$clip"
}
