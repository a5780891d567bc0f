from odoo import api, models

from .integration_sequence_gate import SEQUENCE_REFERENCE


class IntegrationMessage(models.Model):
    """A message parked on a sequence gap resumes when the number before it is applied."""

    _inherit = "integration.message"

    @api.model
    def _references_available(self, endpoint, model, codes):
        if model != SEQUENCE_REFERENCE:
            return super()._references_available(endpoint, model, codes)
        wanted = {}
        for code in codes:
            key, _hash, number = (code or "").rpartition("#")
            if key and number.isdigit():
                wanted[code] = (key, int(number))
        applied = self.env["integration.sequence.gate"]._last_applied(
            endpoint, {key for key, _number in wanted.values()}
        )
        return {code for code, (key, number) in wanted.items() if applied[key] >= number}
