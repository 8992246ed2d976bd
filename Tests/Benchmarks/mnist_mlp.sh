#!/usr/bin/env bash
# Runs the MNIST MLP workload in Axon (axon-cli train with the recipe of mnist_mlp_torch.py) and in PyTorch
# on this machine, one after the other, and prints the wall-time ratio. Needs torch in $PYTHON (default python3).
#   bash Tests/Benchmarks/mnist_mlp.sh [threads]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
threads=${1:-$(nproc)}
python=${PYTHON:-python3}
swift build -c release --product axon-cli >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mlp="linear 784 256; batchnorm1d 256; relu; dropout 0.2; linear 256 256; batchnorm1d 256; relu; dropout 0.2"
axon_out=$(.build/release/axon-cli train --data mnist --model "$mlp; linear 256 10" --epochs 3 --batch-size 128 \
    --schedule step:step_size=2,gamma=0.1 --clip-norm 5 --val-split 0 --threads "$threads" --out "$out/m.axon" \
    --plot none 2>/dev/null)
echo "$axon_out"
torch_out=$("$python" Tests/Benchmarks/mnist_mlp_torch.py Tests/Data/mnist "$threads")
echo "$torch_out"
axon_s=$(echo "$axon_out" | sed -n 's/.*training \([0-9.]*\) s.*/\1/p')
torch_s=$(echo "$torch_out" | sed -n 's/^torch: accuracy .* seconds \([0-9.]*\)/\1/p')
echo "training wall time: axon ${axon_s} s, torch ${torch_s} s," \
    "axon/torch = $(python3 -c "print(f'{$axon_s / $torch_s:.2f}')")"
