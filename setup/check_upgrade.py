#!/usr/bin/env python3
"""CI check: this code upgrades a database that the previous commit's code created.

A ``git worktree`` of ``--from`` (default ``HEAD~1``) installs the whole suite with its demo
data on a scratch database; then this tree's code runs ``-u`` with the six suite addons on it,
as ``setup/demo.py --update`` does. Passes when every suite addon is installed at the version
of this tree's manifest and was upgraded (its module row rewritten by the upgrade), and every
message the old code queued is still there with the same idempotency key and state. The
database and the worktree are removed afterwards (``--keep`` keeps the database).
"""

import argparse
import ast
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _suite


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="revision", default="HEAD~1", help="older commit")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args()


def odoo(addons_path, log, *args):
    """Run Odoo once (--stop-after-init) with ``addons_path``; exit with its log on failure."""
    command = [sys.executable, "-m", "odoo", f"--addons-path={addons_path}", *args]
    command += ["--stop-after-init", "--no-http", "--log-level=warn", f"--logfile={log}"]
    if subprocess.run(command, check=False).returncode:
        _suite.fail(f"FAILED: {' '.join(command)}\nsee {log}", 1)


def old_tree_addons_path(tree, build):
    """The addons path of the old tree, its root loaded as the umbrella addon."""
    links = build / "addons"
    links.mkdir(parents=True)
    (links / _suite.UMBRELLA).symlink_to(tree, target_is_directory=True)
    return f"{links},{tree}"


def manifest_versions():
    """{addon: version} of this tree's manifests, as Odoo stores them (18.0.x.y.z)."""
    versions = {}
    for name in _suite.ALL_ADDONS:
        folder = _suite.ROOT if name == _suite.UMBRELLA else _suite.ROOT / name
        manifest = ast.literal_eval((folder / "__manifest__.py").read_text(encoding="utf-8"))
        versions[name] = manifest["version"]
    return versions


def modules(database):
    names = ",".join(f"'{name}'" for name in _suite.ALL_ADDONS)
    rows = _suite.psql(
        database,
        "select name, state, latest_version, extract(epoch from write_date at time zone 'UTC')"
        f" from ir_module_module where name in ({names}) order by name",
    )
    return {row.split("|")[0]: row.split("|")[1:] for row in (rows or "").splitlines()}


HANDLERS = "select distinct handler from integration_flow"
HANDLER_MODELS = "select model from ir_model where model like 'integration.handler%'"


# Message states renamed by a migration: an old database's state is expected under its new key.
RENAMED_STATES = {"dead": "failed"}


def messages(database):
    query = "select id, idempotency_key, state from integration_message order by id"
    return (_suite.psql(database, query) or "").splitlines()


# The records each message produced, as "message|model|id" rows: effect rows, or in a database
# older than them, the ids listed in the message's result_ids column.
EFFECTS = "select message_id, res_model, res_id from integration_message_effect order by 1, 2, 3"
OLD_EFFECTS = (
    "select m.id, m.result_model, r.id::int from integration_message m"
    " cross join lateral unnest(string_to_array(m.result_ids, ',')) as r(id)"
    " where m.result_model is not null order by 1, 2, 3"
)


def effects(database):
    rows = _suite.psql(database, EFFECTS)
    if rows is None:
        rows = _suite.psql(database, OLD_EFFECTS)
    return (rows or "").splitlines()


def renamed(rows):
    """``rows`` of messages() with each state under its current key."""
    result = []
    for row in rows:
        head, _sep, state = row.rpartition("|")
        result.append(f"{head}|{RENAMED_STATES.get(state, state)}")
    return result


def check(database, before_messages, before_effects, upgrade_started):
    """Print one line per finding; return the number of problems."""
    problems = 0
    found = modules(database)
    for name, version in manifest_versions().items():
        state, latest, written = found.get(name, ("missing", "", "0"))
        upgraded = float(written or 0) >= upgrade_started - 1
        good = state == "installed" and latest == version and upgraded
        problems += not good
        print(
            f"  {'ok ' if good else 'BAD'} {name}: {state}, version {latest} "
            f"(manifest {version}), {'upgraded' if upgraded else 'NOT upgraded'}"
        )
    after = messages(database)
    kept = after[: len(before_messages)] == renamed(before_messages)
    problems += not kept or not before_messages
    print(
        f"  {'ok ' if kept and before_messages else 'BAD'} messages: {len(before_messages)} "
        f"before, {len(after)} after, {'same ids, keys and states' if kept else 'CHANGED'}"
    )
    after_effects = effects(database)
    same = after_effects == before_effects
    problems += not same
    print(
        f"  {'ok ' if same else 'BAD'} effects: {len(before_effects)} records linked to "
        f"messages before, {len(after_effects)} after{'' if same else ', CHANGED'}"
    )
    handlers = set((_suite.psql(database, HANDLERS) or "").split())
    missing = sorted(handlers - set((_suite.psql(database, HANDLER_MODELS) or "").split()))
    problems += bool(missing)
    print(
        f"  {'BAD' if missing else 'ok '} flow handlers: {len(handlers)} in use"
        + (f", MISSING {', '.join(missing)}" if missing else ", every one installed")
    )
    return problems


def main():
    args = parse_args()
    _suite.require_postgres()
    os.environ.setdefault("INTEGRATION_ENCRYPTION_KEYS", _fernet_key())
    database = f"mi_upgrade_{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}"
    logs = _suite.BUILD / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mi-upgrade-") as scratch:
        tree = Path(scratch) / "tree"
        added = subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), args.revision],
            cwd=_suite.ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if added.returncode:
            _suite.fail(
                f"FAILED: no worktree of {args.revision} ({added.stderr.strip()}); the check "
                "needs the previous commit: run it in a clone with history (not --depth 1)."
            )
        try:
            return run(args, database, tree, Path(scratch) / "build", logs)
        finally:
            if not args.keep:
                subprocess.run(["dropdb", "--if-exists", database], check=False)
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=_suite.ROOT, check=False
            )


def run(args, database, tree, build, logs):
    commit = subprocess.run(
        ["git", "log", "-1", "--format=%h (%cs)", args.revision],
        cwd=_suite.ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(f"Installing the suite with demo data as of {commit} in {database}...", flush=True)
    odoo(
        old_tree_addons_path(tree, build),
        logs / f"{database}-old.log",
        "-d",
        database,
        "-i",
        _suite.UMBRELLA,
    )
    before = messages(database)
    before_effects = effects(database)
    print(f"Upgrading it with this tree's code (-u {','.join(_suite.ALL_ADDONS)})...", flush=True)
    started = float(_suite.psql(database, "select extract(epoch from now() at time zone 'UTC')"))
    odoo(
        _suite.addons_path(),
        logs / f"{database}-upgrade.log",
        "-d",
        database,
        "-u",
        ",".join(_suite.ALL_ADDONS),
    )
    problems = check(database, before, before_effects, started)
    print("upgrade ok" if not problems else f"upgrade FAILED: {problems} problem(s)")
    return 1 if problems else 0


def _fernet_key():
    from cryptography.fernet import Fernet  # noqa: PLC0415 - a suite requirement

    return Fernet.generate_key().decode()


if __name__ == "__main__":
    sys.exit(main())
