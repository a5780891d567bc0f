"""Connect a system: an endpoint of a kind, all its flows from the catalog, its first API key."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class IntegrationConnect(models.TransientModel):
    """One step instead of one flow per message type by hand.

    The endpoint is created with one draft flow per active catalog entry of its kind (to be
    approved and activated as any flow) and, when a service account is given, its first API
    key, whose secret is shown once (never stored in clear, not even in the wizard).
    """

    _name = "integration.connect"
    _description = "Connect a System"

    system_type = fields.Selection(
        selection=lambda self: self.env["integration.catalog.entry"]._selection_system_type(),
        string="Kind of system",
        required=True,
    )
    name = fields.Char(required=True, help="What people call the system, e.g. Plant 2 MES.")
    code = fields.Char(required=True, help="Short code used in URLs and APIs, e.g. PLANT2_MES.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    environment = fields.Selection(
        selection=lambda self: (
            self.env["integration.endpoint"]._fields["environment"]._description_selection(self.env)
        ),
        required=True,
        default="test",
    )
    entry_ids = fields.Many2many(
        "integration.catalog.entry",
        compute="_compute_entry_ids",
        string="Message types",
        help="The flows that will be created, one per message type of this kind of system.",
    )
    service_user_id = fields.Many2one(
        "res.users",
        string="Service account",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("integration_core.group_integration_api").id)
        ],
        help="The user the system's inbound messages are enqueued as: a first API key is "
        "issued for it. Leave empty to issue keys later on the endpoint.",
    )

    @api.depends("system_type")
    def _compute_entry_ids(self):
        Entry = self.env["integration.catalog.entry"]
        for wizard in self:
            wizard.entry_ids = Entry.search([("system_type", "=", wizard.system_type)])

    def action_connect(self):
        """Create the endpoint, its flows and its first API key; show the key once."""
        endpoint, clear = self._connect()
        return self._connected_action(endpoint, clear)

    def _connect(self):
        """(endpoint, clear API key or None) after checking the caller is a manager."""
        self.ensure_one()
        if not self.env.user.has_group("integration_core.group_integration_manager"):
            raise AccessError(_("Only integration managers connect systems."))
        if not self.entry_ids:
            raise UserError(_("No connector declares message types for this kind of system."))
        endpoint = self.env["integration.endpoint"].create(
            {
                "name": self.name,
                "code": self.code,
                "system_type": self.system_type,
                "company_id": self.company_id.id,
                "environment": self.environment,
            }
        )
        self.env["integration.flow"].create([e._flow_values(endpoint) for e in self.entry_ids])
        if not self.service_user_id:
            return endpoint, None
        key = self.env["integration.api.key"].create(
            {
                "name": _("%s (first key)", self.name),
                "endpoint_id": endpoint.id,
                "user_id": self.service_user_id.id,
            }
        )
        return endpoint, key._issue()

    def _connected_action(self, endpoint, clear):
        open_endpoint = {
            "type": "ir.actions.act_window",
            "res_model": "integration.endpoint",
            "res_id": endpoint.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
        if not clear:
            return open_endpoint
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("API key for %s", endpoint.code),
                "message": _("Copy it now, it will not be shown again: %s", clear),
                "type": "warning",
                "sticky": True,
                "next": open_endpoint,
            },
        }
