"""The merger-day rehearsal as a check: the day played fast on a fresh demo database, then its
final state asserted by Odoo tests on that database.

``run`` plays ``demo.py --speed 20 --exit`` on a new database (the suite with its demo data),
then runs the umbrella's tests tagged ``rehearsal`` on it (``tests/test_rehearsal.py``:
quantities, exception cards, reconciliation, posted entry, nothing duplicated, and the README's
two screenshots, taken and checked on every run but written into ``readme/images/`` only with
``readme_images``). The day counts as one test of its own.
Called by ``test.py`` after the whole suite, or alone with ``test.py --rehearsal``.
"""

import os
import subprocess
import sys
import time

import _suite

SPEED = 20
IMAGES = _suite.ROOT / "readme" / "images"
IMAGES_ENV = "INTEGRATION_README_IMAGES"  # read by the tests' browser_capture.save


def play(database, log_path):
    """Play the day on ``database``; True when every step succeeded."""
    command = [sys.executable, str(_suite.ROOT / "setup" / "demo.py"), "--db", database]
    command += ["--port", str(_suite.free_port()), "--speed", str(SPEED), "--exit"]
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        for line in process.stdout:
            log.write(line)
            sys.stdout.write(line)
        return process.wait() == 0


def run(run_odoo, keep=False, readme_images=False):
    """Play and check the rehearsal; (passed, failed). ``run_odoo`` is ``test.py``'s;
    ``readme_images`` writes the screenshots over the README's."""
    database = f"mi_rehearsal_{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}"
    logs = _suite.BUILD / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(f"Merger-day rehearsal in a fresh database {database}", flush=True)
    try:
        played = play(database, logs / f"{database}-day.log")
        print(f"The day {'played' if played else 'FAILED'} in {time.monotonic() - started:.0f} s")
        if readme_images:
            os.environ[IMAGES_ENV] = str(IMAGES)
        else:
            os.environ.pop(IMAGES_ENV, None)  # a developer's checkout stays clean
        code, report, _skipped = run_odoo(database, "rehearsal", logs / f"{database}.log", False)
    finally:
        if not keep:
            subprocess.run(["dropdb", "--if-exists", database], check=False)
    print(f"Rehearsal check took {time.monotonic() - started:.0f} s", flush=True)
    if report is None:
        print(f"The rehearsal's tests ended (exit {code}) without a report.")
        return int(played), 1 + (not played)
    failed = int(report["failed"]) + int(report["errors"])
    if not int(report["total"]) or (code and not failed):
        failed += 1  # no test ran, or the server failed outside the tests
    passed = int(report["total"]) - int(report["failed"]) - int(report["errors"])
    return passed + played, failed + (not played)
