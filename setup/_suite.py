"""Shared helpers of the suite's scripts: locate Odoo, build the addons path, talk to PostgreSQL.

The repository root is itself the umbrella addon ``manufacturing_integration``. Whatever the
clone's folder is called, ``.build/addons/manufacturing_integration`` is a symlink to the root so
that Odoo loads the umbrella under its real name; the root is on the addons path for the five
addons inside it.
"""

import importlib.metadata
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build"
UMBRELLA = "manufacturing_integration"
SUITE_ADDONS = (
    "integration_core",
    "integration_stock",
    "integration_mes",
    "integration_wms",
    "integration_legacy_erp",
)
ALL_ADDONS = (*SUITE_ADDONS, UMBRELLA)
# Test-only addons (e.g. a connector made of catalog entries and handlers): installed by the
# test run beside the suite, never by the demo or a wheel.
TEST_ADDONS = ("integration_kit_example",)

POSTGRES_MISSING = """\
PostgreSQL does not accept a connection for this user over its socket:
{error}
On Debian/Ubuntu: sudo apt-get install postgresql && sudo -u postgres createuser -s {user}
(a role named like your user that may create databases), then run this command again."""

RABBITMQ_MISSING = """\
RabbitMQ is not listening on 127.0.0.1:5672 and {why}.
On Debian/Ubuntu: sudo apt-get install rabbitmq-server (it starts with the guest/guest account
the tests use), then run this command again."""


def fail(message, code=2):
    """Print ``message`` to stderr and exit with ``code``."""
    print(message, file=sys.stderr, flush=True)
    sys.exit(code)


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


def _postgres_error():
    """None when psql connects to the postgres database, else its error."""
    if not shutil.which("psql"):
        return "psql (PostgreSQL's client) is not installed"
    result = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", "select 1"], capture_output=True, text=True, check=False
    )
    if result.returncode == 0:
        return None
    return result.stderr.strip() or f"psql exited with {result.returncode}"


def _wait(check, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return check()


def _start_postgres_clusters():
    """Start the local clusters pg_lsclusters lists as down (Debian/Ubuntu); True if any."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False
    )
    down = [line.split()[:2] for line in listing.stdout.splitlines() if " down " in line]
    for version, cluster in down:
        print(f"Starting the PostgreSQL cluster {version}/{cluster}...", flush=True)
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"], check=False
        )
    return bool(down)


def require_postgres():
    """Return when PostgreSQL accepts our connection, starting a stopped local cluster first;
    else exit with the command that installs it."""
    error = _postgres_error()
    if error is None:
        return
    if shutil.which("pg_lsclusters") and _start_postgres_clusters():
        if _wait(lambda: _postgres_error() is None, 30):
            return
        error = _postgres_error()
    fail(POSTGRES_MISSING.format(error=error, user=os.environ.get("USER", "$USER")))


def rabbitmq_listening():
    try:
        socket.create_connection(("127.0.0.1", 5672), 2).close()
    except OSError:
        return False
    return True


def require_rabbitmq(required=True):
    """Return when RabbitMQ listens on 127.0.0.1:5672, starting the local server when it is
    installed but stopped. Otherwise exit with the command that installs it, or when not
    ``required`` only warn."""
    if rabbitmq_listening():
        return
    server = shutil.which("rabbitmq-server")
    why = "did not start within 60 s (see its log)"
    if server:
        print("Starting RabbitMQ (rabbitmq-server -detached)...", flush=True)
        subprocess.run([server, "-detached"], check=False)
        if _wait(rabbitmq_listening, 60):
            return
    else:
        why = "rabbitmq-server is not installed"
    if required:
        fail(RABBITMQ_MISSING.format(why=why))
    print(f"RabbitMQ is not listening on 127.0.0.1:5672 ({why}): the AMQP tests will fail.")


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
    """Return the addons path that loads the umbrella under its name and the five addons
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
