"""Who may change the durable queue, and its RPC API.

Messages are created only through the enqueue API (``enqueue`` / ``enqueue_batch`` in Odoo code,
``enqueue_external`` and ``enqueue_outbound`` over XML-RPC / JSON-RPC, documented in README.rst,
External API), which checks flow state, direction, company and the service account's binding.
Their payload, state and company change only through the actions and edit-and-replay, which
check the caller's group and log. Over RPC nobody is superuser: the ORM refuses every direct
create, write or unlink of a message to every group (the access rules grant read only).
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import input_limits
from ..tools import access

# What identifies a message: set by the enqueue, never changed afterwards.
IDENTITY_FIELDS = {"flow_id", "endpoint_id", "company_id", "direction", "idempotency_key"}


class IntegrationMessage(models.Model):
    _inherit = "integration.message"

    # ------------------------------------------------------------------ ORM lockdown
    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        raise AccessError(self._create_refusal())

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                _(
                    "Messages are not changed directly: use Retry or Cancel, or Edit and replay "
                    "to correct a payload (the change is logged)."
                )
            )
        if IDENTITY_FIELDS.intersection(vals):
            raise UserError(
                _(
                    "A message's flow, endpoint, company, direction and idempotency key never "
                    "change."
                )
            )
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("Messages are removed only by retention; cancel them instead."))
        return super().unlink()

    def copy(self, default=None):  # pylint: disable=method-required-super
        raise AccessError(self._create_refusal())

    @api.model
    def _create_refusal(self):
        return _(
            "Messages are created only through the enqueue API: enqueue_external (inbound, "
            "service accounts), enqueue_outbound (outbound, managers), or enqueue / "
            "enqueue_batch in Odoo code."
        )

    @api.model
    def _check_may_enqueue(self, flow):
        """Refuse a caller that may not queue on ``flow``: outbound messages go out with the
        endpoint's credential, so only managers queue them; inbound, managers and the service
        accounts bound to the endpoint, in its company. Only active flows take messages."""
        if not access.is_manager(self.env):
            self._check_service_account_may_enqueue(flow)
        if flow.state != "active":
            raise UserError(_("Flow %s is not active: it takes no messages.", flow.code))

    @api.model
    def _check_service_account_may_enqueue(self, flow):
        refusal = self.env["integration.endpoint"]._service_account_refusal(
            self.env.uid, flow.company_id.id
        )
        if refusal == "not_a_service_account":
            raise AccessError(_("Only integration service accounts may enqueue messages."))
        if flow.direction == "outbound":
            raise AccessError(_("Only integration managers may queue outbound messages."))
        if refusal or flow.endpoint_id.id not in access.bound_endpoint_ids(self.env, self.env.uid):
            raise AccessError(
                _(
                    "This service account may not enqueue on this flow: it has no API key of "
                    "its endpoint and does not receive its signed requests."
                )
            )

    # ------------------------------------------------------------------ external API
    @api.model
    def enqueue_external(self, endpoint_code, flow_code, payloads, idempotency_key=None):
        """RPC entry point for external systems: queue one payload (a dict) or a list of them
        on an active inbound flow of an endpoint the service account is bound to.

        Returns one dict per payload: ``id``, ``idempotency_key``, ``state`` and ``duplicate``.
        """
        if not (access.is_manager(self.env) or access.is_service_account(self.env)):
            raise AccessError(_("Only integration service accounts may enqueue messages."))
        flow = self._resolve_flow(endpoint_code, flow_code, "inbound")
        return self._enqueue_rpc(flow, payloads, idempotency_key)

    @api.model
    def enqueue_outbound(self, endpoint_code, flow_code, payloads, idempotency_key=None):
        """RPC entry point for managers and Odoo-side scripts: queue one payload (a dict) or a
        list of them to send on an active outbound flow. Returns as ``enqueue_external``."""
        access.require_manager(self.env, _("queue outbound messages"))
        flow = self._resolve_flow(endpoint_code, flow_code, "outbound")
        return self._enqueue_rpc(flow, payloads, idempotency_key)

    @api.model
    def _enqueue_rpc(self, flow, payloads, idempotency_key):
        """Queue RPC payloads on ``flow`` through enqueue_batch (checks and limits included)."""
        if isinstance(payloads, dict):
            payloads = [payloads]
        if not isinstance(payloads, list) or not all(isinstance(p, dict) for p in payloads):
            raise UserError(_("Payloads must be a JSON object or a list of JSON objects."))
        if idempotency_key and len(payloads) != 1:
            raise UserError(_("An explicit idempotency key applies to a single payload."))
        items = [{"payload": p, "idempotency_key": idempotency_key} for p in payloads]
        results = self.enqueue_batch(flow, items)
        # A duplicate may have been sent first by another service account of the endpoint:
        # report its id and state without opening the rest of it to the caller.
        return [
            {
                "id": message.id,
                "idempotency_key": message.sudo().idempotency_key,
                "state": message.sudo().state,
                "duplicate": not created,
            }
            for message, created in results
        ]

    @api.model
    def _resolve_flow(self, endpoint_code, flow_code, direction):
        """The active flow of ``direction`` named by the caller (as the caller sees them:
        record rules apply), or a clear error."""
        names = {"endpoint": endpoint_code, "flow": flow_code}
        try:
            endpoint_code = input_limits.check_key("The endpoint code", endpoint_code)
            flow_code = input_limits.check_key("The flow code", flow_code)
        except input_limits.InputError as error:
            raise ValidationError(str(error)) from None
        # Service accounts read no endpoint: look it up among the caller's companies.
        endpoint = (
            self.env["integration.endpoint"]
            .sudo()
            .search(
                [("code", "=", endpoint_code), ("company_id", "in", self.env.user.company_ids.ids)],
                limit=1,
            )
        )
        flow = endpoint and self.env["integration.flow"].sudo().search(
            [("endpoint_id", "=", endpoint.id), ("code", "=", flow_code)], limit=1
        )
        if not flow:
            raise UserError(_("Unknown endpoint or flow: %(endpoint)s/%(flow)s", **names))
        if flow.direction != direction:
            if direction == "inbound":
                raise UserError(_("Flow %(endpoint)s/%(flow)s is not inbound.", **names))
            raise UserError(_("Flow %(endpoint)s/%(flow)s is not outbound.", **names))
        if flow.state != "active":
            raise UserError(_("Flow %(endpoint)s/%(flow)s is not active.", **names))
        return flow

    @api.model
    def get_status(self, ids):
        """RPC: the state of the given messages the caller may read."""
        if isinstance(ids, int) and not isinstance(ids, bool):
            ids = [ids]
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise UserError(_("Give the message ids as a list of integers."))
        try:
            input_limits.check_batch_size(len(ids))
        except input_limits.InputError as error:
            raise ValidationError(str(error)) from None
        # search() applies the record rules: others' messages are simply not reported.
        messages = self.search([("id", "in", ids)])
        return [
            {
                "id": message.id,
                "state": message.state,
                "attempts": message.attempts,
                "idempotency_key": message.idempotency_key,
                "error": message.error or False,
                "done_at": fields.Datetime.to_string(message.done_at) if message.done_at else False,
            }
            for message in messages
        ]
