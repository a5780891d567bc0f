from odoo import api, models

from .integration_legacy_match import MATCH_MODEL


class IntegrationMessage(models.Model):
    _inherit = "integration.message"

    @api.model
    def _references_available(self, endpoint, model, codes):
        """A message waiting for a duplicate review goes on once the review is decided."""
        if model != MATCH_MODEL:
            return super()._references_available(endpoint, model, codes)
        decided = set()
        for code in codes:
            kind, _sep, external_code = code.partition(":")
            match = self.env[MATCH_MODEL]._decision(endpoint, kind, external_code)
            if match.state in ("linked", "new"):
                decided.add(code)
        return decided
