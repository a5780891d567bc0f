from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "integration.legacy.master"]

    _legacy_flow = "partner.outbound"
    _legacy_fields = {
        "name": "name",
        "vat": "vat",
        "email": "email",
        "phone": "phone",
    }
    _integration_write_flows = {_legacy_flow: tuple(_legacy_fields.values())}
