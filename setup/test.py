#!/usr/bin/env python3
"""Run the whole test suite in a fresh database and print ``N passed, N failed``.

Installs every suite addon with ``--test-enable`` (at_install and post_install tests, the
suite's addons only), keeps the full server log under ``.build/logs/``, echoes warnings, errors
and test lines, and takes the counts from Odoo's own closing test report. The whole suite (no
``--tags``) then runs the merger-day rehearsal check (``rehearsal_check.py``), whose counts are
added to the closing line; ``--rehearsal`` runs that check alone, ``--readme-images`` lets it
write its screenshots over the README's (``readme/images/``). Exits non-zero on any failure
or error, when no test ran, or when the server could not start.
"""

import argparse
import os
import re
import subprocess
import sys
import time

import _suite
import bootstrap
import rehearsal_check

REPORT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests"
    r" when loading database"
)
SKIPPED = re.compile(r"odoo\.tests\.result: skipped ")
ECHO = re.compile(
    r" (WARNING|ERROR|CRITICAL) |: Starting \w+\.test_|Starting post tests|post-tests in"
    r"|odoo\.tests\.(stats|result)|fault suite: "
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the test database afterwards")
    parser.add_argument(
        "--tags",
        help="Odoo --test-tags to run instead of the whole suite, e.g. /integration_core",
    )
    parser.add_argument(
        "--rehearsal", action="store_true", help="run the merger-day rehearsal check alone"
    )
    parser.add_argument(
        "--readme-images",
        action="store_true",
        help="the rehearsal check writes its screenshots into readme/images/",
    )
    return parser.parse_args()


def run_odoo(database, tags, log_path, install=True):
    """Install the suite with tests in ``database`` (or, without ``install``, run the tests
    ``tags`` names on it as it is); return (exit code, report match, skipped)."""
    setup = ["-i", ",".join((_suite.UMBRELLA, *_suite.TEST_ADDONS)), "--without-demo=all"]
    command = _suite.odoo_command(
        "-d",
        database,
        *(setup if install else []),
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        f"--http-port={_suite.free_port()}",
        "--http-interface=127.0.0.1",
        "--max-cron-threads=0",
        "--log-level=info",
        with_test_addons=install,
    )
    report, skipped = None, 0
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        for line in process.stdout:
            log.write(line)
            if ECHO.search(line) or line.startswith((" ", "Traceback", "AssertionError")):
                sys.stdout.write(line)
            report = REPORT.search(line) or report
            skipped += bool(SKIPPED.search(line))
        return process.wait(), report, skipped


def counts(code, report, skipped, log_path):
    """(passed, failed, skipped, total) of an Odoo test run; no report counts one failure."""
    if report is None:
        print(f"Odoo ended (exit {code}) without a test report: see {log_path}")
        return 0, 1, 0, 0
    failed = int(report["failed"]) + int(report["errors"])
    total = int(report["total"])
    return total - failed - skipped, failed, skipped, total


def closing(passed, failed, skipped):
    return f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")


def main():
    args = parse_args()
    bootstrap.ensure()
    _suite.ensure_requirements()
    _suite.require_postgres()
    if args.rehearsal:
        passed, failed = rehearsal_check.run(
            run_odoo, keep=args.keep, readme_images=args.readme_images
        )
        print(closing(passed, failed, 0))
        return 1 if failed or not passed else 0
    _suite.require_rabbitmq(required=args.tags is None)  # for the AMQP transport's tests
    database = f"mi_test_{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}"
    tags = args.tags or ",".join(
        f"/{name}" for name in (*_suite.SUITE_ADDONS, _suite.UMBRELLA, *_suite.TEST_ADDONS)
    )
    logs = _suite.BUILD / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{database}.log"
    print(f"Testing in a fresh database {database}; full log: {log_path}", flush=True)
    try:
        code, report, skipped = run_odoo(database, tags, log_path)
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", database], check=False)
    passed, failed, skipped, total = counts(code, report, skipped, log_path)
    if args.tags is None:
        rehearsal_passed, rehearsal_failed = rehearsal_check.run(
            run_odoo, keep=args.keep, readme_images=args.readme_images
        )
        print(f"Merger-day rehearsal: {closing(rehearsal_passed, rehearsal_failed, 0)}")
        passed, failed = passed + rehearsal_passed, failed + rehearsal_failed
    print(closing(passed, failed, skipped))
    if not total:
        print("No test ran.", file=sys.stderr)
        return 1
    return 1 if failed or code else 0


if __name__ == "__main__":
    sys.exit(main())
