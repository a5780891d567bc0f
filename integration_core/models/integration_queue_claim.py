"""Claiming queue messages: leases taken with ``FOR UPDATE SKIP LOCKED``, released, recovered.

See ``integration_queue_worker.py`` for how the worker uses them (its docstring is the
queue's operations manual).
"""

import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import holds, pg

_logger = logging.getLogger(__name__)

RETRIABLE_PGCODES = pg.RETRIABLE_PGCODES
LEASE_EXPIRED = "Worker lease expired (the worker stopped): retried."


class IntegrationQueueClaim(models.AbstractModel):
    _name = "integration.queue.claim"
    _description = "Integration Queue Claims and Leases"

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
