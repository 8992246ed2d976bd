"""Builds the wheel of the Python bindings with libaxon.so inside (``axon/_lib/libaxon.so``).

The library comes from, in this order: the file named by the environment variable
``AXON_LIBRARY``; a fresh ``swift build`` of the Axon checkout these bindings live in (two
folders up; needs the Swift toolchain); ``.build/release/libaxon.so`` already built there.
``pip install ./bindings/python`` builds in place, so the checkout is found.
"""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[1]
BUILT = CHECKOUT / ".build" / "release" / "libaxon.so"
SWIFT_BUILD = ["swift", "build", "-c", "release", "-Xswiftc", "-static-stdlib", "-Xlinker", "-soname=libaxon.so.1",
               "-Xlinker", "--icf=safe", "-Xlinker", "--gc-sections", "-Xlinker",
               f"--version-script={CHECKOUT / 'Sources' / 'AxonC' / 'exports.map'}", "--product", "axon"]


def library() -> Path:
    override = os.environ.get("AXON_LIBRARY")
    if override:
        return Path(override)
    if (CHECKOUT / "Package.swift").exists() and shutil.which("swift"):
        subprocess.run(SWIFT_BUILD, cwd=CHECKOUT, check=True)
    if BUILT.exists():
        return BUILT
    raise RuntimeError("axon: no libaxon.so to bundle: install the Swift toolchain, or set AXON_LIBRARY "
                       "to a built libaxon.so")


class BuildWithLibrary(build_py):
    """Copies libaxon.so into the package before the Python files are collected."""

    def run(self):
        target = HERE / "axon" / "_lib" / "libaxon.so"
        shutil.copyfile(library(), target)
        try:
            super().run()
        finally:
            target.unlink(missing_ok=True)


class BinaryDistribution(Distribution):
    """The wheel holds a native library: it is specific to the platform."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
