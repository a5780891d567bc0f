"""The anchors every figure is compared with, measured in the same run.

- OCA ``queue_job`` 18.0, from its PyPI wheel (downloaded at run time into
  ``.build/bench-addons/``, git-ignored, never committed), in its own database with the
  benchmark-only ``bench_queue_job`` addon. Jobs are enqueued with ``with_delay()`` in batches
  of 500 (one commit per batch) while no server runs; then a real Odoo server is started as its
  README says (``--load=web,queue_job``, ``ODOO_QUEUE_JOB_CHANNELS=root:<workers>``) and its job
  runner drains them: the time is read by polling the database from the first job that left the
  queue to the last one done.
- Raw PostgreSQL through psycopg2, the ceiling no Odoo queue can pass: insert in batches of 500;
  claim 100 with ``FOR UPDATE SKIP LOCKED``, mark them done, commit (1 and 2 connections, each in
  its own process); one insert and one commit per message (what a per-message ingest pays).
"""

import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import _suite
import bench_server
import psycopg2
from bench_server import MemorySampler, OdooServer

QUEUE_JOB_SPEC = "odoo-addon-queue_job==18.0.*"
BENCH_ADDONS = _suite.BUILD / "bench-addons"
ENQUEUE_BATCH = 500
PARTNER_POOL = 1000
QUEUE_JOB_REMAINING = (
    "SELECT count(*) FROM queue_job WHERE state NOT IN ('done', 'failed', 'cancelled')"
)
RAW_SCHEMA = """
DROP TABLE IF EXISTS bench_raw_queue;
CREATE TABLE bench_raw_queue (
    id bigserial PRIMARY KEY,
    state varchar NOT NULL DEFAULT 'pending',
    payload text,
    created_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    done_at timestamp);
CREATE INDEX bench_raw_queue_pending ON bench_raw_queue (id) WHERE state = 'pending';
"""
RAW_CLAIM = """
WITH claimed AS (
    SELECT id FROM bench_raw_queue WHERE state = 'pending' ORDER BY id LIMIT 100
       FOR UPDATE SKIP LOCKED)
UPDATE bench_raw_queue q SET state = 'done', done_at = now() AT TIME ZONE 'UTC'
  FROM claimed WHERE q.id = claimed.id
"""


# ---------------------------------------------------------------------- queue_job
def queue_job_addons():
    """The folder holding ``queue_job`` from its PyPI wheel; downloaded the first time."""
    target = BENCH_ADDONS / "queue_job"
    if (target / "__manifest__.py").exists():
        return BENCH_ADDONS
    print(f"Downloading {QUEUE_JOB_SPEC} from PyPI into {BENCH_ADDONS} ...", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", folder]
        subprocess.run([*command, QUEUE_JOB_SPEC], check=True)
        wheel = next(Path(folder).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith("odoo/addons/queue_job/")]
            archive.extractall(folder, members)
        BENCH_ADDONS.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(str(Path(folder) / "odoo" / "addons" / "queue_job"), target)
        (BENCH_ADDONS / "WHEEL").write_text(wheel.name + "\n")
    return BENCH_ADDONS


def queue_job_version():
    """``queue_job 18.0.x`` as named by the wheel it came from."""
    wheel = BENCH_ADDONS / "WHEEL"
    if not wheel.exists():
        return "queue_job"
    return "queue_job " + wheel.read_text().strip().split("-")[1]


class QueueJobDb:
    """The queue_job database, through Odoo's Python API from the benchmark process."""

    def __init__(self, odoo, database):
        self.odoo, self.database = odoo, database
        self.registry = odoo.modules.registry.Registry(database)
        self.partner_ids = []

    def env(self, cr):
        return self.odoo.api.Environment(cr, self.odoo.SUPERUSER_ID, {})

    def setup(self):
        with self.registry.cursor() as cr:
            partners = self.env(cr)["res.partner"].create(
                [{"name": f"Bench contact {n}"} for n in range(PARTNER_POOL)]
            )
            self.partner_ids = partners.ids

    def enqueue(self, kind, count):
        """``with_delay()`` ``count`` jobs, one commit per 500; return the seconds spent."""
        started = time.perf_counter()
        for start in range(0, count, ENQUEUE_BATCH):
            with self.registry.cursor() as cr:
                partners = self.env(cr)["res.partner"]
                for n in range(start, min(start + ENQUEUE_BATCH, count)):
                    if kind == "touch":
                        partner = partners.browse(self.partner_ids[n % PARTNER_POOL])
                        partner.with_delay()._bench_touch_job(f"{n}")
                    else:
                        partners.with_delay()._bench_noop_job(n)
        return time.perf_counter() - started

    def states(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT state, count(*) FROM queue_job GROUP BY state")
            return dict(cr.fetchall())

    def clear(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM queue_job")


def run_queue_job(ctx, qj, addons_path):
    """Enqueue and drain with queue_job's runner, 1 then 2 channels, no-op and realistic."""
    args, report = ctx.args, ctx.report
    for workers in (1, 2):
        for rep in range(args.repeat):
            for kind in ("noop", "touch"):
                seconds = qj.enqueue(kind, args.anchor_jobs)
                if kind == "noop":
                    report.add("qj_enqueue", args.anchor_jobs / seconds)
                server = OdooServer(
                    qj.database,
                    ctx.port,
                    addons_path,
                    cron_workers=0,
                    workers=args.workers,
                    load="web,queue_job",
                    env={"ODOO_QUEUE_JOB_CHANNELS": f"root:{workers}"},
                )
                with server, MemorySampler(server.process.pid) as memory:
                    elapsed, done = bench_server.time_drain(
                        qj.database, QUEUE_JOB_REMAINING, args.anchor_jobs, args.time_limit
                    )
                report.sample_load()
                key = f"qj_{kind}_{workers}"
                report.add(key, done / elapsed, memory.peak_mib)
                states = qj.states()
                report.note(key, f"{args.anchor_jobs:,} jobs per run")
                if set(states) != {"done"}:
                    report.note(key, f"run {rep + 1} left {states}")
                qj.clear()


# ---------------------------------------------------------------------- raw PostgreSQL
def _connect(database):
    return psycopg2.connect(dbname=database)


def run_raw(ctx, payloads):
    """Raw PostgreSQL ceilings: enqueue, claim-update-commit with 1 and 2 connections."""
    args, report = ctx.args, ctx.report
    with _connect(ctx.database) as connection, connection.cursor() as cursor:
        cursor.execute(RAW_SCHEMA)
    for _rep in range(args.repeat):
        for workers in (1, 2):
            report.add("raw_enqueue", len(payloads) / raw_enqueue(ctx.database, payloads))
            elapsed = raw_drain(ctx.database, workers)
            report.add(f"raw_process_{workers}", len(payloads) / elapsed)
        count = min(len(payloads), args.http_requests)
        report.add("raw_single", count / raw_single_inserts(ctx.database, payloads[:count]))
        report.sample_load()
        with _connect(ctx.database) as connection, connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_raw_queue")


def raw_enqueue(database, payloads):
    """Insert ``payloads`` (text) in batches of 500, one commit each; return the seconds."""
    connection = _connect(database)
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        for start in range(0, len(payloads), ENQUEUE_BATCH):
            cursor.execute(
                "INSERT INTO bench_raw_queue (payload) SELECT unnest(%s::text[])",
                (payloads[start : start + ENQUEUE_BATCH],),
            )
            connection.commit()
        return time.perf_counter() - started
    finally:
        connection.close()


def raw_single_inserts(database, payloads):
    """One INSERT and one COMMIT per payload; return the seconds."""
    connection = _connect(database)
    try:
        cursor = connection.cursor()
        started = time.perf_counter()
        for payload in payloads:
            cursor.execute("INSERT INTO bench_raw_queue (payload) VALUES (%s)", (payload,))
            connection.commit()
        return time.perf_counter() - started
    finally:
        connection.close()


def raw_drain(database, workers):
    """Drain the raw queue with ``workers`` processes; return the seconds, first to last."""
    context = multiprocessing.get_context("spawn")
    go, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=_raw_worker, args=(database, go, results)) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    time.sleep(0.5)  # let every worker connect: the spawn is not what is measured
    go.set()
    spans = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    return max(end for _start, end in spans) - min(start for start, _end in spans)


def _raw_worker(database, go, results):
    connection = _connect(database)
    cursor = connection.cursor()
    go.wait()
    started = time.perf_counter()
    while True:
        cursor.execute(RAW_CLAIM)
        connection.commit()
        if not cursor.rowcount:
            break
    results.put((started, time.perf_counter()))
    connection.close()
