#!/usr/bin/env bash
# `pip install ./bindings/python` in a fresh virtual environment gives a working `import axon`
# with no environment variable: the wheel bundles libaxon.so (built by setup.py with swift).
# Usage (from anywhere): bash bindings/python/test_install.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv --system-site-packages "$venv"   # numpy from the system
"$venv/bin/pip" install --quiet --no-deps "$root/bindings/python"   # builds in place
cd "$venv"
env -u AXON_LIBRARY "$venv/bin/python" - <<'PY'
import axon as torch
from axon._lib import loader
assert loader.lib._name.startswith(torch.__file__.rsplit("/", 1)[0]), loader.lib._name
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(x * x).sum().backward()
assert x.grad.tolist() == [2.0, 4.0, 6.0]
print(f"test_install.sh: axon {torch.__version__} installed with its bundled {loader.lib._name}")
PY
