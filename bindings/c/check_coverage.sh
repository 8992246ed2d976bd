#!/usr/bin/env bash
# Every function of include/axon.h must be called by a C test (bindings/c/test_*.c): once with
# valid arguments, and, when it returns an axon_status, once with an invalid argument: a line
# `CHECK_STATUS(axon_name(...` expecting an error (or a call compared `!= AXON_OK`). Lists what
# is missing and fails. Usage (from anywhere): bash bindings/c/check_coverage.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

header=$(${CC:-gcc} -E -P -Iinclude -x c include/axon.h | tr '\n' ' ')
functions=$(grep -oE '\baxon_[a-z0-9_]+[[:space:]]*\(' <<<"$header" | tr -d ' (' | sort -u)
tests=(bindings/c/test_*.c)
missing=0
for f in $functions; do
    calls=$(grep -hE "\b$f[(,]" "${tests[@]}" || true)   # a call, or an argument of a test macro
    if [[ -z $calls ]]; then
        echo "check_coverage: $f is never called by a C test"
        missing=1
        continue
    fi
    # Only functions returning axon_status can be called "with an invalid argument" observably.
    grep -qE "axon_status[[:space:]]+$f[[:space:]]*\(" <<<"$header" || continue
    # The expected status may stand on the call's next line: a CHECK_STATUS that is not AXON_OK.
    invalid=$(grep -E "(CHECK_STATUS\($f\(|$f\(.*!= *AXON_OK)" <<<"$calls" | grep -vE ",[[:space:]]*AXON_OK\)" || true)
    if [[ -z $invalid ]]; then
        echo "check_coverage: $f has no call with an invalid argument (CHECK_STATUS($f(..., AXON_ERR_...))"
        missing=1
    fi
    if ! grep -vqE "(CHECK_STATUS\($f\(|$f\(.*!= *AXON_OK)" <<<"$calls"; then
        echo "check_coverage: $f has no call with valid arguments"
        missing=1
    fi
done
((missing == 0)) || exit 1
echo "coverage: every one of $(wc -w <<<"$functions") functions is called by a C test, with valid and invalid arguments"
