from odoo import _, api, models

from ..lib.errors import IntegrationError, MissingReference, PermanentError

PARTNER_FIELDS = ("name", "email", "phone", "street", "city", "zip", "vat")


class IntegrationHandlerPartner(models.AbstractModel):
    """Creates or updates a contact identified by the external system's code for it.

    Payload: ``{"ref": "C-1001", "name": "ACME", "email": ..., "phone": ..., "street": ...,
    "city": ..., "zip": ..., "vat": ..., "parent_ref": "C-1000"}``. The code is resolved through
    the endpoint's cross-references, so a repeated message updates the same contact. A contact
    whose ``parent_ref`` (its company) is not known yet waits until that company arrives.
    """

    _name = "integration.handler.partner"
    _inherit = "integration.handler"
    _description = "Contact upsert by external code"

    @api.model
    def _prefetch_inbound(self, messages):
        """The contacts the batch's codes stand for: their reads and writes cover the batch."""
        codes = set()
        for message in messages:
            try:
                payload = self._payload_json(message)
            except IntegrationError:
                continue  # the message itself will say what is wrong with it
            if isinstance(payload, dict):
                codes |= {payload.get(k) for k in ("ref", "parent_ref")} - {None}
        xrefs = (
            self.env["integration.xref"]
            .sudo()
            .search(
                [
                    ("endpoint_id", "in", messages.endpoint_id.ids),
                    ("model", "=", "res.partner"),
                    ("external_code", "in", [str(code) for code in codes]),
                ]
            )
        )
        return {"res.partner": xrefs.mapped("res_id")}

    @api.model
    def _process_inbound(self, message):
        payload = self._payload_json(message)
        if not isinstance(payload, dict):
            raise PermanentError(_("The payload must be a JSON object."))
        ref = payload.get("ref")
        if not ref or not isinstance(ref, str):
            raise PermanentError(_("The contact has no code ('ref')."))
        values = self._values(payload)
        Xref = self.env["integration.xref"]
        endpoint = message.endpoint_id
        self.env["integration.ownership"]._check_inbound(endpoint, "res.partner", list(values))
        parent_ref = payload.get("parent_ref")
        if parent_ref:
            parent = Xref._resolve(endpoint, "res.partner", str(parent_ref))
            if not parent:
                raise MissingReference("res.partner", str(parent_ref))
            values["parent_id"] = parent.id
        partner = Xref._resolve(endpoint, "res.partner", ref)
        if partner:
            partner = self._browse("res.partner", partner.id)
            partner.write(values)
            return partner
        if not values.get("name"):
            raise PermanentError(_("A new contact needs a name (code %s).", ref))
        return Xref._create_linked(endpoint, "res.partner", ref, dict(values, ref=ref))

    @api.model
    def _values(self, payload):
        values = {key: payload[key] for key in PARTNER_FIELDS if payload.get(key) is not None}
        bad = [key for key, value in values.items() if not isinstance(value, str)]
        if bad:
            raise PermanentError(_("These fields must be text: %s", ", ".join(bad)))
        return values
