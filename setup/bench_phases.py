"""The integration queue's measures, each against a real Odoo server where one is involved.

- processing: a backlog is enqueued through the Python API while the queue's scheduled action
  is off (that enqueue is the Python API figure), then the action is switched on and the
  server's own cron workers (``--max-cron-threads`` 1, then 2) drain it; the time is read by
  polling the database from the first claim to the last message done;
- HTTP: the server without cron workers, a load generator in a second process;
- latency: the server with one cron worker, a steady open-loop load, a benchmark-only trigger
  that stamps the moment each message becomes done (``done_at`` has one-second resolution);
- AMQP: persistent messages published with confirms, then the consumer command drains them;
- claim time and storage: in this process, with and without a million done messages.
"""

import subprocess
import sys
import tempfile
import time

import bench_load
import bench_ours
import bench_server
import pika
from bench_server import MemorySampler, OdooServer

HTTP_BATCH = 100
HTTP_THREADS = 4
LATENCY_RATE = 50
LATENCY_THREADS = 8
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


class Context:
    """What every phase needs: options, report, the database and its server settings."""

    def __init__(self, args, report, ours, api_key, addons_path):
        self.args, self.report, self.ours = args, report, ours
        self.api_key, self.addons_path = api_key, addons_path
        self.database, self.port = ours.database, args.port

    def server(self, cron_workers):
        return OdooServer(
            self.database, self.port, self.addons_path, cron_workers, workers=self.args.workers
        )


# ---------------------------------------------------------------------- processing
def run_processing(ctx):
    args = ctx.args
    for workers in (1, 2):
        with ctx.server(cron_workers=workers) as server:
            for rep in range(args.repeat):
                _process_once(ctx, server, "noop", args.messages, workers, rep)
                _process_once(ctx, server, "touch", args.realistic, workers, rep)
                if workers == 1:
                    ctx.report.add("orm_touch", ctx.ours.orm_write_rate(args.realistic))
            _check_server_log(ctx, server, f"process_noop_{workers}")


def _process_once(ctx, server, kind, count, workers, rep):
    ours, report = ctx.ours, ctx.report
    ours.set_queue_cron(False)
    ours.vacuum()
    since = ours.max_id()
    seconds = ours.enqueue(kind, ours.payloads(kind, f"{kind}-w{workers}-r{rep}", count))
    if kind == "noop":
        report.add("enqueue_python", count / seconds)
    report.sample_load()
    ours.set_queue_cron(True)
    with MemorySampler(server.process.pid) as memory:
        elapsed, processed = bench_server.time_drain(
            ctx.database, bench_ours.REMAINING_SQL, count, ctx.args.time_limit
        )
    left = ours.cancel_unfinished()
    states = ours.count_states(since)
    key = f"process_{kind}_{workers}"
    report.add(key, processed / elapsed, memory.peak_mib)
    report.note(key, f"{count:,} messages per run")
    if left or states.get("failed"):
        report.note(key, f"run {rep + 1}: {left} cut short by --time-limit, {states} ")


def _check_server_log(ctx, server, key):
    errors = server.errors()
    if errors:
        ctx.report.note(key, f"{len(errors)} ERROR lines in the server log, first: {errors[0]}")


# ---------------------------------------------------------------------- HTTP
def run_http(ctx):
    args = ctx.args
    url = f"http://127.0.0.1:{ctx.port}/integration/v1/BENCH/noop"
    with ctx.server(cron_workers=0) as server:
        for rep in range(args.repeat):
            with MemorySampler(server.process.pid) as memory:
                outcome = bench_load.run_in_process(
                    bench_load.bare,
                    server.url("/web/health"),
                    args.http_requests,
                    HTTP_THREADS,
                    args.time_limit,
                    time_limit=args.time_limit,
                )
            _record_http(ctx, "http_bare", outcome, memory, 1)
            for per_request, count, key in (
                (1, args.http_requests, "http_single"),
                (HTTP_BATCH, args.messages, "http_batch"),
            ):
                with MemorySampler(server.process.pid) as memory:
                    outcome = bench_load.run_in_process(
                        bench_load.closed_loop,
                        url,
                        ctx.api_key,
                        f"{key}-r{rep}",
                        count,
                        per_request,
                        HTTP_THREADS,
                        args.time_limit,
                        time_limit=args.time_limit,
                    )
                _record_http(ctx, key, outcome, memory, per_request)
        _check_server_log(ctx, server, "http_single")
    ctx.ours.cancel_unfinished()


def _record_http(ctx, key, outcome, memory, per_request):
    report = ctx.report
    report.sample_load()
    if outcome is None:
        report.note(key, "the load generator hung")
        return
    elapsed, requests_made, accepted, statuses = outcome
    rate = requests_made / elapsed if per_request == 1 else accepted / elapsed
    report.add(key, rate, memory.peak_mib)
    statuses = ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items(), key=str))
    report.note(key, f"{HTTP_THREADS} client threads (Odoo closes each connection); {statuses}")


# ---------------------------------------------------------------------- latency
def run_latency(ctx):
    args, ours = ctx.args, ctx.ours
    url = f"http://127.0.0.1:{ctx.port}/integration/v1/BENCH/noop"
    ours.install_latency_trigger()
    try:
        with ctx.server(cron_workers=1) as server:
            # A fresh server builds its routing map and caches on its first requests.
            bench_load.run_in_process(
                bench_load.closed_loop, url, ctx.api_key, "latency-warm-up", 20, 1, 1, 60,
                time_limit=60,
            )  # fmt: skip
            for rep in range(args.repeat):
                with MemorySampler(server.process.pid) as memory:
                    outcome = bench_load.run_in_process(
                        bench_load.paced,
                        url,
                        ctx.api_key,
                        f"latency-r{rep}",
                        LATENCY_RATE,
                        args.latency_seconds,
                        LATENCY_THREADS,
                        None,
                        time_limit=args.latency_seconds + 30,
                    )
                    _record_latency(ctx, outcome, memory)
            _check_server_log(ctx, server, "latency_p95")
    finally:
        ours.install_latency_trigger(False)
        ours.cancel_unfinished()


def _record_latency(ctx, outcome, memory):
    report = ctx.report
    report.sample_load()
    if outcome is None:
        report.note("latency_p95", "the load generator hung")
        return
    accepted, statuses, lateness = outcome
    sent = dict(accepted)
    done = bench_server.wait_until(
        lambda: len(d := ctx.ours.done_times(sent)) == len(sent) and d, timeout=60, interval=0.5
    ) or ctx.ours.done_times(sent)
    latencies = sorted(done[i] - sent[i] for i in done)
    span = max(sent.values()) - min(sent.values()) if len(sent) > 1 else 0
    achieved = (len(sent) - 1) / span if span else 0
    if not latencies:
        report.note("latency_p95", f"nothing done; statuses {statuses}")
        return
    peak = memory.peak_mib
    report.add("latency_rate", achieved)
    for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        report.add(f"latency_{name}", _quantile(latencies, q), peak)
    report.note(
        "latency_p95",
        f"asked {LATENCY_RATE} msg/s for {ctx.args.latency_seconds:.0f} s, one message per"
        f" request, {LATENCY_THREADS} client threads; done time stamped by a trigger",
    )
    report.note(
        "latency_p95",
        f"run {len(report.figures['latency_p95'].samples)}: {len(sent)} accepted at"
        f" {achieved:.1f} msg/s achieved, {len(sent) - len(done)} not done within 60 s,"
        f" worst send {lateness:.1f} s behind schedule",
    )


def _quantile(values, q):
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


# ---------------------------------------------------------------------- AMQP
def run_amqp(ctx):
    from odoo.addons.integration_core.lib import amqp_transport  # noqa: PLC0415

    args, ours, queue = ctx.args, ctx.ours, ctx.args.amqp_queue
    amqp_transport.declare_queue(AMQP_URL, "bench", queue, queue)
    for rep in range(args.repeat):
        published = _publish(queue, f"amqp-r{rep}", args.amqp_messages)
        since = ours.max_id()
        remaining = (
            f"SELECT {published} - count(*) FROM integration_message"
            f" WHERE id > {since} AND flow_id = {ours.flows['amqp']}"
        )
        log = tempfile.NamedTemporaryFile("w+", prefix="bench_consumer_", suffix=".log")
        consumer = subprocess.Popen(
            _consumer_command(ctx, published), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            with MemorySampler(consumer.pid) as memory:
                elapsed, taken = bench_server.time_drain(
                    ctx.database, remaining, published, args.time_limit
                )
        finally:
            _stop(consumer)
            log.seek(0)
            errors = [line for line in log if " ERROR " in line]
            log.close()
        if errors:
            ctx.report.note("amqp_ingest", f"{len(errors)} ERROR lines, first: {errors[0]}")
        ctx.report.sample_load()
        ctx.report.add("amqp_ingest", taken / elapsed, memory.peak_mib)
        ctx.report.note(
            "amqp_ingest",
            f"{published:,} persistent messages per run, consumer prefetch 50 and batch wait"
            " 50 ms: one commit per batch then ack",
        )
    ours.cancel_unfinished()
    _purge_queue(queue)


def _publish(queue, tag, count):
    """Publish ``count`` persistent messages with publisher confirms; return the count."""
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        properties = [
            pika.BasicProperties(
                delivery_mode=2,
                message_id=f"{tag}-{n}",
                type="noop",
                content_type="application/json",
            )
            for n in range(count)
        ]
        for n, props in enumerate(properties):
            body = f'{{"message_id": "{tag}-{n}", "n": {n}}}'.encode()
            channel.basic_publish("bench", queue, body, props, mandatory=True)
    finally:
        connection.close()
    return count


def _purge_queue(queue):
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    try:
        channel = connection.channel()
        for name in (queue, f"{queue}.dead"):
            channel.queue_delete(name)
        channel.exchange_delete("bench.dlx")
    finally:
        connection.close()


def _consumer_command(ctx, count):
    return [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={ctx.addons_path}",
        "integration-amqp-consumer",
        "-d",
        ctx.database,
        "--endpoint",
        "BENCHAMQP",
        "--max-messages",
        str(count),
        "--idle-timeout",
        "10",
        "--log-level=warn",
        "--log-handler=pika:WARNING",
    ]


def _stop(process, timeout=30):
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.wait()


# ---------------------------------------------------------------------- claim and storage
def run_claims(ctx):
    args, ours, report = ctx.args, ctx.ours, ctx.report
    ours.set_queue_cron(False)
    ours.clear_messages()
    ours.enqueue("noop", ours.payloads("noop", "claim", bench_ours.CLAIM_PENDING))
    for _rep in range(args.repeat):
        report.add("claim_empty", ours.claim_timing())
    before = ours.storage_bytes()
    seconds = ours.insert_history(args.history)
    per_million = (ours.storage_bytes() - before) * 1_000_000 / args.history / 2**20
    for _rep in range(args.repeat):
        report.add("claim_history", ours.claim_timing())
    ours.hold_backlog(bench_ours.HELD_PENDING)
    for _rep in range(args.repeat):
        report.add("claim_held", ours.claim_timing())
    ours.cancel_held()
    report.note(
        "claim_held",
        f"{bench_ours.HELD_PENDING:,} pending messages of a frozen flow, due before the"
        f" {bench_ours.CLAIM_PENDING:,} claimable ones, beside the {args.history:,} done;"
        f" median of {bench_ours.CLAIM_REPEATS} claims of {bench_ours.CLAIM_SIZE} per"
        " repetition",
    )
    report.sample_load()
    report.add("storage_million", per_million)
    report.note(
        "claim_history",
        f"{args.history:,} done messages with one attempt each, inserted in {seconds:.0f} s"
        f" by SQL, then VACUUM ANALYZE; median of {bench_ours.CLAIM_REPEATS} claims of"
        f" {bench_ours.CLAIM_SIZE} among {bench_ours.CLAIM_PENDING:,} pending per repetition",
    )
    size = ours.sql(
        "SELECT avg(payload_size)::int FROM (SELECT payload_size FROM"
        " integration_message WHERE state = 'done' LIMIT 1000) AS s"
    )[0][0]
    report.note(
        "storage_million",
        "messages + attempts tables with TOAST and indexes, as kept until the retention purge"
        f" (payload ~{size} bytes); measured on {args.history:,} messages",
    )


def timed(label):
    """Print how long a phase took (the benchmark is long: say where it is)."""

    class _Timer:
        def __enter__(self):
            print(f"{label} ...", flush=True)
            self.started = time.monotonic()

        def __exit__(self, *exc_info):
            print(f"{label}: {time.monotonic() - self.started:.0f} s", flush=True)

    return _Timer()
