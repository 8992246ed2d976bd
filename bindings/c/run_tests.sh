#!/usr/bin/env bash
# Builds libaxon.so, compiles every C test (bindings/c/test_*.c), every C example
# (bindings/c/examples/*.c) and the C++ test against include/axon.h, runs them, and checks that
# the header and the library export the same axon_* functions. With the release library it
# then tests bindings/c/install.sh (bindings/c/test_install.sh). Last it runs the bad-input matrix
# (bindings/c/badinput/): every function of the header called with bad arguments, each case in a
# forked child with a time limit; any crash, hang or unexpected success fails the run.
#
# Environment:
#   AXON_SCRATCH_PATH  SwiftPM scratch directory, relative to the repo root (default .build)
#   AXON_SKIP_BUILD=1  use the library already in $AXON_SCRATCH_PATH/$AXON_CONFIGURATION
#   AXON_CONFIGURATION release (default) or debug: debug builds fast, for iterating
#   AXON_EXAMPLE_QUICK 1 makes the examples smoke runs (less training, lower bars); the
#                      default is 1 for debug, 0 for release
#   AXON_VALGRIND=1    also run the C test under valgrind (needs valgrind)
#   CC, CXX            compilers (default gcc, g++)
#   AXON_MATRIX_*      passed to the bad-input matrix (see bindings/c/badinput/harness.c)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

scratch=${AXON_SCRATCH_PATH:-.build}
configuration=${AXON_CONFIGURATION:-release}
libdir="$root/$scratch/$configuration"
lib="$libdir/libaxon.so"
out=bindings/c/build
cc=${CC:-gcc}
cxx=${CXX:-g++}
soname=libaxon.so.$(sed -n 's/^#define AXON_ABI_VERSION \([0-9]*\)$/\1/p' include/axon.h)

if [[ "${AXON_SKIP_BUILD:-0}" != 1 ]]; then
    echo "== swift build (scratch path $scratch, $configuration)"
    if [[ $configuration == release ]]; then
        # The shipped library, as bindings/c/install.sh builds it (with the SONAME).
        swift build -c release -Xswiftc -static-stdlib -Xcc -march=x86-64-v3 --product axon \
            -Xlinker -soname="$soname" -Xlinker --icf=safe -Xlinker --gc-sections \
            -Xlinker --version-script="$PWD/Sources/AxonC/exports.map" --scratch-path "$scratch"
    else
        swift build -c debug --product axon --scratch-path "$scratch"
    fi
fi
[[ -f "$lib" ]] || { echo "run_tests.sh: $lib not found" >&2; exit 1; }
# Programs linked against a library with a SONAME look for that name at run time.
has_soname=0
if readelf -d "$lib" | grep -q "(SONAME).*\[$soname\]"; then
    has_soname=1
    ln -sfn libaxon.so "$libdir/$soname"
fi

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
# Every bindings/c/test_*.c and bindings/c/examples/*.c is a program of its own.
programs=()
for source in bindings/c/test_*.c bindings/c/examples/*.c; do
    [[ -f $source ]] || continue
    name=$(basename "$source" .c)
    "$cc" -std=c99 "${cflags[@]}" -pthread "$source" -o "$out/$name" "${link[@]}" -lm
    programs+=("$name")
done
"$cxx" "${cflags[@]}" bindings/c/test_cxx.cpp -o "$out/test_cxx" "${link[@]}"
programs+=(test_cxx)

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
bash bindings/c/check_coverage.sh
echo "NEEDED: $(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"

echo "== run"
default_quick=0
[[ $configuration == debug ]] && default_quick=1
export AXON_EXAMPLE_QUICK=${AXON_EXAMPLE_QUICK:-$default_quick}
for program in "${programs[@]}"; do
    (cd "$root" && "$out/$program")
done
if [[ "${AXON_VALGRIND:-0}" == 1 ]]; then
    for program in "${programs[@]}"; do
        [[ $program == test_cxx ]] && continue
        valgrind --quiet --error-exitcode=99 --leak-check=full --show-possibly-lost=no \
            --errors-for-leak-kinds=definite,indirect \
            "$out/$program"
    done
fi
if [[ $configuration == release ]]; then
    echo "== install (bindings/c/install.sh into a temporary prefix, pkg-config, run)"
    if [[ $has_soname != 1 ]]; then
        echo "run_tests.sh: $lib has no SONAME $soname (build it with -Xlinker -soname=$soname)" >&2
        exit 1
    fi
    CC=$cc bash bindings/c/test_install.sh "$lib"
else
    echo "== install test skipped (it tests the release library)"
fi
echo "== bad-input matrix (bindings/c/badinput)"
"$cc" -std=c99 "${cflags[@]}" bindings/c/badinput/*.c -o "$out/badinput_matrix" "${link[@]}" -lm
(cd "$root" && "$out/badinput_matrix")
echo "== all C door tests passed"
