#!/usr/bin/env python3
"""What exporting, previewing and importing a large plant's configuration package costs.

Creates a throw-away database with ``integration_core``, builds in ``odoo shell`` a plant of
``--endpoints`` endpoints with ``--flows`` flows each, every flow with a mapping of
``--lines`` lines, and one value map of 20 values per endpoint, then prints the time of the
export, the file's size, the preview and the import into another plant (everything created),
and the preview of the same file once imported (everything unchanged). Drops the database
unless ``--keep``. Not part of the test run.

Usage: python3 setup/bench_packages.py [--endpoints 20] [--flows 10] [--lines 20] [--keep]
"""

import argparse
import os
import subprocess
import time

import _suite
import bench_server
import bootstrap

MEASURE = """
import base64, time
from cryptography.fernet import Fernet
from odoo.tools import config
config.options["integration_encryption_keys"] = Fernet.generate_key().decode()
from odoo.addons.integration_core.lib import package_format
env = env(context=dict(env.context, tracking_disable=True))
plant = env["res.company"].create({{"name": "Bench Plant 1"}})
partner = env["ir.model"]._get_id("res.partner")
for e in range({endpoints}):
    endpoint = env["integration.endpoint"].create({{
        "name": f"E{{e}}", "code": f"BP1_E{{e:03}}", "company_id": plant.id,
        "environment": "test", "transport": "http", "url": "http://x", "auth_type": "bearer"}})
    env["integration.value.map"].create({{"name": "status", "endpoint_id": endpoint.id,
        "line_ids": [(0, 0, {{"external_value": f"S{{i}}", "internal_value": f"v{{i}}"}})
                     for i in range(20)]}})
    for f in range({flows}):
        flow = env["integration.flow"].create({{
            "name": f"F{{f}}", "code": f"flow.{{f}}", "endpoint_id": endpoint.id,
            "direction": "inbound", "handler": "integration.handler.mapping"}})
        mapping = env["integration.mapping"].create({{
            "name": "M", "flow_id": flow.id, "model_id": partner, "key_path": "ref"}})
        env["integration.mapping.line"].create([
            {{"mapping_id": mapping.id, "source": f"s{{i}}", "target": "ref", "sequence": i}}
            for i in range({lines})])
env.cr.commit()
Package = env["integration.package"]
started = time.monotonic()
document = Package._export(plant)
raw = package_format.dumps(document)
print("FIGURE export_s", round(time.monotonic() - started, 2))
print("FIGURE file_bytes", len(raw))
print("FIGURE records", sum(len(items) for items in document["sections"].values()))
codes = {{e["code"]: e["code"].replace("BP1_", "BP2_") for e in document["sections"]["endpoints"]}}
raw = package_format.dumps(package_format.rename_endpoints(document, codes))
plant_2 = env["res.company"].create({{"name": "Bench Plant 2"}})
Import = env["integration.package.import"]
wizard = Import.create({{"package_file": base64.b64encode(raw), "company_id": plant_2.id}})
started = time.monotonic()
wizard.action_preview()
print("FIGURE preview_create_s", round(time.monotonic() - started, 2))
started = time.monotonic()
wizard.action_apply()
env.flush_all()
print("FIGURE import_s", round(time.monotonic() - started, 2))
again = Import.create({{"package_file": base64.b64encode(raw), "company_id": plant_2.id}})
started = time.monotonic()
again.action_preview()
print("FIGURE preview_unchanged_s", round(time.monotonic() - started, 2))
env.cr.rollback()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=20)
    parser.add_argument("--flows", type=int, default=10)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    bootstrap.ensure()
    _suite.ensure_requirements()
    _suite.require_postgres()
    database = f"bench_packages_{time.strftime('%Y%m%d_%H%M%S')}"
    try:
        bench_server.create_database(database, _suite.addons_path(), "integration_core")
        code = MEASURE.format(endpoints=args.endpoints, flows=args.flows, lines=args.lines)
        shell = _suite.odoo_command("shell", "-d", database, "--log-level=warn")
        # Odoo finds its shell command only with --addons-path first: odoo_command puts it there.
        result = subprocess.run(
            shell, input=code, text=True, capture_output=True, check=True, env=dict(os.environ)
        )
        print(
            f"{args.endpoints} endpoints x {args.flows} flows, mappings of {args.lines} lines "
            f"(load average {os.getloadavg()[0]:.1f}):"
        )
        for line in result.stdout.splitlines():
            if line.startswith("FIGURE "):
                _tag, name, value = line.split()
                print(f"  {name:24} {value}")
    finally:
        bench_server.drop_database(database, keep=args.keep)


if __name__ == "__main__":
    main()
