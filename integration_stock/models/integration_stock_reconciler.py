"""Stock balances of another system against Odoo's quants at a past time, and the inventory
adjustments that correct them."""

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .stock_quant import RECONCILIATION_LINES

# The entity stock statements reconcile; a run's scope is a warehouse code by default.
STOCK_ENTITY = "stock.balance"


class IntegrationStockReconciler(models.AbstractModel):
    """Compares a statement of stock balances with Odoo's stock of the locations it covers.

    Shared by every connector that receives stock balances. A connector's handler makes the
    statement's rows with ``_statement_row`` (one per product, location and lot, in the
    product's unit) and hands them to the core's reconciliation engine; a connector whose
    runs cover something else than a warehouse named by its code overrides
    ``_scope_locations``.

    Odoo's quantity of a product, location and lot at the statement's time is today's quants
    minus what done moves brought there since, plus what they took away (move lines dated
    after ``as_of``, in the product's unit), all in SQL: only storable products, only the
    scope's locations. Its value is the quantity times the product's cost. Keys are
    ``product id:location id:lot id (0 without lot)``.

    An approved difference is an inventory adjustment on the quant (``inventory_quantity``
    then ``action_apply_inventory``): the quant gets today's quantity plus the difference,
    so moves made since the statement are kept. Each adjustment's stock move points to its
    reconciliation line (and so to its run).
    """

    _name = "integration.stock.reconciler"
    _inherit = "integration.reconciler"
    _description = "Stock balances"

    @api.model
    def _line_dimensions(self):
        return ("product_id", "location_id", "lot_id")

    # ------------------------------------------------------------------ connector hooks
    @api.model
    def _scope_warehouse(self, run):
        """The warehouse the run's scope names at its endpoint (record lookup)."""
        warehouse = self.env["integration.record.lookup"]._find(
            run.endpoint_id, "stock.warehouse", run.scope
        )
        if not warehouse:
            raise UserError(_("Warehouse %s is not known to Odoo.", run.scope))
        return warehouse

    @api.model
    def _scope_locations(self, run):
        """An SQL SELECT of the ids of the locations the run covers: by default the internal
        locations of the warehouse its scope names."""
        return SQL(
            "SELECT id FROM stock_location WHERE warehouse_id = %s AND usage = 'internal'",
            self._scope_warehouse(run).id,
        )

    @api.model
    def _statement_row(self, product, location, lot, quantity, name):
        """The engine's row of one statement line: ``quantity`` of ``product`` (in its unit)
        at ``location`` in ``lot`` (an empty recordset: no lot), keyed as Odoo's side is."""
        return {
            "key": f"{product.id}:{location.id}:{lot.id or 0}",
            "name": name,
            "quantity": quantity,
            "unit_value": product.standard_price,
            "product_id": product.id,
            "location_id": location.id,
            "lot_id": lot.id or None,
        }

    # ------------------------------------------------------------------ reconciler
    @api.model
    def _odoo_side(self, run):
        Product = self.env["product.product"].with_company(run.company_id)
        unit_value = Product._field_to_sql("product", "standard_price")
        only_statement = SQL()
        if run.coverage == "partial":
            only_statement = SQL(
                "AND balance.key IN (SELECT key FROM integration_reconciliation_line"
                " WHERE run_id = %s)",
                run.id,
            )
        scope_locations = self._scope_locations(run)
        self.env.flush_all()
        return SQL(
            """
            SELECT balance.key, balance.product_id, balance.location_id, balance.lot_id,
                   balance.quantity, %(unit_value)s AS unit_value,
                   concat_ws(' / ', COALESCE(product.default_code, template.name->>'en_US'),
                             location.complete_name, lot.name) AS name
              FROM (
                    SELECT concat_ws(':', m.product_id, m.location_id, COALESCE(m.lot_id, 0))
                               AS key,
                           m.product_id, m.location_id, m.lot_id, sum(m.quantity) AS quantity
                      FROM (
                            SELECT q.product_id, q.location_id, q.lot_id, q.quantity
                              FROM stock_quant q
                             WHERE q.location_id IN (%(locations)s)
                            UNION ALL
                            SELECT ml.product_id, ml.location_dest_id, ml.lot_id,
                                   -ml.quantity_product_uom
                              FROM stock_move_line ml
                             WHERE ml.state = 'done' AND ml.date > %(as_of)s
                               AND ml.location_dest_id IN (%(locations)s)
                            UNION ALL
                            SELECT ml.product_id, ml.location_id, ml.lot_id,
                                   ml.quantity_product_uom
                              FROM stock_move_line ml
                             WHERE ml.state = 'done' AND ml.date > %(as_of)s
                               AND ml.location_id IN (%(locations)s)
                           ) AS m
                     GROUP BY m.product_id, m.location_id, m.lot_id
                   ) AS balance
              JOIN product_product product ON product.id = balance.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN stock_location location ON location.id = balance.location_id
              LEFT JOIN stock_lot lot ON lot.id = balance.lot_id
             WHERE template.is_storable %(only_statement)s
            """,
            unit_value=unit_value,
            locations=scope_locations,
            as_of=run.as_of,
            only_statement=only_statement,
        )

    @api.model
    def _apply_corrections(self, run, lines):
        """An inventory adjustment per line, applied together; ``{line id: its moves}``."""
        Quant = self.env["stock.quant"].with_company(run.company_id)
        quants = Quant
        links = []
        for line in lines:
            if not (line.product_id and line.location_id):
                raise UserError(_("Line %s names no product or location.", line.key))
            quant = Quant._gather(
                line.product_id, line.location_id, lot_id=line.lot_id or None, strict=True
            ).filtered(lambda q: not q.package_id and not q.owner_id)[:1]
            if not quant:
                quant = Quant.create(
                    {
                        "product_id": line.product_id.id,
                        "location_id": line.location_id.id,
                        "lot_id": line.lot_id.id,
                    }
                )
            quant.inventory_quantity = quant.quantity + line.difference_quantity
            quants |= quant
            links.append((quant.id, line.id))
        name = _(
            "Reconciliation %(run)s (approved by %(user)s)",
            run=run.display_name,
            user=self.env.user.name,
        )
        action = quants.with_context(
            inventory_name=name, **{RECONCILIATION_LINES: tuple(links)}
        ).action_apply_inventory()
        if action:  # Odoo asks a person first (a lot is missing, a count is outdated)
            raise UserError(
                _(
                    "Odoo could not apply these adjustments without a person (%s): adjust "
                    "them in Inventory, then ignore these differences with that reason.",
                    action.get("name"),
                )
            )
        moves = self.env["stock.move"].search(
            [("integration_reconciliation_line_id", "in", lines.ids)]
        )
        return {
            line.id: moves_
            for line, moves_ in moves.grouped("integration_reconciliation_line_id").items()
        }
