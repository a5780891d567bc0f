"""Flows take the changes of a configuration package as a package target."""

from odoo import models


class IntegrationFlow(models.Model):
    _name = "integration.flow"
    _inherit = ["integration.flow", "integration.package.target"]
    _package_section = "integration.package.section.flow"
