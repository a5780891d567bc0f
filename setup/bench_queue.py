#!/usr/bin/env python3
"""Benchmark of the integration queue on this machine: prints figures, asserts nothing.

What is measured, and how:

A fresh database ``mi_bench_<timestamp>`` gets ``integration_core`` (it is dropped at the end
unless ``--keep``), one test endpoint without rate limit and two active inbound flows, one handled
by ``integration.handler.noop`` and one by ``integration.handler.partner``. Then, in this process,
through the Python API:

- enqueue: ``integration.message.enqueue_batch`` in batches of 500, one commit per batch; the
  figure is the median over the enqueues that feed the no-op runs below;
- no-op processing: ``integration.queue.worker._work_queue`` with 1 worker and with 2 workers
  (threads, each with its own cursor, as two cron workers; they share this process's GIL), for
  each claim batch size of ``--batch-sizes``;
- contact upsert processing: the same with the partner handler (a cross-reference lookup and a
  new contact per message), with the first batch size;
- claim time: median of 50 ``_claim_batch(100)``, each rolled back so that the same rows stay
  claimable, with 1,000 pending messages and no history, then again after 1,000,000 ``done``
  rows were added by one ``INSERT ... SELECT ... FROM generate_series`` and ``ANALYZE``; and the
  table + index size those rows take.

Then over HTTP on 127.0.0.1, when ``integration_core/controllers`` serves the inbound API: an Odoo
server on port 18469 (threaded, no cron) and a load generator in a second process (2 threads with
keep-alive ``requests`` sessions) that posts one message per request, then batches of 100.

Every run is bounded: counts are options, and each processing or HTTP run stops after
``--time-limit`` seconds (its figure is then marked as cut short). With ``--repeat N`` each rate is
the median of N runs. The machine may be shared: the load average is printed with the results.

Usage: python3 setup/bench_queue.py [--messages 20000] [--contacts 5000] [--batch-sizes 100,500]
           [--repeat 1] [--time-limit 300] [--skip-http] [--skip-million] [--keep]
"""

import argparse
import json
import multiprocessing
import os
import platform
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

import _suite

PORT = 18469
ENQUEUE_BATCH = 500
CLAIM_SIZE = 100
CLAIM_REPEATS = 50
CLAIM_PENDING = 1000
HISTORY_ROWS = 1_000_000
HTTP_BATCH = 100
HTTP_THREADS = 2
SERVER_START_TIMEOUT = 180
SERVER_STOP_TIMEOUT = 30

HISTORY_SQL = """
INSERT INTO integration_message (
    flow_id, endpoint_id, company_id, direction, state, attempts, next_attempt_at, done_at,
    idempotency_key, payload, payload_checksum, payload_size,
    create_uid, create_date, write_uid, write_date)
SELECT f.id, f.endpoint_id, f.company_id, 'inbound', 'done', 1, h.at, h.at,
       'history-' || h.n, h.payload, encode(sha256(convert_to(h.payload, 'UTF8')), 'hex'),
       octet_length(h.payload), 1, h.at, 1, h.at
  FROM integration_flow f,
       LATERAL (SELECT n, (now() AT TIME ZONE 'UTC') - make_interval(secs => n) AS at,
                       json_build_object('message_id', 'history-' || n,
                                         'work_order', 'WO/' || (n / 10),
                                         'operation', 'OP' || mod(n, 7),
                                         'qty_done', mod(n, 100),
                                         'operator', 'badge-' || mod(n, 50))::text AS payload
                  FROM generate_series(1, %(rows)s) AS n) AS h
 WHERE f.id = %(flow)s
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000, help="no-op messages per run")
    parser.add_argument("--contacts", type=int, default=5000, help="contact messages per run")
    parser.add_argument("--batch-sizes", default="100,500", help="claim batch sizes to compare")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (median)")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per run at most")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-million", action="store_true", help="no 1,000,000-row history")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    args.batch_sizes = [int(size) for size in args.batch_sizes.split(",")]
    return args


# ---------------------------------------------------------------------------------- the report
@dataclass
class Row:
    measure: str
    value: float | None
    unit: str
    note: str = ""


class Report:
    def __init__(self):
        self.rows = []

    def add(self, measure, value, unit, note=""):
        self.rows.append(Row(measure, value, unit, note))
        print(f"  {measure}: {_number(value)} {unit} {note}".rstrip(), flush=True)

    def print_table(self, machine):
        print()
        for label, value in machine:
            print(f"{label + ':':<12} {value}")
        widths = [max(len(r.measure) for r in self.rows), 10, 6]
        print(f"\n{'measure':<{widths[0]}}  {'value':>{widths[1]}}  {'unit':<{widths[2]}}  note")
        print("-" * (sum(widths) + 30))
        for row in self.rows:
            print(
                f"{row.measure:<{widths[0]}}  {_number(row.value):>{widths[1]}}"
                f"  {row.unit:<{widths[2]}}  {row.note}"
            )


def _number(value):
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def _median_note(values, note=""):
    runs = f"median of {len(values)} runs" if len(values) > 1 else ""
    return "; ".join(part for part in (note, runs) if part)


# ---------------------------------------------------------------------------------- database
def create_database(database):
    print(f"Creating {database} with integration_core ...", flush=True)
    command = _suite.odoo_command(
        "-d",
        database,
        "-i",
        "integration_core",
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
    )
    subprocess.run(command, check=True)


def drop_database(database):
    if "odoo" in sys.modules:
        odoo = sys.modules["odoo"]
        odoo.modules.registry.Registry.delete(database)
        odoo.sql_db.close_db(database)
    subprocess.run(["dropdb", "--if-exists", "--force", database], check=False)
    print(f"Dropped {database}.", flush=True)


def open_registry(database):
    import odoo  # noqa: PLC0415 - importable only after _suite.require_odoo()

    odoo.tools.config.parse_config(
        [f"--addons-path={_suite.addons_path()}", "-d", database, "--log-level=warn"]
    )
    return odoo, odoo.modules.registry.Registry(database)


# ---------------------------------------------------------------------------------- in-process
class Bench:
    """The database under test, seen through Odoo's Python API."""

    def __init__(self, odoo, registry, report):
        self.odoo, self.registry, self.report = odoo, registry, report

    def env(self, cr):
        return self.odoo.api.Environment(cr, self.odoo.SUPERUSER_ID, {})

    def sql(self, query, params=None):
        """Run one statement in its own committed transaction; return its rows."""
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []

    def setup_flows(self):
        """One test endpoint and two active inbound flows; return (endpoint id, {code: flow})."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            endpoint = env["integration.endpoint"].create(
                {
                    "name": "Bench",
                    "code": "BENCH",
                    "environment": "test",
                    "rate_limit_per_minute": 0,
                }
            )
            flows = {}
            for code in ("noop", "partner"):
                flow = env["integration.flow"].create(
                    {
                        "name": code,
                        "code": code,
                        "endpoint_id": endpoint.id,
                        "direction": "inbound",
                        "handler": f"integration.handler.{code}",
                        "state": "active",
                    }
                )
                flows[code] = flow.id
            return endpoint.id, flows

    def enqueue(self, flow_id, payloads):
        """Enqueue ``payloads`` in batches, one commit per batch; return the seconds spent."""
        started = time.perf_counter()
        for start in range(0, len(payloads), ENQUEUE_BATCH):
            with self.registry.cursor() as cr:
                env = self.env(cr)
                env["integration.message"].enqueue_batch(
                    env["integration.flow"].browse(flow_id),
                    [{"payload": p} for p in payloads[start : start + ENQUEUE_BATCH]],
                )
        return time.perf_counter() - started

    def work(self, workers, batch_size, time_limit):
        """Work the queue with ``workers`` threads until empty; return (processed, seconds)."""
        counts, errors = [], []

        def run():
            try:
                with self.registry.cursor() as cr:
                    worker = self.env(cr)["integration.queue.worker"]
                    counts.append(worker._work_queue(time_budget=time_limit, batch_size=batch_size))
            except Exception as error:  # re-raised below, in the main thread
                errors.append(error)

        threads = [threading.Thread(target=run, name=f"bench-{n}") for n in range(workers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return sum(counts), time.perf_counter() - started

    def cancel_unfinished(self):
        """Cancel what a run cut short left behind, so the next run starts clean; count it."""
        rows = self.sql(
            "UPDATE integration_message SET state = 'cancelled'"
            " WHERE state IN ('pending', 'processing') RETURNING id"
        )
        return len(rows)

    def clear_messages(self, database):
        self.sql("DELETE FROM integration_message")
        _suite.psql(database, "VACUUM ANALYZE integration_message")

    def claim_timings(self):
        """Median milliseconds of claiming 100 messages (rolled back each time), and the count."""
        timings, claimed = [], 0
        with self.registry.cursor() as cr:
            worker = self.env(cr)["integration.queue.worker"]
            for _ in range(CLAIM_REPEATS):
                started = time.perf_counter()
                claimed = len(worker._claim_batch(CLAIM_SIZE, "bench-claim"))
                timings.append(time.perf_counter() - started)
                cr.rollback()
        return statistics.median(timings) * 1000, claimed

    def insert_history(self, flow_id):
        """Add HISTORY_ROWS done messages in one statement and ANALYZE; return the seconds."""
        started = time.perf_counter()
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL statement_timeout = '20min'")
            cr.execute(HISTORY_SQL, {"rows": HISTORY_ROWS, "flow": flow_id})
        elapsed = time.perf_counter() - started
        self.sql("ANALYZE integration_message")
        return elapsed

    def table_size(self):
        return self.sql("SELECT pg_total_relation_size('integration_message')")[0][0]

    def create_api_key(self, endpoint_id):
        """A service account and its API key (committed); return the clear key."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            groups = env.ref("base.group_user") | env.ref("integration_core.group_integration_api")
            user = env["res.users"].create(
                {
                    "name": "Bench service",
                    "login": "bench_service",
                    "groups_id": [(6, 0, groups.ids)],
                }
            )
            key = env["integration.api.key"].create(
                {"name": "bench", "endpoint_id": endpoint_id, "user_id": user.id}
            )
            return key._issue()


def noop_payloads(tag, count):
    return [
        {"message_id": f"{tag}-{n}", "work_order": f"WO/{n // 10}", "qty_done": n % 100}
        for n in range(count)
    ]


def contact_payloads(tag, count):
    return [
        {
            "message_id": f"{tag}-{n}",
            "ref": f"{tag}-{n}",
            "name": f"Contact {tag} {n}",
            "email": f"contact{n}@example.com",
            "city": "Lyon",
        }
        for n in range(count)
    ]


# ---------------------------------------------------------------------------------- measures
def measure_processing(bench, args, flow_id, kind, count, workers, batch_size):
    """Enqueue ``count`` messages then process them, ``--repeat`` times; return enqueue rates."""
    make_payloads = noop_payloads if kind == "no-op" else contact_payloads
    rates, enqueue_rates, left = [], [], 0
    for run in range(args.repeat):
        tag = f"{kind}-w{workers}-b{batch_size}-r{run}"
        enqueue_rates.append(count / bench.enqueue(flow_id, make_payloads(tag, count)))
        processed, elapsed = bench.work(workers, batch_size, args.time_limit)
        left += bench.cancel_unfinished()
        rates.append(processed / elapsed)
    note = f"{count:,} messages"
    if workers > 1:
        note += ", threads of one process"
    if left:
        note += f", cut short by --time-limit ({left:,} left)"
    bench.report.add(
        f"process {kind}, {workers} worker(s), batch {batch_size}",
        statistics.median(rates),
        "msg/s",
        _median_note(rates, note),
    )
    return enqueue_rates


def measure_python_api(bench, args, flows):
    enqueue_rates = []
    for batch_size in args.batch_sizes:
        for workers in (1, 2):
            enqueue_rates += measure_processing(
                bench, args, flows["noop"], "no-op", args.messages, workers, batch_size
            )
    bench.report.add(
        f"enqueue_batch, batches of {ENQUEUE_BATCH}",
        statistics.median(enqueue_rates),
        "msg/s",
        f"median of {len(enqueue_rates)} enqueues of {args.messages:,}, commit per batch",
    )
    for workers in (1, 2):
        measure_processing(
            bench,
            args,
            flows["partner"],
            "contact upsert",
            args.contacts,
            workers,
            args.batch_sizes[0],
        )


def measure_claims(bench, args, database, flow_id):
    bench.clear_messages(database)
    bench.enqueue(flow_id, noop_payloads("claim", CLAIM_PENDING))
    empty, claimed = bench.claim_timings()
    note = f"median of {CLAIM_REPEATS}, {claimed} claimed of {CLAIM_PENDING:,} pending"
    bench.report.add(f"claim {CLAIM_SIZE}, no history", empty, "ms", note)
    if args.skip_million:
        bench.report.add(f"claim {CLAIM_SIZE}, {HISTORY_ROWS:,} done", None, "ms", "skipped")
        return
    before = bench.table_size()
    seconds = bench.insert_history(flow_id)
    size = (bench.table_size() - before) * 1_000_000 / HISTORY_ROWS
    full, claimed = bench.claim_timings()
    note = f"median of {CLAIM_REPEATS}, ratio {full / empty:.2f} to no history"
    bench.report.add(f"claim {CLAIM_SIZE}, {HISTORY_ROWS:,} done", full, "ms", note)
    bench.report.add(f"insert {HISTORY_ROWS:,} done rows (SQL)", seconds, "s", "one statement")
    payload = bench.sql("SELECT avg(payload_size)::int FROM integration_message")[0][0]
    note = f"message rows only, payload ~{payload} bytes"
    bench.report.add("table + indexes per 1,000,000 messages", size / 2**20, "MiB", note)


# ---------------------------------------------------------------------------------- HTTP
def http_api_present():
    controllers = _suite.ROOT / "integration_core" / "controllers"
    return any("/integration/v1/" in path.read_text() for path in controllers.glob("*.py"))


def start_server(database, log):
    command = _suite.odoo_command(
        "-d",
        database,
        f"--http-port={PORT}",
        "--http-interface=127.0.0.1",
        "--max-cron-threads=0",
        "--workers=0",
        f"--db-filter=^{database}$",
        "--log-level=warn",
    )
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(server):
    import requests  # noqa: PLC0415 - a suite requirement, needed only here

    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/web/health", timeout=2).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(1)
    return False


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def load_generator(url, key, tag, count, per_request, time_limit, results):
    """Second process: POST ``count`` messages, ``per_request`` per request; put the figures."""
    import requests  # noqa: PLC0415 - runs in the spawned process

    statuses, sent, lock = {}, [0], threading.Lock()
    starts = iter(range(0, count, per_request))
    deadline = time.monotonic() + time_limit

    def run():
        session = requests.Session()
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        for start in starts:
            if time.monotonic() > deadline:
                break
            stop = min(start + per_request, count)
            items = [{"message_id": f"{tag}-{n}", "n": n} for n in range(start, stop)]
            body = items[0] if per_request == 1 else {"messages": items}
            try:
                status = session.post(url, data=json.dumps(body), headers=headers, timeout=60)
                status = status.status_code
            except requests.RequestException as error:
                status = type(error).__name__
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                sent[0] += stop - start if status in (200, 202) else 0

    threads = [threading.Thread(target=run) for _ in range(HTTP_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((time.perf_counter() - started, sent[0], statuses))


def run_load(url, key, tag, count, per_request, time_limit):
    """Run the load generator in a spawned process; return (seconds, accepted, statuses)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(
        target=load_generator, args=(url, key, tag, count, per_request, time_limit, results)
    )
    process.start()
    try:
        return results.get(timeout=time_limit + 120)
    except queue.Empty:
        return None
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join()


def measure_http_mode(bench, args, url, key, per_request, count):
    request_rates, message_rates, statuses, cut = [], [], {}, False
    for run in range(args.repeat):
        outcome = run_load(
            url, key, f"http{per_request}-r{run}", count, per_request, args.time_limit
        )
        if outcome is None:
            bench.report.add(f"HTTP, {per_request}/request", None, "", "load generator hung")
            return
        elapsed, accepted, seen = outcome
        requests_made = sum(seen.values())
        cut |= requests_made < len(range(0, count, per_request))
        request_rates.append(requests_made / elapsed)
        message_rates.append(accepted / elapsed)
        for status, number in seen.items():
            statuses[status] = statuses.get(status, 0) + number
    note = "statuses " + ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items(), key=str))
    if cut:
        note += "; cut short by --time-limit"
    label = f"HTTP, {per_request} message(s)/request"
    bench.report.add(f"{label}: requests", statistics.median(request_rates), "req/s", note)
    note = f"{count:,} messages, {HTTP_THREADS} client threads, keep-alive"
    bench.report.add(f"{label}: messages", statistics.median(message_rates), "msg/s", note)


def measure_http(bench, args, database, endpoint_id):
    if not http_api_present():
        bench.report.add("HTTP API", None, "", "skipped: no HTTP API")
        return
    key = bench.create_api_key(endpoint_id)
    url = f"http://127.0.0.1:{PORT}/integration/v1/BENCH/noop"
    with tempfile.NamedTemporaryFile("w+", prefix="bench_server_", suffix=".log") as log:
        server = start_server(database, log)
        try:
            if not wait_healthy(server):
                log.seek(0)
                note = "skipped: the server did not answer /web/health"
                bench.report.add("HTTP API", None, "", note)
                print(log.read()[-3000:], file=sys.stderr)
                return
            for per_request, count in (
                (1, max(1, args.messages // 10)),
                (HTTP_BATCH, args.messages),
            ):
                measure_http_mode(bench, args, url, key, per_request, count)
        finally:
            stop_server(server)


# ---------------------------------------------------------------------------------- main
def machine_info(bench):
    version = bench.sql("SHOW server_version")[0][0]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        ("nproc", len(os.sched_getaffinity(0))),
        ("CPU", platform.processor() or platform.machine()),
        ("Python", sys.version.split()[0]),
        ("Odoo", bench.odoo.release.version),
        ("PostgreSQL", version),
        ("load avg", f"{load} (1, 5, 15 min, at the start: the machine may be shared)"),
    ]


def run_benchmarks(bench, args, database):
    endpoint_id, flows = bench.setup_flows()
    print("Python API:", flush=True)
    measure_python_api(bench, args, flows)
    measure_claims(bench, args, database, flows["noop"])
    if args.skip_http:
        bench.report.add("HTTP API", None, "", "skipped: --skip-http")
    else:
        print("HTTP API:", flush=True)
        measure_http(bench, args, database, endpoint_id)


def main():
    args = parse_args()
    _suite.require_odoo()
    _suite.require_postgres()
    database = f"mi_bench_{time.strftime('%Y%m%d_%H%M%S')}"
    report = Report()
    try:
        create_database(database)
        odoo, registry = open_registry(database)
        bench = Bench(odoo, registry, report)
        machine = machine_info(bench)
        run_benchmarks(bench, args, database)
    finally:
        if args.keep:
            print(f"Kept {database}.", flush=True)
        else:
            drop_database(database)
    report.print_table(machine)


if __name__ == "__main__":
    main()
