"""What happens to messages after their handler: parked ones resume or expire, and the
handlers hear of their messages' new states (lifecycle hooks)."""

import logging

from odoo import _, api, fields, models
from odoo.tools import SQL

from .integration_handler import IntegrationHandler
from .integration_sequence_gate import SEQUENCE_REFERENCE

_logger = logging.getLogger(__name__)


class IntegrationMessageLifecycle(models.AbstractModel):
    """What ``integration.message`` does after the handlers: it inherits this mixin."""

    _name = "integration.message.lifecycle"
    _description = "Integration Message Lifecycle"

    def _run_lifecycle_hook(self, hook):
        """Call ``hook`` (``_on_done``, ``_on_failed``, ``_on_waiting``) of each handler once,
        with its messages among ``self``."""
        by_handler = self.grouped(lambda m: m.flow_id.handler)
        self._call_lifecycle_hook(hook, {name: msgs.ids for name, msgs in by_handler.items()})

    @api.model
    def _call_lifecycle_hook(self, hook, ids_by_handler):
        """Call ``hook`` of each handler of ``{handler model: message ids}`` that defines it.

        A hook that raises is logged and its own work undone (a savepoint): its bug must not
        undo the batch it reports on. Handlers that keep the no-op default cost nothing.
        """
        default = getattr(IntegrationHandler, hook)
        for name, ids in ids_by_handler.items():
            if not name or name not in self.env or getattr(type(self.env[name]), hook) is default:
                continue
            messages = self.browse(ids)
            try:
                with self.env.cr.savepoint():
                    getattr(self.env[name], hook)(messages)
            except Exception:  # logged; a hook's bug must not undo the batch
                self.env.invalidate_all()
                _logger.exception("%s.%s failed on messages %s", name, hook, ids)

    # ------------------------------------------------------------------ park and resume
    @api.model
    def _resume_waiting(self, model, codes, endpoint=None):
        """Send messages parked on ``model``/``codes`` back to the queue; return how many."""
        query = SQL(
            "UPDATE integration_message SET state = 'pending', next_attempt_at = %(now)s,"
            " write_date = %(now)s WHERE state = 'waiting' AND waiting_model = %(model)s"
            " AND waiting_code = ANY(%(codes)s)",
            now=fields.Datetime.now(),
            model=model,
            codes=list(codes),
        )
        if endpoint:
            query = SQL("%s AND endpoint_id = %s", query, endpoint.id)
        self.env.cr.execute(SQL("%s RETURNING id", query))
        resumed = [row[0] for row in self.env.cr.fetchall()]
        if resumed:
            self.invalidate_model()
            self._trigger_processing()
        return len(resumed)

    @api.model
    def _references_available(self, endpoint, model, codes):
        """The ``codes`` of ``model`` that ``endpoint``'s messages need not wait for any more.

        The core parks on cross-references; a connector that parks on references of its own
        (e.g. a result waiting for the previous one) extends this for its pseudo-model. A
        message parked on a sequence gap resumes when the number before it is applied.
        """
        if model == SEQUENCE_REFERENCE:
            return self.env["integration.sequence.gate"]._numbers_applied(endpoint, codes)
        if model not in self.env:
            return set()
        xrefs = (
            self.env["integration.xref"]
            .sudo()
            .search_fetch(
                [
                    ("endpoint_id", "=", endpoint.id),
                    ("model", "=", model),
                    ("external_code", "in", list(codes)),
                ],
                ["external_code"],
            )
        )
        return set(xrefs.mapped("external_code"))

    @api.model
    def _resume_available(self):
        """Safety net of the waiting scheduled action: resume what waits for a reference that
        exists (e.g. a cross-reference imported while its message was being parked)."""
        self.env.cr.execute(
            "SELECT endpoint_id, waiting_model, array_agg(DISTINCT waiting_code)"
            " FROM integration_message WHERE state = 'waiting' GROUP BY 1, 2"
        )
        resumed = 0
        for endpoint_id, model, codes in self.env.cr.fetchall():
            endpoint = self.env["integration.endpoint"].browse(endpoint_id)
            found = self._references_available(endpoint, model, set(codes))
            if found:
                resumed += self._resume_waiting(model, found, endpoint=endpoint)
        return resumed

    @api.model
    def _expire_waiting(self):
        """Messages waiting past their deadline fail, filed under their missing reference."""
        self._resume_available()
        expired = self.search(
            [("state", "=", "waiting"), ("waiting_deadline", "<", fields.Datetime.now())]
        )
        for message in expired:
            error = _(
                "Still no %(model)s %(code)s after the flow's waiting deadline.",
                model=message.waiting_model,
                code=message.waiting_code,
            )
            message.write({"state": "failed", "error": error, "error_kind": "permanent"})
            self.env["integration.exception"].sudo()._record_failure(
                message,
                "missing_master_data",
                error,
                cause=f"{message.waiting_model}:{message.waiting_code}",
                severity="high",
            )
        expired._run_lifecycle_hook("_on_failed")
        return len(expired)
