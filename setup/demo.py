#!/usr/bin/env python3
"""Set up and run the demo: a database with the whole suite and its demo data, served locally.

Idempotent: the first run sets up Odoo 18.0 when this Python cannot import it (``bootstrap.py``),
installs the suite's Python dependencies when missing, creates the database and installs the
suite with demo data; later runs reuse the database as it is (``--update`` upgrades every suite
addon first). Then Odoo serves on localhost with the integration scheduled actions working,
beside a simulator of Plant 1's MES that receives the demo's released orders and reports
production back, one result deliberately broken (see ``demo_plant.py``), and a simulator of
Plant 2's WMS that confirms its receipt and delivery and sends a snapshot to reconcile (see
``demo_wms.py``; ``--no-plant`` serves Odoo alone), until Ctrl+C. Odoo's log goes to
``.build/logs/demo-odoo.log``; the terminal shows what the demo did.
"""

import argparse
import os
import subprocess
import sys

import _suite
import bootstrap

ODOO_LOG = _suite.BUILD / "logs" / "demo-odoo.log"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="manufacturing_integration_demo", help="database name")
    parser.add_argument("--port", type=int, default=8069, help="HTTP port on 127.0.0.1")
    parser.add_argument(
        "--update", action="store_true", help="upgrade every suite addon first (-u all five)"
    )
    parser.add_argument(
        "--setup-only", action="store_true", help="prepare the database, do not serve"
    )
    parser.add_argument(
        "--no-plant", action="store_true", help="serve without the MES simulator and its runs"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not open a web browser on the demo"
    )
    return parser.parse_args()


def prepare_database(database, update):
    """Create the demo database with the suite, or reuse (or upgrade) the one that exists."""
    state = (
        _suite.module_state(database, _suite.UMBRELLA) if _suite.database_exists(database) else None
    )
    if state == "installed" and not update:
        print(f"Reusing database {database} (the suite is installed).", flush=True)
        return
    if state == "installed":
        # -u of the umbrella alone would upgrade it and what depends on it, not the four
        # addons it depends on: name all five.
        action, what = ("-u", "Upgrading every suite addon in")
    else:
        action, what = ("-i", "Installing the suite with demo data in")
    print(f"{what} database {database}: a few minutes (Odoo's log: {ODOO_LOG})...", flush=True)
    command = _suite.odoo_command(
        "-d",
        database,
        action,
        ",".join(_suite.ALL_ADDONS) if action == "-u" else _suite.UMBRELLA,
        "--stop-after-init",
        "--log-level=warn",
        f"--logfile={ODOO_LOG}",
    )
    if subprocess.run(command, check=False).returncode:
        _suite.fail(f"Odoo could not set up the suite in {database}: see {ODOO_LOG}.", 1)


def encryption_keys():
    """The demo's credential encryption key, made once and kept outside the database."""
    key_file = _suite.BUILD / "demo-encryption.key"
    if not key_file.exists():
        from cryptography.fernet import Fernet  # noqa: PLC0415 - installed by ensure_requirements

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def main():
    args = parse_args()
    bootstrap.ensure()
    _suite.ensure_requirements()
    _suite.require_postgres()
    ODOO_LOG.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("INTEGRATION_ENCRYPTION_KEYS", encryption_keys())
    prepare_database(args.db, args.update)
    if args.setup_only:
        return
    print(
        f"Demo on http://localhost:{args.port}/odoo (login admin, password admin). Ctrl+C stops."
        f"\nOdoo's log: {ODOO_LOG}",
        flush=True,
    )
    command = _suite.odoo_command(
        "-d",
        args.db,
        f"--db-filter=^{args.db}$",
        "--http-interface=127.0.0.1",
        f"--http-port={args.port}",
        "--max-cron-threads=2",
        f"--logfile={ODOO_LOG}",
    )
    import demo_plant  # noqa: PLC0415 - needs requests, there only after bootstrap.ensure()
    import demo_wms  # noqa: PLC0415 - the same

    warehouse = None if args.no_plant else demo_wms.DemoWms(args.db, args.port)
    if warehouse:
        warehouse.start()  # Plant 2's WMS works in the background while the demo serves
    try:
        return demo_plant.serve(
            args.db, args.port, command, plant=not args.no_plant, browser=not args.no_browser
        )
    finally:
        if warehouse:
            warehouse.stop()


if __name__ == "__main__":
    sys.exit(main())
