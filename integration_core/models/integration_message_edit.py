"""Audit of manual payload corrections: who changed which message, when, how and why.

Decision: the corrected payload replaces the message's payload *in place* and the message is
replayed. The message keeps its idempotency key, its place among the messages of its ordering
key and its card, so a duplicate delivery of the original is still recognised and later
messages of the same business key keep waiting for it. The original payload is never lost: the
first edit of a message holds it in ``old_payload``. Rows are insert-only; they outlive the
message itself when retention purges it (the message link is then emptied).
"""

import hashlib
import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import input_limits
from .integration_message_enqueue import PAYLOAD_INLINE_LIMIT

EDITABLE_STATES = ("failed", "waiting")


class IntegrationMessageEdit(models.Model):
    _name = "integration.message.edit"
    _description = "Integration Payload Edit"
    _order = "id desc"

    message_id = fields.Many2one(
        "integration.message", readonly=True, index=True, ondelete="set null"
    )
    message_ref = fields.Char(
        string="Message reference", readonly=True, help="Flow and number, kept after purge."
    )
    exception_id = fields.Many2one(
        "integration.exception", readonly=True, index="btree_not_null", ondelete="set null"
    )
    flow_id = fields.Many2one("integration.flow", readonly=True, ondelete="set null")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Edited by", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    reason = fields.Text(required=True, readonly=True)
    old_payload = fields.Text(readonly=True)
    new_payload = fields.Text(readonly=True)

    @api.model
    def _replace_payload(self, message, new_payload, reason):
        """Record the edit and put ``new_payload`` on ``message``; return the edit row.

        UserError for a message that is not failed or waiting, an empty reason, an unchanged
        payload, or text that is not JSON when the original was.
        """
        message.ensure_one()
        old_payload = message.get_payload()
        self._check_edit(message, old_payload, new_payload, reason)
        edit = self.sudo().create(
            {
                "message_id": message.id,
                "message_ref": message.display_name,
                "exception_id": message.exception_id.id,
                "flow_id": message.flow_id.id,
                "company_id": message.company_id.id,
                "user_id": self.env.uid,
                "reason": reason.strip(),
                "old_payload": old_payload,
                "new_payload": new_payload,
            }
        )
        self._store_payload(message, new_payload)
        if message.exception_id:
            message.exception_id.sudo().message_post(
                body=_(
                    "Payload of %(message)s edited and replayed. Reason: %(reason)s",
                    message=message.display_name,
                    reason=edit.reason,
                )
            )
        return edit

    @api.model
    def _check_edit(self, message, old_payload, new_payload, reason):
        if message.state not in EDITABLE_STATES:
            raise UserError(_("Only failed or waiting messages can be edited and replayed."))
        if not (reason or "").strip():
            raise UserError(_("Say why the payload is changed: it is kept in the audit log."))
        if (new_payload or "") == (old_payload or ""):
            raise UserError(_("The payload is unchanged: use Retry to replay it as it is."))
        if _is_json(old_payload) and not _is_json(new_payload):
            raise UserError(
                _(
                    "The new payload is not valid JSON; the original was. Check quotes, commas "
                    "and brackets."
                )
            )
        # The corrected payload is held to the input limits of every enqueue path.
        try:
            value = json.loads(new_payload) if _is_json(new_payload) else new_payload
            max_bytes = self.env["integration.message"]._max_payload_bytes()
            input_limits.encode_payload(value, max_bytes)
        except input_limits.InputError as error:
            raise UserError(str(error)) from None
        except RecursionError:
            raise UserError(
                _("The new payload is nested deeper than %s levels.", input_limits.MAX_DEPTH)
            ) from None

    @api.model
    def _store_payload(self, message, text):
        """Put ``text`` on ``message``: inline, or in a new attachment when it is large."""
        encoded = text.encode()
        values = {
            "payload": text,
            "payload_checksum": hashlib.sha256(encoded).hexdigest(),
            "payload_size": len(encoded),
            "payload_attachment_id": False,
        }
        old_attachment = message.payload_attachment_id
        if len(encoded) > PAYLOAD_INLINE_LIMIT:
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"payload-{message.id}.json",
                        "raw": encoded,
                        "res_model": message._name,
                        "res_id": message.id,
                        "mimetype": "application/json",
                    }
                )
            )
            values.update(payload=None, payload_attachment_id=attachment.id)
        message.sudo().write(values)
        # The replaced content is kept in the edit row's old_payload.
        old_attachment.sudo().unlink()

    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access("write")
        raise UserError(_("The payload edit log is a record of what happened: nobody edits it."))

    def unlink(self):  # pylint: disable=method-required-super
        self.check_access("unlink")
        raise UserError(_("The payload edit log is a record of what happened: nobody deletes it."))


def _is_json(text):
    try:
        json.loads(text or "")
    except RecursionError:
        return True  # JSON, too deep for the input limits: refused as such
    except ValueError:
        return False
    return True
