from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _bench_noop_job(self, number):
        """A job that does nothing (the no-op anchor); ``number`` makes each job distinct."""
        return None

    def _bench_touch_job(self, value):
        """The realistic anchor: write one field on this contact, as the integration handler."""
        self.write({"comment": value})
