"""What every legacy-ERP handler shares: finding what codes name, or waiting for it."""

from odoo import api, models

from odoo.addons.integration_core.lib.errors import MissingReference


class IntegrationLegacyHandler(models.AbstractModel):
    """A mixin of the legacy handlers (each also inherits ``integration.handler``)."""

    _name = "integration.legacy.handler"
    _description = "Legacy ERP Handler Tools"

    @api.model
    def _require(self, endpoint, model, code):
        """The record ``code`` names at ``endpoint`` (the core's record lookup: cross-reference
        first); an unknown code parks the message until it is known."""
        record = self.env["integration.record.lookup"]._find(endpoint, model, code)
        if not record:
            raise MissingReference(model, code)
        return record

    @api.model
    def _require_many(self, endpoint, model, codes):
        """``{code: record}`` of every code; the first unknown one parks the message."""
        found = self.env["integration.record.lookup"]._find_many(endpoint, model, codes)
        missing = sorted(set(codes) - set(found))
        if missing:
            raise MissingReference(model, missing[0])
        return found

    @api.model
    def _owned_values(self, endpoint, model, values):
        """The part of ``values`` the legacy system may change in Odoo: fields whose owner
        (``integration.ownership``) is this endpoint, or that nobody claims. A legacy system
        always sends whole records; fields Odoo owns are left as Odoo has them."""
        owners = self.env["integration.ownership"]._owners(model, list(values), endpoint.company_id)
        return {
            name: value
            for name, value in values.items()
            if name not in owners or owners[name] == ("endpoint", endpoint)
        }
