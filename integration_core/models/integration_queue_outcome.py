"""Writes the outcomes of a processed batch: states, attempt log, exceptions.

The worker decides what happened to each message (``done``, ``retry``, ``deferred``,
``waiting``, ``failed``); this model records it for the whole batch in a few set-based
statements, in the batch's transaction, so the effects and the states commit together
(``_apply``). The rows that batches share, exception cards and the parked messages of other
batches, are written afterwards by ``_file``, which the worker runs in a short transaction of
its own after the batch's commit: concurrent batches never conflict on them.

A deferral (the endpoint's circuit is open) is not a try: the message goes back with its
attempts count unchanged and no attempt row, so attempts and attempt rows always agree.
"""

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import cron_wakeup

# The outcomes after which handlers hear of their messages (``_on_<state>``).
HOOKED_STATES = ("done", "failed", "waiting")


class IntegrationQueueOutcome(models.AbstractModel):
    _name = "integration.queue.outcome"
    _description = "Integration Queue Outcome Writer"

    @api.model
    def _apply(self, outcomes):
        """Write every outcome of a batch in a few statements and log the attempts.

        Returns what ``_file`` needs once the batch is committed.
        """
        now = fields.Datetime.now()
        attempt_rows = [_attempt_row(o) for o in outcomes if o["outcome"] != "deferred"]
        groups = {}
        for outcome in outcomes:
            groups.setdefault(outcome["outcome"], []).append(outcome)
        # Read before the cache is dropped below: re-reading would fetch whole rows, payloads too.
        solved = [o["message"].exception_id.id for o in groups.get("done", [])]
        hooked = _ids_by_handler(groups)
        self._apply_done(groups.get("done", []), now)
        self._apply_retry(groups.get("retry", []) + groups.get("deferred", []), now)
        self._apply_failed(groups.get("failed", []), now)
        self._apply_waiting(groups.get("waiting", []), now)
        self.env["integration.message.attempt"]._log(attempt_rows)
        self.env["integration.message"].invalidate_model()
        for state, ids_by_handler in hooked.items():
            self.env["integration.message"]._call_lifecycle_hook(f"_on_{state}", ids_by_handler)
        later = [
            o.get("next_attempt_at") or o.get("until")
            for o in groups.get("retry", []) + groups.get("deferred", [])
        ]
        return {
            "failed": groups.get("failed", []),
            "waiting": groups.get("waiting", []),
            "solved": sorted(set(filter(None, solved))),
            "next_due": cron_wakeup.whole_second(min(filter(None, later), default=None)),
        }

    @api.model
    def _file(self, filing):
        """After the batch's commit: resume what the batch's references unblocked, file the
        exception cards of its failures, resolve the cards its successes cleared, and have a
        runner start when its first retry or deferral is due."""
        parked = self._resume_arrived(filing["waiting"])
        self._file_exceptions(filing["failed"])
        self._file_missing_references(parked)
        self.env["integration.exception"].browse(filing["solved"])._refresh_from_messages()
        if filing["next_due"]:
            self.env["integration.message"]._trigger_processing(at=filing["next_due"])

    @api.model
    def _apply_done(self, outcomes, now):
        if not outcomes:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_message
                   SET state = 'done', done_at = %(now)s, write_date = %(now)s,
                       lease_until = NULL, leased_by = NULL, error = NULL, error_kind = NULL
                 WHERE id = ANY(%(ids)s)
                """,
                now=now,
                ids=[o["message"].id for o in outcomes],
            )
        )
        self.env["integration.message.effect"]._record(outcomes)

    @api.model
    def _apply_retry(self, outcomes, now):
        if not outcomes:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_message m
                   SET state = 'pending', write_date = %(now)s, lease_until = NULL,
                       leased_by = NULL, next_attempt_at = t.next_at,
                       attempts = m.attempts - t.uncount, error = COALESCE(t.error, m.error),
                       error_kind = COALESCE(t.kind, m.error_kind)
                  FROM unnest(%(ids)s::int[], %(nexts)s::timestamp[], %(uncount)s::int[],
                              %(errors)s::text[], %(kinds)s::varchar[])
                       AS t(id, next_at, uncount, error, kind)
                 WHERE m.id = t.id
                """,
                now=now,
                ids=[o["message"].id for o in outcomes],
                nexts=[o.get("next_attempt_at") or o.get("until") or now for o in outcomes],
                uncount=[1 if o["outcome"] == "deferred" else 0 for o in outcomes],
                errors=[o.get("error") for o in outcomes],
                kinds=[o.get("error_kind") for o in outcomes],
            )
        )

    @api.model
    def _apply_failed(self, outcomes, now):
        if not outcomes:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_message m
                   SET state = 'failed', write_date = %(now)s, lease_until = NULL,
                       leased_by = NULL, error = t.error, error_kind = t.kind
                  FROM unnest(%(ids)s::int[], %(errors)s::text[], %(kinds)s::varchar[])
                       AS t(id, error, kind)
                 WHERE m.id = t.id
                """,
                now=now,
                ids=[o["message"].id for o in outcomes],
                errors=[o["error"] for o in outcomes],
                kinds=[o["error_kind"] for o in outcomes],
            )
        )

    @api.model
    def _apply_waiting(self, outcomes, now):
        if not outcomes:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE integration_message m
                   SET state = 'waiting', write_date = %(now)s, lease_until = NULL,
                       leased_by = NULL, error = t.error, error_kind = NULL,
                       waiting_model = t.model, waiting_code = t.code,
                       waiting_since = COALESCE(m.waiting_since, %(now)s),
                       waiting_deadline = COALESCE(
                           m.waiting_deadline,
                           %(now)s + make_interval(mins => f.waiting_deadline_minutes))
                  FROM unnest(%(ids)s::int[], %(errors)s::text[], %(models)s::varchar[],
                              %(codes)s::varchar[]) AS t(id, error, model, code),
                       integration_flow f
                 WHERE m.id = t.id AND f.id = m.flow_id
                """,
                now=now,
                ids=[o["message"].id for o in outcomes],
                errors=[o["error"] for o in outcomes],
                models=[o["model"] for o in outcomes],
                codes=[o["code"] for o in outcomes],
            )
        )

    @api.model
    def _resume_arrived(self, outcomes):
        """Resume at once the parked messages whose reference exists by now; return the others.

        A reference created earlier in the same batch (or committed by another worker while this
        one was parking) found nothing waiting when it tried to wake its messages.
        """
        wanted = {}
        for outcome in outcomes:
            key = (outcome["message"].endpoint_id, outcome["model"])
            wanted.setdefault(key, set()).add(outcome["code"])
        Message = self.env["integration.message"]
        arrived = set()
        for (endpoint, model), codes in wanted.items():
            found = Message._references_available(endpoint, model, codes)
            if found:
                Message._resume_waiting(model, found, endpoint=endpoint)
                arrived |= {(endpoint, model, code) for code in found}
        return [
            outcome
            for outcome in outcomes
            if (outcome["message"].endpoint_id, outcome["model"], outcome["code"]) not in arrived
        ]

    @api.model
    def _file_missing_references(self, outcomes):
        """One exception per flow and missing reference, so people see what to create."""
        groups = {}
        for outcome in outcomes:
            key = (outcome["message"].flow_id.id, outcome["model"], outcome["code"])
            groups.setdefault(key, []).append(outcome)
        Exception_ = self.env["integration.exception"].sudo()
        # Always in the same order: two workers locking the same cards never deadlock.
        for (_flow, model, code), group in sorted(groups.items(), key=lambda item: item[0]):
            messages = self.env["integration.message"].browse(o["message"].id for o in group)
            Exception_._record_failure(
                messages,
                "missing_master_data",
                group[0]["error"],
                cause=f"{model}:{code}",
                severity="low",
            )

    @api.model
    def _file_exceptions(self, outcomes):
        """One exception per flow, category and error: grouped, never one per message."""
        groups = {}
        for outcome in outcomes:
            key = (outcome["message"].flow_id.id, outcome["category"], outcome["error"])
            groups.setdefault(key, []).append(outcome["message"].id)
        Exception_ = self.env["integration.exception"].sudo()
        # Always in the same order: two workers locking the same cards never deadlock.
        for (_flow, category, error), ids in sorted(groups.items(), key=lambda item: item[0]):
            Exception_._record_failure(self.env["integration.message"].browse(ids), category, error)


def _ids_by_handler(groups):
    """``{state: {handler model: message ids}}`` of the outcomes that call lifecycle hooks."""
    hooked = {}
    for state in HOOKED_STATES:
        for outcome in groups.get(state, []):
            handler = outcome["message"].flow_id.handler
            hooked.setdefault(state, {}).setdefault(handler, []).append(outcome["message"].id)
    return hooked


def _attempt_row(outcome):
    message = outcome["message"]
    result = outcome.get("result")
    status = outcome.get("status_code") or getattr(result, "status_code", None)
    return {
        "message_id": message.id,
        "flow_id": message.flow_id.id,
        "company_id": message.company_id.id,
        "number": message.attempts,
        "started_at": outcome["started_at"],
        "duration_ms": outcome.get("duration_ms", 0),
        "outcome": outcome["outcome"],
        "status_code": status if isinstance(status, int) else None,
        "error": outcome.get("error"),
        "worker": outcome["worker"],
    }
