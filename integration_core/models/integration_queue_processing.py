"""Processing claimed messages: each flow's handler, behind its sequence gate, one batch at a time.

The outcome of every message (``done``, ``retry``, ``deferred``, ``waiting``, ``failed``) goes
to ``integration.queue.outcome``, which writes them for the whole batch. See
``integration_queue_worker.py`` for the transactions around a batch.
"""

import logging
import time
from datetime import timedelta

import psycopg2
from psycopg2 import errorcodes

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..lib import backoff
from ..lib.errors import MissingReference, PermanentError, TransientError
from ..tools import pg

_logger = logging.getLogger(__name__)

RETRIABLE_PGCODES = pg.RETRIABLE_PGCODES


class Deferred(Exception):
    """The endpoint's circuit is open: put the message back without counting a try."""

    def __init__(self, until):
        super().__init__(until)
        self.until = until


class IntegrationQueueProcessing(models.AbstractModel):
    _name = "integration.queue.processing"
    _description = "Integration Queue Processing"

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
                    result = self._run_inbound(handlers[message.flow_id], message)
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
    def _run_inbound(self, handler, message):
        """Apply an inbound message through its flow's sequence gate (flows with a sequence
        path): a number already applied is done with no effect, a gap waits for the number
        before it, and the gate advances with the handler's effects, in its savepoint."""
        Gate = self.env["integration.sequence.gate"]
        if not Gate._check(message):
            return None
        result = handler._process_inbound(message)
        Gate._advance(message)
        return result

    @api.model
    def _run_handler(self, message, sent):
        """Run the flow's handler; for outbound, note in ``sent`` that a request went out."""
        flow = message.flow_id
        if message.direction == "inbound":
            return self._run_inbound(flow._handler(), message)
        endpoint = message.endpoint_id
        endpoint._check_may_send()
        allowed, reopen_at = endpoint._circuit_allows()
        if not allowed:
            raise Deferred(reopen_at)
        request = flow._handler()._prepare_outbound(message)
        sent["endpoint"] = endpoint
        return endpoint._send(flow, message, request)


def _failure(error, kind, message, category=None, text=None):
    """Describe a failed try for the outcome writer."""
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
