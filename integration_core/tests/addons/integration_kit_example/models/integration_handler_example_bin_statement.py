"""Inbound ``bin.statement``: a statement of bins, compared by the flow's reconciler."""

from odoo import api, models

from odoo.addons.integration_core.lib.payload import PayloadReader
from odoo.addons.integration_core.lib.reconciliation import Statement


class IntegrationHandlerExampleBinStatement(models.AbstractModel):
    """Reads the statement's header and rows with the kit's payload reader and hands them to
    the core's reconciliation engine: the whole connector side of a reconciliation."""

    _name = "integration.handler.example.bin.statement"
    _inherit = "integration.handler"
    _description = "Example bin statement (bin.statement)"

    @api.model
    def _process_inbound(self, message):
        reader = PayloadReader(message.get_payload_json())
        header = {
            "statement_id": reader.text("statement_id"),
            "scope": reader.text("site"),
            "coverage": reader.enum("scope", ["full", "partial"]),
            "as_of": reader.datetime("as_of"),
            "chunk": reader.integer("chunk", required=False, default=1),
            "chunks": reader.integer("chunks", required=False, default=1),
        }
        rows = [
            {
                "key": item.text("bin"),
                "name": item.text("bin"),
                "quantity": item.decimal("quantity"),
            }
            for item in reader.items("lines", required=False)
        ]
        reader.done()
        statement = Statement(entity="bins", **header)
        return self.env["integration.reconciliation.engine"]._receive(message, statement, rows)
