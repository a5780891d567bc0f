"""Inbound ``stock.balance``: the legacy on-hand quantities, as an initial load."""

from odoo import _, api, fields, models

from odoo.addons.integration_core.lib.errors import InvalidMessage
from odoo.addons.integration_core.lib.payload import PayloadReader
from odoo.addons.integration_core.lib.reconciliation import Statement
from odoo.addons.integration_stock.models.integration_stock_reconciler import STOCK_ENTITY


class IntegrationHandlerLegacyStockBalance(models.AbstractModel):
    """One inventory adjustment per balance line: the quant of the item, location and lot is
    set to the legacy quantity (lines of the same item, location and lot added up). Each line
    is applied once per extract: its adjustment move is the cross-reference
    ``<balance_id>/<item>/<location>/<lot>`` of ``stock.move``, and a line already applied
    (the same extract sent again) is left alone. Items and locations are found through the
    record lookup (an unknown item waits for it); a lot missing in Odoo is created for its
    item.

    When the flow names a reconciler, the load is then proved: its lines go to a partial
    reconciliation run named after the extract, as of right after the adjustments, which
    matches them all unless something went wrong (once per extract).
    """

    _name = "integration.handler.legacy.stock.balance"
    _inherit = ["integration.handler", "integration.legacy.handler"]
    _description = "Legacy ERP stock balances (stock.balance)"

    @api.model
    def _process_inbound(self, message):
        endpoint = message.endpoint_id
        reader = PayloadReader(self._payload_json(message))
        balance_id, warehouse_code, lines = self._read_balance(reader)
        reader.done()
        items, locations = self._resolve_lines(endpoint, warehouse_code, lines)
        lines = self._merged(lines, items, locations)
        Xref = self.env["integration.xref"]
        moves = self.env["stock.move"]
        for line in lines:
            key = "/".join((balance_id, line["item"], line["location"], line["lot"] or ""))
            if Xref._resolve(endpoint, "stock.move", key):
                continue
            move = self._adjust(balance_id, items[line["item"]], locations[line["location"]], line)
            if move:
                Xref._link(endpoint, key, move)
                moves |= move
        if message.flow_id.reconciler and not self._run_exists(endpoint, balance_id):
            statement = Statement(
                statement_id=balance_id,
                entity=STOCK_ENTITY,
                scope=warehouse_code,
                coverage="partial",
                as_of=fields.Datetime.now(),
            )
            rows = self._statement_rows(lines, items, locations)
            self.env["integration.reconciliation.engine"]._receive(message, statement, rows)
        return moves

    @api.model
    def _read_balance(self, reader):
        """``(balance id, warehouse code, lines)`` of an extract; the caller ends ``reader``."""
        balance_id = reader.text("balance_id")
        warehouse_code = reader.text("warehouse")
        lines = [
            {
                "item": line.text("item"),
                "location": line.text("location"),
                "lot": line.text("lot", required=False),
                "quantity": line.decimal("quantity", minimum=0),
            }
            for line in reader.items("lines", required=True)
        ]
        return balance_id, warehouse_code, lines

    @api.model
    def _resolve_lines(self, endpoint, warehouse_code, lines):
        """``({item: product}, {location code: location})`` of checked ``lines``."""
        warehouse = self._require(endpoint, "stock.warehouse", warehouse_code)
        items = self._require_many(endpoint, "product.product", {line["item"] for line in lines})
        locations = self._require_many(
            endpoint, "stock.location", {line["location"] for line in lines}
        )
        self._check_lines(lines, items, locations, warehouse)
        return items, locations

    @api.model
    def _merged(self, lines, items, locations):
        """``lines`` with one line per product, location and lot, their quantities added up
        (an extract may list a place twice, e.g. two legacy bins of one Odoo location), as
        the reconciliation engine adds up a statement's lines of one key."""
        merged = {}
        for line in lines:
            key = (items[line["item"]], locations[line["location"]], line["lot"] or "")
            if key in merged:
                merged[key] = {
                    **merged[key],
                    "quantity": merged[key]["quantity"] + line["quantity"],
                }
            else:
                merged[key] = line
        return list(merged.values())

    @api.model
    def _statement_rows(self, lines, items, locations):
        """The reconciliation engine's rows of ``lines`` (lots missing in Odoo are made)."""
        Reconciler = self.env["integration.stock.reconciler"]
        lots = self._lots({(items[line["item"]], line["lot"]) for line in lines if line["lot"]})
        rows = []
        for line in lines:
            product, location = items[line["item"]], locations[line["location"]]
            lot = lots.get((product, line["lot"]), self.env["stock.lot"])
            name = " / ".join(filter(None, (line["item"], location.complete_name, line["lot"])))
            rows.append(Reconciler._statement_row(product, location, lot, line["quantity"], name))
        return rows

    @api.model
    def _lots(self, pairs):
        """``{(product, lot name): lot}`` of ``pairs``, found in one query, those missing
        made in one create."""
        Lot = self.env["stock.lot"]
        found = Lot.search(
            [
                ("product_id", "in", list({product.id for product, _name in pairs})),
                ("name", "in", list({name for _product, name in pairs})),
            ]
        )
        lots = {(lot.product_id, lot.name): lot for lot in found}
        missing = sorted(pairs - set(lots), key=lambda pair: (pair[0].id, pair[1]))
        made = Lot.create([{"product_id": product.id, "name": name} for product, name in missing])
        lots.update(zip(missing, made, strict=True))
        return lots

    @api.model
    def _run_exists(self, endpoint, balance_id):
        return bool(
            self.env["integration.reconciliation.run"]
            .sudo()
            .search_count(
                [
                    ("endpoint_id", "=", endpoint.id),
                    ("entity", "=", STOCK_ENTITY),
                    ("name", "=", balance_id),
                ],
                limit=1,
            )
        )

    @api.model
    def _check_lines(self, lines, items, locations, warehouse):
        problems = []
        for index, line in enumerate(lines):
            product, location = items[line["item"]], locations[line["location"]]
            if location.warehouse_id != warehouse or location.usage != "internal":
                problems.append(
                    _(
                        "lines[%(index)s]: %(location)s is not a stock location of %(warehouse)s",
                        index=index,
                        location=line["location"],
                        warehouse=warehouse.code,
                    )
                )
            if not product.is_storable:
                problems.append(
                    _(
                        "lines[%(index)s]: %(item)s is not kept in stock",
                        index=index,
                        item=line["item"],
                    )
                )
            elif product.tracking != "none" and not line["lot"]:
                problems.append(
                    _("lines[%(index)s]: %(item)s needs a lot", index=index, item=line["item"])
                )
        if problems:
            raise InvalidMessage(problems)

    @api.model
    def _adjust(self, balance_id, product, location, line):
        """Set the quant to the line's quantity; return the adjustment's move (none when the
        quantity was already right)."""
        lot = self._lot(product, line["lot"])
        Quant = self.env["stock.quant"]
        quant = Quant._gather(product, location, lot_id=lot or None, strict=True).filtered(
            lambda q: not q.package_id and not q.owner_id
        )[:1] or Quant.create(
            {"product_id": product.id, "location_id": location.id, "lot_id": lot.id}
        )
        if quant.quantity == line["quantity"]:
            return self.env["stock.move"]
        last = self.env["stock.move"].search([], order="id desc", limit=1).id or 0
        quant.inventory_quantity = line["quantity"]
        quant.with_context(
            inventory_name=_("Legacy balance %s", balance_id)
        ).action_apply_inventory()
        return self.env["stock.move"].search(
            [("id", ">", last), ("product_id", "=", product.id), ("is_inventory", "=", True)],
            limit=1,
        )

    @api.model
    def _lot(self, product, name):
        if not name:
            return self.env["stock.lot"]
        return self._lots({(product, name)})[(product, name)]
