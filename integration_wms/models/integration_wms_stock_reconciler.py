"""Stock balances of a warehouse: Odoo's quants at a past time, and inventory adjustments."""

import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .stock_quant import RECONCILIATION_LINES

# The entity WMS snapshots reconcile; its scope is a warehouse code.
STOCK_ENTITY = "stock.balance"


class IntegrationWmsStockReconciler(models.AbstractModel):
    """Compares a WMS inventory snapshot with Odoo's stock of the warehouse it names.

    Odoo's quantity of a product, location and lot at the snapshot's time is today's quants
    minus what done moves brought there since, plus what they took away (move lines dated
    after ``as_of``, in the product's unit), all in SQL: only storable products, only the
    warehouse's internal locations. Its value is the quantity times the product's cost.
    Keys are ``product id:location id:lot id (0 without lot)``.

    An approved difference is an inventory adjustment on the quant (``inventory_quantity``
    then ``action_apply_inventory``): the quant gets today's quantity plus the difference,
    so moves made since the snapshot are kept. Each adjustment's stock move points to its
    reconciliation line (and so to its run).
    """

    _name = "integration.wms.stock.reconciler"
    _inherit = "integration.reconciler"
    _description = "WMS stock balances"

    @api.model
    def _line_dimensions(self):
        return ("product_id", "location_id", "lot_id")

    @api.model
    def _warehouse(self, run):
        """The warehouse the run's scope names at its endpoint."""
        warehouse = self.env["integration.record.lookup"]._find(
            run.endpoint_id, "stock.warehouse", run.scope
        )
        if not warehouse:
            raise UserError(_("Warehouse %s is not known to Odoo.", run.scope))
        return warehouse

    @api.model
    def _odoo_side(self, run):
        warehouse = self._warehouse(run)
        Product = self.env["product.product"].with_company(run.company_id)
        unit_value = Product._field_to_sql("product", "standard_price")
        only_statement = SQL()
        if run.coverage == "partial":
            only_statement = SQL(
                "AND balance.key IN (SELECT key FROM integration_reconciliation_line"
                " WHERE run_id = %s)",
                run.id,
            )
        scope_locations = SQL(
            "SELECT id FROM stock_location WHERE warehouse_id = %s AND usage = 'internal'",
            warehouse.id,
        )
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

    @api.model
    def _request_statement(self, flow):
        """Queue a request for a full snapshot of each warehouse the endpoint reconciles
        (those of its past runs, else every warehouse of its company)."""
        endpoint = flow.endpoint_id
        request = endpoint.flow_ids.filtered(
            lambda f: f.code == "inventory.snapshot.request" and f.state == "active"
        )
        if not request:
            raise UserError(
                _("%s has no active inventory.snapshot.request flow to ask with.", endpoint.code)
            )
        scopes = (
            self.env["integration.reconciliation.run"]
            .search([("endpoint_id", "=", endpoint.id), ("entity", "=", STOCK_ENTITY)])
            .mapped("scope")
        )
        if not scopes:
            warehouses = self.env["stock.warehouse"].search(
                [("company_id", "=", endpoint.company_id.id)]
            )
            Lookup = self.env["integration.record.lookup"]
            scopes = [Lookup._code_of(endpoint, warehouse) for warehouse in warehouses]
        now = fields.Datetime.to_string(fields.Datetime.now())
        self.env["integration.message"].enqueue_batch(
            request,
            [
                {
                    "payload": {
                        "message_id": f"snapshot-request-{uuid.uuid4().hex}",
                        "warehouse": scope,
                        "scope": "full",
                        "requested_at": now,
                    }
                }
                for scope in sorted(set(scopes))
            ],
        )
