#!/usr/bin/env bash
# Fuzzes the decoders of the core with libFuzzer and AddressSanitizer: builds the Axon target
# instrumented (its own scratch path, .build-fuzz, so normal builds are untouched), links one
# fuzzer per file of this folder (Support.swift + <Target>Fuzz.swift), and runs each for SECONDS
# (default 60) from the committed seeds in corpus/<target>/. A crash, a sanitizer report, a
# failed check, a hang (-timeout) or an allocation past the limit fails the run: the report and
# the input's path (and the input in base64) are printed. New inputs found are kept in
# .build-fuzz/corpus/<target>/ for later runs on the same machine.
#
# Usage (from anywhere):
#   bash Tests/Fuzz/run.sh [SECONDS] [TARGET...]   targets: model checkpoint tensor gzip idx csv safetensors
#   bash Tests/Fuzz/run.sh --write-corpus           rewrites corpus/ from the library (after a format change)
#   bash Tests/Fuzz/run.sh --reproduce TARGET FILE  runs one input (a finding) through its target
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
here=Tests/Fuzz
scratch=${AXON_FUZZ_SCRATCH:-.build-fuzz}
out=$scratch/fuzzers

declare -A files=([model]=ModelFileFuzz [checkpoint]=CheckpointFuzz [tensor]=TensorFileFuzz [gzip]=GzipFuzz
                  [idx]=IDXFuzz [csv]=CSVFuzz [safetensors]=SafetensorsFuzz)
all=(model checkpoint tensor gzip idx csv safetensors)

# Limits per input: the inputs are a few KB, so 10 s or a 256 MB allocation means a bug.
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256)

build() {
    local started=$SECONDS
    echo "== building the core with -sanitize=fuzzer,address ($scratch)"
    mkdir -p "$out"
    if ! swift build -c release --scratch-path "$scratch" --target Axon \
        -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address >"$out/build.log" 2>&1; then
        cat "$out/build.log"
        echo "fuzz: the instrumented build failed" >&2
        exit 1
    fi
    local bin
    bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
    for t in "$@"; do
        # The linker warns "Cannot export local symbol '__asan_...'" for Swift objects: harmless.
        if ! swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name "${files[$t]}" \
            -I "$bin/Modules" -Xcc -fmodule-map-file="$bin/AxonKernels.build/module.modulemap" \
            "$here/Support.swift" "$here/${files[$t]}.swift" "$bin"/Axon.build/*.o "$bin"/AxonKernels.build/*.o \
            -o "$out/$t" >"$out/link-$t.log" 2>&1; then
            grep -v "Cannot export local symbol" "$out/link-$t.log"
            echo "fuzz: building the $t fuzzer failed" >&2
            exit 1
        fi
    done
    echo "== built in $((SECONDS - started)) s"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# Swift's own backtracer would read memory ASan guards; libFuzzer prints the stack instead.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || true)}

demangle() { if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi; }

if [[ ${1:-} == --write-corpus ]]; then
    build "${all[@]}"
    for t in "${all[@]}"; do
        rm -rf "${here:?}/corpus/$t"
        mkdir -p "$here/corpus/$t"
        AXON_FUZZ_WRITE_SEEDS="$here/corpus/$t" "$out/$t"
    done
    # Axon reads gzip but does not write it: gzip(1) compresses the IDX seeds (dynamic and
    # fixed Huffman blocks), and a few raw DEFLATE streams of the gzip fixtures feed Gzip.inflate.
    for f in "$here"/corpus/idx/*.idx; do
        gzip -9 -n -c "$f" >"$f.gz"
        cp "$f.gz" "$here/corpus/gzip/"
    done
    gzip -1 -n -c "$here/corpus/csv/iris.csv" >"$here/corpus/gzip/iris.csv.gz"
    for f in two-blocks dynamic-15-bit-codes length-258-two-ways; do
        cp "Tests/AxonTests/Fixtures/gzip/raw/$f.deflate" "$here/corpus/gzip/"
    done
    # Truncated variants of the first two seeds of each target.
    for t in "${all[@]}"; do
        ls "$here/corpus/$t" | sort | head -2 | while read -r f; do
            size=$(stat -c %s "$here/corpus/$t/$f")
            head -c $((size / 2)) "$here/corpus/$t/$f" >"$here/corpus/$t/$f.half"
            head -c $((size > 5 ? size - 5 : 0)) "$here/corpus/$t/$f" >"$here/corpus/$t/$f.cut5"
        done
    done
    du -sb "$here/corpus"
    exit 0
fi

if [[ ${1:-} == --reproduce ]]; then
    build "$2"
    "$out/$2" "${limits[@]}" "$3" 2>&1 | demangle
    exit "${PIPESTATUS[0]}"
fi

seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
for t in "${targets[@]}"; do [[ -n ${files[$t]:-} ]] || { echo "fuzz: no target '$t'" >&2; exit 2; }; done
build "${targets[@]}"

findings=$scratch/findings
mkdir -p "$findings"
failed=()
for t in "${targets[@]}"; do
    mkdir -p "$scratch/corpus/$t"
    log=$scratch/fuzz-$t.log
    echo "== fuzzing $t for $seconds s"
    rc=0
    "$out/$t" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$findings/$t-" \
        "$scratch/corpus/$t" "$here/corpus/$t" >"$log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    coverage=$(grep -o "cov: [0-9]*" "$log" | tail -1 || true)
    echo "$t: ${runs:-?} executions, ${speed:-?}/s, ${coverage:-cov: ?}, exit $rc"
    if ((rc != 0)); then
        failed+=("$t")
        echo "---- $t: report ($log)"
        sed -n '/INFO: seed corpus\|INFO: A corpus is not provided/,$p' "$log" | grep -v "^#[0-9]" | tail -80 | demangle
        for f in $(grep -o "Test unit written to [^ ]*" "$log" | awk '{print $5}'); do
            echo "---- input $f ($(stat -c %s "$f") bytes), base64:"
            head -c 65536 "$f" | base64 -w 120
            echo "---- reproduce: bash Tests/Fuzz/run.sh --reproduce $t $f"
        done
    fi
done
if ((${#failed[@]})); then
    echo "fuzz: findings in ${failed[*]} (inputs in $findings)" >&2
    exit 1
fi
echo "== fuzzing found nothing (${#targets[@]} targets, $seconds s each)"
