#!/usr/bin/env bash
# meson test's --wrapper for the sanitizer build (scripts/test-sanitizers).
# Runs one test; when its only failure is LeakSanitizer's checker itself
# crashing ("Tracer caught signal 11" then "LeakSanitizer has encountered
# a fatal error": the thread that stops the process's threads for the exit
# leak check takes a SIGSEGV), the test is run again, at most twice.
#
# Why: in CI that crash hit one test in about every second run of the
# ASan suite (faults, mmfusion-release), each time after every case had
# passed, and never in tens of runs on a development machine. It is a
# fault of the checker, not a finding about this code. A leak report
# ("detected memory leaks"), an ASan or UBSan error and every other failure
# still fail at once, and each repeat is announced on stderr so that the
# log shows it. (LSAN_OPTIONS=log_threads=1 would name the thread the
# checker was reading, but it writes to every program's stderr, which the
# command-line tests read: use it by hand, not in the suite.)
# usage: lsan-checker-retry.sh TEST [ARGS...]
#
# The test's standard output is read too: the tests that run a tool as a
# child (tests/gst/analyze-multi-test.sh and the other scripts) print that
# tool's captured stderr there, and the checker crashed once in such a
# child (mmfusion-analyze, CI on 2026-12-03; the test then passed three
# runs out of three).
set -uo pipefail
err=$(mktemp) out=$(mktemp)
trap 'rm -f "$err" "$out"' EXIT
for attempt in 1 2 3; do
  "$@" 2>"$err" | tee "$out"
  rc=${PIPESTATUS[0]}
  cat "$err" >&2
  if [ "$rc" -ne 0 ] && [ "$attempt" -lt 3 ] \
      && grep -q "LeakSanitizer has encountered a fatal error" "$err" "$out" \
      && ! grep -q -e "detected memory leaks" -e "ERROR: AddressSanitizer" \
        -e "runtime error:" "$err" "$out"; then
    echo "lsan-checker-retry: LeakSanitizer's checker crashed (attempt $attempt); running the test again" >&2
    continue
  fi
  exit "$rc"
done
