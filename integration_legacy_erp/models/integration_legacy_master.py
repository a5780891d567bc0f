"""Master data Odoo owns during coexistence, sent to the legacy ERP when it changes."""

import uuid

from odoo import fields, models


class IntegrationLegacyMaster(models.AbstractModel):
    """A mixin of ``product.template`` and ``res.partner``: a change of a field the legacy
    ERP also keeps is queued on the legacy endpoint's ``<entity>.outbound`` flow, with only
    the fields Odoo owns (``integration.ownership``: no rule means Odoo). Only records the
    legacy ERP knows (a cross-reference of that endpoint) are sent; changes applied from the
    legacy ERP itself are not sent back (``tools.echo``).

    A model says ``_legacy_flow`` and ``_legacy_fields`` (``{canonical name: Odoo field}``)
    and gives ``_legacy_xref_record`` (the record its cross-reference points to).
    """

    _name = "integration.legacy.master"
    _inherit = "integration.event.source"
    _description = "Legacy ERP Master Data Sent Out"

    _legacy_flow = None
    _legacy_fields = {}

    def _legacy_xref_record(self):
        return self

    def _legacy_xref(self):
        """The first cross-reference of a legacy ERP endpoint for this record, or none."""
        record = self._legacy_xref_record()
        if not record:
            return self.env["integration.xref"]
        return (
            self.env["integration.xref"]
            .sudo()
            .search(
                [
                    ("model", "=", record._name),
                    ("res_id", "in", record.ids),
                    ("endpoint_id.system_type", "=", "legacy_erp"),
                ],
                limit=1,
            )
        )

    def _integration_endpoint(self):
        return self._legacy_xref().endpoint_id

    def _integration_message(self, flow):
        xref = self._legacy_xref()
        owned = self.env["integration.ownership"]._outbound_fields(
            self._name, list(self._legacy_fields.values()), flow.company_id
        )
        payload = {
            "message_id": f"{self._legacy_flow}-{uuid.uuid4().hex}",
            "sent_at": fields.Datetime.now().isoformat() + "Z",
            "code": xref.external_code,
        }
        for canonical, field_name in self._legacy_fields.items():
            if field_name in owned:
                payload[canonical] = self._legacy_value(field_name)
        return {"payload": payload}

    def _legacy_value(self, field_name):
        """A field's value as the canonical message writes it (names for relations)."""
        value = self[field_name]
        if isinstance(value, models.BaseModel):
            return value.display_name or None
        return value if value is not False else None
