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
- The worker's parts, by concept: ``integration.queue.claim`` (claims, leases, their release
  and recovery), ``integration.queue.processing`` (handlers, the sequence gate of flows with a
  sequence path, outcomes of each message) and ``integration.queue.outcome`` (states, attempt
  rows, effects, lifecycle hooks and exception cards, written for the whole batch). The
  worker inherits the first two, so each is reachable on it too.
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import cron_wakeup, holds, pg

_logger = logging.getLogger(__name__)

RETRIABLE_PGCODES = pg.RETRIABLE_PGCODES
DEFAULT_BATCH = 100
# Seconds before a released batch is claimed again: at once after a conflict with another
# worker, a little later after an unexpected error (so a bug does not spin).
RELEASE_DELAY = {"conflict": 0, "error": 30}
FILING_TRIES = 5
# The code of every scheduled action that processes the queue (a "runner").
RUNNER_CODE = "model._cron_process_queue()"


class IntegrationQueueWorker(models.AbstractModel):
    _name = "integration.queue.worker"
    _inherit = ["integration.queue.claim", "integration.queue.processing"]
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


def _worker_id():
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
