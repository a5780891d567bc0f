#!/usr/bin/env python3
"""Set up the demo, play day 1 of the acquisition on it, and serve it locally.

Idempotent: the first run sets up Odoo 18.0 when this Python cannot import it (``bootstrap.py``),
installs the suite's Python dependencies when missing, creates the database and installs the
suite with demo data; later runs reuse the database as it is (``--update`` upgrades every suite
addon first). Then Odoo serves on localhost with the integration scheduled actions working,
beside the simulators of Plant 1's MES, Plant 2's WMS and Plant 2's legacy ERP, and the day is
played in five steps (``demo_day.py``) with a live summary, once per database: a database whose
day was played is served as it is (``--db`` names a new one to play it again). Then Odoo serves
until Ctrl+C (``--exit``: ends after the day, with status 0 when every step succeeded, else 1).
``--rehearse package.json`` plays the same day against a plant's configuration package in a
database named for it, with the package's endpoint of each kind (``--endpoint kind=CODE`` picks
one where it has several; ``demo_rehearse.py``). ``--no-plant`` serves Odoo alone. Odoo's log
goes to ``.build/logs/demo-odoo.log``; the terminal shows what the day did.
"""

import argparse
import os
import subprocess
import sys

import _suite
import bootstrap
import demo_rehearse

ODOO_LOG = _suite.BUILD / "logs" / "demo-odoo.log"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="manufacturing_integration_demo", help="database name")
    parser.add_argument("--port", type=int, default=8069, help="HTTP port on 127.0.0.1")
    parser.add_argument(
        "--update", action="store_true", help="upgrade every suite addon first (-u all six)"
    )
    parser.add_argument(
        "--setup-only", action="store_true", help="prepare the database, do not serve"
    )
    parser.add_argument(
        "--no-plant", action="store_true", help="serve without the MES simulator and its runs"
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="compress (above 1) or stretch (below 1) the day's pauses and clock",
    )
    parser.add_argument(
        "--steps", type=int, default=5, choices=range(1, 6), help="stop after this step (1-5)"
    )
    parser.add_argument(
        "--exit", action="store_true", help="exit after the day (status 0/1) instead of serving"
    )
    parser.add_argument(
        "--rehearse",
        metavar="PACKAGE",
        help="play the day against this configuration package (demo_rehearse.py), "
        "in a database named for it",
    )
    parser.add_argument(
        "--endpoint",
        action="append",
        metavar="KIND=CODE",
        help="with --rehearse: the package's endpoint of this kind (mes, wms, legacy_erp) the "
        "day talks to, where the package has several; repeatable",
    )
    args = parser.parse_args()
    if args.speed <= 0:
        parser.error("--speed must be above 0")
    if args.endpoint and not args.rehearse:
        parser.error("--endpoint picks an endpoint of the package --rehearse names")
    return args


def prepare_database(database, update):
    """Create the demo database with the suite, or reuse (or upgrade) the one that exists."""
    state = (
        _suite.module_state(database, _suite.UMBRELLA) if _suite.database_exists(database) else None
    )
    if state == "installed" and not update:
        print(f"Reusing database {database} (the suite is installed).", flush=True)
        return
    if state == "installed":
        # -u of the umbrella alone would upgrade it and what depends on it, not the five
        # addons it depends on: name all six.
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
    package, codes = None, demo_rehearse.DEMO_CODES
    if args.rehearse:
        choices = demo_rehearse.parse_choices(args.endpoint)
        package, codes = demo_rehearse.read_package(args.rehearse, choices)
        args.db = demo_rehearse.database_name(args.rehearse)
    prepare_database(args.db, args.update)
    if package:
        demo_rehearse.import_package(args.db, args.rehearse, package)
    if args.setup_only:
        return
    print(
        f"Demo on http://localhost:{args.port}/odoo (login admin, password admin)."
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
    if args.no_plant:
        try:
            return subprocess.run(command, check=False).returncode
        except KeyboardInterrupt:  # Ctrl+C reached Odoo too: it stops by itself
            return 0
    import demo_day  # noqa: PLC0415 - needs requests, there only after bootstrap.ensure()

    return demo_day.play(
        args.db, args.port, command, codes, args.speed, args.steps, serve=not args.exit
    )


if __name__ == "__main__":
    sys.exit(main())
