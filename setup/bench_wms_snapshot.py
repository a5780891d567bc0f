#!/usr/bin/env python3
"""What reconciling a WMS inventory snapshot costs: time and peak memory for snapshots of
10,000 and 100,000 lines, compared with as many quants of a warehouse.

The measure is ``bench_reconciliation.py``'s (same processes, same figures), on a fresh
database ``bench_wms_snapshot_<time>`` with ``integration_wms``. For each size, its own
warehouse (10 stock bins with barcodes) and WMS endpoint (made by the "Connect a system"
wizard, its ``inventory.snapshot`` flow active) get:

1. setup: that many storable products, each with a quant in one of the bins (by SQL, copied
   from a product and a quant made by the ORM), and a full snapshot of the warehouse queued
   through ``enqueue_batch`` as ``--chunk-lines`` lines per message (1 line in 100 differs,
   1 in 1,000 has no quant in Odoo, about as many quants are not in the snapshot);
2. measure: a fresh Odoo process works the queue the way the scheduled action does: the
   chunks before the last are read, their codes found and stored (store), the last one
   completes the snapshot, which is compared in SQL with Odoo's quants (compare); then a
   manager's approval of every difference (an inventory adjustment each) is timed.

Usage: python3 setup/bench_wms_snapshot.py [--sizes 10000,100000] [--chunk-lines 5000]
       [--claim-batch-size N] [--no-trace] [--keep]
"""

# A script: it prints its figures and commits what the measure needs.
# pylint: disable=print-used,invalid-commit
import argparse
import json
import subprocess
import time

import _suite
import bench_reconciliation
import bench_server
import bootstrap

MODULES = "integration_wms"
BINS = 10
SIDE = "sql"  # the WMS stock reconciler compares in SQL


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="snapshot lines, comma-separated")
    parser.add_argument("--chunk-lines", type=int, default=5000, help="lines per message")
    parser.add_argument(
        "--no-trace", action="store_true", help="skip the traced run (the Python heap's peak)"
    )
    parser.add_argument(
        "--claim-batch-size", type=int, help="messages per queue transaction (default: Odoo's)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    return parser.parse_args()


# ---------------------------------------------------------------------- child processes
def _copy_rows(cr, table, seed_id, values, source, params):
    """Insert a copy of row ``seed_id`` of ``table`` per row of ``source`` (what follows FROM,
    then WHERE or AND), with ``values`` ({column: SQL expression}) instead of the seed's."""
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    copied = [row[0] for row in cr.fetchall() if row[0] != "id" and row[0] not in values]
    columns = ", ".join([*values, *copied])
    selected = ", ".join([*values.values(), *(f"seed.{column}" for column in copied)])
    cr.execute(
        f"INSERT INTO {table} ({columns}) SELECT {selected} FROM {table} seed, {source}"
        " seed.id = %(seed)s",
        dict(params, seed=seed_id),
    )


def _warehouse(env, code):
    """A warehouse of its own for the measure ``code``, its bins and a WMS endpoint ``code``
    whose ``inventory.snapshot`` flow is active."""
    number = env["stock.warehouse"].search_count([]) + 1
    warehouse = env["stock.warehouse"].create({"name": f"Bench {code}", "code": f"BW{number}"})
    bins = env["stock.location"].create(
        [
            {
                "name": f"Bin {i}",
                "barcode": f"{code}-BIN{i}",
                "location_id": warehouse.lot_stock_id.id,
            }
            for i in range(BINS)
        ]
    )
    wizard = env["integration.connect"].create(
        {"system_type": "wms", "name": f"Bench {code}", "code": code}
    )
    endpoint, _key = wizard._connect()
    flow = endpoint.flow_ids.filtered(lambda f: f.code == "inventory.snapshot")
    flow.action_approve()
    flow.action_activate()
    return warehouse, bins, flow


def _stock(env, code, bins, count):
    """Products ``code-0`` .. ``code-<count - 1>``, each with a quant of ``n % 7 + 1`` in bin
    ``n % BINS``, except every 1,000th (``n % 1000 == 500``: no quant)."""
    seed = env["product.product"].create(
        {"name": f"{code}-seed", "default_code": f"{code}-seed", "is_storable": True}
    )
    env["stock.quant"]._update_available_quantity(seed, bins[0], 1)
    env.flush_all()
    cr = env.cr
    number = "split_part(t.code, '-', 2)::int"
    params = {"code": code, "count": count, "bins": bins.ids}
    _copy_rows(
        cr,
        "product_template",
        seed.product_tmpl_id.id,
        {"name": "jsonb_build_object('en_US', %(code)s || '-' || n)"},
        "generate_series(0, %(count)s - 1) AS n WHERE",
        params,
    )
    cr.execute(
        "CREATE TEMPORARY TABLE bench_template AS SELECT id, name->>'en_US' AS code"
        " FROM product_template WHERE split_part(name->>'en_US', '-', 1) = %s AND id <> %s",
        [code, seed.product_tmpl_id.id],
    )
    _copy_rows(
        cr,
        "product_product",
        seed.id,
        {"product_tmpl_id": "t.id", "default_code": "t.code"},
        "bench_template t WHERE",
        params,
    )
    quant = env["stock.quant"]._gather(seed, bins[0], strict=True)
    _copy_rows(
        cr,
        "stock_quant",
        quant.id,
        {
            "product_id": "p.id",
            "location_id": f"(%(bins)s::int[])[{number} %% {BINS} + 1]",
            "quantity": f"{number} %% 7 + 1",
        },
        "product_product p JOIN bench_template t ON t.id = p.product_tmpl_id"
        f" WHERE {number} %% 1000 <> 500 AND",
        params,
    )
    cr.execute("DELETE FROM stock_quant WHERE id = %s", [quant.id])  # only a model to copy
    env.invalidate_all()


def child_setup(database, code, size, chunk_lines):
    """Products, quants and the queued snapshot of ``size`` lines, for the measure ``code``."""
    odoo, registry = bench_reconciliation.odoo_environment(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        warehouse, bins, flow = _warehouse(env, code)
        _stock(env, code, bins, size + size // 1000)
        chunks = -(-size // chunk_lines)
        items = []
        for chunk in range(chunks):
            lines = [
                {
                    "product": f"{code}-{n}",
                    "location": f"{code}-BIN{n % BINS}",
                    "quantity": n % 7 + 1 + (1 if n % 100 == 7 else 0),
                }
                for n in range(chunk * chunk_lines, min(size, (chunk + 1) * chunk_lines))
            ]
            items.append(
                {
                    "payload": {
                        "message_id": f"{code}-{chunk + 1}",
                        "message_type": "inventory.snapshot",
                        "snapshot_id": f"SNAP-{code}",
                        "warehouse": warehouse.code,
                        "scope": "full",
                        "as_of": bench_reconciliation.AS_OF,
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
        bench_reconciliation.stop_queue_crons(env)
        cr.commit()
    print(json.dumps({"chunks": chunks}))


# ---------------------------------------------------------------------- the benchmark
def _set_claim_batch_size(database, size):
    subprocess.run(
        [
            "psql",
            "-q",
            "-d",
            database,
            "-c",
            "INSERT INTO ir_config_parameter (key, value)"
            f" VALUES ('integration.claim_batch_size', '{int(size)}')",
        ],
        check=True,
    )


def main():
    args = parse_args()
    if args.child:
        step, database, code, size, _side, extra = args.child
        if step == "setup":
            child_setup(database, code, int(size), int(extra))
        else:
            bench_reconciliation.child_measure(database, code, trace=extra == "trace")
        return
    bootstrap.ensure()
    _suite.require_postgres()
    database = f"bench_wms_snapshot_{time.strftime('%Y%m%d_%H%M%S')}"
    rows = []
    try:
        bench_reconciliation.create_database(database, MODULES)
        if args.claim_batch_size:
            _set_claim_batch_size(database, args.claim_batch_size)
        for size in (int(size) for size in args.sizes.split(",")):
            print(f"Measuring a snapshot of {size:,} lines ...", flush=True)
            figures = bench_reconciliation.measure(
                database, size, SIDE, args.chunk_lines, script=__file__, trace=not args.no_trace
            )
            rows.append((size, SIDE, figures))
    finally:
        bench_server.drop_database(database, keep=args.keep)
        bench_reconciliation.print_table(rows, args.chunk_lines, "WMS inventory snapshots")


if __name__ == "__main__":
    main()
