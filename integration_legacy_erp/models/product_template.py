from odoo import models


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "integration.legacy.master"]

    _legacy_flow = "item.outbound"
    _legacy_fields = {
        "name": "name",
        "category": "categ_id",
        "uom": "uom_id",
        "purchase_uom": "uom_po_id",
        "barcode": "barcode",
        "weight": "weight",
        "tracking": "tracking",
    }
    _integration_write_flows = {_legacy_flow: tuple(_legacy_fields.values())}

    def _legacy_xref_record(self):
        return self.product_variant_ids[:1]

    def _legacy_value(self, field_name):
        if field_name == "categ_id":
            return self.categ_id.complete_name
        return super()._legacy_value(field_name)
