#!/usr/bin/env bash
# Runs the fault matrix; under LeakSanitizer, a crash of the checker
# itself ("LeakSanitizer has encountered a fatal error", its tracer
# thread taking a SIGSEGV while it stops the process's threads at exit;
# seen twice in CI in the ASan build after every case had passed, never
# reproduced alone in 9 runs) is not a finding about this code: the run
# is repeated, at most twice. Leaks found ("detected memory leaks") and
# every other failure fail at once.
# usage: run-faults.sh FAULTS_TEST
set -uo pipefail
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for attempt in 1 2 3; do
  "$1" 2>"$err"
  rc=$?
  cat "$err" >&2
  if [ "$rc" -ne 0 ] && grep -q "LeakSanitizer has encountered a fatal error" "$err" \
      && ! grep -q "detected memory leaks" "$err"; then
    echo "run-faults: LeakSanitizer's checker crashed (attempt $attempt); running again" >&2
    continue
  fi
  exit "$rc"
done
exit "$rc"
