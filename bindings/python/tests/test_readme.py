"""The README's Python example runs as written (only the working directory is a temporary one)."""

import os
import re
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_python_example_runs_and_learns(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has no Python example"
    namespace = {"__name__": "__main__"}
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(blocks[0], "README.md", "exec"), namespace)
    finally:
        os.chdir(previous)
    assert namespace["accuracy"] > 0.9  # the signs' XOR is learnt
    assert (tmp_path / "model.pth").exists()
