#!/usr/bin/env python3
"""Build a wheel of every suite addon, of the umbrella addon and of the metapackage.

Each addon folder carries a ``pyproject.toml`` built by whool. The umbrella addon is the
repository root, so its own files (not the five addons, ``setup/`` or CI files) are staged in a
temporary folder named ``manufacturing_integration`` and built from there. Wheels land in
``dist/`` (or ``--dest``). Used by CI to prove the packaging.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import _suite

UMBRELLA_EXCLUDED = (*_suite.SUITE_ADDONS, "setup", "requirements.txt")


def pip_wheel(source, dest):
    """Build one wheel with the build backends already installed (no download)."""
    env = dict(os.environ, WHOOL_POST_VERSION_STRATEGY_OVERRIDE="none")
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        str(dest),
        str(source),
    ]
    result = subprocess.run(command, env=env, check=False)
    if result.returncode:
        _suite.fail(f"Building the wheel of {source} failed.", code=1)


def umbrella_files():
    """The files of the umbrella addon itself, as tracked by git."""
    listed = subprocess.run(
        ["git", "ls-files"], cwd=_suite.ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        name
        for name in listed
        if name.split("/")[0] not in UMBRELLA_EXCLUDED and not name.startswith(".")
    ]


def build_umbrella(dest):
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / _suite.UMBRELLA
        for name in umbrella_files():
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(_suite.ROOT / name, target)
        shutil.copy2(_suite.ROOT / "setup" / _suite.UMBRELLA / "pyproject.toml", stage)
        pip_wheel(stage, dest)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", default=str(_suite.ROOT / "dist"))
    dest = Path(parser.parse_args().dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    for addon in _suite.SUITE_ADDONS:
        pip_wheel(_suite.ROOT / addon, dest)
    build_umbrella(dest)
    pip_wheel(_suite.ROOT / "setup" / "_metapackage", dest)
    for wheel in sorted(dest.glob("*.whl")):
        print(wheel.name)


if __name__ == "__main__":
    main()
