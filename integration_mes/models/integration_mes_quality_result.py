"""A test result of a lot, reported by the MES."""

from odoo import _, api, fields, models


class IntegrationMesQualityResult(models.Model):
    _name = "integration.mes.quality.result"
    _description = "MES Quality Result"
    _order = "measured_at desc, id desc"
    _rec_name = "test_name"

    message_id = fields.Char(required=True, readonly=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint", string="MES", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    work_order_id = fields.Many2one("integration.mes.work.order", readonly=True, index=True)
    production_id = fields.Many2one("mrp.production", readonly=True, index=True)
    lot_id = fields.Many2one("stock.lot", required=True, readonly=True, index=True)
    product_id = fields.Many2one(related="lot_id.product_id", store=True)
    test_name = fields.Char(string="Test", required=True, readonly=True)
    value = fields.Float(readonly=True)
    unit = fields.Char(readonly=True)
    passed = fields.Boolean(readonly=True)
    measured_at = fields.Datetime(readonly=True)
    exception_id = fields.Many2one("integration.exception", readonly=True)

    _sql_constraints = [
        (
            "message_unique",
            "unique(endpoint_id, message_id)",
            "A quality result is recorded once per MES.",
        ),
    ]

    def _raise_failure(self, flow):
        """Open an exception for the quality team, assigned to the MES's quality contact."""
        self.ensure_one()
        Exception_ = self.env["integration.exception"].sudo()
        error = _(
            "Test %(test)s failed on lot %(lot)s of %(product)s: %(value)s %(unit)s.",
            test=self.test_name,
            lot=self.lot_id.name,
            product=self.product_id.display_name,
            value=self.value,
            unit=self.unit or "",
        )
        contact = self.endpoint_id.mes_quality_user_id
        exception = Exception_.create(
            {
                "name": _("%(mes)s: %(error)s", mes=self.endpoint_id.code, error=error),
                "category": "quality",
                "severity": "high",
                "fingerprint": Exception_._fingerprint(
                    flow, "quality", error, cause=f"quality:{self.endpoint_id.id}:{self.message_id}"
                ),
                "flow_id": flow.id,
                "endpoint_id": self.endpoint_id.id,
                "company_id": self.company_id.id,
                "error": error,
                "user_id": contact.id,
            }
        )
        if contact:
            exception.activity_schedule(
                "mail.mail_activity_data_todo", user_id=contact.id, summary=_("Failed test")
            )
        if self.production_id:
            self.production_id.message_post(body=error)
        self.exception_id = exception
        return exception

    @api.model
    def _find(self, endpoint, message_id):
        return self.search(
            [("endpoint_id", "=", endpoint.id), ("message_id", "=", message_id)], limit=1
        )
