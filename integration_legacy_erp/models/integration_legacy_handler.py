"""What every legacy-ERP handler shares: which fields the legacy system may change."""

from odoo import api, models


class IntegrationLegacyHandler(models.AbstractModel):
    """A mixin of the legacy handlers (each also inherits ``integration.handler``)."""

    _name = "integration.legacy.handler"
    _description = "Legacy ERP Handler Tools"

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
