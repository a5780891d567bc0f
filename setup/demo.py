#!/usr/bin/env python3
"""Set up and run the demo: a database with the whole suite and its demo data, served locally.

Idempotent: the first run installs the suite's Python dependencies when missing, creates the
database and installs the suite with demo data; later runs reuse the database as it is
(``--update`` upgrades the suite's addons first). Then Odoo serves on localhost with the
integration scheduled actions working, beside a simulator of Plant 1's MES that receives the
demo's released orders and reports production back, one result deliberately broken (see
``demo_plant.py``; ``--no-plant`` serves Odoo alone), until Ctrl+C.
"""

import argparse
import os
import subprocess
import sys

import _suite
import demo_plant


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="manufacturing_integration_demo", help="database name")
    parser.add_argument("--port", type=int, default=8069, help="HTTP port on 127.0.0.1")
    parser.add_argument("--update", action="store_true", help="upgrade the suite's addons first")
    parser.add_argument(
        "--setup-only", action="store_true", help="prepare the database, do not serve"
    )
    parser.add_argument(
        "--no-plant", action="store_true", help="serve without the MES simulator and its runs"
    )
    return parser.parse_args()


def prepare_database(database, update):
    """Create the demo database with the suite, or reuse the one that exists."""
    state = (
        _suite.module_state(database, _suite.UMBRELLA) if _suite.database_exists(database) else None
    )
    if state == "installed" and not update:
        print(f"Reusing database {database} (the suite is installed).", flush=True)
        return
    if state == "installed":
        action, what = ("-u", "Upgrading the suite in")
    else:
        action, what = ("-i", "Installing the suite with demo data in")
    print(f"{what} database {database}...", flush=True)
    command = _suite.odoo_command(
        "-d", database, action, _suite.UMBRELLA, "--stop-after-init", "--log-level=warn"
    )
    if subprocess.run(command, check=False).returncode:
        _suite.fail(f"Odoo could not install the suite in {database} (see the log above).", 1)


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
    _suite.require_odoo()
    _suite.ensure_requirements()
    _suite.require_postgres()
    os.environ.setdefault("INTEGRATION_ENCRYPTION_KEYS", encryption_keys())
    prepare_database(args.db, args.update)
    if args.setup_only:
        return
    print(
        f"Demo on http://localhost:{args.port}/odoo (login admin, password admin). Ctrl+C stops.",
        flush=True,
    )
    command = _suite.odoo_command(
        "-d",
        args.db,
        f"--db-filter=^{args.db}$",
        "--http-interface=127.0.0.1",
        f"--http-port={args.port}",
        "--max-cron-threads=2",
    )
    if args.no_plant:
        os.execv(command[0], command)
    return demo_plant.serve(args.db, args.port, command)


if __name__ == "__main__":
    sys.exit(main())
