#!/usr/bin/env bash
# Runs every test of Axon: the layout check, the Swift suite, the C and C++ tests against include/axon.h and
# libaxon.so, and the Python binding tests. Usage (from anywhere): bash Tests/run_all.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

echo "== layout (lines <= 120 characters, files <= 600 lines)"
bash Tests/check_layout.sh

echo "== Swift tests (release build: the numeric tests run 30x faster optimized)"
swift test -c release

echo "== Swift tests again on the other kernel paths this CPU runs (AXON_KERNELS forces one)"
for path in baseline avx2 avx512-tiles; do
    AXON_KERNELS=$path swift test -c release --skip-build | grep -E "✘|Test run with"
done

echo "== a steady training step takes no buffer from the system (alone: the count is process-wide)"
AXON_MEMORY_TEST=1 swift test -c release --skip-build --filter Memory | grep -E "✘|Test run with"

echo "== libaxon.so (release, Swift runtime linked in statically)"
swift build -c release -Xswiftc -static-stdlib -Xcc -march=x86-64-v3 -Xlinker -soname=libaxon.so.1 \
    -Xlinker --icf=safe -Xlinker --gc-sections -Xlinker --version-script="$root/Sources/AxonC/exports.map" \
    --product axon

echo "== C and C++ tests"
AXON_SKIP_BUILD=1 bash bindings/c/run_tests.sh

echo "== Python tests"
python3 -c "import numpy, pytest" 2>/dev/null || python3 -m pip install --quiet numpy pytest
(cd bindings/python && AXON_LIBRARY="$root/.build/release/libaxon.so" python3 -m pytest -q tests)

echo "== pip install ./bindings/python (the wheel bundles libaxon.so)"
bash bindings/python/test_install.sh

echo "== data-parallel training over MPI (C and mpi4py examples on 1, 2 and 4 ranks against one process)"
AXON_SKIP_BUILD=1 bash Tests/DataParallel/run.sh

echo "== axon-cli end to end (train, eval, summary, predict, inspect, convert, every argument error)"
bash Tests/cli_tests.sh

echo "== fuzzing: every file reader of the core, 60 s each, instrumented (libFuzzer + AddressSanitizer)"
bash Tests/Fuzz/run.sh 60

echo "== all tests passed"
