from odoo import api, models

from odoo.addons.integration_core.lib.errors import PermanentError


class BenchHandlerPartnerTouch(models.AbstractModel):
    """Writes ``comment`` on the contact ``partner_id`` of the payload: one ORM write on one
    mail-enabled record per message, the same work as the queue_job anchor's job."""

    _name = "integration.handler.bench_partner_touch"
    _inherit = "integration.handler"
    _description = "Benchmark: write one field on one contact"

    @api.model
    def _prefetch_inbound(self, messages):
        payloads = [message.get_payload_json() for message in messages]
        ids = [p.get("partner_id") for p in payloads if isinstance(p, dict)]
        return {"res.partner": [i for i in ids if isinstance(i, int)]}

    @api.model
    def _process_inbound(self, message):
        payload = message.get_payload_json()
        if not isinstance(payload.get("partner_id"), int):
            raise PermanentError("The payload has no contact id")
        # A deleted contact raises MissingError: the worker files it as a permanent failure.
        partner = self._browse("res.partner", payload["partner_id"])
        partner.write({"comment": payload.get("value")})
        return partner
