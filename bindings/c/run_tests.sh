#!/usr/bin/env bash
# Builds libaxon.so, compiles the C tests (test_axon.c, test_ops.c, test_model.c, test_checkpoint.c) and the C++ test
# against include/axon.h, runs them, and checks that the header and the library export the same
# axon_* functions.
#
# Environment:
#   AXON_SCRATCH_PATH  SwiftPM scratch directory, relative to the repo root (default .build)
#   AXON_SKIP_BUILD=1  use the library already in $AXON_SCRATCH_PATH/release
#   AXON_VALGRIND=1    also run the C test under valgrind (needs valgrind)
#   CC, CXX            compilers (default gcc, g++)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

scratch=${AXON_SCRATCH_PATH:-.build}
libdir="$root/$scratch/release"
lib="$libdir/libaxon.so"
out=bindings/c/build
cc=${CC:-gcc}
cxx=${CXX:-g++}

if [[ "${AXON_SKIP_BUILD:-0}" != 1 ]]; then
    echo "== swift build (scratch path $scratch)"
    swift build -c release -Xswiftc -static-stdlib -Xcc -march=x86-64-v3 --product axon \
        --scratch-path "$scratch"
fi
[[ -f "$lib" ]] || { echo "run_tests.sh: $lib not found" >&2; exit 1; }

mkdir -p "$out"
cflags=(-Wall -Wextra -Werror -pedantic -Iinclude)
link=(-L"$libdir" -laxon -Wl,-rpath,"$libdir")

echo "== header alone in several language modes"
for std in c99 c11 c17; do
    echo '#include "axon.h"' | "$cc" -std="$std" "${cflags[@]}" -x c -fsyntax-only -
done
for std in c++11 c++17 c++20; do
    echo '#include "axon.h"' | "$cxx" -std="$std" "${cflags[@]}" -x c++ -fsyntax-only -
done

echo "== compile"
"$cc" -std=c99 "${cflags[@]}" -pthread bindings/c/test_axon.c -o "$out/test_axon" "${link[@]}" -lm
"$cc" -std=c99 "${cflags[@]}" bindings/c/test_model.c -o "$out/test_model" "${link[@]}" -lm
"$cc" -std=c99 "${cflags[@]}" bindings/c/test_ops.c -o "$out/test_ops" "${link[@]}" -lm
"$cc" -std=c99 "${cflags[@]}" bindings/c/test_checkpoint.c -o "$out/test_checkpoint" "${link[@]}" -lm
"$cxx" "${cflags[@]}" bindings/c/test_cxx.cpp -o "$out/test_cxx" "${link[@]}"

echo "== header declarations vs. library exports"
# Declarations after the preprocessor (no comments): every identifier axon_* followed by '('.
"$cc" -E -P -Iinclude -x c include/axon.h \
    | grep -oE '\baxon_[a-z0-9_]+[[:space:]]*\(' | tr -d ' \t(' | sort -u >"$out/header.txt"
nm -D --defined-only "$lib" | awk '$2 == "T" && $3 ~ /^axon_/ { print $3 }' | sort -u >"$out/exports.txt"
if ! diff -u "$out/header.txt" "$out/exports.txt" >"$out/symbols.diff"; then
    echo "run_tests.sh: header (-) and libaxon.so exports (+) differ:" >&2
    cat "$out/symbols.diff" >&2
    exit 1
fi
echo "$(wc -l <"$out/header.txt") functions, header and library agree"
echo "NEEDED: $(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"

echo "== run"
"$out/test_axon"
"$out/test_ops"
"$out/test_model"
"$out/test_checkpoint"
"$out/test_cxx"
if [[ "${AXON_VALGRIND:-0}" == 1 ]]; then
    for test in test_axon test_ops test_model test_checkpoint; do
        valgrind --quiet --error-exitcode=99 --leak-check=full --show-possibly-lost=no \
            --errors-for-leak-kinds=definite,indirect \
            "$out/$test"
    done
fi
echo "== all C door tests passed"
