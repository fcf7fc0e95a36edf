#!/usr/bin/env bash
# Accuracy of mmfusion-analyze's JSON Lines against a clip's labels.
#   usage: score.sh [--segments] CLIP.labels.csv RESULTS.jsonl
# A segment's prediction is the last result whose inputs all lie inside
# the segment: for a video+audio model the segment's last frame, which
# mmfusion pairs with the audio window ending with the segment (docs/
# synchronization.md); for an audio-only model the window that starts with it. A
# segment without such a result counts as wrong.
# Prints "accuracy A (K of N segments)", then, when the labels carry a
# condition column (make_clip.py), one line per condition. With
# --segments, prints instead one line per segment:
# "segment,label,predicted,scores" (the scores of the classes the result
# lists, ordered by class id).
set -euo pipefail
mode=accuracy
[ "${1:-}" != --segments ] || { mode=segments; shift; }
[ $# -eq 2 ] || { echo "usage: $0 [--segments] CLIP.labels.csv RESULTS.jsonl" >&2; exit 2; }
# "start,end,label,scores" per result: the span its inputs cover
jq -r 'select(.top) | [.inputs[] | select(.missing | not)] as $in
       | select($in | length > 0)
       | [($in | map(.start) | min), ($in | map(.end) | max), .top.label,
          (.classes | sort_by(.id) | map(.score) | join(","))] | join(",")' "$2" |
  awk -F, -v mode="$mode" '
    NR == FNR {
      if (FNR > 1) {
        n++; start[n] = $1; end[n] = $2; want[n] = $3; cond[n] = $4
        if (!($4 in total)) order[++kinds] = $4
        total[$4]++
      }
      next
    }
    {
      # the segment holding the span start (segments are sorted)
      lo = 1; hi = n
      while (lo < hi) { mid = int((lo + hi + 1) / 2); if (start[mid] <= $1) lo = mid; else hi = mid - 1 }
      if (n && start[lo] <= $1 && $2 <= end[lo]) {
        got[lo] = $3; scores[lo] = $0; sub(/^[^,]*,[^,]*,[^,]*,?/, "", scores[lo])
      }
    }
    END {
      if (n == 0) { print "no segments in the labels file" > "/dev/stderr"; exit 1 }
      for (i = 1; i <= n; i++) {
        if (mode == "segments")
          printf "%d,%s,%s,%s\n", i - 1, want[i], (i in got) ? got[i] : "", scores[i]
        if ((i in got) && got[i] == want[i]) { ok++; right[cond[i]]++ }
      }
      if (mode == "segments") exit 0
      printf "accuracy %.3f (%d of %d segments)\n", ok / n, ok, n
      for (i = 1; i <= kinds; i++)
        if ((c = order[i]) != "")
          printf "  %s: %.3f (%d of %d)\n", c, right[c] / total[c], right[c], total[c]
    }' "$1" -
