#!/usr/bin/env python3
"""What a reconciliation run costs: time and peak memory for statements of 10,000 and 100,000
lines, compared with as many records of Odoo's side.

Creates a fresh database ``bench_recon_<time>`` with ``integration_core`` and the test-only
connector ``integration_kit_example`` (its bins reconciler). For each size, in separate
processes so that memory figures are not mixed:

1. setup: that many bins (Odoo's side, by SQL) and the statement queued through
   ``enqueue_batch`` as ``--chunk-lines`` lines per message (1 line in 100 differs, 1 in 1,000
   is missing in Odoo, 1 in 1,000 missing in the statement);
2. measure: a fresh Odoo process works the queue the way the scheduled action does: the
   chunks before the last are stored (ingest), the last one completes the statement and is
   compared (compare, in SQL or with Odoo's side streamed: ``--odoo-side``); then a manager's
   approval of every difference is timed. Peak memory is the process's resident set (VmHWM)
   and what it grew by during the measure (whole, and up to the comparison's end), next to
   the Python heap's peak (tracemalloc, run once more for that figure alone, since tracing
   slows Python down).

The load average is printed: the machine may be shared, and then every time is longer.

Usage: python3 setup/bench_reconciliation.py [--sizes 10000,100000] [--chunk-lines 5000]
       [--odoo-side sql|stream|both] [--keep]
"""

import argparse
import json
import os
import time

import _suite
import bench_server
import bootstrap

REFERENCE_MODULES = "integration_core,integration_kit_example"
RECONCILERS = {
    "sql": "integration.kit.example.reconciler",
    "stream": "integration.kit.example.stream.reconciler",
}
AS_OF = "2026-12-07T06:00:00Z"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="statement lines, comma-separated")
    parser.add_argument("--chunk-lines", type=int, default=5000, help="lines per message")
    parser.add_argument("--odoo-side", choices=("sql", "stream", "both"), default="both")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    return parser.parse_args()


# ---------------------------------------------------------------------- child processes
def odoo_environment(database):
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            f"--addons-path={_suite.addons_path(with_test_addons=True)}",
            "-d",
            database,
            "--log-level=warn",
        ]
    )
    registry = odoo.modules.registry.Registry(database)
    return odoo, registry


def _rss_kib(name):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def stop_queue_crons(env):
    """Only the measuring process works the queue."""
    for xmlid in (
        "integration_core.ir_cron_process_queue",
        "integration_core.ir_cron_process_queue_2",
    ):
        env.ref(xmlid).active = False


def child_setup(database, code, size, side, chunk_lines):
    """Bins and the queued statement of ``size`` lines, on an endpoint and company ``code``."""
    odoo, registry = odoo_environment(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        # Other companies' bins are not compared: each measure has a company of its own.
        company = env["res.company"].create({"name": f"Bench {code}"})
        endpoint = env["integration.endpoint"].create(
            {"name": code, "code": code, "environment": "test", "company_id": company.id}
        )
        flow = env["integration.flow"].create(
            {
                "name": "Bin statements",
                "code": "bin.statement",
                "endpoint_id": endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.example.bin.statement",
                "reconciler": RECONCILERS[side],
                "state": "active",
            }
        )
        # Odoo's side: bins 0..size-1 except every 1,000th (missing in Odoo), plus about as
        # many that the statement lacks.
        cr.execute(
            "INSERT INTO integration_kit_example_bin (code, quantity, unit_value, company_id)"
            " SELECT 'K' || n, n %% 7, 1.5, %s FROM generate_series(0, %s) AS n"
            " WHERE n %% 1000 <> 500",
            [company.id, size - 1 + size // 1000],
        )
        chunks = -(-size // chunk_lines)
        items = []
        for chunk in range(chunks):
            lines = []
            for n in range(chunk * chunk_lines, min(size, (chunk + 1) * chunk_lines)):
                lines.append({"bin": f"K{n}", "quantity": n % 7 + (1 if n % 100 == 7 else 0)})
            items.append(
                {
                    "payload": {
                        "message_id": f"{code}-{chunk + 1}",
                        "statement_id": f"ST-{code}",
                        "site": "S1",
                        "scope": "full",
                        "as_of": AS_OF,
                        "chunk": chunk + 1,
                        "chunks": chunks,
                        "lines": lines,
                    }
                }
            )
            if len(items) == 10:
                env["integration.message"].enqueue_batch(flow, items)
                items = []
        if items:
            env["integration.message"].enqueue_batch(flow, items)
        stop_queue_crons(env)
        cr.commit()
    print(json.dumps({"chunks": chunks}))


def child_measure(database, code, trace):
    """Work the queue (ingest, then the last chunk and the comparison), then approve."""
    odoo, registry = odoo_environment(database)
    if trace:
        import tracemalloc  # noqa: PLC0415

        tracemalloc.start()
    figures = {"rss_before_mib": _rss_kib("VmRSS") / 1024}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        flow = env["integration.flow"].search(
            [("endpoint_id.code", "=", code), ("reconciler", "!=", False)]
        )
        messages = env["integration.message"].search([("flow_id", "=", flow.id)], order="id")
        worker = env["integration.queue.worker"]
        last = messages[-1]
        cr.execute(
            "UPDATE integration_message SET next_attempt_at = (now() AT TIME ZONE 'UTC')"
            " + interval '1 day' WHERE id = %s",
            [last.id],
        )
        cr.commit()
        started = time.perf_counter()
        worker._work_queue(time_budget=3600)
        figures["ingest_s"] = time.perf_counter() - started
        cr.execute(
            "UPDATE integration_message SET next_attempt_at = (now() AT TIME ZONE 'UTC')"
            " - interval '1 second' WHERE id = %s",
            [last.id],
        )
        cr.commit()
        started = time.perf_counter()
        worker._work_queue(time_budget=3600)
        figures["compare_s"] = time.perf_counter() - started
        figures["compared_rss_mib"] = _rss_kib("VmHWM") / 1024
        env.invalidate_all()
        run = env["integration.reconciliation.run"].search([("flow_id", "=", flow.id)])
        states = set(messages.mapped("state"))
        if states != {"done"} or run.state != "to_review":
            raise SystemExit(f"run not compared: messages {states}, run {run.state}")
        figures.update(
            lines=run.line_count,
            differences=run.line_count - run.matched_count,
            matched_rate=run.matched_rate,
        )
        started = time.perf_counter()
        run._approve_lines(run.difference_ids)
        cr.commit()
        figures["approve_s"] = time.perf_counter() - started
        if run.open_count:
            raise SystemExit(f"{run.open_count} differences left after approval")
    figures["peak_rss_mib"] = _rss_kib("VmHWM") / 1024
    if trace:
        figures["python_peak_mib"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    print(json.dumps(figures))


# ---------------------------------------------------------------------- the benchmark
def create_database(database, modules=REFERENCE_MODULES):
    bench_server.create_database(database, _suite.addons_path(with_test_addons=True), modules)


def measure(database, size, side, chunk_lines, script=__file__, trace=True):
    """The figures of one size: timed, then (``trace``) again traced (its own data) for the
    heap's peak. ``script`` makes the data (``--child setup``) and measures (``--child
    measure``)."""
    figures = {}
    for tag in ("time", "trace") if trace else ("time",):
        code = f"B{size}_{side}_{tag}"
        setup = bench_server.run_child(script, "setup", database, code, size, side, chunk_lines)
        measured = bench_server.run_child(script, "measure", database, code, size, side, tag)
        if tag == "time":
            figures = dict(measured, chunks=setup["chunks"])
        else:
            figures["python_peak_mib"] = measured["python_peak_mib"]
    return figures


def print_table(rows, chunk_lines, title="Reconciliation runs"):
    print()
    print(
        f"{title} ({chunk_lines:,} lines per message; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs)"
    )
    header = (
        f"{'lines':>9} {'odoo side':>9} {'chunks':>6} {'ingest s':>9} {'compare s':>9} "
        f"{'total s':>8} {'lines/s':>8} {'approve s':>9} {'differences':>11} "
        f"{'peak RSS MiB':>12} {'RSS grew MiB':>12} {'by compare':>10} {'Python peak MiB':>15}"
    )
    print(header)
    print("-" * len(header))
    for size, side, row in rows:
        total = row["ingest_s"] + row["compare_s"]
        python_peak = row.get("python_peak_mib", float("nan"))  # nan: not traced
        print(
            f"{size:>9,} {side:>9} {row['chunks']:>6} {row['ingest_s']:>9.2f} "
            f"{row['compare_s']:>9.2f} {total:>8.2f} {size / total:>8,.0f} "
            f"{row['approve_s']:>9.2f} {row['differences']:>11,} {row['peak_rss_mib']:>12.0f} "
            f"{row['peak_rss_mib'] - row['rss_before_mib']:>12.0f} "
            f"{row['compared_rss_mib'] - row['rss_before_mib']:>10.0f} {python_peak:>15.1f}"
        )


def main():
    args = parse_args()
    if args.child:
        step, database, code, size, side, extra = args.child
        if step == "setup":
            child_setup(database, code, int(size), side, int(extra))
        else:
            child_measure(database, code, trace=extra == "trace")
        return
    bootstrap.ensure()
    _suite.require_postgres()
    database = f"bench_recon_{time.strftime('%Y%m%d_%H%M%S')}"
    sides = ("sql", "stream") if args.odoo_side == "both" else (args.odoo_side,)
    rows = []
    try:
        create_database(database)
        for size in (int(size) for size in args.sizes.split(",")):
            for side in sides:
                print(f"Measuring {size:,} lines, Odoo's side as {side} ...", flush=True)
                rows.append((size, side, measure(database, size, side, args.chunk_lines)))
    finally:
        bench_server.drop_database(database, keep=args.keep)
        print_table(rows, args.chunk_lines)


if __name__ == "__main__":
    main()
