"""The integration queue's database, seen through Odoo's Python API from the benchmark process.

Sets up what the measures need (endpoints, flows, a service account, contacts), enqueues through
``integration.message.enqueue_batch``, switches the queue's scheduled action on and off so that a
backlog can be built before the server's cron workers drain it, and measures what is measured
inside the database: claim time, storage, end-to-end latency.
"""

import statistics
import time

import _suite
import psycopg2

ENQUEUE_BATCH = 500
CLAIM_SIZE = 100
CLAIM_REPEATS = 50
CLAIM_PENDING = 1000
# Messages of a frozen flow, due before the claimable ones: what every claim passes over.
HELD_PENDING = 10_000
PARTNER_POOL = 1000
QUEUE_CRONS = ("integration_core.ir_cron_process_queue", "integration_core.ir_cron_process_queue_2")
REMAINING_SQL = "SELECT count(*) FROM integration_message WHERE state IN ('pending', 'processing')"

# One done message and its one attempt, as the queue leaves them; numbers from generate_series.
HISTORY_SQL = """
WITH inserted AS (
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
 RETURNING id, flow_id, company_id, done_at)
INSERT INTO integration_message_attempt (
    message_id, flow_id, company_id, number, started_at, duration_ms, outcome, worker)
SELECT id, flow_id, company_id, 1, done_at, 1, 'done', 'history:1:1' FROM inserted
"""

# Benchmark-only: a high-resolution "done" time, since done_at has one-second resolution.
LATENCY_TRIGGER_SQL = """
ALTER TABLE integration_message ADD COLUMN IF NOT EXISTS bench_done_at timestamptz;
CREATE OR REPLACE FUNCTION bench_mark_done() RETURNS trigger AS $$
BEGIN
    NEW.bench_done_at := clock_timestamp();
    RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS bench_mark_done ON integration_message;
CREATE TRIGGER bench_mark_done BEFORE UPDATE OF state ON integration_message
   FOR EACH ROW WHEN (NEW.state = 'done' AND OLD.state <> 'done')
   EXECUTE FUNCTION bench_mark_done();
"""
LATENCY_UNTRIGGER_SQL = "DROP TRIGGER IF EXISTS bench_mark_done ON integration_message"


def configure_odoo(addons_path):
    """Import Odoo in this process with the benchmark's addons path; return the package."""
    import odoo  # noqa: PLC0415 - importable only after bootstrap.ensure()

    odoo.tools.config.parse_config([f"--addons-path={addons_path}", "--log-level=warn"])
    return odoo


class OurQueue:
    """The benchmark database of the integration queue."""

    def __init__(self, odoo, database):
        self.odoo, self.database = odoo, database
        self.registry = odoo.modules.registry.Registry(database)
        self.flows, self.partner_ids, self.endpoint_id = {}, [], None

    def env(self, cr):
        return self.odoo.api.Environment(cr, self.odoo.SUPERUSER_ID, {})

    def sql(self, query, params=None):
        """Run one statement in its own committed transaction; return its rows."""
        with self.registry.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []

    def vacuum(self):
        """VACUUM ANALYZE the queue's tables, so that every drain starts from the same state
        instead of inheriting the dead rows of the runs before it."""
        connection = psycopg2.connect(dbname=self.database)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE integration_message, integration_message_attempt")
        finally:
            connection.close()

    # ------------------------------------------------------------------ setup
    def setup(self, amqp_url, amqp_queue):
        """Endpoints, flows, contacts; return the clear API key of a service account."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            endpoint = self._endpoint(env, "BENCH", transport="none")
            self.endpoint_id = endpoint.id
            for code, handler in (
                ("noop", "integration.handler.noop"),
                ("touch", "integration.handler.bench_partner_touch"),
            ):
                self.flows[code] = self._flow(env, endpoint, code, handler)
            amqp = self._endpoint(
                env, "BENCHAMQP", transport="amqp", url=amqp_url, amqp_queue=amqp_queue
            )
            self.flows["amqp"] = self._flow(env, amqp, "noop", "integration.handler.noop")
            partners = env["res.partner"].create(
                [{"name": f"Bench contact {n}"} for n in range(PARTNER_POOL)]
            )
            self.partner_ids = partners.ids
            return self._api_key(env, endpoint)

    def _endpoint(self, env, code, **values):
        return env["integration.endpoint"].create(
            dict(values, name=code, code=code, environment="test", rate_limit_per_minute=0)
        )

    def _flow(self, env, endpoint, code, handler):
        flow = env["integration.flow"].create(
            {
                "name": code,
                "code": code,
                "endpoint_id": endpoint.id,
                "direction": "inbound",
                "handler": handler,
                "state": "active",
            }
        )
        return flow.id

    def _api_key(self, env, endpoint):
        groups = env.ref("base.group_user") | env.ref("integration_core.group_integration_api")
        user = env["res.users"].create(
            {"name": "Bench service", "login": "bench_service", "groups_id": [(6, 0, groups.ids)]}
        )
        key = env["integration.api.key"].create(
            {"name": "bench", "endpoint_id": endpoint.id, "user_id": user.id}
        )
        return key._issue()

    # ------------------------------------------------------------------ payloads and enqueue
    def payloads(self, kind, tag, count):
        if kind == "touch":
            pool = self.partner_ids
            return [
                {"message_id": f"{tag}-{n}", "partner_id": pool[n % len(pool)], "value": f"{n}"}
                for n in range(count)
            ]
        return [
            {"message_id": f"{tag}-{n}", "work_order": f"WO/{n // 10}", "qty_done": n % 100}
            for n in range(count)
        ]

    def enqueue(self, flow_code, payloads):
        """Enqueue in batches of 500, one commit per batch; return the seconds spent."""
        started = time.perf_counter()
        flow_id = self.flows[flow_code]
        for start in range(0, len(payloads), ENQUEUE_BATCH):
            with self.registry.cursor() as cr:
                env = self.env(cr)
                env["integration.message"].enqueue_batch(
                    env["integration.flow"].browse(flow_id),
                    [{"payload": p} for p in payloads[start : start + ENQUEUE_BATCH]],
                )
        return time.perf_counter() - started

    def orm_write_rate(self, count):
        """The realistic handler's work without any queue, in this process: ``count`` writes of
        one field on one contact, one commit per 100; return writes per second."""
        pool = self.partner_ids
        started = time.perf_counter()
        for start in range(0, count, CLAIM_SIZE):
            with self.registry.cursor() as cr:
                partners = self.env(cr)["res.partner"]
                for n in range(start, min(start + CLAIM_SIZE, count)):
                    partners.browse(pool[n % len(pool)]).write({"comment": f"orm {n}"})
        return count / (time.perf_counter() - started)

    def set_queue_cron(self, active):
        """Switch the queue's scheduled actions (its runners); switching on triggers the first.

        Retried while a cron worker updates the same rows (prefork cron workers poll them).
        """
        for attempt in range(50):
            try:
                with self.registry.cursor() as cr:
                    env = self.env(cr)
                    crons = [env.ref(xmlid) for xmlid in QUEUE_CRONS]
                    # SQL, not the ORM: it waits for a run that is finishing instead of refusing.
                    cr.execute(
                        "UPDATE ir_cron SET active = %s WHERE id IN %s",
                        (active, tuple(cron.id for cron in crons)),
                    )
                    if active:
                        crons[0]._trigger()
                return
            except psycopg2.errors.SerializationFailure:
                if attempt == 49:
                    raise
                time.sleep(0.1)

    def cancel_unfinished(self):
        """Cancel what a run cut short left behind, so the next run starts clean; count it."""
        rows = self.sql(
            "UPDATE integration_message SET state = 'cancelled'"
            " WHERE state IN ('pending', 'processing', 'waiting') RETURNING id"
        )
        return len(rows)

    def count_states(self, since_id=0):
        rows = self.sql(
            "SELECT state, count(*) FROM integration_message WHERE id > %s GROUP BY state",
            (since_id,),
        )
        return dict(rows)

    def max_id(self):
        return self.sql("SELECT coalesce(max(id), 0) FROM integration_message")[0][0]

    # ------------------------------------------------------------------ claim and storage
    def claim_timing(self):
        """Median milliseconds of claiming 100 messages (rolled back each time)."""
        timings = []
        with self.registry.cursor() as cr:
            worker = self.env(cr)["integration.queue.worker"]
            for _ in range(CLAIM_REPEATS):
                started = time.perf_counter()
                worker._claim_batch(CLAIM_SIZE, "bench-claim")
                timings.append(time.perf_counter() - started)
                cr.rollback()
        return statistics.median(timings) * 1000

    def hold_backlog(self, count):
        """Queue ``count`` messages on a frozen flow, due before every other pending message
        (the worst place for a claim, which passes over them in its index order)."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            endpoint = env["integration.endpoint"].browse(self.endpoint_id)
            self.flows["held"] = self._flow(env, endpoint, "held", "integration.handler.noop")
            env["integration.freeze"].create(
                {"flow_id": self.flows["held"], "name": "Benchmark: a held backlog"}
            )
        self.enqueue("held", self.payloads("noop", "held", count))
        self.sql(
            "UPDATE integration_message SET next_attempt_at = next_attempt_at - interval '1 day'"
            " WHERE flow_id = %s",
            (self.flows["held"],),
        )
        self.vacuum()

    def cancel_held(self):
        """The held backlog out of the way of the next measures."""
        self.sql(
            "UPDATE integration_message SET state = 'cancelled' WHERE flow_id = %s",
            (self.flows["held"],),
        )
        self.vacuum()

    def clear_messages(self):
        self.sql("DELETE FROM integration_message")
        _suite.psql(self.database, "VACUUM ANALYZE integration_message")
        _suite.psql(self.database, "VACUUM ANALYZE integration_message_attempt")

    def insert_history(self, rows):
        """Add ``rows`` done messages with one attempt each, then ANALYZE; return seconds."""
        started = time.perf_counter()
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL statement_timeout = '30min'")
            cr.execute(HISTORY_SQL, {"rows": rows, "flow": self.flows["noop"]})
        elapsed = time.perf_counter() - started
        _suite.psql(self.database, "VACUUM ANALYZE integration_message")
        _suite.psql(self.database, "VACUUM ANALYZE integration_message_attempt")
        return elapsed

    def storage_bytes(self):
        """Table + TOAST + indexes of the messages and of their attempt log."""
        return self.sql(
            "SELECT pg_total_relation_size('integration_message')"
            " + pg_total_relation_size('integration_message_attempt')"
        )[0][0]

    # ------------------------------------------------------------------ latency
    def install_latency_trigger(self, installed=True):
        self.sql(LATENCY_TRIGGER_SQL if installed else LATENCY_UNTRIGGER_SQL)

    def done_times(self, ids):
        """{id: epoch seconds when the message became done} for the done ones of ``ids``."""
        rows = self.sql(
            "SELECT id, extract(epoch FROM bench_done_at) FROM integration_message"
            " WHERE id = ANY(%s) AND state = 'done' AND bench_done_at IS NOT NULL",
            (list(ids),),
        )
        return {message_id: float(at) for message_id, at in rows}
