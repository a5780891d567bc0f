#!/usr/bin/env python3
"""Rows per second and peak memory of a 100,000-row legacy CSV loaded into messages.

Creates a throw-away database with ``integration_core``, writes an item extract in the legacy
dialect (Windows-1252, ``;``, decimal comma) with ``setup/legacy_simulator.py``, and in
``odoo shell`` loads it twice into a flow with the no-op handler: as an initial load (batches
of ``--batch`` rows, each committed with its checkpoint) and as a file dropped in ``in/``
(chunks of 500). Prints rows per second (messages created, not yet processed) and the peak
memory of the process above what it used before the load: a streaming load stays flat
whatever the file's size. Drops the database unless ``--keep``. Not part of the test run.

Usage: python3 setup/bench_initial_load.py [--rows 100000] [--batch 2000] [--keep]
"""

import argparse
import os
import shutil
import subprocess
import tempfile
import time

import _suite
import bench_server
import bootstrap
import legacy_simulator

MEASURE = """
import os, resource, shutil, time
from pathlib import Path
env = env(context=dict(env.context, tracking_disable=True))
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
root = Path({root!r})
endpoint = env["integration.endpoint"].create({{"name": "Legacy ERP", "code": "BENCH_LEGACY",
    "environment": "test", "transport": "file", "file_root": str(root)}})
columns = [("ITEMNO", "default_code", "text", True), ("DESCR", "name", "text", True),
    ("UOM", "uom", "text", False), ("ITEMGRP", "category", "text", False),
    ("EAN", "barcode", "text", False), ("WEIGHT", "weight", "decimal", False),
    ("PRICE", "list_price", "decimal", True), ("UPDATED_AT", "updated_at", "text", False)]
fmt = env["integration.file.format"].create({{"name": "Legacy items", "encoding": "cp1252",
    "delimiter": ";", "decimal_comma": True, "row_policy": "good_rows",
    "column_ids": [(0, 0, {{"source": s, "key": k, "value_type": t, "required": r}})
                   for s, k, t, r in columns]}})
# The file drop on an endpoint of its own: on the same one, the rows would be the initial
# load's messages again (same file, same keys) and nothing would be created.
drop_endpoint = env["integration.endpoint"].create({{"name": "Legacy ERP drop",
    "code": "BENCH_DROP", "environment": "test", "transport": "file",
    "file_root": str(root / "drop")}})
flows = {{}}
for code, on in (("items", endpoint), ("items.drop", drop_endpoint)):
    flows[code] = env["integration.flow"].create({{"name": code, "code": code,
        "endpoint_id": on.id, "direction": "inbound", "handler": "integration.handler.noop",
        "state": "active", "file_format_id": fmt.id}})
load = env["integration.initial.load"].create({{"flow_id": flows["items"].id,
    "file_path": {extract!r}, "batch_rows": {batch}}})
load.action_start()
env.cr.commit()
before = peak_mb()
started = time.monotonic()
while load.state == "running":
    load._run_batch()
    env.cr.commit()  # a new snapshot: see the state the batch committed
elapsed = time.monotonic() - started
print("FIGURE initial_load_rows", load.rows_read)
print("FIGURE initial_load_messages", load.messages_created)
print("FIGURE initial_load_s", round(elapsed, 1))
print("FIGURE initial_load_rows_per_s", round(load.rows_read / elapsed))
print("FIGURE initial_load_peak_mb_above_start", round(peak_mb() - before, 1))
(root / "drop" / "in").mkdir(parents=True, exist_ok=True)
shutil.copy({extract!r}, root / "drop" / "in" / "items.drop-full.csv")
started = time.monotonic()
env["integration.inbound.poller"]._cron_poll_files(min_age=0)
elapsed = time.monotonic() - started
env.cr.commit()  # a new snapshot: see what the import committed
count = env["integration.message"].search_count([("flow_id", "=", flows["items.drop"].id)])
print("FIGURE file_drop_messages", count)
print("FIGURE file_drop_rows_per_s", round(count / elapsed))
print("FIGURE file_drop_peak_mb_above_start", round(peak_mb() - before, 1))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000, help="rows per initial-load batch")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    bootstrap.ensure()
    _suite.ensure_requirements()
    _suite.require_postgres()
    root = tempfile.mkdtemp(prefix="bench-initial-load-")
    rows = (legacy_simulator.generated_row("items", n) for n in range(1, args.rows + 1))
    extract = legacy_simulator.write_extract(root, "items", rows, "full", subfolder="initial")
    size_mb = os.path.getsize(extract) / 1024 / 1024
    database = f"bench_initial_load_{time.strftime('%Y%m%d_%H%M%S')}"
    try:
        bench_server.create_database(database, _suite.addons_path(), "integration_core")
        code = MEASURE.format(root=root, extract=str(extract), batch=args.batch)
        shell = _suite.odoo_command("shell", "-d", database, "--log-level=warn")
        result = subprocess.run(
            shell, input=code, text=True, capture_output=True, check=False, env=dict(os.environ)
        )
        print(
            f"{args.rows} legacy item rows, {size_mb:.1f} MB of CSV "
            f"(load average {os.getloadavg()[0]:.1f}):"
        )
        for line in result.stdout.splitlines():
            if line.startswith("FIGURE "):
                _tag, name, value = line.split()
                print(f"  {name:36} {value}")
        problems = [line for line in result.stderr.splitlines() if "WARNING" in line]
        if problems:
            print("\n".join(problems[-10:]))
        if result.returncode or "FIGURE" not in result.stdout:
            print(result.stdout[-2000:], result.stderr[-4000:])
    finally:
        shutil.rmtree(root, ignore_errors=True)
        bench_server.drop_database(database, keep=args.keep)


if __name__ == "__main__":
    main()
