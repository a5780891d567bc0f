"""Inbound ``contact.update``: a contact of the example system, applied in sequence."""

from odoo import api, models

from odoo.addons.integration_core.lib.payload import PayloadReader
from odoo.addons.integration_core.tools.echo import applied_from


class IntegrationHandlerExampleContact(models.AbstractModel):
    """Updates the contact the payload's ``contact`` code names (found by the core's lookup:
    cross-reference, then reference), in the order of the payload's ``sequence`` per contact
    (the catalog entry's sequence paths: the queue gates the messages before this handler
    runs). Every plumbing step is the kit's."""

    _name = "integration.handler.example.contact"
    _inherit = "integration.handler"
    _description = "Example contact update (contact.update)"

    @api.model
    def _process_inbound(self, message):
        reader = PayloadReader(message.get_payload_json())
        code = reader.text("contact")
        values = {
            "name": reader.text("name"),
            "credit_limit": reader.decimal("credit_limit", required=False, minimum=0),
        }
        reader.integer("sequence", minimum=1)
        reader.done()
        partner = self.env["integration.record.lookup"]._find(
            message.endpoint_id, "res.partner", code
        )
        values = {key: value for key, value in values.items() if value is not None}
        if partner:
            applied_from(partner, message.endpoint_id).write(values)
        else:
            partner = self.env["integration.xref"]._create_linked(
                message.endpoint_id, "res.partner", code, dict(values, ref=code)
            )
        return partner

    # The lifecycle hooks, recorded so that the tests see which ran with which messages.
    @api.model
    def _on_done(self, messages):
        self._record_hook("done", messages)

    @api.model
    def _on_failed(self, messages):
        self._record_hook("failed", messages)

    @api.model
    def _on_waiting(self, messages):
        self._record_hook("waiting", messages)

    @api.model
    def _record_hook(self, hook, messages):
        if self.env.context.get("example_hook_fails"):
            raise RuntimeError("a hook that fails")
        self.env["integration.kit.example.hook.call"].sudo().create(
            {"hook": hook, "message_ids": [(6, 0, messages.ids)]}
        )
