"""A real Odoo 18 server for the benchmark: start, wait until healthy, sample memory, stop.

The server is started as ``python3 -m odoo -d <database>`` on 127.0.0.1, threaded
(``--workers=0``) unless ``workers`` is given, with ``--max-cron-threads`` as asked. Its memory
is sampled from the process tree (PSS when the kernel gives it, else RSS) so a phase's peak
covers prefork workers too.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _suite
import psutil
import psycopg2
import requests

START_TIMEOUT = 240
STOP_TIMEOUT = 30
SAMPLE_INTERVAL = 0.25


class OdooServer:
    """One Odoo server process; a context manager that stops it on exit."""

    def __init__(self, database, port, addons_path, cron_workers=0, workers=0, **options):
        self.database, self.port, self.addons_path = database, port, addons_path
        self.cron_workers, self.workers = cron_workers, workers
        self.load = options.get("load")
        self.env = options.get("env") or {}
        self.process = None
        self.log = tempfile.NamedTemporaryFile(
            "w+", prefix=f"bench_{database}_", suffix=".log", delete=False
        )

    def command(self):
        command = [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={self.addons_path}",
            # -d without --db-filter: Odoo then serves this database without listing the
            # databases (a connection to "postgres") on every request, as a single-database
            # production server should be run.
            "-d",
            self.database,
            f"--http-port={self.port}",
            "--http-interface=127.0.0.1",
            f"--max-cron-threads={self.cron_workers}",
            f"--workers={self.workers}",
            "--log-level=warn",
            "--limit-time-cpu=900",
            "--limit-time-real=1800",
            "--limit-time-real-cron=1800",
        ]
        if self.load:
            command.append(f"--load={self.load}")
        return command

    def __enter__(self):
        env = dict(os.environ, **self.env)
        self.process = subprocess.Popen(
            self.command(), stdout=self.log, stderr=subprocess.STDOUT, env=env
        )
        if not self._wait_healthy():
            self.stop()
            raise RuntimeError(f"Odoo did not answer /web/health; log:\n{self.tail()}")
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def _wait_healthy(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(self.url("/web/health"), timeout=2).ok:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.5)
        return False

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def tail(self, size=4000):
        with open(self.log.name) as log:
            return log.read()[-size:]

    def errors(self):
        """ERROR and CRITICAL lines of the server's log (the log level is warn)."""
        with open(self.log.name) as log:
            return [line for line in log if " ERROR " in line or " CRITICAL " in line]


class MemorySampler:
    """Samples the memory of a process tree in a thread; ``peak_mib`` once stopped."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mib(self):
        return self.peak / 2**20 if self.peak else None

    def _run(self):
        while True:
            self.peak = max(self.peak, tree_memory(self.pid))
            if self._stop.wait(SAMPLE_INTERVAL):
                return


def tree_memory(pid):
    """Bytes of a process and its children: proportional set size, else resident set size."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            info = process.memory_full_info()
            total += getattr(info, "pss", 0) or info.rss
        except psutil.AccessDenied:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def create_database(database, addons_path, modules):
    """A fresh database with ``modules`` installed, without demo data."""
    print(f"Creating {database} with {modules} ...", flush=True)
    subprocess.run(
        ["dropdb", "--if-exists", "--force", database], check=False, stderr=subprocess.DEVNULL
    )
    command = [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={addons_path}",
        "-d",
        database,
        "-i",
        modules,
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
        "--max-cron-threads=0",
    ]
    subprocess.run(command, check=True)


def drop_database(database, keep=False):
    """Drop ``database``, or say it is kept (a benchmark's ``--keep``)."""
    if keep:
        print(f"Kept {database}.", flush=True)
        return
    subprocess.run(["dropdb", "--if-exists", "--force", database], check=False)
    print(f"Dropped {database}.", flush=True)


def run_child(script, *arguments):
    """Run ``script --child arguments`` in a new Python; return the JSON its last line prints
    (a measure in its own process: its memory figures are its own)."""
    command = [sys.executable, script, "--child", *map(str, arguments)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-4000:])
        raise SystemExit(f"{Path(script).name} --child {arguments[0]} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def wait_until(condition, timeout, interval=0.05):
    """Call ``condition()`` until it returns a true value or ``timeout`` passes; return it."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def suite_addons_path(*extra):
    """The suite's addons path plus ``extra`` folders."""
    return ",".join([_suite.addons_path(), *(str(path) for path in extra)])


def time_drain(database, remaining_sql, total, time_limit, interval=0.05):
    """Watch a queue drain: ``remaining_sql`` counts what is left of ``total`` messages.

    Returns ``(seconds, processed)``: from the first poll that saw work start to the first that
    saw nothing left, or to ``time_limit`` (then ``processed < total``).
    """
    connection = psycopg2.connect(dbname=database)
    connection.autocommit = True
    try:
        cursor = connection.cursor()

        def remaining():
            cursor.execute(remaining_sql)
            return cursor.fetchone()[0]

        deadline = time.monotonic() + time_limit
        left = remaining()
        while left >= total and time.monotonic() < deadline:
            time.sleep(interval / 5)
            left = remaining()
        started = time.perf_counter()
        while left > 0 and time.monotonic() < deadline:
            time.sleep(interval)
            left = remaining()
        return time.perf_counter() - started, total - left
    finally:
        connection.close()
