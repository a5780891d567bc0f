"""Edit a failed message's payload and replay it, with the change recorded for audit."""

import json

from odoo import _, api, fields, models

from ..models.integration_message_edit import EDITABLE_STATES
from ..tools import access


class IntegrationMessageReplay(models.TransientModel):
    _name = "integration.message.replay"
    _description = "Edit and Replay a Message"

    message_id = fields.Many2one(
        "integration.message",
        required=True,
        ondelete="cascade",
        domain=[("state", "in", EDITABLE_STATES)],
    )
    error = fields.Text(related="message_id.error")
    original_payload = fields.Text(
        compute="_compute_original_payload",
        string="Received payload",
        help="As the message has it now.",
    )
    payload = fields.Text(
        compute="_compute_payload", store=True, readonly=False, help="The corrected message."
    )
    reason = fields.Text(required=True, help="Why the payload is changed; kept in the audit log.")
    process_now = fields.Boolean(
        string="Process at once",
        default=True,
        help="Process the message at once instead of waiting for the queue.",
    )

    @api.depends("message_id")
    def _compute_payload(self):
        for wizard in self:
            text = wizard.message_id.get_payload() if wizard.message_id else False
            wizard.payload = _pretty(text)

    @api.depends("message_id")
    def _compute_original_payload(self):
        for wizard in self:
            message = wizard.message_id
            wizard.original_payload = message.get_payload() if message else False

    def action_replay(self):
        access.require_integration_user(self.env, _("edit and replay messages"))
        self.ensure_one()
        self.message_id.check_access("read")
        message = self.message_id
        self.env["integration.message.edit"]._replace_payload(
            message, _unless_reindented(message.get_payload(), self.payload or ""), self.reason
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


def _pretty(text):
    """JSON text indented for a person to edit; any other text as it is."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False) if text else text
    except (ValueError, RecursionError):
        return text


def _unless_reindented(original, text):
    """``text`` as the person wrote it; the original itself when the correction only
    re-indents it (so the edit log refuses it as unchanged)."""
    try:
        return original if json.loads(original) == json.loads(text) else text
    except (ValueError, RecursionError):  # not JSON, or too deep: the edit log says which
        return text
