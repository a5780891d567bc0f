"""Inbound ``stock.balance.statement``: a legacy balance extract, reconciled with Odoo's stock."""

from odoo import api, models

from odoo.addons.integration_core.lib.payload import PayloadReader
from odoo.addons.integration_core.lib.reconciliation import Statement
from odoo.addons.integration_stock.models.integration_stock_reconciler import STOCK_ENTITY


class IntegrationHandlerLegacyStockStatement(models.AbstractModel):
    """A balance extract of a warehouse during coexistence, as a statement: nothing is
    adjusted on arrival. Its lines (found as the initial load finds them) go to the core's
    reconciliation engine, which compares the whole warehouse with Odoo's stock as of the
    extract's ``as_of``, through the flow's reconciler (the shared
    ``integration.stock.reconciler``): equal quantities match, each difference waits on an
    exception card for a manager, whose approval adjusts the quant.
    """

    _name = "integration.handler.legacy.stock.statement"
    # The balance handler's reading and lookups; integration.handler named too, as the
    # catalog lists the models that inherit it directly.
    _inherit = ["integration.handler.legacy.stock.balance", "integration.handler"]
    _description = "Legacy ERP stock balance statements (stock.balance.statement)"

    @api.model
    def _process_inbound(self, message):
        reader = PayloadReader(self._payload_json(message))
        balance_id, warehouse_code, lines = self._read_balance(reader)
        header = {
            "as_of": reader.datetime("as_of"),
            "chunk": reader.integer("chunk", required=False, default=1, minimum=1),
            "chunks": reader.integer("chunks", required=False, default=1, minimum=1),
        }
        reader.done()
        statement = Statement(
            statement_id=balance_id,
            entity=STOCK_ENTITY,
            scope=warehouse_code,
            coverage="full",
            **header,
        )
        items, locations = self._resolve_lines(message.endpoint_id, warehouse_code, lines)
        rows = self._statement_rows(lines, items, locations)
        return self.env["integration.reconciliation.engine"]._receive(message, statement, rows)
