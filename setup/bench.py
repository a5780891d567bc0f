#!/usr/bin/env python3
"""What the integration layer costs on this machine, beside its anchors, in one run.

Creates two fresh databases: ``bench_<time>`` with ``integration_core`` and the benchmark-only
handler of ``setup/bench_addons/bench_integration``; ``bench_<time>_qj`` with OCA ``queue_job``
18.0 (from its PyPI wheel, put in ``.build/bench-addons/``) and ``setup/bench_addons/
bench_queue_job``. Starts real Odoo 18 servers on 127.0.0.1 (threaded, or ``--workers N``
prefork) and prints one table of medians over ``--repeat`` repetitions with their spread
(min-max), each figure beside its anchors as a ratio, its target, and the peak memory of the
Odoo process tree during the measure (PSS). The load average is printed: the machine may be
shared, and then every figure is lower than on an idle machine.

Measures (details in bench_phases.py and bench_anchors.py):
 1. enqueue: Python API in batches of 500; HTTP with 1 message per request and with 100
    (a load generator in a second process over loopback, bounded in count and time);
 2. no-op processing by the server's cron workers, ``--max-cron-threads`` 1 and 2;
 3. realistic processing: one write of one field on one existing contact per message;
 4. end-to-end latency from the HTTP 202 to ``done`` under a steady 50 msg/s: p50, p95, p99;
 5. claim time with 0 and with 1,000,000 done messages, and storage per 1,000,000 messages;
 6. AMQP ingest through the ``integration-amqp-consumer`` command;
 7. anchors: queue_job (enqueue, no-op and realistic processing with its job runner) and raw
    PostgreSQL (batch insert, claim-update-commit, one insert-commit per message).

Usage: python3 setup/bench.py [--quick] [--repeat 3] [--phases processing,http,...] [--keep]
"""

import argparse
import json
import logging
import os
import platform
import sys
import time

import _suite
import bench_anchors
import bench_ours
import bench_phases
import bench_server
import bootstrap
from bench_report import Report

PHASES = ("processing", "http", "latency", "amqp", "anchors", "claims")
FULL = {
    "messages": 20000,
    "realistic": 5000,
    "anchor_jobs": 1000,
    "http_requests": 2000,
    "latency_seconds": 30.0,
    "amqp_messages": 3000,
    "history": 1_000_000,
}
QUICK = {
    "messages": 2000,
    "realistic": 500,
    "anchor_jobs": 200,
    "http_requests": 300,
    "latency_seconds": 8.0,
    "amqp_messages": 300,
    "history": 50_000,
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per figure")
    parser.add_argument("--phases", default=",".join(PHASES), help="subset of: %(default)s")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per run at most")
    parser.add_argument("--port", type=int, default=18469)
    parser.add_argument("--workers", type=int, default=0, help="Odoo --workers (0: threaded)")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    for name, value in FULL.items():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(
            flag, type=type(value), help=f"default {value:,} ({QUICK[name]:,} quick)"
        )
    args = parser.parse_args()
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.phases = [phase.strip() for phase in args.phases.split(",") if phase.strip()]
    unknown = set(args.phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    return args


def declare_figures(report, workers, history):
    """Every figure, its anchors and its target (from the issue), in the table's order."""
    modes = "processes" if workers else "threads"
    fig = report.declare
    fig("enqueue_python", "enqueue, Python API, batches of 500", "msg/s",
        ("qj_enqueue", "raw_enqueue"), (">=", 5000, False))  # fmt: skip
    fig("http_single", "enqueue, HTTP, 1 message/request", "req/s",
        ("http_bare", "raw_single"), (">=", 200, False))  # fmt: skip
    fig("http_batch", "enqueue, HTTP, 100 messages/request", "msg/s",
        ("raw_enqueue",), (">=", 2000, False))  # fmt: skip
    fig("process_noop_1", "no-op processing, 1 cron worker", "msg/s",
        ("qj_noop_1", "raw_process_1"), (">=", 1000, False))  # fmt: skip
    fig("process_noop_2", f"no-op processing, 2 cron workers ({modes})", "msg/s",
        ("qj_noop_2", "raw_process_2"), (">=", 2000, False))  # fmt: skip
    fig("process_touch_1", "realistic (write 1 field, 1 contact), 1 worker", "msg/s",
        ("qj_touch_1", "orm_touch"), (">=", 300, False))  # fmt: skip
    fig("process_touch_2", "realistic (write 1 field, 1 contact), 2 workers", "msg/s",
        ("qj_touch_2", "orm_touch"), (">=", 600, False))  # fmt: skip
    # 1,500 sends paced at 50/s span 29.98 s: a last send a few ms late reads 49.99.
    fig("latency_rate", "end-to-end rate achieved (asked 50, 1% slack)", "msg/s",
        (), (">=", 49.5, False))  # fmt: skip
    fig("latency_p50", "end-to-end HTTP 202 -> done: p50", "s")
    fig("latency_p95", "end-to-end HTTP 202 -> done: p95", "s", (), ("<=", 1, False))
    fig("latency_p99", "end-to-end HTTP 202 -> done: p99", "s")
    fig("claim_history", f"claim 100, with {history:,} done messages", "ms",
        ("claim_empty",), ("<=", 2, True))  # fmt: skip
    fig("claim_held", f"claim 100, {history:,} done, {bench_ours.HELD_PENDING:,} held ahead",
        "ms", ("claim_empty",))  # fmt: skip
    fig("storage_million", "storage per 1,000,000 done messages", "MiB")
    fig("amqp_ingest", "AMQP ingest, consumer command", "msg/s", ("raw_single",))
    qj = bench_anchors.queue_job_version()
    anchors = {
        "qj_enqueue": f"{qj}: with_delay(), commit per 500",
        "raw_enqueue": "raw PostgreSQL: INSERT 500 + COMMIT",
        "http_bare": "Odoo GET /web/health (no database)",
        "raw_single": "raw PostgreSQL: INSERT 1 + COMMIT",
        "qj_noop_1": "queue_job no-op, runner root:1",
        "qj_noop_2": "queue_job no-op, runner root:2",
        "raw_process_1": "raw PostgreSQL: claim 100/update/commit, 1 conn",
        "raw_process_2": "raw PostgreSQL: claim 100/update/commit, 2 conns",
        "qj_touch_1": "queue_job same write, runner root:1",
        "qj_touch_2": "queue_job same write, runner root:2",
        "orm_touch": "same write in a plain ORM loop, no queue",
        "claim_empty": "claim 100, no done messages",
    }
    units = {"http_bare": "req/s", "claim_empty": "ms"}
    for key, label in anchors.items():
        fig(key, label, units.get(key, "msg/s"), is_anchor=True)


def machine_info(ours, args):
    version = ours.sql("SHOW server_version")[0][0]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    server = f"prefork, --workers={args.workers}" if args.workers else "threaded (--workers=0)"
    return [
        ("nproc", len(os.sched_getaffinity(0))),
        ("CPU", platform.processor() or platform.machine()),
        ("Python", sys.version.split()[0]),
        ("Odoo", ours.odoo.release.version),
        ("PostgreSQL", version),
        ("Odoo server", server),
        ("repetitions", f"{args.repeat}{' (--quick counts)' if args.quick else ''}"),
        ("load avg", f"{load} (1, 5, 15 min) at the start"),
    ]


def run(args, report, databases, addons_path):
    create = "anchors" in args.phases
    bench_server.create_database(databases[0], addons_path, "integration_core,bench_integration")
    if create:
        bench_server.create_database(databases[1], addons_path, "queue_job,bench_queue_job")
    odoo = bench_ours.configure_odoo(addons_path)
    ours = bench_ours.OurQueue(odoo, databases[0])
    api_key = ours.setup(bench_phases.AMQP_URL, args.amqp_queue)
    machine = machine_info(ours, args)
    ctx = bench_phases.Context(args, report, ours, api_key, addons_path)
    steps = {
        "processing": bench_phases.run_processing,
        "http": bench_phases.run_http,
        "latency": bench_phases.run_latency,
        "amqp": bench_phases.run_amqp,
        "anchors": lambda ctx: run_anchors(ctx, odoo, databases[1], addons_path),
        "claims": bench_phases.run_claims,
    }
    for phase in PHASES:
        if phase in args.phases:
            with bench_phases.timed(phase):
                steps[phase](ctx)
    return machine


def run_anchors(ctx, odoo, database, addons_path):
    qj = bench_anchors.QueueJobDb(odoo, database)
    qj.setup()
    bench_anchors.run_queue_job(ctx, qj, addons_path)
    payloads = [json.dumps(p) for p in ctx.ours.payloads("noop", "raw", ctx.args.messages)]
    bench_anchors.run_raw(ctx, payloads)


def main():
    args = parse_args()
    logging.getLogger("pika").setLevel(logging.WARNING)
    bootstrap.ensure()
    _suite.require_postgres()
    stamp = time.strftime("%Y%m%d_%H%M%S")
    databases = (f"bench_{stamp}", f"bench_{stamp}_qj")
    args.amqp_queue = f"bench.{stamp}"
    extra = [_suite.ROOT / "setup" / "bench_addons"]
    if "anchors" in args.phases:
        extra.append(bench_anchors.queue_job_addons())
    addons_path = bench_server.suite_addons_path(*extra)
    report = Report()
    declare_figures(report, args.workers, args.history)
    machine = []
    try:
        machine = run(args, report, databases, addons_path)
    finally:
        if "odoo" in sys.modules:
            for database in databases:
                sys.modules["odoo"].modules.registry.Registry.delete(database)
                sys.modules["odoo"].sql_db.close_db(database)
        for database in databases:
            if args.keep:
                print(f"Kept {database}.", flush=True)
            else:
                bench_server.drop_database(database)
        report.print_table(machine)


if __name__ == "__main__":
    main()
