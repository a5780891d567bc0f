"""Real Odoo servers on scratch databases for the fault suite: processes, copies, a receiver.

Every server is ``python3 -m odoo -d <scratch>`` on 127.0.0.1 and a free port, started under
``timeout`` (it stops by itself after ``MAX_LIFE`` seconds whatever happens to the test) in its
own process group, so that a test can ``kill -9`` it as a crash would. Databases are copies of
one template holding ``integration_core`` (``createdb -T``), dropped by their test's cleanup.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2

from odoo.tools import config

MAX_LIFE = 300
START_TIMEOUT = 120


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_command(database, *args):
    return [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={config['addons_path']}",
        "-d",
        database,
        *args,
    ]


def create_template(name):
    """A database with ``integration_core`` installed and no demo data."""
    drop_database(name)
    subprocess.run(
        odoo_command(
            name,
            "-i",
            "integration_core",
            "--without-demo=all",
            "--stop-after-init",
            "--max-cron-threads=0",
            f"--http-port={free_port()}",
            "--http-interface=127.0.0.1",
            "--log-level=warn",
        ),
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def copy_database(template, name):
    """``createdb -T``: a PostgreSQL-level copy, as a restore or a snapshot would give."""
    drop_database(name)
    subprocess.run(["createdb", "-T", template, name], check=True, timeout=120)


def drop_database(name):
    subprocess.run(
        ["dropdb", "--if-exists", "--force", name],
        check=False,
        timeout=120,
        stderr=subprocess.DEVNULL,
    )


class Sql:
    """An autocommit connection to a scratch database."""

    def __init__(self, database):
        self.database = database
        self.connection = psycopg2.connect(dbname=database)
        self.connection.autocommit = True

    def rows(self, query, *args):
        with self.connection.cursor() as cr:
            cr.execute(query, args)
            return cr.fetchall()

    def value(self, query, *args):
        return self.rows(query, *args)[0][0]

    def wait_value(self, timeout, query, *args):
        """The first column of the first row ``query`` gives within ``timeout`` seconds, or None.

        For what a server writes after a message settles, such as the exception card it files
        in a transaction of its own once the batch has committed.
        """
        deadline = time.monotonic() + timeout
        while True:
            rows = self.rows(query, *args)
            if rows or time.monotonic() > deadline:
                return rows[0][0] if rows else None
            time.sleep(0.2)

    def run(self, query, *args):
        with self.connection.cursor() as cr:
            cr.execute(query, args)

    def close(self):
        self.connection.close()

    def enqueue(self, flow_id, payloads, keys=None):
        """Insert pending messages as the enqueue paths do, and wake the runners."""
        endpoint_id, company_id, direction = self.rows(
            "SELECT endpoint_id, company_id, direction FROM integration_flow WHERE id = %s",
            flow_id,
        )[0]
        keys = keys or [f"{flow_id}-{n}" for n in range(len(payloads))]
        texts = [json.dumps(payload) for payload in payloads]
        self.run(
            "INSERT INTO integration_message (flow_id, endpoint_id, company_id, direction,"
            " state, attempts, next_attempt_at, idempotency_key, payload, payload_size,"
            " sequence, create_date, write_date)"
            " SELECT %s, %s, %s, %s, 'pending', 0, now() AT TIME ZONE 'UTC', k, p,"
            " length(p), 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'"
            " FROM unnest(%s::varchar[], %s::text[]) AS t(k, p)",
            flow_id,
            endpoint_id,
            company_id,
            direction,
            keys,
            texts,
        )
        self.wake_runners()

    def wake_runners(self):
        self.run(
            "INSERT INTO ir_cron_trigger (cron_id, call_at)"
            " SELECT c.id, now() AT TIME ZONE 'UTC' FROM ir_cron c"
            " JOIN ir_act_server a ON a.id = c.ir_actions_server_id"
            " WHERE a.code = 'model._cron_process_queue()'"
        )
        # Odoo's cron workers listen on a connection to the "postgres" database.
        listener = psycopg2.connect(dbname="postgres")
        listener.autocommit = True
        try:
            with listener.cursor() as cr:
                cr.execute("SELECT pg_notify('cron_trigger', %s)", [self.database])
        finally:
            listener.close()

    def states(self, flow_id):
        return dict(
            self.rows(
                "SELECT state, count(*) FROM integration_message WHERE flow_id = %s GROUP BY state",
                flow_id,
            )
        )

    def wait_settled(self, flow_id, timeout, unfinished=("pending", "processing")):
        """Seconds until no message of ``flow_id`` is unfinished (or ``timeout``)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            states = self.states(flow_id)
            if not any(states.get(state) for state in unfinished):
                break
            time.sleep(0.2)
        return time.monotonic() - started


class OdooProcess:
    """One Odoo server process serving one database on 127.0.0.1."""

    def __init__(self, database, cron_threads=2, env=None):
        self.database = database
        self.cron_threads = cron_threads
        self.env = dict(os.environ, **(env or {}))
        self.port = free_port()
        self.process = None
        self.log = tempfile.NamedTemporaryFile(
            "w+", prefix=f"fault_{database}_", suffix=".log", delete=False
        )

    def start(self):
        command = odoo_command(
            self.database,
            f"--http-port={self.port}",
            "--http-interface=127.0.0.1",
            f"--max-cron-threads={self.cron_threads}",
            "--workers=0",
            "--log-level=warn",
        )
        self._spawn(command)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.url("/web/health"), timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.kill()
        raise RuntimeError(f"Odoo did not start on {self.database}:\n{self.tail()}")

    def _spawn(self, command):
        """Run ``command`` in its own session, killed at the latest after MAX_LIFE seconds."""
        self.process = subprocess.Popen(
            ["timeout", "-s", "KILL", str(MAX_LIFE), *command],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
        )

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def kill(self):
        """kill -9 of the whole server, as a crash or a lost node."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, size=3000):
        with open(self.log.name) as log:
            return log.read()[-size:]

    def errors(self):
        with open(self.log.name) as log:
            return [line for line in log if " ERROR " in line or " CRITICAL " in line]

    def rpc(self, model, method, *args, **kwargs):
        """Call ``model.method`` over XML-RPC as the administrator."""
        common = xmlrpc.client.ServerProxy(self.url("/xmlrpc/2/common"))
        uid = common.authenticate(self.database, "admin", "admin", {})
        proxy = xmlrpc.client.ServerProxy(self.url("/xmlrpc/2/object"), allow_none=True)
        return proxy.execute_kw(self.database, uid, "admin", model, method, list(args), kwargs)


class ConsumerProcess(OdooProcess):
    """The ``integration-amqp-consumer`` command as its own process."""

    def start(self):
        command = odoo_command(self.database, "--log-level=warn")
        command.insert(command.index("-d"), "integration-amqp-consumer")
        self._spawn(command)
        return self


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", *args], check=True, timeout=120, capture_output=True)


class Receiver:
    """A loopback HTTP receiver: answers 503 while ``refusing``, else 200; records every
    request's idempotency key, time and answer."""

    def __init__(self):
        self.refusing = False
        self.requests = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = 503 if receiver.refusing else 200
                with receiver._lock:
                    receiver.requests.append(
                        (self.headers.get("Idempotency-Key"), time.monotonic(), status)
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    def accepted(self):
        with self._lock:
            return [key for key, _at, status in self.requests if status == 200]

    def refused(self):
        with self._lock:
            return [key for key, _at, status in self.requests if status != 200]
