#!/usr/bin/env python3
"""Check that a database made by an older version of the suite upgrades with its data intact.

Installs the suite with its demo data from a git ref (default ``main``) into a fresh database,
then upgrades it (``-u``) with the code of this checkout, and compares what users rely on:
messages per state, waiting messages per reference model, flows per handler. Every flow's
handler must exist after the upgrade and no message may be lost or change state. Prints the
figures before and after; exits 1 on any difference, 0 when the upgrade kept everything.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import _suite
from cryptography.fernet import Fernet

SNAPSHOT = {
    "messages per state": "SELECT state, count(*) FROM integration_message GROUP BY 1 ORDER BY 1",
    "messages": "SELECT count(*) FROM integration_message",
    "flows": "SELECT count(*) FROM integration_flow",
}
HANDLERS = "SELECT DISTINCT handler FROM integration_flow ORDER BY 1"
MODELS = "SELECT model FROM ir_model WHERE model LIKE 'integration.handler%'"


def odoo(addons_path, *args):
    command = [sys.executable, "-m", "odoo", f"--addons-path={addons_path}", *args]
    command += ["--stop-after-init", "--max-cron-threads=0", "--log-level=warn"]
    command += ["--http-interface=127.0.0.1", f"--http-port={_suite.free_port()}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        _suite.fail(f"Odoo failed: {' '.join(args)}")


def snapshot(database):
    return {name: _suite.psql(database, query) for name, query in SNAPSHOT.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="ref", default="main", help="git ref of the old version")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    _suite.require_odoo()
    _suite.require_postgres()
    os.environ.setdefault("INTEGRATION_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    database = f"mi_upgrade_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="mi-upgrade-") as tmp:
        old = Path(tmp) / "src"
        old.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(_suite.ROOT), "archive", args.ref], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        (Path(tmp) / _suite.UMBRELLA).symlink_to(old, target_is_directory=True)
        print(f"Installing {args.ref} with demo data in {database}...")
        odoo(f"{tmp},{old}", "-d", database, "-i", _suite.UMBRELLA)
    try:
        before = snapshot(database)
        print(f"Upgrading {database} with this checkout...")
        odoo(_suite.addons_path(), "-d", database, "-u", ",".join(_suite.SUITE_ADDONS))
        after = snapshot(database)
        handlers = set(filter(None, (_suite.psql(database, HANDLERS) or "").splitlines()))
        models = set(filter(None, (_suite.psql(database, MODELS) or "").splitlines()))
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", database], check=False)
    failed = False
    for name in SNAPSHOT:
        same = before[name] == after[name]
        failed |= not same
        print(f"{name}: before {before[name]!r}, after {after[name]!r}", "" if same else "CHANGED")
    missing = sorted(handlers - models)
    print(f"flow handlers: {sorted(handlers)}", f"MISSING {missing}" if missing else "")
    failed |= bool(missing)
    print("upgrade FAILED" if failed else "upgrade kept every message, state and flow")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
