"""Set the environment tag of this database (development, test or production)."""

from odoo import api, fields, models

from ..tools import access, environment_tag, production_guard


class IntegrationEnvironmentTag(models.TransientModel):
    """Production is the production guard's declared database: choosing it declares this
    database production (the server configuration must name it), and its copies show *test*
    (copy of production). ``tools/environment_tag.py`` has the rules."""

    _name = "integration.environment.tag"
    _description = "Environment of this Database"

    tag = fields.Selection(
        [("development", "Development"), ("test", "Test"), ("production", "Production")],
        string="Environment",
        required=True,
        default=lambda self: environment_tag.current(self.env)[0],
    )
    current = fields.Char(string="Now", compute="_compute_current")
    detail = fields.Char(compute="_compute_current")
    configured_production = fields.Char(
        string="Production database of this server",
        compute="_compute_current",
        help="What the server configuration names as production (integration_production_database).",
    )

    @api.depends("tag")
    def _compute_current(self):
        described = environment_tag.describe(self.env)
        configured = production_guard.configured_production_database() or self.env._("none")
        for wizard in self:
            wizard.current = described["label"]
            wizard.detail = described["detail"]
            wizard.configured_production = configured

    def action_set(self):
        """Managers: tag this database; production declares it the production database."""
        access.require_manager(self.env, self.env._("set the environment of the database"))
        self.ensure_one()
        environment_tag.set_tag(self.env, self.tag)
        return {"type": "ir.actions.client", "tag": "reload"}
