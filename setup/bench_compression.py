#!/usr/bin/env python3
"""What gzip saves and costs on the MES message set: bytes, CPU per message, HTTP enqueue rate.

The message set is the plant MES simulator's own (``integration_mes/simulator``): per work order
one ``work_order.release`` (3 operations, 4 components with their lots), 4
``production.performance`` results, 3 ``equipment.event`` and 2 ``quality.result``, for
``--work-orders`` work orders. Printed:

1. bytes raw and gzip per message type (median of its messages), and per request for batches of
   1, 10 and 100 messages of the mix (``{"messages": [...]}``), as the HTTP API receives them;
2. CPU per message (process time, median of ``--repeat``) to compress
   (``lib.compression.compress``, what outbound compression does) and to inflate
   (``lib.compression.inflate`` under the 5 MiB limit, what the inbound side does);
3. the HTTP enqueue rate of a real Odoo 18 server (threaded, no cron worker, a fresh database
   with ``integration_core``) with and without ``Content-Encoding: gzip``, 1 and 100 messages
   per request, from a load generator in a second process over loopback (medians of
   ``--repeat``), with the server's CPU time per message.

Usage: python3 setup/bench_compression.py [--quick] [--repeat 3] [--no-http] [--keep]
"""

import argparse
import gzip
import json
import logging
import os
import statistics
import sys
import time

import _suite
import bench_load
import bench_ours
import bench_server
import bootstrap
import psutil

sys.path.insert(0, str(_suite.ROOT / "integration_mes"))
from simulator.plant import Plant  # the simulator is plain Python, beside the addon

BATCHES = (1, 10, 100)
HTTP_THREADS = 4
WARM_UP = 50  # requests of each kind before measuring
MIX = ("work_order.release", "production.performance", "equipment.event", "quality.result")
MAX_BYTES = 5 * 1024 * 1024


# ---------------------------------------------------------------------- the message set
def release(n):
    """A ``work_order.release`` as Odoo sends it (see integration_mes/readme/USAGE.md)."""
    reference = f"WH/MO/{n:05d}"
    return {
        "message_id": f"odoo:{reference}:1",
        "message_type": "work_order.release",
        "sent_at": "2025-03-03T06:00:00Z",
        "work_order": reference,
        "sequence": 1,
        "product": {"code": "GX-40", "name": "Gearbox GX-40", "revision": "REV-C"},
        "quantity": 40,
        "quantity_produced": 0,
        "uom": "Units",
        "planned_start": "2025-03-03T06:00:00Z",
        "planned_end": "2025-03-03T14:30:00Z",
        "priority": n % 2,
        "warehouse": "WH",
        "operations": [
            {
                "operation_id": str(3 * n + step),
                "sequence": step + 1,
                "name": name,
                "work_center": center,
                "duration_minutes": minutes,
            }
            for step, (name, center, minutes) in enumerate(
                [("Machine housing", "CNC2", 90), ("Assemble", "ASM1", 150), ("Test", "TST1", 45)]
            )
        ],
        "components": [
            {
                "product": code,
                "quantity": quantity,
                "uom": "Units",
                "lots": [{"lot": f"{code[-4:]}-{2200 + n}", "quantity": quantity}],
            }
            for code, quantity in [
                ("GX-HSG", 40),
                ("GX-GEAR", 80),
                ("GX-SHAFT", 40),
                ("GX-SEAL", 160),
            ]
        ],
    }


def mes_messages(work_orders):
    """The realistic mix, in the order a plant would send it."""
    plant = Plant("PLANT2-MES")
    messages = []
    for n in range(work_orders):
        order = release(n)
        plant.receive(order)
        messages.append(order)
        reference = order["work_order"]
        messages.append(plant.equipment_event("CNC2", "running"))
        for run in range(4):
            lot = f"GX-{n:04d}-{run}"
            scrap = [{"product": "GX-HSG", "quantity": 1, "uom": "Units", "reason": "Porosity"}]
            messages.append(
                plant.performance(reference, 10, lot=lot, final=run == 3, scrap=scrap[: run % 2])
            )
            if run % 2:
                messages.append(
                    plant.quality_result(lot, "torque", 41.7 + run, "Nm", True, reference, "GX-40")
                )
        messages.append(plant.equipment_event("ASM1", "down", reason="Tool change"))
        messages.append(plant.equipment_event("ASM1", "running"))
    return messages


def encode(messages):
    """The HTTP body of ``messages``: one object, or a batch."""
    body = messages[0] if len(messages) == 1 else {"messages": messages}
    return json.dumps(body).encode()


def batches(messages, size):
    return [messages[start : start + size] for start in range(0, len(messages) - size + 1, size)]


# ---------------------------------------------------------------------- bytes and CPU
def cpu_per_call(function, items, repeat):
    """Median process seconds per item of calling ``function`` on each of ``items``."""
    runs = []
    for _run in range(repeat):
        started = time.process_time()
        for item in items:
            function(item)
        runs.append((time.process_time() - started) / len(items))
    return statistics.median(runs)


def measure_offline(compression, messages, repeat):
    """Rows of (label, messages per request, raw bytes, gzip bytes, gzip -9 bytes,
    compress us/message, inflate us/message)."""
    groups = [(kind, [[m] for m in messages if m["message_type"] == kind]) for kind in MIX]
    groups += [(f"batch of {size} (mix)", batches(messages, size)) for size in BATCHES]
    rows = []
    for label, requests in groups:
        bodies = [encode(request) for request in requests]
        compressed = [compression.compress(body) for body in bodies]
        best = [gzip.compress(body, compresslevel=9, mtime=0) for body in bodies]
        per_request = len(requests[0])
        compress_s = cpu_per_call(compression.compress, bodies, repeat)
        inflate_s = cpu_per_call(
            lambda data: compression.inflate(compression.chunks(data), "gzip", MAX_BYTES),
            compressed,
            repeat,
        )
        rows.append(
            (
                label,
                per_request,
                statistics.median(map(len, bodies)),
                statistics.median(map(len, compressed)),
                statistics.median(map(len, best)),
                compress_s / per_request * 1e6,
                inflate_s / per_request * 1e6,
            )
        )
    return rows


def print_offline(rows, count):
    print(f"\nMES message set: {count} messages (medians per request)\n")
    header = (
        f"{'messages':<28} {'per req':>7} {'raw B':>8} {'gzip B':>8} {'-9 B':>8} "
        f"{'saved':>6} {'compress':>9} {'inflate':>9}"
    )
    print(header)
    print(f"{'':<28} {'':>7} {'':>8} {'':>8} {'':>8} {'':>6} {'us/msg':>9} {'us/msg':>9}")
    print("-" * len(header))
    for label, per, raw, packed, best, compress_us, inflate_us in rows:
        saved = 100 * (1 - packed / raw)
        print(
            f"{label:<28} {per:>7} {raw:>8,.0f} {packed:>8,.0f} {best:>8,.0f} {saved:>5.0f}% "
            f"{compress_us:>9.1f} {inflate_us:>9.1f}"
        )


# ---------------------------------------------------------------------- HTTP
def http_bodies(compression, messages, per_request, requests, tag, gzipped):
    """``requests`` bodies of ``per_request`` messages of the mix, each with a new message id."""
    bodies = []
    for number in range(requests):
        start = number * per_request
        chosen = [
            dict(messages[(start + n) % len(messages)], message_id=f"{tag}-{start + n}")
            for n in range(per_request)
        ]
        body = encode(chosen)
        bodies.append(compression.compress(body) if gzipped else body)
    return bodies


def post_all(url, api_key, bodies, gzipped, time_limit):
    """Post ``bodies`` from a load generator in a second process; its outcome or None."""
    headers = {"Content-Encoding": "gzip"} if gzipped else {}
    return bench_load.run_in_process(
        bench_load.prebuilt,
        url,
        api_key,
        bodies,
        headers,
        HTTP_THREADS,
        time_limit,
        time_limit=time_limit,
    )


def measure_http(args, compression, messages, database, addons_path):
    """{(per_request, gzipped): [(messages/s, server CPU ms/message, wire bytes/request)]}."""
    odoo = bench_ours.configure_odoo(addons_path)
    ours = bench_ours.OurQueue(odoo, database)
    api_key = ours.setup("amqp://127.0.0.1:5672/%2F", "bench.compression.unused")
    url = f"http://127.0.0.1:{args.port}/integration/v1/BENCH/noop"
    results = {}
    with bench_server.OdooServer(database, args.port, addons_path) as server:
        process = psutil.Process(server.process.pid)
        for gzipped in (False, True):  # warm-up: the first requests load the registry
            bodies = http_bodies(compression, messages, 10, WARM_UP, f"warm-{gzipped}", gzipped)
            post_all(url, api_key, bodies, gzipped, args.time_limit)
        for rep in range(args.repeat):
            for per_request, requests in ((1, args.single), (100, args.batched)):
                for gzipped in (False, True):
                    tag = f"r{rep}-{per_request}-{'gz' if gzipped else 'raw'}"
                    bodies = http_bodies(compression, messages, per_request, requests, tag, gzipped)
                    cpu_before = sum(process.cpu_times()[:2])
                    outcome = post_all(url, api_key, bodies, gzipped, args.time_limit)
                    cpu = sum(process.cpu_times()[:2]) - cpu_before
                    if outcome is None:
                        print(f"{tag}: the load generator hung", flush=True)
                        continue
                    elapsed, made, accepted, statuses = outcome
                    if accepted != made:
                        print(f"{tag}: answers {statuses}", flush=True)
                    sent = accepted * per_request
                    wire = statistics.median(map(len, bodies))
                    results.setdefault((per_request, gzipped), []).append(
                        (sent / elapsed, 1000 * cpu / max(sent, 1), wire)
                    )
                    ours.cancel_unfinished()
        errors = server.errors()
        if errors:
            print(f"{len(errors)} ERROR lines in the server log, first: {errors[0]}")
    return results


def print_http(results, repeat):
    print(f"\nHTTP enqueue, {HTTP_THREADS} client threads, medians of {repeat} (min-max)\n")
    header = (
        f"{'messages/request':<18} {'body':<6} {'wire B/req':>10} {'msg/s':>8} "
        f"{'(min-max)':>15} {'server CPU ms/msg':>18}"
    )
    print(header)
    print("-" * len(header))
    for (per_request, gzipped), runs in sorted(results.items()):
        rates = [rate for rate, _cpu, _wire in runs]
        cpu = statistics.median(cpu for _rate, cpu, _wire in runs)
        spread = f"({min(rates):,.0f}-{max(rates):,.0f})"
        print(
            f"{per_request:<18} {'gzip' if gzipped else 'raw':<6} {runs[0][2]:>10,.0f} "
            f"{statistics.median(rates):>8,.0f} {spread:>15} {cpu:>18.2f}"
        )


# ---------------------------------------------------------------------- main
def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per figure")
    parser.add_argument("--work-orders", type=int, default=100, help="size of the message set")
    parser.add_argument("--single", type=int, help="requests of 1 message (default 1,000)")
    parser.add_argument("--batched", type=int, help="requests of 100 messages (default 100)")
    parser.add_argument("--no-http", action="store_true", help="bytes and CPU only, no server")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per run at most")
    parser.add_argument("--port", type=int, default=18479)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    args.single = args.single or (200 if args.quick else 1000)
    args.batched = args.batched or (20 if args.quick else 100)
    if args.quick:
        args.work_orders = min(args.work_orders, 20)
    return args


def main():
    args = parse_args()
    logging.getLogger("pika").setLevel(logging.WARNING)
    bootstrap.ensure()
    addons_path = bench_server.suite_addons_path(_suite.ROOT / "setup" / "bench_addons")
    odoo = bench_ours.configure_odoo(addons_path)
    from odoo.addons.integration_core.lib import compression  # noqa: PLC0415 - after the path

    messages = mes_messages(args.work_orders)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"nproc {len(os.sched_getaffinity(0))}, load avg {load}, Odoo {odoo.release.version}")
    print_offline(measure_offline(compression, messages, args.repeat), len(messages))
    if args.no_http:
        return
    _suite.require_postgres()
    database = f"bench_gzip_{time.strftime('%Y%m%d_%H%M%S')}"
    bench_server.create_database(database, addons_path, "integration_core,bench_integration")
    try:
        results = measure_http(args, compression, messages, database, addons_path)
    finally:
        odoo.modules.registry.Registry.delete(database)
        odoo.sql_db.close_db(database)
        if args.keep:
            print(f"Kept {database}.")
        else:
            bench_server.drop_database(database)
    print_http(results, args.repeat)


if __name__ == "__main__":
    main()
