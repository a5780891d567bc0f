"""Ignore exceptions on purpose: the reason is required, stored and posted in the chatter."""

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..lib.explanations import plural
from ..tools import access


class IntegrationExceptionIgnore(models.TransientModel):
    _name = "integration.exception.ignore"
    _description = "Ignore Integration Exceptions"

    exception_ids = fields.Many2many("integration.exception", required=True)
    reason = fields.Text(required=True, help="Why nobody needs to act; kept on the exception.")
    cancel_messages = fields.Boolean(
        default=True,
        help="Cancel the failed and waiting messages: they will never be processed and stop "
        "holding back later messages of the same business key.",
    )

    def action_ignore(self):
        access.require_integration_user(self.env, _("ignore exceptions"))
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(_("Say why these exceptions can be ignored."))
        exceptions = self.exception_ids.filtered(lambda e: e.state != "ignored")
        if not exceptions:
            raise UserError(_("These exceptions are already ignored."))
        differences = exceptions.reconciliation_line_ids.filtered(
            lambda line: line.decision == "open"
        )
        if differences:  # ignoring a reconciliation difference is a manager's decision
            access.require_manager(self.env, _("ignore reconciliation differences"))
        exceptions.write({"state": "ignored", "ignore_reason": reason})
        for run, lines in differences.grouped("run_id").items():
            run._ignore_lines(lines, reason)
        cancelled = self.env["integration.message"]
        if self.cancel_messages:
            cancelled = exceptions.integration_message_ids.filtered(
                lambda m: m.state in ("pending", "waiting", "failed")
            )
            if cancelled:
                cancelled.action_cancel()
        for exception in exceptions:
            count = len(cancelled.filtered(lambda m, e=exception: m.exception_id == e))
            exception.message_post(
                body=_(
                    "Ignored (%(cancelled)s cancelled). Reason: %(reason)s",
                    cancelled=plural(count, _("message"), _("messages")),
                    reason=reason,
                )
            )
        return {"type": "ir.actions.act_window_close"}
