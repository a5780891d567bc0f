"""Keys with which external systems call the inbound HTTP API; only their hash is stored."""

from collections import namedtuple

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..lib import signing
from ..tools import access

KeyMatch = namedtuple("KeyMatch", "id endpoint_id user_id key_hash")


class IntegrationApiKey(models.Model):
    _name = "integration.api.key"
    _description = "Integration API Key"
    _inherit = ["integration.api.cache.mixin"]
    _order = "endpoint_id, id desc"

    name = fields.Char(required=True, help="Who or what uses the key, e.g. Plant 2 MES server.")
    endpoint_id = fields.Many2one(
        "integration.endpoint", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Service account",
        required=True,
        ondelete="restrict",
        help="Messages received with this key are enqueued as this user (Integration API group).",
    )
    key_prefix = fields.Char(readonly=True, index=True, copy=False)
    key_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    active = fields.Boolean(default=True)
    last_used_at = fields.Datetime(string="Last used", readonly=True)

    _sql_constraints = [("prefix_unique", "unique(key_prefix)", "Key prefixes are unique.")]

    @api.constrains("user_id")
    def _check_user(self):
        for key in self:
            if not key.user_id.has_group("integration_core.group_integration_api"):
                raise ValidationError(
                    _("%s is not in the Integration API Service Account group.", key.user_id.name)
                )

    def _issue(self):
        """Generate a new secret for this key and return it: it is shown once, never stored."""
        self.ensure_one()
        clear, prefix = signing.generate_api_key()
        self.sudo().write({"key_prefix": prefix, "key_hash": signing.hash_api_key(clear)})
        return clear

    def action_issue_secret(self):
        """Issue (or replace) the key's secret and show it once to the manager."""
        access.require_manager(self.env, _("issue API keys"))
        self.ensure_one()
        self.check_access("write")
        clear = self._issue()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("API key for %s", self.name),
                "message": _("Copy it now, it will not be shown again: %s", clear),
                "type": "warning",
                "sticky": True,
            },
        }

    @api.model
    def _match(self, presented):
        """The active key matching ``presented`` (hash compared in constant time) as a
        KeyMatch of plain values, or None."""
        prefix = signing.api_key_prefix(presented or "")
        candidate = self._active_by_prefix(prefix) if prefix else None
        if candidate and signing.check_api_key(presented, candidate.key_hash):
            return candidate
        return None

    @api.model
    @tools.ormcache("prefix")
    def _active_by_prefix(self, prefix):
        """The active key with this prefix as plain values; cached, cleared by any change."""
        key = self.sudo().search([("key_prefix", "=", prefix), ("active", "=", True)], limit=1)
        if not key:
            return None
        return KeyMatch(key.id, key.endpoint_id.id, key.user_id.id, key.key_hash)
