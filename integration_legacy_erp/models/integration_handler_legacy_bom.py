"""Inbound ``bom``: a legacy bill of materials, its items found by cross-reference."""

from odoo import Command, api, models

from odoo.addons.integration_core.lib.payload import PayloadReader


class IntegrationHandlerLegacyBom(models.AbstractModel):
    """Creates or replaces the bill of materials a legacy BOM code stands for.

    The product and every component are legacy item codes found through the record lookup
    (the endpoint's cross-reference first, then the internal reference). A code Odoo does not
    know yet parks the message; it resumes by itself when that item arrives (or is linked on
    a possible-duplicate card). A repeated BOM replaces its lines: the legacy system is the
    system of record of its BOMs during coexistence.
    """

    _name = "integration.handler.legacy.bom"
    _inherit = ["integration.handler", "integration.legacy.handler"]
    _description = "Legacy ERP bill of materials (bom)"

    @api.model
    def _process_inbound(self, message):
        endpoint = message.endpoint_id
        reader = PayloadReader(self._payload_json(message))
        code = reader.text("code")
        product_code = reader.text("product")
        quantity = reader.decimal("quantity", positive=True)
        unit = reader.text("uom", required=False)
        components = [
            {
                "item": line.text("item"),
                "quantity": line.decimal("quantity", positive=True),
                "uom": line.text("uom", required=False),
            }
            for line in reader.items("components", required=True)
        ]
        reader.done()
        product = self._require(endpoint, "product.product", product_code)
        items = self._require_many(
            endpoint, "product.product", {line["item"] for line in components}
        )
        units = self._require_many(
            endpoint,
            "uom.uom",
            {line["uom"] for line in components if line["uom"]} | {unit} - {None},
        )
        values = {
            "product_tmpl_id": product.product_tmpl_id.id,
            "product_id": product.id
            if product.product_tmpl_id.product_variant_count > 1
            else False,
            "product_qty": quantity,
            "product_uom_id": (units[unit] if unit else product.uom_id).id,
            "code": code,
            "company_id": endpoint.company_id.id,
            "bom_line_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "product_id": items[line["item"]].id,
                        "product_qty": line["quantity"],
                        "product_uom_id": (
                            units[line["uom"]] if line["uom"] else items[line["item"]].uom_id
                        ).id,
                    }
                )
                for line in components
            ],
        }
        return self.env["integration.xref"]._upsert(endpoint, "mrp.bom", code, values)
