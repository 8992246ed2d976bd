"""Compares two model states written by the data-parallel examples (raw float32 or .npy, the
whole state in state_dict order) tensor by tensor: the largest |a - b| relative to the largest
|a| of each tensor. Usage: compare.py A B LAYOUT [--max X | --bitwise | --report]
LAYOUT is "mlp" (linear 784 128, relu, linear 128 10) or "mlp-bn" (linear 784 128 without
bias, batchnorm1d 128, relu, linear 128 10). Prints the worst tensor; exits 1 past the bound."""

import sys

import numpy as np

LAYOUTS = {
    "mlp": [("0.weight", 128 * 784), ("0.bias", 128), ("2.weight", 1280), ("2.bias", 10)],
    "mlp-bn": [("0.weight", 128 * 784), ("1.weight", 128), ("1.bias", 128), ("1.running_mean", 128),
               ("1.running_var", 128), ("1.num_batches_tracked", 1), ("3.weight", 1280), ("3.bias", 10)],
}


def load(path):
    return np.load(path) if path.endswith(".npy") else np.fromfile(path, dtype=np.float32)


def main():
    a_path, b_path, layout, *mode = sys.argv[1:]
    a, b = load(a_path), load(b_path)
    sizes = LAYOUTS[layout]
    if a.size != sum(n for _, n in sizes) or a.size != b.size:
        sys.exit(f"compare: {a.size} and {b.size} floats for layout {layout}")
    if mode[:1] == ["--bitwise"]:
        same = a.tobytes() == b.tobytes()
        print(f"{a_path} vs {b_path}: {'bit-identical' if same else 'DIFFERENT BITS'}")
        return 0 if same else 1
    worst, name, offset = 0.0, "", 0
    for tensor, n in sizes:
        x, y = a[offset:offset + n], b[offset:offset + n]
        offset += n
        scale = float(np.abs(x).max()) or 1.0
        difference = float(np.abs(x - y).max()) / scale
        if difference >= worst:
            worst, name = difference, tensor
    bound = float(mode[1]) if mode[:1] == ["--max"] else None
    verdict = "" if bound is None else (" (within %.0e)" % bound if worst <= bound else " (ABOVE %.0e)" % bound)
    print(f"{a_path} vs {b_path}: largest relative difference {worst:.2e} in {name}{verdict}")
    return 0 if bound is None or worst <= bound else 1


if __name__ == "__main__":
    sys.exit(main())
