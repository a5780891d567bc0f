"""The queue worker: claims messages, runs their handlers, records what happened.

Operations manual:

- Scheduled action "Integration: process the queue" runs ``_cron_process_queue``; enqueueing
  triggers it, so work starts within about a second. Claims use ``FOR UPDATE SKIP LOCKED`` and
  leases, so any number of workers on any number of servers may claim at once; Odoo runs one
  scheduled action in one cron worker at a time, so a backlog is worked in parallel by the
  active "process the queue" actions (runners: two are shipped, duplicate one for more; the
  first to find a full batch triggers the others).
- A claimed message is ``processing`` with a lease. The claim is committed first; the handler
  effects and the outcome of the whole batch are committed together afterwards, each message
  in its own savepoint, the batch's rows locked meanwhile. Lease recovery passes over locked
  rows, so a live batch is never taken away however long it runs: the lease (flow's
  *lease*, default 30 s) is only the time after which a crashed worker's messages are retried.
  After a crash (kill -9, lost node) expect them pending again about that long after the
  crash once a runner works the queue again (runners recover expired leases before every
  claim, and one that leaves leased messages behind triggers itself at the earliest expiry; a
  restarted server's cron workers first look for work within a minute, or at once when a
  message arrives). Their effects were never committed, so they apply once; the lost try
  keeps its count, with an attempt row saying the lease expired.
- A batch that fails as a whole (a serialization failure, a lost connection, a bug outside a
  handler) is rolled back and its claim released at once: its messages are pending again with
  their attempts count unchanged, instead of waiting for the lease.
- Rows batches share never conflict inside a batch transaction: the endpoint's circuit is
  read and changed in short autonomous transactions; exception cards (one per cause, unique
  fingerprint) are filed after the batch's commit in a short READ COMMITTED transaction. A
  worker that dies between those two commits leaves its batch's failed messages failed but
  not (yet) on a card: they show in the message list, and on a card once retried.
- Retries and deferrals keep their schedule: after a batch, a runner is triggered for the
  earliest one due (a trigger row, plus a timer of this process that wakes the cron workers
  on time instead of at their next minute's poll). While an endpoint's circuit is open its
  messages are deferred to the end of the cool-down without spending a try or writing an
  attempt row.
- While a message is unfinished (pending, processing, waiting or failed), later messages with the
  same ordering key wait; other keys go on.
- Processing windows and freezes hold a flow: the claim takes messages only of flows whose
  stored open stretch (``process_from``, ``process_until``, see
  ``integration_flow_schedule.py``) holds the time, so a held flow's messages stay pending,
  untouched, and are claimed in their usual order once it opens; a runner is triggered at each
  opening. A claim plan that starts from the flows (per-flow pending index) skips a held or
  paused flow whole; one that walks the queue in due order passes over its messages: a held
  backlog's size, never the history, may add to a claim's cost.
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

import psycopg2
from psycopg2 import errorcodes

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..lib import backoff
from ..lib.errors import MissingReference, PermanentError, TransientError
from ..tools import cron_wakeup, holds, pg

_logger = logging.getLogger(__name__)

RETRIABLE_PGCODES = pg.RETRIABLE_PGCODES
DEFAULT_BATCH = 100
# Seconds before a released batch is claimed again: at once after a conflict with another
# worker, a little later after an unexpected error (so a bug does not spin).
RELEASE_DELAY = {"conflict": 0, "error": 30}
FILING_TRIES = 5
LEASE_EXPIRED = "Worker lease expired (the worker stopped): retried."
# The code of every scheduled action that processes the queue (a "runner").
RUNNER_CODE = "model._cron_process_queue()"


class Deferred(Exception):
    """The endpoint's circuit is open: put the message back without counting a try."""

    def __init__(self, until):
        super().__init__(until)
        self.until = until


class IntegrationQueueWorker(models.AbstractModel):
    _name = "integration.queue.worker"
    _description = "Integration Queue Worker"

    # ------------------------------------------------------------------ scheduled actions
    @api.model
    def _cron_process_queue(self, time_budget=50.0):
        """Work the queue for about ``time_budget`` seconds, then report progress and yield."""
        processed = self._work_queue(time_budget=time_budget)
        remaining = self._count_ready()
        self.env["ir.cron"]._notify_progress(done=processed, remaining=remaining)

    @api.model
    def _work_queue(self, time_budget=50.0, max_batches=None, batch_size=None):
        """Claim and process batches until the queue is empty or the budget is spent.

        Commits after every claim and every batch. Returns the number of messages processed.
        """
        worker = _worker_id()
        batch_size = batch_size or self._batch_size()
        deadline = time.monotonic() + time_budget
        processed = batches = 0
        drained_at = None
        while time.monotonic() < deadline and (max_batches is None or batches < max_batches):
            # Before every claim: leases that expire while a long backlog is worked are
            # recovered on time, not at the next run.
            self._recover_expired_leases()
            claimed_at = fields.Datetime.now()
            ids = self._claim_batch(batch_size, worker)
            if batches == 0 and len(ids) == batch_size:
                self._wake_other_runners()  # a backlog: work it in parallel
            self.env.cr.commit()  # pylint: disable=invalid-commit
            if not ids:
                drained_at = claimed_at
                break
            if not self._run_batch(ids, worker):
                break
            processed += len(ids)
            batches += 1
        self._trigger_at_lease_expiry()
        if drained_at:  # a run stopped by its budget is run again at once by Odoo instead
            self._trigger_at_next_due(drained_at)
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return processed

    @api.model
    def _run_batch(self, ids, worker):
        """Process a claimed batch and commit it, then file its cards; False when it failed as
        a whole (it is then rolled back and its claim released)."""
        filings = []
        try:
            self._process_claimed(ids, worker, filings=filings)
            self.env.cr.commit()  # pylint: disable=invalid-commit
        except Exception as error:  # nothing may strand a claimed batch until its lease ends
            self.env.cr.rollback()
            self.env.invalidate_all()
            conflict = pg.is_conflict(error)
            if conflict:
                _logger.info("Batch of %d rolled back on a conflict; released", len(ids))
            else:
                _logger.exception("Batch of %d failed as a whole; released", len(ids))
            self._release_claim(ids, worker, RELEASE_DELAY["conflict" if conflict else "error"])
            self.env.cr.commit()  # pylint: disable=invalid-commit
            return conflict
        for filing in filings:
            self._file_committed(filing)
        return True

    @api.model
    def _file_committed(self, filing):
        """File what a committed batch leaves for the shared rows, in a short READ COMMITTED
        transaction retried on a conflict (the batch itself is safe already)."""
        Outcome = self.env["integration.queue.outcome"]
        for attempt in range(1, FILING_TRIES + 1):
            pg.read_committed(self.env.cr)
            try:
                Outcome._file(filing)
                self.env.cr.commit()  # pylint: disable=invalid-commit
                break
            except psycopg2.OperationalError as error:
                self.env.cr.rollback()
                self.env.invalidate_all()
                if not pg.is_conflict(error) or attempt == FILING_TRIES:
                    raise
                time.sleep(0.02 * attempt)
        if filing["next_due"]:
            cron_wakeup.wake_cron_workers_at(self.env.cr.dbname, filing["next_due"])

    @api.model
    def _release_claim(self, ids, worker, delay):
        """Put a claimed batch back: pending, its try not counted (no attempt row was kept)."""
        pg.read_committed(self.env.cr)
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_message
                   SET state = 'pending', attempts = GREATEST(attempts - 1, 0),
                       lease_until = NULL, leased_by = NULL, write_date = %(now)s,
                       next_attempt_at = %(now)s + make_interval(secs => %(delay)s)
                 WHERE id = ANY(%(ids)s) AND state = 'processing' AND leased_by = %(worker)s
                """,
                now=fields.Datetime.now(),
                delay=delay,
                ids=list(ids),
                worker=worker,
            )
        )
        if delay:
            self.env["integration.message"]._trigger_processing(
                at=fields.Datetime.now() + timedelta(seconds=delay)
            )

    @api.model
    def _trigger_at_lease_expiry(self):
        """Have a runner recover leases when the first one left behind expires."""
        self.env.cr.execute(
            "SELECT min(lease_until) FROM integration_message WHERE state = 'processing'"
            " AND lease_until > (now() AT TIME ZONE 'UTC')"
        )
        expiry = self.env.cr.fetchone()[0]
        if expiry:
            at = expiry + timedelta(seconds=1)
            self.env["integration.message"]._trigger_processing(at=at)
            self.env.cr.postcommit.add(
                lambda dbname=self.env.cr.dbname: cron_wakeup.wake_cron_workers_at(dbname, at)
            )

    @api.model
    def _trigger_at_next_due(self, claimed_at):
        """Have a runner wake when the next message falls due after the run's last claim.

        Each enqueue and batch asks for its own wake-up, but Odoo deletes a runner's triggers
        that fell due while it ran (a message queued after the last claim would wait for the
        minute's poll), and a timer of a restarted server is gone: every run therefore ends by
        asking for the earliest message its last claim could not see yet, at least a second
        ahead so that the trigger outlives the run (one index range read).
        """
        self.env.cr.execute(
            SQL(
                "SELECT min(next_attempt_at) FROM integration_message WHERE state = 'pending'"
                " AND next_attempt_at >= %s",
                claimed_at,
            )
        )
        due = self.env.cr.fetchone()[0]
        if due:
            soonest = fields.Datetime.now().replace(microsecond=0) + timedelta(seconds=1)
            at = max(cron_wakeup.whole_second(due), soonest)
            self.env["integration.message"]._trigger_processing(at=at)
            self.env.cr.postcommit.add(
                lambda dbname=self.env.cr.dbname: cron_wakeup.wake_cron_workers_at(dbname, at)
            )

    @api.model
    def _wake_other_runners(self):
        """Trigger the other active scheduled actions that process the queue.

        Odoo runs one scheduled action in one cron worker at a time: parallel work on a
        backlog needs several actions ("runners"), each claiming its own batches.
        """
        runners = (
            self.env["ir.cron"]
            .sudo()
            .search([("model_id.model", "=", self._name), ("code", "=", RUNNER_CODE)])
        )
        for runner in runners.filtered(lambda cron: cron.id != self.env.context.get("cron_id")):
            runner._trigger()

    @api.model
    def _cron_expire_waiting(self):
        """Scheduled: resume waiting messages whose reference exists; those past their flow's
        deadline become failures."""
        self.env["integration.message"]._expire_waiting()

    @api.model
    def _batch_size(self):
        param = self.env["ir.config_parameter"].sudo().get_param("integration.claim_batch_size")
        return int(param or DEFAULT_BATCH)

    @api.model
    def _count_ready(self):
        self.env.cr.execute(
            "SELECT count(*) FROM integration_message"
            " WHERE state = 'pending' AND next_attempt_at <= (now() AT TIME ZONE 'UTC')"
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------ claim and leases
    @api.model
    def _claim_batch(self, limit, worker):
        """Lease up to ``limit`` ready messages to ``worker``; return their ids.

        Call at the start of a transaction and commit right after. The claim transaction is
        then READ COMMITTED, the usual isolation of a SKIP LOCKED queue: a row another claimer has
        just committed is re-checked and passed over, where Odoo's REPEATABLE READ would fail
        the whole claim. A remaining conflict is rolled back and the claim retried.
        """
        for _try in range(5):
            try:
                # Contention with another claimer is expected: no error log for it.
                self.env.cr.execute(
                    SQL("%s%s", self._claim_isolation(), self._claim_query(limit, worker)),
                    log_exceptions=False,
                )
                return [row[0] for row in self.env.cr.fetchall()]
            except psycopg2.OperationalError as error:
                if error.pgcode not in RETRIABLE_PGCODES:
                    raise
                self.env.cr.rollback()
        return []

    @api.model
    def _claim_isolation(self):
        """READ COMMITTED for a claim that starts its transaction; nothing inside a transaction
        already begun (a caller's, or a test's), where the isolation can no longer change."""
        status = self.env.cr.connection.info.transaction_status
        if status == psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            return SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; ")
        return SQL()

    @api.model
    def _claim_query(self, limit, worker, only_ids=None):
        now = fields.Datetime.now()
        return SQL(
            """
            WITH candidates AS (
                SELECT m.id, f.lease_seconds
                  FROM integration_message m
                  JOIN integration_flow f ON f.id = m.flow_id
                 WHERE m.state = 'pending'
                   AND m.next_attempt_at <= %(now)s
                   AND f.state = 'active'
                   AND f.paused IS NOT TRUE
                   AND %(open)s
                   AND (%(only_ids)s::int[] IS NULL OR m.id = ANY(%(only_ids)s::int[]))
                   AND (m.ordering_key IS NULL OR NOT EXISTS (
                        SELECT 1 FROM integration_message e
                         WHERE e.endpoint_id = m.endpoint_id
                           AND e.direction = m.direction
                           AND e.ordering_key = m.ordering_key
                           AND e.state IN ('pending', 'processing', 'waiting', 'failed')
                           AND (e.sequence, e.id) < (m.sequence, m.id)))
                 ORDER BY m.next_attempt_at, m.id
                 LIMIT %(limit)s
                   FOR UPDATE OF m SKIP LOCKED
            )
            UPDATE integration_message m
               SET state = 'processing',
                   attempts = m.attempts + 1,
                   leased_by = %(worker)s,
                   lease_until = %(now)s + make_interval(secs => c.lease_seconds),
                   write_date = %(now)s
              FROM candidates c
             WHERE m.id = c.id
         RETURNING m.id
            """,
            now=now,
            limit=limit,
            worker=worker,
            only_ids=only_ids,
            open=holds.open_now("f", now),
        )

    @api.model
    def _process_now(self, messages):
        """Process ``messages`` at once, in the caller's transaction (a person's replay).

        Claims them like a worker (same ordering and flow rules, rows locked until the caller
        commits, so no cron worker takes them meanwhile); any that cannot be claimed now stay
        pending for the queue. Returns the outcomes.
        """
        worker = f"{_worker_id()}:manual"
        holds.flush(self.env)  # a freeze lifted in this transaction counts
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    self._claim_query(len(messages), worker, only_ids=messages.ids),
                    log_exceptions=False,
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.OperationalError as error:
            if error.pgcode not in RETRIABLE_PGCODES:
                raise
            return []
        return self._process_claimed(ids, worker) if ids else []

    @api.model
    def _recover_expired_leases(self):
        """Make messages whose worker died pending again; return how many.

        Their lost try keeps its count and gets its attempt row, so a message that crashes its
        worker every time still ends after its flow's max attempts.
        """
        now = fields.Datetime.now()
        pg.read_committed(self.env.cr)  # rows another worker just changed are passed over
        try:
            self.env.cr.execute(
                SQL(
                    """
                    WITH expired AS (
                        SELECT id, leased_by, lease_until FROM integration_message
                         WHERE state = 'processing' AND lease_until < %(now)s
                           FOR UPDATE SKIP LOCKED)
                    UPDATE integration_message m
                       SET state = 'pending', next_attempt_at = %(now)s, lease_until = NULL,
                           leased_by = NULL, error = %(error)s, error_kind = 'transient',
                           write_date = %(now)s
                      FROM expired e
                     WHERE m.id = e.id
                 RETURNING m.id, m.flow_id, m.company_id, m.attempts, e.leased_by, e.lease_until
                    """,
                    now=now,
                    error=LEASE_EXPIRED,
                ),
                log_exceptions=False,
            )
        except psycopg2.OperationalError as error:
            if not pg.is_conflict(error):
                raise
            self.env.cr.rollback()
            return 0
        rows = self.env.cr.fetchall()
        if rows:
            _logger.warning("Recovered %d messages whose worker lease expired", len(rows))
            self.env["integration.message.attempt"]._log(
                [
                    {
                        "message_id": message_id,
                        "flow_id": flow_id,
                        "company_id": company_id,
                        "number": attempts,
                        "started_at": lease_until,
                        "duration_ms": 0,
                        "outcome": "retry",
                        "error": LEASE_EXPIRED,
                        "worker": leased_by,
                    }
                    for message_id, flow_id, company_id, attempts, leased_by, lease_until in rows
                ]
            )
            self.env["integration.message"].invalidate_model()
        return len(rows)

    @api.model
    def _lock_owned(self, ids, worker):
        """Lock the claimed rows still leased to ``worker`` for the rest of the transaction."""
        try:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM integration_message WHERE id = ANY(%s)"
                    " AND state = 'processing' AND leased_by = %s ORDER BY id FOR UPDATE",
                    list(ids),
                    worker,
                ),
                log_exceptions=False,
            )
        except psycopg2.OperationalError as error:
            if error.pgcode not in RETRIABLE_PGCODES:
                raise
            # Another worker recovered these leases meanwhile: they are its to process now.
            self.env.cr.rollback()
            return []
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------ processing
    @api.model
    def _process_claimed(self, ids, worker, filings=None):
        """Run the handler of every claimed message and record the outcomes (no commit).

        The exception cards are filed at once, unless ``filings`` is a list: then what to file
        is appended to it, for the caller to file after its commit.
        """
        owned = self._lock_owned(ids, worker)
        messages = self.env["integration.message"].browse(owned)
        messages.invalidate_recordset()
        messages.fetch(
            ["flow_id", "endpoint_id", "company_id", "direction", "attempts", "exception_id"]
        )
        outcomes = self._process_together(messages, worker) or [
            self._process_one(message, worker) for message in messages
        ]
        Outcome = self.env["integration.queue.outcome"]
        filing = Outcome._apply(outcomes)
        if filings is None:
            Outcome._file(filing)
        else:
            filings.append(filing)
        return outcomes

    @api.model
    def _process_together(self, messages, worker):
        """Inbound messages under one savepoint, their writes flushed together; None as soon
        as one of them does not simply succeed (everything is then undone, and the caller
        processes them one savepoint each, which says which message failed and why).

        Outbound batches always go one by one: a request sent cannot be undone.
        """
        if any(message.direction != "inbound" for message in messages):
            return None
        outcomes = []
        try:
            with self.env.cr.savepoint():
                handlers = self._batch_handlers(messages)
                for message in messages:
                    started, clock = fields.Datetime.now(), time.perf_counter()
                    result = handlers[message.flow_id]._process_inbound(message)
                    outcomes.append(
                        {
                            "message": message,
                            "worker": worker,
                            "started_at": started,
                            "outcome": "done",
                            "result": result,
                            "duration_ms": int((time.perf_counter() - clock) * 1000),
                        }
                    )
                self.env.flush_all()
        except Exception:  # any failure: undo all, the caller redoes them one by one
            self.env.invalidate_all()
            return None
        return outcomes

    @api.model
    def _batch_handlers(self, messages):
        """The handler of each flow of the batch, knowing what its messages will read."""
        handlers = {}
        for flow in messages.flow_id:
            handler = flow._handler()
            prefetch = handler._prefetch_inbound(
                messages.filtered(lambda m, f=flow: m.flow_id == f)
            )
            handlers[flow] = handler._with_batch_prefetch(prefetch)
        return handlers

    @api.model
    def _process_one(self, message, worker):
        started = fields.Datetime.now()
        clock = time.perf_counter()
        outcome = {"message": message, "worker": worker, "started_at": started}
        sent = {}
        try:
            with self.env.cr.savepoint():
                result = self._run_handler(message, sent)
            outcome.update(outcome="done", result=result)
        except Deferred as deferred:
            outcome.update(outcome="deferred", until=deferred.until)
        except MissingReference as missing:
            outcome.update(
                outcome="waiting", error=str(missing), model=missing.model, code=str(missing.code)
            )
        except TransientError as error:
            outcome.update(_failure(error, "transient", message))
        except PermanentError as error:
            outcome.update(_failure(error, "permanent", message))
        except (UserError, ValidationError) as error:
            outcome.update(_failure(error, "permanent", message, category="validation"))
        except (psycopg2.OperationalError, psycopg2.IntegrityError) as error:
            # A concurrent message created the same record first: the retry will find it.
            retriable = RETRIABLE_PGCODES | {errorcodes.UNIQUE_VIOLATION}
            kind = "transient" if error.pgcode in retriable else "permanent"
            outcome.update(_failure(error, kind, message, category="handler"))
        except Exception as error:  # a handler bug must fail its message, not the batch
            _logger.exception(
                "Handler of %s failed on message %s", message.flow_id.code, message.id
            )
            outcome.update(
                _failure(
                    error,
                    "permanent",
                    message,
                    category="handler",
                    text=f"{type(error).__name__}: {error}",
                )
            )
        if outcome["outcome"] != "done":
            self.env.invalidate_all()
        if sent:
            self._count_for_circuit(sent["endpoint"], outcome)
        outcome["duration_ms"] = int((time.perf_counter() - clock) * 1000)
        return outcome

    @api.model
    def _count_for_circuit(self, endpoint, outcome):
        """Outside the savepoint: the circuit counts even when the message's work is undone.

        Only transient failures say the other side is unwell; a rejection says it is up. The
        circuit is a health signal: failing to count one outcome must not fail the batch.
        """
        try:
            endpoint._circuit_record(success=outcome.get("error_kind") != "transient")
        except psycopg2.Error as error:
            _logger.warning("Circuit of %s not updated: %s", endpoint.code, error)

    @api.model
    def _run_handler(self, message, sent):
        """Run the flow's handler; for outbound, note in ``sent`` that a request went out."""
        flow = message.flow_id
        if message.direction == "inbound":
            return flow._handler()._process_inbound(message)
        endpoint = message.endpoint_id
        endpoint._check_may_send()
        allowed, reopen_at = endpoint._circuit_allows()
        if not allowed:
            raise Deferred(reopen_at)
        request = flow._handler()._prepare_outbound(message)
        sent["endpoint"] = endpoint
        return endpoint._send(flow, message, request)


def _failure(error, kind, message, category=None, text=None):
    """Describe a failed try for ``_apply_outcomes``."""
    flow = message.flow_id
    attempts = message.attempts
    if kind == "transient" and attempts < flow.max_attempts:
        delay = backoff.next_delay(
            attempts,
            base=flow.retry_base_seconds,
            cap=flow.retry_cap_seconds,
            retry_after=getattr(error, "retry_after", None),
        )
        return {
            "outcome": "retry",
            "error": text or str(error),
            "error_kind": kind,
            "status_code": getattr(error, "status_code", None),
            "next_attempt_at": fields.Datetime.now() + timedelta(seconds=delay),
        }
    if category is None:
        category = getattr(error, "category", None) or (
            "transport"
            if kind == "transient"
            else "rejected"
            if message.direction == "outbound"
            else "validation"
        )
    return {
        "outcome": "failed",
        "error": text or str(error),
        "error_kind": kind,
        "status_code": getattr(error, "status_code", None),
        "category": category,
    }


def _worker_id():
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
