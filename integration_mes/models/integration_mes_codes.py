"""How the MES names Odoo records: products, lots, units and work centers."""

from odoo import _, api, models

from odoo.addons.integration_core.lib.errors import PermanentError


class IntegrationMesCodes(models.AbstractModel):
    """Codes of the MES messages to records and back.

    A product is named by its cross-reference for the endpoint, else its internal reference; a
    work center by its code; a unit by its cross-reference, else its name; a lot by its name
    and product.
    """

    _name = "integration.mes.codes"
    _description = "MES Codes"

    @api.model
    def _product_code(self, endpoint, product):
        code = self.env["integration.xref"]._code_of(endpoint, product)
        return code or product.default_code or product.display_name

    @api.model
    def _product(self, endpoint, code):
        """The product ``code`` names at ``endpoint``, or an empty recordset."""
        product = self.env["integration.xref"]._resolve(endpoint, "product.product", code)
        if product:
            return product
        return self.env["product.product"].search(
            [
                ("default_code", "=", code),
                ("company_id", "in", (endpoint.company_id.id, False)),
            ],
            limit=1,
        )

    @api.model
    def _workcenter(self, endpoint, code):
        return self.env["mrp.workcenter"].search(
            [("code", "=", code), ("company_id", "in", (endpoint.company_id.id, False))], limit=1
        )

    @api.model
    def _lot(self, product, name, company):
        return self.env["stock.lot"].search(
            [
                ("product_id", "=", product.id),
                ("name", "=", name),
                ("company_id", "in", (company.id, False)),
            ],
            limit=1,
        )

    @api.model
    def _unit(self, endpoint, code):
        """The unit ``code`` names at ``endpoint``: its cross-reference, else its exact name."""
        unit = self.env["integration.xref"]._resolve(endpoint, "uom.uom", code)
        return unit or self.env["uom.uom"].search([("name", "=", code)], limit=1)

    @api.model
    def _quantity(self, endpoint, line, product, uom, problems, where):
        """``line``'s quantity in ``uom``; a unit the MES names must be of the same kind."""
        if not line.get("uom"):
            return line["quantity"]
        reported = self._unit(endpoint, line["uom"])
        if not reported:
            problems.append(_("%(where)s: unknown unit %(uom)s", where=where, uom=line["uom"]))
            return None
        if reported.category_id != uom.category_id:
            problems.append(
                _(
                    "%(where)s: unit %(uom)s cannot measure %(product)s",
                    where=where,
                    uom=reported.name,
                    product=product.display_name,
                )
            )
            return None
        return reported._compute_quantity(line["quantity"], uom)

    @api.model
    def _refuse(self, problems, subject):
        """Raise one permanent error listing every problem found in a message."""
        if problems:
            raise PermanentError(
                _(
                    "%(subject)s was refused: %(problems)s.",
                    subject=subject,
                    problems="; ".join(problems),
                )
            )
