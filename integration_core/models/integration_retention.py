"""Purge of done messages past their flow's retention, in small committed batches.

Operations manual: the scheduled action "Integration: purge done messages" deletes done
messages older than their flow's ``retention_days`` (0 keeps them forever), at most
``BATCH_SIZE`` per transaction, committing after each batch so it never holds many locks or
a long transaction against the queue. Their attempts and payload attachments go with them;
their counts are added to ``integration.message.summary`` first, in the same transaction.
When its time budget is spent it reports progress and the cron runner calls it again.
"""

import time

from odoo import api, fields, models
from odoo.tools import SQL

BATCH_SIZE = 1000


class IntegrationRetention(models.AbstractModel):
    _name = "integration.retention"
    _description = "Integration Retention"

    @api.model
    def _cron_purge(self, batch_size=BATCH_SIZE, time_budget=50.0):
        """Purge eligible messages batch by batch; return how many were purged."""
        deadline = time.monotonic() + time_budget
        purged = 0
        while time.monotonic() < deadline:
            count = self._purge_batch(batch_size)
            self.env.cr.commit()  # pylint: disable=invalid-commit
            purged += count
            if count < batch_size:
                break
        self.env["ir.cron"]._notify_progress(done=purged, remaining=self._count_eligible())
        return purged

    @api.model
    def _eligible(self, limit=None):
        query = SQL(
            """
            SELECT m.id FROM integration_message m
              JOIN integration_flow f ON f.id = m.flow_id
             WHERE m.state = 'done' AND f.retention_days > 0
               AND m.done_at < %(now)s - make_interval(days => f.retention_days)
            """,
            now=fields.Datetime.now(),
        )
        if limit:
            query = SQL("%s ORDER BY m.done_at LIMIT %s FOR UPDATE OF m SKIP LOCKED", query, limit)
        return query

    @api.model
    def _count_eligible(self):
        self.env.cr.execute(SQL("SELECT count(*) FROM (%s) AS eligible", self._eligible()))
        return self.env.cr.fetchone()[0]

    @api.model
    def _purge_batch(self, limit):
        """Summarise and delete up to ``limit`` eligible messages (no commit)."""
        self.env.cr.execute(self._eligible(limit))
        ids = [row[0] for row in self.env.cr.fetchall()]
        if ids:
            self._summarise(ids)
            # The ORM removes the payload attachments; attempts go by the foreign key cascade.
            self.env["integration.message"].sudo().browse(ids).unlink()
        return len(ids)

    @api.model
    def _summarise(self, ids):
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO integration_message_summary AS s (
                    flow_id, endpoint_id, company_id, day, message_count, attempt_count,
                    failed_attempt_count, latency_total_seconds, latency_max_seconds,
                    create_uid, create_date, write_uid, write_date)
                SELECT m.flow_id, min(m.endpoint_id), min(m.company_id), m.done_at::date,
                       count(*), coalesce(sum(a.tries), 0), coalesce(sum(a.failed), 0),
                       sum(EXTRACT(EPOCH FROM m.done_at - m.create_date)),
                       max(EXTRACT(EPOCH FROM m.done_at - m.create_date)),
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM integration_message m
                  LEFT JOIN (SELECT message_id, count(*) AS tries,
                                    count(*) FILTER (WHERE outcome IN ('retry', 'failed')) AS failed
                               FROM integration_message_attempt
                              WHERE message_id = ANY(%(ids)s) AND outcome != 'deferred'
                              GROUP BY message_id) a ON a.message_id = m.id
                 WHERE m.id = ANY(%(ids)s)
                 GROUP BY m.flow_id, m.done_at::date
                    ON CONFLICT (flow_id, day) DO UPDATE SET
                       message_count = s.message_count + EXCLUDED.message_count,
                       attempt_count = s.attempt_count + EXCLUDED.attempt_count,
                       failed_attempt_count = s.failed_attempt_count
                                              + EXCLUDED.failed_attempt_count,
                       latency_total_seconds = s.latency_total_seconds
                                               + EXCLUDED.latency_total_seconds,
                       latency_max_seconds = GREATEST(s.latency_max_seconds,
                                                      EXCLUDED.latency_max_seconds),
                       write_date = EXCLUDED.write_date
                """,
                ids=ids,
                uid=self.env.uid,
                now=now,
            )
        )
        self.env["integration.message.summary"].invalidate_model()
