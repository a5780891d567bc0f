"""Inbound ``inventory.snapshot``: the WMS's stock balances, into a reconciliation run."""

from odoo import _, api, models

from odoo.addons.integration_core.lib.errors import InvalidMessage, MissingReference
from odoo.addons.integration_core.lib.payload import PayloadReader
from odoo.addons.integration_core.lib.reconciliation import Statement
from odoo.addons.integration_stock.models.integration_stock_reconciler import STOCK_ENTITY


class IntegrationHandlerWmsSnapshot(models.AbstractModel):
    """Reads a snapshot chunk, finds what its codes name and hands its lines to the core's
    reconciliation engine, which compares the snapshot once every chunk is in (see the
    flow's reconciler, ``integration.wms.stock.reconciler``, the shared stock reconciler
    of ``integration_stock``).

    Codes go through the record lookup: the endpoint's cross-reference first, then a
    product's internal reference, a location's barcode, a lot's name (for its product), a
    unit's name, a warehouse's code. A code Odoo does not know yet parks the message
    (``MissingReference``) until it is known, or until the flow's waiting deadline makes it
    an exception. A quantity in another unit than the product's is converted.
    """

    _name = "integration.handler.wms.snapshot"
    _inherit = "integration.handler"
    _description = "WMS inventory snapshot (inventory.snapshot)"

    @api.model
    def _process_inbound(self, message):
        reader = PayloadReader(message.get_payload_json())
        header = {
            "statement_id": reader.text("snapshot_id"),
            "scope": reader.text("warehouse"),
            "coverage": reader.enum("scope", ["full", "partial"]),
            "as_of": reader.datetime("as_of"),
            "chunk": reader.integer("chunk", required=False, default=1, minimum=1),
            "chunks": reader.integer("chunks", required=False, default=1, minimum=1),
        }
        lines = [
            {
                "product": item.text("product"),
                "location": item.text("location"),
                "lot": item.text("lot", required=False),
                "quantity": item.decimal("quantity", minimum=0),
                "unit": item.text("unit", required=False),
            }
            for item in reader.items("lines", required=True)
        ]
        reader.done()
        statement = Statement(entity=STOCK_ENTITY, **header)
        rows = self._rows(message.endpoint_id, statement.scope, lines)
        return self.env["integration.reconciliation.engine"]._receive(message, statement, rows)

    @api.model
    def _rows(self, endpoint, warehouse_code, lines):
        """The engine's rows of ``lines``: codes found (or the message parks), quantities in
        the product's unit, keyed ``product:location:lot``."""
        warehouse = self._require(endpoint, "stock.warehouse", warehouse_code)
        products = self._require_many(
            endpoint, "product.product", {line["product"] for line in lines}
        )
        locations = self._require_many(
            endpoint, "stock.location", {line["location"] for line in lines}
        )
        lots = self._lots(endpoint, lines, products)
        units = self._require_many(endpoint, "uom.uom", {line["unit"] for line in lines} - {None})
        Reconciler = self.env["integration.stock.reconciler"]
        problems = []
        rows = []
        for number, line in enumerate(lines, start=1):
            product, location = products[line["product"]], locations[line["location"]]
            lot = lots.get((product.id, line["lot"]), self.env["stock.lot"])
            where = f"lines[{number - 1}]"
            if location.warehouse_id != warehouse or location.usage != "internal":
                problems.append(
                    _(
                        "%(where)s: location %(location)s is not a stock location of warehouse "
                        "%(warehouse)s",
                        where=where,
                        location=line["location"],
                        warehouse=warehouse_code,
                    )
                )
                continue
            if not product.is_storable:
                problems.append(
                    _(
                        "%(where)s: product %(product)s is not tracked in stock",
                        where=where,
                        product=line["product"],
                    )
                )
                continue
            quantity = line["quantity"]
            if line["unit"]:
                unit = units[line["unit"]]
                if unit.category_id != product.uom_id.category_id:
                    problems.append(
                        _(
                            "%(where)s: unit %(unit)s cannot measure %(product)s",
                            where=where,
                            unit=line["unit"],
                            product=line["product"],
                        )
                    )
                    continue
                quantity = unit._compute_quantity(quantity, product.uom_id, round=False)
            name = " / ".join(filter(None, (line["product"], location.complete_name, line["lot"])))
            rows.append(Reconciler._statement_row(product, location, lot, quantity, name))
        if problems:
            raise InvalidMessage(problems)
        return rows

    @api.model
    def _lots(self, endpoint, lines, products):
        """``{(product id, lot name): lot}``, the lots of each product found together."""
        names = {}
        for line in lines:
            if line["lot"]:
                names.setdefault(products[line["product"]], set()).add(line["lot"])
        lots = {}
        for product, product_lots in names.items():
            found = self.env["integration.record.lookup"]._find_many(
                endpoint, "stock.lot", product_lots, domain=[("product_id", "=", product.id)]
            )
            missing = sorted(product_lots - set(found))
            if missing:
                raise MissingReference("stock.lot", missing[0])
            lots.update({(product.id, name): lot for name, lot in found.items()})
        return lots
