from odoo import models
from odoo.tools.sql import create_index

from .integration_handler_legacy_item import NORMALIZED_CODE


class ProductProduct(models.Model):
    _inherit = "product.product"

    def init(self):
        """Normalized internal references are looked up once per legacy item: indexed, so an
        item master of 100,000 items does not read every product for each."""
        result = super().init()
        create_index(
            self.env.cr,
            "product_product_legacy_normalized_code_index",
            self._table,
            [NORMALIZED_CODE],
            where="default_code IS NOT NULL",
        )
        return result
