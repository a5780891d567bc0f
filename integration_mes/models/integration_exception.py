from odoo import _, fields, models


class IntegrationException(models.Model):
    _inherit = "integration.exception"

    category = fields.Selection(
        selection_add=[("quality", "Quality: failed test")],
        ondelete={"quality": "cascade"},
    )

    def _explain(self):
        if self.category != "quality":
            return super()._explain()
        return (
            _(
                "The plant's MES reported a failed quality test. The result is recorded on the "
                "lot and the manufacturing order; nothing was blocked automatically."
            ),
            _(
                "Quality team: decide what happens to the lot (retest, rework, scrap, or release "
                "with a deviation), record the decision in the chatter, then resolve the card."
            ),
        )
