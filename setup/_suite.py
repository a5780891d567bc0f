"""Shared helpers of the suite's scripts: locate Odoo, build the addons path, talk to PostgreSQL.

The repository root is itself the umbrella addon ``manufacturing_integration``. Whatever the
clone's folder is called, ``.build/addons/manufacturing_integration`` is a symlink to the root so
that Odoo loads the umbrella under its real name; the root is on the addons path for the four
addons inside it.
"""

import importlib.metadata
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build"
UMBRELLA = "manufacturing_integration"
SUITE_ADDONS = ("integration_core", "integration_mes", "integration_wms", "integration_legacy_erp")
# Test-only addons (e.g. a connector made of catalog entries and handlers): installed by the
# test run beside the suite, never by the demo or a wheel.
TEST_ADDONS = ("integration_kit_example",)

ODOO_MISSING = """\
Odoo 18.0 is not importable by {python}.
{reason}
Install Odoo 18.0 (community) for this Python, then run this command again:
  - from its source: put the 18.0 source folder (the one holding the `odoo` package and
    odoo-bin) on the Python path, or `pip install` the Odoo 18.0 source archive;
  - its own Python dependencies: `pip install -r requirements.txt` of that source
    (on Python 3.11: Werkzeug 2.2.x, lxml 4.9.x, psycopg2 2.9.x, cryptography 3.4.x).
Check with: {python} -c "import odoo; print(odoo.release.version)"
Nothing was changed."""


def fail(message, code=2):
    """Print ``message`` to stderr and exit with ``code``."""
    print(message, file=sys.stderr, flush=True)
    sys.exit(code)


def require_odoo():
    """Exit at once with instructions unless Odoo 18.0 is importable."""
    try:
        import odoo.release  # noqa: PLC0415
    except ImportError as error:
        fail(ODOO_MISSING.format(python=sys.executable, reason=f"({error})"))
    if tuple(odoo.release.version_info[:2]) != (18, 0):
        fail(
            ODOO_MISSING.format(
                python=sys.executable, reason=f"(found Odoo {odoo.release.version} instead)"
            )
        )


def _requirements():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def missing_requirements():
    """Return the lines of requirements.txt that the installed packages do not satisfy."""
    try:
        from packaging.requirements import Requirement  # noqa: PLC0415
    except ImportError:  # pip always carries a copy
        from pip._vendor.packaging.requirements import Requirement  # noqa: PLC0415

    missing = []
    for line in _requirements():
        requirement = Requirement(line)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(line)
            continue
        if requirement.specifier and not requirement.specifier.contains(version, prereleases=True):
            missing.append(line)
    return missing


def ensure_requirements():
    """Install the suite's Python dependencies when some are missing (idempotent)."""
    missing = missing_requirements()
    if not missing:
        return
    print(f"Installing the suite's Python dependencies: {', '.join(missing)}", flush=True)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "-r", str(ROOT / "requirements.txt")],
        check=False,
    )
    if result.returncode:
        fail("Could not install the suite's Python dependencies (see pip's message above).")


def require_postgres():
    """Exit with a clear message unless PostgreSQL accepts our connection."""
    result = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", "select 1"], capture_output=True, text=True, check=False
    )
    if result.returncode:
        fail(
            "PostgreSQL does not accept a connection for this user over its socket:\n"
            f"{result.stderr.strip()}\nStart PostgreSQL and create a role for "
            f"'{os.environ.get('USER', 'this user')}' that may create databases."
        )


def psql(database, query):
    """Run one SQL query with psql and return its unaligned output."""
    result = subprocess.run(
        ["psql", "-d", database, "-Atc", query], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def database_exists(name):
    return psql("postgres", f"select 1 from pg_database where datname = '{name}'") == "1"


def module_state(database, module):
    return psql(database, f"select state from ir_module_module where name = '{module}'")


def addons_path(with_test_addons=False):
    """Return the addons path that loads the umbrella under its name and the four addons
    (and, ``with_test_addons``, the test-only addons of ``integration_core/tests/addons``)."""
    link_dir = BUILD / "addons"
    link_dir.mkdir(parents=True, exist_ok=True)
    link = link_dir / UMBRELLA
    if not (link.is_symlink() and link.resolve() == ROOT):
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(ROOT, target_is_directory=True)
    path = f"{link_dir},{ROOT}"
    return f"{path},{ROOT / 'integration_core' / 'tests' / 'addons'}" if with_test_addons else path


def odoo_command(*args, with_test_addons=False):
    """The command line that starts Odoo with the suite on its addons path."""
    path = addons_path(with_test_addons)
    return [sys.executable, "-m", "odoo", f"--addons-path={path}", *args]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
