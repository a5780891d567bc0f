"""Legacy sources pulled on a schedule: a REST API, or an older Odoo over XML-RPC."""

from odoo import fields, models

from ..tools import odoo_pull, rest_pull, transports


class IntegrationEndpoint(models.Model):
    _inherit = "integration.endpoint"

    transport = fields.Selection(
        selection_add=[
            ("rest", "REST API (pulled; sent over HTTP)"),
            ("odoo_xmlrpc", "Older Odoo (XML-RPC, pulled)"),
        ],
        ondelete={"rest": "set default", "odoo_xmlrpc": "set default"},
    )
    odoo_database = fields.Char(
        string="Odoo database",
        tracking=True,
        help="Older Odoo: the database to read; the user is the login, the credential its "
        "password or API key.",
    )

    def _poll_rest(self, **_limits):
        return rest_pull.poll(self)

    def _send_rest(self, flow, message, request):
        return transports.send_http(self, flow, message, request)

    def _test_rest(self):
        return transports.test_http(self)

    def _poll_odoo_xmlrpc(self, **_limits):
        return odoo_pull.poll(self)

    def _test_odoo_xmlrpc(self):
        return odoo_pull.test_connection(self)
