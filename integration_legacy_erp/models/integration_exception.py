from odoo import _, api, fields, models

from odoo.addons.integration_core.tools import access

from .integration_legacy_match import MATCH_MODEL


class IntegrationException(models.Model):
    _inherit = "integration.exception"

    category = fields.Selection(
        selection_add=[("possible_duplicate", "Possible duplicate to review")],
        ondelete={"possible_duplicate": "cascade"},
    )
    legacy_match_ids = fields.One2many(
        "integration.legacy.match", "exception_id", string="Records to review"
    )

    @api.model
    def _record_failure(self, messages, category, error, cause=None, severity=None):
        """Messages waiting for a duplicate review get a ``possible_duplicate`` card and the
        review (``integration.legacy.match``) a person decides on."""
        if not (cause or "").startswith(MATCH_MODEL + ":"):
            return super()._record_failure(messages, category, error, cause, severity)
        card = super()._record_failure(
            messages, "possible_duplicate", error, cause, severity="medium"
        )
        self.env["integration.legacy.match"].sudo()._open_for(messages, card)
        return card

    def _explain(self):
        if self.category != "possible_duplicate":
            return super()._explain()
        return (
            _(
                "The legacy ERP sent a record that looks like one Odoo already has (same "
                "barcode, internal reference or a very similar name). Nothing was created: "
                "its message waits for a decision."
            ),
            _(
                "Open the record to review: link it to the existing Odoo record, or create it "
                "as new. The message then goes on by itself."
            ),
        )

    def action_open_legacy_match(self):
        """The review behind this card."""
        access.require_integration_user(self.env, _("review possible duplicates"))
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "integration.legacy.match",
            "res_id": self.legacy_match_ids[:1].id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
