#!/usr/bin/env python3
"""What an initial load of a legacy item master costs: items per second through the suite
(enqueue, then the queue applies each item with its harmonization), beside Odoo's own CSV
import of the same rows (``base_import``: ``execute_import`` of a ``product.template`` CSV),
the anchor a consultant would use instead; and the peak memory of each.

Creates a fresh database ``bench_legacy_<time>`` with ``integration_legacy_erp``. For each
size, in separate processes so that memory figures are not mixed:

1. suite: a legacy ERP endpoint with its catalog's flows; the items are queued through
   ``enqueue_batch`` (500 per call, one commit each: what the HTTP batch API does), then the
   queue is worked the way the scheduled action does until every item is a product with its
   cross-reference. Each item is compared with the products Odoo already has (barcode,
   normalized internal reference, similar name in its category) before it is created.
2. import: the same rows as a CSV file through ``base_import.import.execute_import`` in one
   transaction, as the Import button does (no duplicate check, no cross-reference).

Items have distinct pseudo-word names in 50 categories, a barcode, a weight and a unit. Peak
memory is the process's resident set (VmHWM). The load average is printed: the machine may be
shared, and then every time is longer.

Usage: python3 setup/bench_legacy.py [--sizes 10000,100000] [--keep]
"""

import argparse
import csv
import io
import json
import os
import random
import time

import _suite
import bench_server
import bootstrap

MODULES = "integration_legacy_erp"
ENQUEUE_BATCH = 500
BARCODE_PREFIX = {"S": 2, "I": 5, "P": 7}  # the two measures' barcodes never collide
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "bo", "da", "fe", "gu", "hi"]
NOUNS = ["bolt", "plate", "tube", "bracket", "gear", "shaft", "valve", "spring", "bearing"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="items, comma-separated")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--time-budget",
        type=int,
        default=7200,
        help="seconds the queue may work per size (items left are counted, not timed)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    return parser.parse_args()


def items(size, prefix):
    """``size`` legacy items, the same for both measures but for their codes' ``prefix``."""
    rng = random.Random(size)
    rows = []
    for n in range(size):
        word = "".join(rng.choice(SYLLABLES) for _ in range(5)).capitalize()
        rows.append(
            {
                "code": f"{prefix}{n:07d}",
                "name": f"{word} {rng.choice(NOUNS)} {rng.randint(1, 99)}",
                "category": f"Legacy / Group {n % 50:02d}",
                "uom": "Units",
                "barcode": f"{BARCODE_PREFIX[prefix]}{n:012d}",
                "weight": round(rng.uniform(0.1, 50), 2),
            }
        )
    return rows


# ---------------------------------------------------------------------- child processes
def _environment(database):
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [f"--addons-path={_suite.addons_path()}", "-d", database, "--log-level=warn"]
    )
    return odoo, odoo.modules.registry.Registry(database)


def _rss_kib(name):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


def child_suite(database, size, time_budget):
    odoo, registry = _environment(database)
    code = f"BENCH{size}"
    rows = items(size, "S")
    figures = {"rss_before_mib": _rss_kib("VmRSS") / 1024}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        endpoint = env["integration.endpoint"].create(
            {"name": code, "code": code, "environment": "test", "system_type": "legacy_erp"}
        )
        entries = env["integration.catalog.entry"].search([("system_type", "=", "legacy_erp")])
        flows = env["integration.flow"].create([e._flow_values(endpoint) for e in entries])
        flows.write({"state": "active"})
        flow = flows.filtered(lambda f: f.code == "item")
        for xmlid in (
            "integration_core.ir_cron_process_queue",
            "integration_core.ir_cron_process_queue_2",
        ):
            env.ref(xmlid).active = False
        cr.commit()
        started = time.perf_counter()
        for start in range(0, size, ENQUEUE_BATCH):
            batch = rows[start : start + ENQUEUE_BATCH]
            env["integration.message"].enqueue_batch(
                flow,
                [
                    {"payload": dict(row, message_id=row["code"], sent_at="2026-12-07T05:00:00Z")}
                    for row in batch
                ],
            )
            cr.commit()
            env.invalidate_all()
        figures["enqueue_s"] = time.perf_counter() - started
        started = time.perf_counter()
        env["integration.queue.worker"]._work_queue(time_budget=time_budget)
        figures["process_s"] = time.perf_counter() - started
        cr.execute(
            "SELECT state, count(*) FROM integration_message WHERE flow_id = %s GROUP BY 1",
            [flow.id],
        )
        states = dict(cr.fetchall())
        cr.execute(
            "SELECT count(*) FROM integration_xref WHERE endpoint_id = %s AND model = %s",
            [endpoint.id, "product.product"],
        )
        figures.update(states=states, products=cr.fetchone()[0])
    figures["peak_rss_mib"] = _rss_kib("VmHWM") / 1024
    print(json.dumps(figures))


def child_import(database, size):
    odoo, registry = _environment(database)
    rows = items(size, "I")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["default_code", "name", "categ_id", "uom_id", "barcode", "weight"])
    for row in rows:
        writer.writerow(
            [row["code"], row["name"], row["category"], row["uom"], row["barcode"], row["weight"]]
        )
    columns = ["default_code", "name", "categ_id", "uom_id", "barcode", "weight"]
    figures = {"rss_before_mib": _rss_kib("VmRSS") / 1024}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        # The categories exist, as they would after the first file of a real import.
        Category = env["product.category"]
        for category in sorted({row["category"] for row in rows}):
            parent_name, _sep, name = category.partition(" / ")
            parent = Category.search([("name", "=", parent_name), ("parent_id", "=", False)])
            parent = parent or Category.create({"name": parent_name})
            if not Category.search([("name", "=", name), ("parent_id", "=", parent.id)]):
                Category.create({"name": name, "parent_id": parent.id})
        importer = env["base_import.import"].create(
            {
                "res_model": "product.template",
                "file": buffer.getvalue().encode(),
                "file_type": "text/csv",
                "file_name": "items.csv",
            }
        )
        cr.commit()
        started = time.perf_counter()
        result = importer.execute_import(
            columns,
            columns,
            {"quoting": '"', "separator": ",", "has_headers": True},
        )
        cr.commit()
        figures["import_s"] = time.perf_counter() - started
        figures["products"] = len(result.get("ids") or [])
        if figures["products"] != size:
            raise SystemExit(f"import refused: {result.get('messages', [])[:3]}")
    figures["peak_rss_mib"] = _rss_kib("VmHWM") / 1024
    print(json.dumps(figures))


# ---------------------------------------------------------------------- the benchmark
def _print_table(rows):
    print()
    print(
        f"Legacy item master, initial load (load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs)"
    )
    header = (
        f"{'items':>8} {'how':<34} {'seconds':>8} {'applied':>8} {'items/s':>8} {'products':>8} "
        f"{'peak RSS MiB':>12} {'RSS grew MiB':>12}"
    )
    print(header)
    print("-" * len(header))
    for size, how, seconds, count, row in rows:
        print(
            f"{size:>8,} {how:<34} {seconds:>8.1f} {count:>8,} {count / seconds:>8,.0f} "
            f"{row['products']:>8,} {row['peak_rss_mib']:>12.0f} "
            f"{row['peak_rss_mib'] - row['rss_before_mib']:>12.0f}"
        )


def main():
    args = parse_args()
    if args.child:
        step, database, size, budget = args.child
        if step == "suite":
            child_suite(database, int(size), int(budget))
        else:
            child_import(database, int(size))
        return
    bootstrap.ensure()
    _suite.require_postgres()
    database = f"bench_legacy_{time.strftime('%Y%m%d_%H%M%S')}"
    rows = []
    try:
        bench_server.create_database(database, _suite.addons_path(), MODULES)
        for size in (int(size) for size in args.sizes.split(",")):
            print(f"Measuring {size:,} items through the suite ...", flush=True)
            suite = bench_server.run_child(__file__, "suite", database, size, args.time_budget)
            done = suite["states"].get("done", 0)
            total = suite["enqueue_s"] + suite["process_s"]
            rows.append((size, "suite: enqueue", suite["enqueue_s"], size, suite))
            rows.append((size, "suite: enqueue + process", total, done, suite))
            print(f"  states {suite['states']}", flush=True)
            print(f"Measuring {size:,} items through base_import ...", flush=True)
            imported = bench_server.run_child(__file__, "import", database, size, 0)
            rows.append(
                (size, "Odoo CSV import (base_import)", imported["import_s"], size, imported)
            )
    finally:
        bench_server.drop_database(database, keep=args.keep)
        _print_table(rows)


if __name__ == "__main__":
    main()
