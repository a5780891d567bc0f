from odoo import _, api, models

from ..lib.errors import PermanentError

PARTNER_FIELDS = ("name", "email", "phone", "street", "city", "zip", "vat")


class IntegrationHandlerPartner(models.AbstractModel):
    """Creates or updates a contact identified by its external reference.

    Payload: ``{"ref": "C-1001", "name": "ACME", "email": ..., "phone": ..., "street": ...,
    "city": ..., "zip": ..., "vat": ...}``. A repeated message updates the same contact.
    """

    _name = "integration.handler.partner"
    _inherit = "integration.handler"
    _description = "Contact upsert by reference"

    @api.model
    def _process_inbound(self, message):
        payload = message.get_payload_json()
        if not isinstance(payload, dict):
            raise PermanentError(_("The payload must be a JSON object."))
        ref = payload.get("ref")
        if not ref or not isinstance(ref, str):
            raise PermanentError(_("The contact has no reference ('ref')."))
        values = {key: payload[key] for key in PARTNER_FIELDS if payload.get(key) is not None}
        bad = [key for key, value in values.items() if not isinstance(value, str)]
        if bad:
            raise PermanentError(_("These fields must be text: %s", ", ".join(bad)))
        partners = self.env["res.partner"].with_context(active_test=False)
        partner = partners.search(
            [("ref", "=", ref), ("company_id", "in", (False, message.company_id.id))], limit=1
        )
        if partner:
            partner.write(values)
            return partner
        if not values.get("name"):
            raise PermanentError(_("A new contact needs a name (reference %s).", ref))
        return partners.create(dict(values, ref=ref))
