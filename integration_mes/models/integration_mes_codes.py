"""How the MES names Odoo records: products, lots, units and work centers."""

from odoo import _, api, models

from odoo.addons.integration_core.lib.errors import PermanentError


class IntegrationMesCodes(models.AbstractModel):
    """Codes of the MES messages to records and back, found by the core's record lookup
    (``integration.record.lookup``): the endpoint's cross-reference, else a product's internal
    reference, a work center's code, a unit's name, a lot's name (for its product), matched
    exactly first, then in any case.
    """

    _name = "integration.mes.codes"
    _description = "MES Codes"

    @api.model
    def _product_code(self, endpoint, product):
        code = self.env["integration.record.lookup"]._code_of(endpoint, product)
        return code or product.display_name

    @api.model
    def _product(self, endpoint, code):
        """The product ``code`` names at ``endpoint``, or an empty recordset."""
        return self.env["integration.record.lookup"]._find(endpoint, "product.product", code)

    @api.model
    def _workcenter(self, endpoint, code):
        return self.env["integration.record.lookup"]._find(endpoint, "mrp.workcenter", code)

    @api.model
    def _lot(self, endpoint, product, name):
        """The lot (or serial number) ``name`` of ``product``, or an empty recordset."""
        return self.env["integration.record.lookup"]._find(
            endpoint, "stock.lot", name, domain=[("product_id", "=", product.id)]
        )

    @api.model
    def _unit(self, endpoint, code):
        """The unit ``code`` names at ``endpoint``."""
        return self.env["integration.record.lookup"]._find(endpoint, "uom.uom", code)

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
