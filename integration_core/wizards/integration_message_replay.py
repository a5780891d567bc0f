"""Edit a failed message's payload and replay it, with the change recorded for audit."""

from odoo import _, api, fields, models

from ..models.integration_message_edit import EDITABLE_STATES
from ..tools import access


class IntegrationMessageReplay(models.TransientModel):
    _name = "integration.message.replay"
    _description = "Edit Payload and Replay"

    message_id = fields.Many2one(
        "integration.message",
        required=True,
        ondelete="cascade",
        domain=[("state", "in", EDITABLE_STATES)],
    )
    error = fields.Text(related="message_id.error")
    payload = fields.Text(
        compute="_compute_payload", store=True, readonly=False, help="The corrected message."
    )
    reason = fields.Text(required=True, help="Why the payload is changed; kept in the audit log.")
    process_now = fields.Boolean(
        default=True, help="Process the message at once instead of waiting for the queue."
    )

    @api.depends("message_id")
    def _compute_payload(self):
        for wizard in self:
            wizard.payload = wizard.message_id.get_payload() if wizard.message_id else False

    def action_replay(self):
        access.require_integration_user(self.env, _("edit and replay messages"))
        self.ensure_one()
        self.message_id.check_access("read")
        message = self.message_id
        self.env["integration.message.edit"]._replace_payload(
            message, self.payload or "", self.reason
        )
        message.action_retry()
        if self.process_now:
            self.env["integration.queue.worker"].sudo()._process_now(message.sudo())
        message.invalidate_recordset()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Replayed %s", message.display_name),
                "message": self._outcome_text(message),
                "type": "success" if message.state == "done" else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _outcome_text(self, message):
        if message.state == "done":
            return _("Processed successfully.")
        if message.state == "pending":
            return _("Queued: it will be processed shortly.")
        return _("Still not processed: %s", message.error or message.state)
