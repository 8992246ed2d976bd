#!/usr/bin/env bash
# The side-by-side benchmark, Axon vs PyTorch (and FANN for W6), in one run:
#   bash Tests/Benchmarks/run.sh [--quick] [bench.py options, e.g. --procs 5]
# Prepares a Python with torch and numpy, gcc and libfann-dev; builds the shipped libaxon.so, the
# AxonBench package (plain `swift build -c release`) and the C programs, all in ignored build
# directories under Tests/Benchmarks (the repository's own .build is untouched); then runs
# bench.py, which writes Tests/Benchmarks/RESULTS.md. It is not part of the unit tests.
#
# Environment:
#   PYTHON           a Python with torch and numpy to use as is (skips the venv)
#   AXON_BENCH_VENV  the venv to create or reuse otherwise (default ~/.cache/axon-bench-venv)
#   CC               the C compiler (default gcc)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
export PATH="/opt/swift/usr/bin:$PATH"

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
apt_install() {
    command -v apt-get >/dev/null || return 1
    as_root apt-get install -y -qq "$@" >/dev/null 2>&1 ||
        { as_root apt-get update -qq >/dev/null 2>&1 && as_root apt-get install -y -qq "$@" >/dev/null 2>&1; }
}

echo "== Python with torch and numpy"
if [[ -n ${PYTHON:-} ]]; then
    python=$PYTHON
else
    venv=${AXON_BENCH_VENV:-$HOME/.cache/axon-bench-venv}
    python=$venv/bin/python
    if ! "$python" -c "import torch, numpy" 2>/dev/null; then
        echo "creating $venv"
        python3 -m venv "$venv"
        "$python" -m pip install --quiet --upgrade pip
        "$python" -m pip install --quiet numpy
        wheel=$(ls /opt/wheels/torch-*.whl 2>/dev/null | head -n 1 || true)
        if [[ -z $wheel ]] || ! "$python" -m pip install --quiet "$wheel"; then
            "$python" -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
        fi
    fi
fi
"$python" -c "import torch, numpy; print('torch', torch.__version__, 'numpy', numpy.__version__)"

echo "== gcc and libfann-dev"
cc=${CC:-gcc}
command -v "$cc" >/dev/null || apt_install gcc || { echo "run.sh: no C compiler ($cc)" >&2; exit 1; }
fann_note=""
if [[ ! -f /usr/include/floatfann.h ]] && ! apt_install libfann-dev; then
    fann_note="libfann-dev is not installed and apt-get is unavailable (or failed)"
    echo "FANN skipped: $fann_note"
fi

lib_scratch=Tests/Benchmarks/.build-lib
bin=$here/.build-c
mkdir -p "$bin"
soname=libaxon.so.$(sed -n 's/^#define AXON_ABI_VERSION \([0-9]*\)$/\1/p' include/axon.h)

echo "== the shipped libaxon.so (as bindings/c/run_tests.sh builds it)"
nice -n 10 swift build -c release -Xswiftc -static-stdlib -Xcc -march=x86-64-v3 --product axon \
    -Xlinker -soname="$soname" --scratch-path "$lib_scratch"
libdir=$root/$lib_scratch/release
ln -sfn libaxon.so "$libdir/$soname"

echo "== the AxonBench package (plain swift build -c release)"
(cd Tests/Benchmarks/AxonBench && nice -n 10 swift build -c release --scratch-path .build)
axon_bench=$here/AxonBench/.build/release/axon-bench

echo "== the C programs"
cflags=(-std=c99 -O2 -Wall -Wextra -pedantic -Iinclude)
for program in c_bench w5_polyfit; do
    "$cc" "${cflags[@]}" "Tests/Benchmarks/$program.c" -o "$bin/$program" \
        -L"$libdir" -laxon -Wl,-rpath,"$libdir" -lm
done
fann_args=()
if [[ -z $fann_note ]]; then
    "$cc" -std=c99 -O2 -Wall -Wextra Tests/Benchmarks/fann_w6.c -o "$bin/fann_w6" -lfloatfann -lm
    fann_args=(--fann "$bin/fann_w6")
else
    fann_args=(--fann-note "$fann_note")
fi

echo "== the benchmark"
"$python" Tests/Benchmarks/bench.py --axon-bench "$axon_bench" --c-bin "$bin" --lib "$libdir/libaxon.so" \
    "${fann_args[@]}" "$@"
