#!/usr/bin/env python3
"""How fast WMS confirmations are applied: receipts and shipments per second, by one and two
cron workers, beside a plain ORM script with one transaction per confirmation (the anchor).

Creates a fresh database ``bench_wms_<time>`` with ``integration_wms``, a WMS endpoint with
its catalog flows, a routing rule and one product in stock. For each measure, a child process
makes ``--count`` receipts (one line of 10 units) and as many deliveries (one line of 5 units),
released to the WMS (the outbound flows are off: no sending is measured). Then:

1. queue, 1 and 2 workers: ``--count`` receipt confirmations and as many shipment
   confirmations (one package each) are queued through ``enqueue_batch``, then a real Odoo
   server with ``--max-cron-threads`` 1 or 2 works them; the time runs from the first message
   taken to the last one finished (polled in the database);
2. anchor: a script validates as many receipts and deliveries with the same quantities through
   the ORM, as a developer would write it instead (move lines, ``button_validate``), committing
   after each one.

Every confirmation is checked applied (its transfer done) before its figure is printed. The
load average is printed: the machine may be shared, and then every figure is lower.

Usage: python3 setup/bench_wms.py [--count 200] [--keep]
"""

import argparse
import json
import os
import time

import _suite
import bench_server
import bootstrap
import psycopg2

REMAINING = (
    "SELECT count(*) FROM integration_message WHERE direction = 'inbound'"
    " AND state IN ('pending', 'processing')"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="receipts (and deliveries) each")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


# ---------------------------------------------------------------------- child processes
def _environment(database):
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [f"--addons-path={_suite.addons_path()}", "-d", database, "--log-level=warn"]
    )
    return odoo, odoo.modules.registry.Registry(database)


def _warehouse(env):
    """The bench's WMS, rule and product, made on first use."""
    endpoint = env["integration.endpoint"].search([("code", "=", "BENCH_WMS")])
    if not endpoint:
        wizard = env["integration.connect"].create(
            {"system_type": "wms", "name": "Bench WMS", "code": "BENCH_WMS"}
        )
        endpoint, _key = wizard._connect()
        inbound = endpoint.flow_ids.filtered(lambda f: f.direction == "inbound")
        inbound.action_approve()
        inbound.action_activate()
        warehouse = env.ref("stock.warehouse0")
        env["integration.wms.route"].create(
            {"endpoint_id": endpoint.id, "warehouse_id": warehouse.id}
        )
        product = env["product.product"].create(
            {"name": "Bench bolt", "default_code": "BENCH-BOLT", "is_storable": True}
        )
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10**7)
    product = env["product.product"].search([("default_code", "=", "BENCH-BOLT")])
    return endpoint, env.ref("stock.warehouse0"), product


def _transfers(env, warehouse, product, count):
    """``count`` receipts of 10 and deliveries of 5, confirmed and ready."""
    Picking = env["stock.picking"].with_context(tracking_disable=True)
    pickings = Picking
    for picking_type, quantity in ((warehouse.in_type_id, 10), (warehouse.out_type_id, 5)):
        pickings |= Picking.create(
            [
                {
                    "picking_type_id": picking_type.id,
                    "location_id": picking_type.default_location_src_id.id
                    or env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": picking_type.default_location_dest_id.id
                    or env.ref("stock.stock_location_customers").id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "product_uom": product.uom_id.id,
                            },
                        )
                    ],
                }
                for _number in range(count)
            ]
        )
    pickings.action_confirm()
    return pickings


def child_queue(database, count):
    """Make the transfers and queue one confirmation each; their names."""
    _odoo, registry = _environment(database)
    with registry.cursor() as cr:
        env = _odoo.api.Environment(cr, _odoo.SUPERUSER_ID, {})
        endpoint, warehouse, product = _warehouse(env)
        pickings = _transfers(env, warehouse, product, count)
        flows = {flow.code: flow for flow in endpoint.flow_ids}
        for kind, code in (("incoming", "receipt"), ("outgoing", "shipment")):
            batch = []
            for picking in pickings.filtered(lambda p, k=kind: p.picking_type_code == k):
                line = {"product": "BENCH-BOLT", "quantity": picking.move_ids.product_uom_qty}
                if code == "shipment":
                    line["package"] = f"SSCC-{picking.id:014d}"
                batch.append(
                    {
                        "payload": {
                            "message_id": f"bench:{picking.wms_transfer}",
                            "message_type": f"{code}.confirmation",
                            "transfer": picking.wms_transfer,
                            "sequence": 1,
                            "lines": [line],
                        }
                    }
                )
            env["integration.message"].enqueue_batch(flows[f"{code}.confirmation"], batch)
        print(json.dumps({"pickings": pickings.ids}))


def child_anchor(database, count):
    """The same validations as a plain ORM script, one transaction per transfer."""
    _odoo, registry = _environment(database)
    with registry.cursor() as cr:
        env = _odoo.api.Environment(cr, _odoo.SUPERUSER_ID, {})
        _endpoint, warehouse, product = _warehouse(env)
        pickings = _transfers(env, warehouse, product, count)
        cr.commit()
        started = time.perf_counter()
        for picking in pickings:
            move = picking.move_ids
            move.move_line_ids.unlink()
            values = {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": product.id,
                "product_uom_id": move.product_uom.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "quantity": move.product_uom_qty,
                "picked": True,
            }
            if picking.picking_type_code == "outgoing":
                package = env["stock.quant.package"].create({"name": f"SSCC-{picking.id:014d}"})
                values["result_package_id"] = package.id
            env["stock.move.line"].create(values)
            move.picked = True
            picking.with_context(skip_backorder=True).button_validate()
            cr.commit()
        seconds = time.perf_counter() - started
        done = len(pickings.filtered(lambda p: p.state == "done"))
        print(json.dumps({"seconds": seconds, "done": done, "total": len(pickings)}))


# ---------------------------------------------------------------------- measures
def _done(database, ids):
    connection = psycopg2.connect(dbname=database)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT count(*) FROM stock_picking WHERE state = 'done' AND id = ANY(%s)", [ids]
        )
        return cursor.fetchone()[0]
    finally:
        connection.close()


def measure_queue(database, count, workers):
    ids = bench_server.run_child(__file__, "queue", database, count)["pickings"]
    port = _suite.free_port()
    addons = bench_server.suite_addons_path()
    with bench_server.OdooServer(database, port, addons, cron_workers=workers) as server:
        seconds, processed = bench_server.time_drain(
            database, REMAINING, 2 * count, time_limit=1800
        )
        errors = server.errors()
    done = _done(database, ids)
    if done != len(ids):
        raise SystemExit(f"{done} of {len(ids)} transfers done; errors: {errors[:3]}")
    # Two workers validating transfers of one product update the same quant: PostgreSQL
    # refuses one of the two updates, and the queue retries that message (counted here).
    conflicts = sum("could not serialize access" in line for line in _log_lines(server))
    return {"seconds": seconds, "done": processed, "retries": conflicts}


def _log_lines(server):
    with open(server.log.name, encoding="utf-8") as log:
        return log.readlines()


def main():
    args = parse_args()
    if args.child:
        name, database, count = args.child
        {"queue": child_queue, "anchor": child_anchor}[name](database, int(count))
        return
    bootstrap.ensure()
    _suite.require_postgres()
    database = f"bench_wms_{time.strftime('%Y%m%d_%H%M%S')}"
    bench_server.create_database(database, bench_server.suite_addons_path(), "integration_wms")
    try:
        rows = []
        for workers in (1, 2):
            figures = measure_queue(database, args.count, workers)
            rows.append((f"queue, {workers} cron worker(s)", figures))
        rows.append(
            (
                "anchor: ORM script, 1 transaction each",
                bench_server.run_child(__file__, "anchor", database, args.count),
            )
        )
        print(f"\nLoad average: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
        print(f"{args.count} receipt and {args.count} shipment confirmations per measure")
        print(f"{'measure':42} {'seconds':>8} {'applied':>8} {'per second':>11} {'retries':>8}")
        for name, figures in rows:
            applied = figures["done"]
            rate = applied / figures["seconds"] if figures["seconds"] else 0.0
            retries = figures.get("retries", "-")
            print(f"{name:42} {figures['seconds']:8.1f} {applied:8d} {rate:11.1f} {retries:>8}")
    finally:
        bench_server.drop_database(database, keep=args.keep)


if __name__ == "__main__":
    main()
