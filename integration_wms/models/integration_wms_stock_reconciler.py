"""The WMS's stock balances: the shared stock reconciler, which asks the WMS for snapshots."""

import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.integration_stock.models.integration_stock_reconciler import STOCK_ENTITY


class IntegrationWmsStockReconciler(models.AbstractModel):
    """Compares a WMS inventory snapshot with Odoo's stock of the warehouse it names (see
    ``integration.stock.reconciler``, which does the comparing and the adjustments); adds
    what only a WMS does: answer a request for a snapshot. Its name is the one runs made
    before the stock reconciler was shared still carry."""

    _name = "integration.wms.stock.reconciler"
    _inherit = "integration.stock.reconciler"
    _description = "WMS stock balances"

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
