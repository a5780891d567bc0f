#!/usr/bin/env python3
"""Make Odoo 18.0 and the suite's Python dependencies available, then run under them.

``ensure()`` is called first by ``setup/demo.py`` and ``setup/test.py``. When ``import odoo``
gives Odoo 18.0 in the running Python, that Odoo is used as it is. Otherwise the suite's own
environment ``.venv/`` in the clone is used, built once in five steps:

1. a virtual environment (``python -m venv``);
2. Odoo 18.0's source from ``ODOO_SOURCE`` (a local folder holding ``odoo/`` and
   ``requirements.txt``, a .tar.gz or .zip source archive, or an http(s) URL of one), or when
   unset Odoo's official nightly 18.0 source archive; a folder is used where it is, an archive
   is unpacked into the environment;
3. a check that the source is 18.0, and the source on the environment's path (a ``.pth``
   file: nothing is copied);
4. Odoo's pinned requirements for this Python (see ``_pins.py``): a pin with no build here falls
   back to the package's newest release, and says so;
5. the suite's ``requirements.txt``, constrained to what step 4 installed; then ``import odoo``
   must work in the environment.

A marker file is written only when all five succeeded; an environment without it is incomplete
and is rebuilt from the start. Then the command is executed again under the environment's
Python, so a second run starts in seconds. A failure names its step, the command and what to do.

``python3 setup/bootstrap.py [--venv DIR] [--source SRC]`` builds (or checks) an environment
even where Odoo is importable; CI uses it to prove the steps on every run.
"""

import argparse
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import time
from pathlib import Path

import _odoo_source
import _pins

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOGS = ROOT / ".build" / "logs"
DOWNLOADS = ROOT / ".build" / "downloads"
SUITE_REQUIREMENTS = ROOT / "requirements.txt"
MARKER = "manufacturing-integration-ready.json"
REEXEC_FLAG = "MANUFACTURING_INTEGRATION_VENV"
STEPS = 5
# pip's lines shown on the terminal: what is downloaded (with its size), built and installed.
PIP_SHOWN = ("Downloading ", "Building wheel for", "Successfully installed")
ODOO_CHECK = "import odoo.release as r; print(r.version_info[0], r.version_info[1], r.__file__)"


class BootstrapError(Exception):
    """A step failed: says which, the command that failed and what to do."""

    def __init__(self, step, title, problem, command=None, advice=None, log=None):
        self.step, self.title, self.problem = step, title, problem
        self.command, self.advice, self.log = command, advice, log
        super().__init__(problem)

    def __str__(self):
        lines = [f"Setup failed at step {self.step}/{STEPS} ({self.title}): {self.problem}"]
        if self.command:
            lines.append(f"Command: {' '.join(map(str, self.command))}")
        if self.log:
            lines.append(f"Its full output: {self.log}")
        if self.advice:
            lines.append(f"What to do: {self.advice}")
        lines.append("Nothing half-installed is used: the next run builds the environment again.")
        return "\n".join(lines)


def odoo_18_here():
    """Whether the running Python imports Odoo 18.0."""
    try:
        import odoo.release  # noqa: PLC0415
    except ImportError:
        return False
    return tuple(odoo.release.version_info[:2]) == (18, 0)


def venv_python(venv):
    return Path(venv) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def read_marker(venv):
    """The marker of a complete environment built by this Python version, or None."""
    try:
        marker = json.loads((Path(venv) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if marker.get("python") != list(sys.version_info[:2]) or not venv_python(venv).exists():
        return None
    return marker


class Builder:
    """Builds one environment step by step, printing progress and keeping each step's log."""

    def __init__(self, venv, source, out=sys.stdout, **paths):
        """``paths`` may replace the defaults: suite_requirements, shipped_pins, logs and
        downloads (the unit tests use their own)."""
        self.venv, self.source = Path(venv).resolve(), source
        self.suite_requirements = Path(paths.get("suite_requirements", SUITE_REQUIREMENTS))
        self.shipped_pins = Path(paths.get("shipped_pins", _pins.ODOO_PINS))
        self.logs = Path(paths.get("logs", LOGS))
        self.downloads = Path(paths.get("downloads", DOWNLOADS))
        self.python = venv_python(self.venv)
        self.out, self.step, self.title, self.shown = out, 0, "", set()

    def say(self, text):
        print(text, file=self.out, flush=True)

    def begin(self, title):
        self.step, self.title = self.step + 1, title
        self.say(f"[setup {self.step}/{STEPS}] {title}")

    def error(self, problem, **details):
        return BootstrapError(self.step, self.title, problem, **details)

    def run(self, command, log_name, show=PIP_SHOWN):
        """Run ``command``, echoing the lines starting with ``show``; return (code, output)."""
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / f"bootstrap-{log_name}.log"
        lines = []
        with log.open("w", encoding="utf-8") as file:
            file.write(f"$ {' '.join(map(str, command))}\n")
            try:
                process = subprocess.Popen(
                    list(map(str, command)),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    errors="replace",
                )
            except OSError as error:
                raise self.error(str(error), command=command) from error
            with process:
                for line in process.stdout:
                    file.write(line)
                    lines.append(line)
                    if line.lstrip().startswith(show) and line.strip() not in self.shown:
                        self.shown.add(line.strip())  # a retry does not list them again
                        self.say(f"  {line.strip()}")
            code = process.returncode
        return code, "".join(lines), log

    def build(self):
        """Run the five steps; return the marker's content."""
        started = time.monotonic()
        self.create_venv()
        root = self.get_source()
        version = self.install_odoo(root)
        requirements, origin, notes = self.install_odoo_requirements(root)
        self.install_suite_requirements()
        marker = {
            "python": list(sys.version_info[:2]),
            "odoo_source": str(root),
            "odoo": version,
            "pins": origin,
            "fallbacks": notes,
            "requirements": _pins.requirement_lines(requirements),
            "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "seconds": round(time.monotonic() - started),
        }
        (self.venv / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        self.say(f"Environment ready in {marker['seconds']} s: {self.venv}")
        return marker

    def create_venv(self):
        self.begin(f"Create the virtual environment {self.venv}")
        if not (3, 10) <= sys.version_info[:2] <= (3, 12):
            raise self.error(
                f"Odoo 18.0 runs on Python 3.10 to 3.12, this is {sys.version.split()[0]}",
                advice="run the command with Python 3.11 (python3.11 setup/...)",
            )
        if self.venv.exists():
            self.say("  an incomplete environment from an earlier run is there: starting over")
            shutil.rmtree(self.venv)
        command = [sys.executable, "-m", "venv", self.venv]
        code, output, log = self.run(command, "venv")
        if code:
            raise self.error(
                output.strip().splitlines()[-1] if output.strip() else f"exit {code}",
                command=command,
                log=log,
                advice="install Python's venv module (Debian/Ubuntu: sudo apt-get install "
                "python3-venv), then run the command again",
            )

    def get_source(self):
        self.begin("Get Odoo 18.0's source")
        shown = self.source or f"{_odoo_source.OFFICIAL_SOURCE} (Odoo's official nightly)"
        self.say(f"  from {shown}")
        try:
            return _odoo_source.locate(self.source, self.venv / "odoo-src", DOWNLOADS, out=self.out)
        except _odoo_source.SourceError as error:
            raise self.error(
                str(error),
                advice="check the network (or proxy), or set ODOO_SOURCE to a folder holding "
                "Odoo 18.0's odoo/ and requirements.txt, to a source archive, or to its URL "
                "(README.rst, Prerequisites), then run the command again",
            ) from error

    def install_odoo(self, root):
        """Check ``root`` is Odoo 18.0 and put it on the environment's path; return its version."""
        self.begin("Install Odoo 18.0 into the environment")
        try:
            release = runpy.run_path(str(root / "odoo" / "release.py"))
        except (OSError, SyntaxError) as error:
            raise self.error(f"{root}/odoo/release.py cannot be read: {error}") from error
        if tuple(release.get("version_info", ())[:2]) != (18, 0):
            raise self.error(
                f"{root} is Odoo {release.get('version', '?')}, not 18.0",
                advice="point ODOO_SOURCE at Odoo 18.0 community's source",
            )
        purelib = subprocess.run(
            [self.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        pth = Path(purelib) / "odoo-18.0-source.pth"
        pth.write_text(f"{root}\n", encoding="utf-8")
        self.say(f"  Odoo {release['version']}: {pth} -> {root}")
        # Lends this process the environment's pip (its copy of packaging reads requirements)
        # when the Python that runs the bootstrap has none.
        sys.path.append(purelib)
        return release["version"]

    def install_odoo_requirements(self, root):
        self.begin("Install Odoo's pinned Python requirements")
        source_requirements = _pins.read_requirements(root / "requirements.txt")
        wanted, origin = _pins.choose(source_requirements, self.shipped_pins)
        self.say(f"  {len(wanted)} packages, pins from {origin}")
        notes = []
        requirements_file = self.venv / "odoo-requirements.txt"
        for attempt in range(1, len(wanted) + 2):
            lines = _pins.requirement_lines(wanted)
            requirements_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            command = [self.python, "-m", "pip", "install", "-r", requirements_file]
            code, output, log = self.run(command, f"odoo-requirements-{attempt}")
            if not code:
                return wanted, origin, notes
            culprit = _pins.failing_requirement(output, wanted)
            note = _pins.relax(wanted, culprit, self.python) if culprit else None
            if note is None:
                self.say("".join(output.splitlines(keepends=True)[-15:]).rstrip())
                raise self.error(
                    "pip could not install Odoo's requirements",
                    command=command,
                    log=log,
                    advice="read the end of the log; a package built from source needs its "
                    "system headers (Debian/Ubuntu, for psycopg2: sudo apt-get install "
                    "build-essential python3-dev libpq-dev), then run the command again",
                )
            notes.append(note)
            self.say(f"  {note}")
        raise self.error("no fallback left", command=command)

    def install_suite_requirements(self):
        self.begin("Install the suite's Python requirements, check import odoo")
        installed = self.venv / "odoo-installed.txt"
        freeze = subprocess.run(
            [self.python, "-m", "pip", "freeze"], capture_output=True, text=True, check=True
        ).stdout
        pins = [line for line in freeze.splitlines() if re.match(r"[A-Za-z0-9._-]+==", line)]
        installed.write_text("\n".join(pins) + "\n", encoding="utf-8")
        command = [self.python, "-m", "pip", "install", "-r", self.suite_requirements]
        command += ["-c", installed]
        code, output, log = self.run(command, "suite-requirements")
        if code:
            self.say("".join(output.splitlines(keepends=True)[-15:]).rstrip())
            raise self.error(
                "pip could not install the suite's requirements next to Odoo's pins",
                command=command,
                log=log,
                advice="read the end of the log, then run the command again",
            )
        command = [self.python, "-c", ODOO_CHECK]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode or not result.stdout.startswith("18 0 "):
            problem = (result.stderr.strip().splitlines() or [result.stdout.strip()])[-1]
            raise self.error(
                f"import odoo fails in the environment: {problem}",
                command=command,
                advice="a requirement is missing or broken: read the message, then run the "
                "command again",
            )
        self.say(f"  import odoo: {result.stdout.split(' ', 2)[2].strip()}")


def build_or_reuse(venv, source, out=sys.stdout, **paths):
    """The marker of the complete environment at ``venv``, building it when needed."""
    marker = read_marker(venv)
    if marker:
        print(f"Using the environment {venv} (Odoo from {marker['odoo_source']}).", file=out)
        return marker
    return Builder(venv, source, out=out, **paths).build()


def ensure():
    """Return when this Python runs Odoo 18.0; else re-execute this command under .venv/."""
    if odoo_18_here():
        return
    if os.environ.get(REEXEC_FLAG):
        sys.exit(
            f"Odoo 18.0 is still not importable under {sys.executable}: remove {VENV} and run "
            "the command again."
        )
    if read_marker(VENV) is None:
        print(
            f"Odoo 18.0 is not importable by {sys.executable}: setting up the suite's own "
            f"environment in {VENV} (once; a few minutes).",
            flush=True,
        )
    try:
        build_or_reuse(VENV, os.environ.get("ODOO_SOURCE"))
    except BootstrapError as error:
        sys.exit(str(error))
    python = str(venv_python(VENV))
    os.environ[REEXEC_FLAG] = "1"
    sys.stdout.flush()
    os.execv(python, [python, *sys.argv])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=VENV, help="environment folder")
    parser.add_argument(
        "--source",
        default=os.environ.get("ODOO_SOURCE"),
        help="Odoo 18.0 source: folder, archive or URL (default: $ODOO_SOURCE, else official)",
    )
    args = parser.parse_args()
    try:
        build_or_reuse(args.venv, args.source)
    except BootstrapError as error:
        sys.exit(str(error))
    print(venv_python(args.venv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
