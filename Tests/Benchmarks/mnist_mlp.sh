#!/usr/bin/env bash
# Runs the MNIST MLP workload in Axon (axon-cli mnist) and in PyTorch on this machine, one
# after the other, and prints the wall-time ratio. Needs torch in $PYTHON (default python3).
#   bash Tests/Benchmarks/mnist_mlp.sh [threads]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
threads=${1:-$(nproc)}
python=${PYTHON:-python3}
swift build -c release --product axon-cli >/dev/null
axon_out=$(.build/release/axon-cli mnist --threads "$threads")
echo "$axon_out"
torch_out=$("$python" Tests/Benchmarks/mnist_mlp_torch.py Tests/Data/mnist "$threads")
echo "$torch_out"
axon_s=$(echo "$axon_out" | sed -n 's/.*training \([0-9.]*\) s.*/\1/p')
torch_s=$(echo "$torch_out" | sed -n 's/^torch: accuracy .* seconds \([0-9.]*\)/\1/p')
echo "training wall time: axon ${axon_s} s, torch ${torch_s} s," \
    "axon/torch = $(python3 -c "print(f'{$axon_s / $torch_s:.2f}')")"
