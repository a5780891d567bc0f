"""Records that the inbound API keeps in memory: a change clears that memory in every worker."""

from odoo import api, models


class IntegrationApiCacheMixin(models.AbstractModel):
    _name = "integration.api.cache.mixin"
    _description = "Integration API Cache Invalidation"

    # Fields whose change clears the cache; None: any field.
    _api_cache_fields = None

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if self._api_cache_fields is None or self._api_cache_fields.intersection(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
