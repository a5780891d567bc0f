"""External system that Odoo exchanges messages with."""

from collections import namedtuple

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from ..lib.errors import PermanentError
from ..tools import (
    access,
    amqp_inbound,
    endpoint_circuit,
    endpoint_secrets,
    file_inbound,
    log_redaction,
    message_stats,
    production_guard,
    transports,
)

log_redaction.install()

# Window of the failure rate shown as the endpoint's health.
HEALTH_WINDOW_MINUTES = 60
API_GROUP = "integration_core.group_integration_api"
MANAGER_GROUP = "integration_core.group_integration_manager"
InboundRoute = namedtuple(
    "InboundRoute",
    "endpoint_id company_id rate_limit_per_minute flow_id flow_state ordering_key_path sunset_date",
)


class IntegrationEndpoint(models.Model):
    _name = "integration.endpoint"
    _description = "Integration Endpoint"
    _inherit = ["mail.thread", "mail.activity.mixin", "integration.api.cache.mixin"]
    _api_cache_fields = {"code", "active", "company_id", "rate_limit_per_minute"}
    _order = "sequence, code"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short technical code used in URLs and APIs, e.g. PLANT1_MES.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    system_type = fields.Selection(
        [("generic", "Generic")],
        string="System kind",
        required=True,
        default="generic",
        tracking=True,
        help="Kind of external system; connector addons add their own kinds.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    description = fields.Text()
    environment = fields.Selection(
        [("production", "Production"), ("test", "Test"), ("development", "Development")],
        required=True,
        default="production",
        tracking=True,
        help="Production endpoints are only ever called from the production database: "
        "a neutralized, duplicated or restored copy refuses to send to them.",
    )
    # Outbound transport
    transport = fields.Selection(
        [
            ("none", "None (inbound only)"),
            ("http", "HTTP"),
            ("amqp", "AMQP (RabbitMQ)"),
            ("file", "File drop folder"),
        ],
        required=True,
        default="none",
        tracking=True,
    )
    url = fields.Char(
        string="URL",
        tracking=True,
        help="HTTP: base URL (https://mes.plant2.example/api). AMQP: amqp://host:5672/vhost.",
    )
    compression = fields.Selection(
        [("none", "None"), ("gzip", "gzip")],
        required=True,
        default="none",
        tracking=True,
        help="gzip: bodies sent over HTTP carry Content-Encoding: gzip, AMQP messages the "
        "content_encoding gzip, and files are written as .json.gz. It saves bandwidth to a "
        "remote plant; the receiving system must accept it.",
    )
    verify_tls = fields.Boolean(string="Verify TLS certificates", default=True, tracking=True)
    connect_timeout = fields.Float(
        string="Connect timeout (seconds)",
        default=5.0,
        tracking=True,
        help="Seconds to wait for a connection.",
    )
    read_timeout = fields.Float(
        string="Read timeout (seconds)",
        default=30.0,
        tracking=True,
        help="Seconds to wait for an answer.",
    )
    auth_type = fields.Selection(
        [
            ("none", "None"),
            ("basic", "Basic (user and password)"),
            ("bearer", "Bearer token"),
            ("api_key", "API key header"),
            ("hmac", "HMAC-signed body"),
            ("oauth2", "OAuth2 client credentials"),
        ],
        string="Authentication",
        default="none",
        required=True,
        tracking=True,
    )
    username = fields.Char(help="Basic or AMQP user, or OAuth2 client id.", tracking=True)
    auth_header = fields.Char(
        string="Credential header",
        default="X-API-Key",
        help="Header carrying the API key or the HMAC signature.",
    )
    oauth_token_url = fields.Char(string="OAuth2 token URL", tracking=True)
    oauth_scope = fields.Char(string="OAuth2 scope")
    secret_ciphertext = fields.Char(groups="base.group_system", copy=False)
    secret = fields.Char(
        compute="_compute_secret",
        inverse="_inverse_secret",
        help="Password, token, API key, HMAC secret or client secret. Write-only: it is "
        "stored encrypted and never shown again.",
    )
    secret_is_set = fields.Boolean(string="Credential set", compute="_compute_secret")
    amqp_exchange = fields.Char(string="AMQP exchange", tracking=True)
    amqp_queue = fields.Char(
        string="AMQP inbound queue", tracking=True, help="Queue the consumer reads."
    )
    file_root = fields.Char(
        string="Drop folder",
        tracking=True,
        help="Folder holding in/, out/, done/ and error/ subfolders.",
    )
    # Inbound API
    rate_limit_per_minute = fields.Integer(
        string="Rate limit (requests per minute)",
        default=600,
        tracking=True,
        help="Inbound HTTP requests accepted per minute; 0 means no limit.",
    )
    inbound_hmac_ciphertext = fields.Char(groups="base.group_system", copy=False)
    inbound_hmac_secret = fields.Char(
        compute="_compute_secret",
        inverse="_inverse_inbound_hmac_secret",
        string="Inbound HMAC secret",
        help="Shared secret with which the external system signs its requests (write-only).",
    )
    inbound_user_id = fields.Many2one(
        "res.users",
        string="Service account for signed requests",
        tracking=True,
        help="Requests authenticated by HMAC signature are enqueued as this user.",
    )
    api_key_ids = fields.One2many("integration.api.key", "endpoint_id", string="API keys")
    flow_ids = fields.One2many("integration.flow", "endpoint_id", string="Flows")
    # Circuit breaker and health
    circuit_state = fields.Selection(
        [("closed", "Closed"), ("open", "Open"), ("half_open", "Probing")],
        default="closed",
        required=True,
        readonly=True,
        copy=False,
    )
    circuit_failures = fields.Integer(string="Consecutive failures", readonly=True, copy=False)
    circuit_opened_at = fields.Datetime(string="Circuit opened", readonly=True, copy=False)
    circuit_threshold = fields.Integer(
        string="Circuit threshold (failures)",
        default=5,
        tracking=True,
        help="Consecutive transient failures that open the circuit.",
    )
    circuit_cooldown = fields.Integer(
        string="Circuit cool-down (seconds)",
        default=60,
        tracking=True,
        help="Seconds the circuit stays open before one probe is let through.",
    )
    last_success_at = fields.Datetime(string="Last successful request", readonly=True, copy=False)
    last_ok_at = fields.Datetime(
        compute="_compute_health",
        string="Last success",
        help="The last message done, received or sent, or the last successful request.",
    )
    tries_count = fields.Integer(
        compute="_compute_health", string="Tries (last hour)", help="Deferrals not counted."
    )
    done_recent_count = fields.Integer(compute="_compute_health", string="Done (last 24 h)")
    last_failure_at = fields.Datetime(string="Last failure", readonly=True, copy=False)
    backlog_count = fields.Integer(compute="_compute_health", string="Backlog")
    failed_count = fields.Integer(compute="_compute_health", string="Failed messages")
    oldest_pending_at = fields.Datetime(compute="_compute_health", string="Oldest unfinished")
    failure_rate = fields.Float(
        compute="_compute_health", string="Failure rate (%)", help="Failed tries, last hour."
    )
    latency_p50 = fields.Float(compute="_compute_health", string="Latency p50 (s)")
    latency_p95 = fields.Float(
        compute="_compute_health",
        string="Latency p95 (s)",
        help="Seconds from receipt to done for 95% of the messages done in the last 24 hours.",
    )
    health = fields.Selection(
        [
            ("ok", "Healthy"),
            ("idle", "No traffic"),
            ("warning", "Needs attention"),
            ("critical", "Down"),
        ],
        compute="_compute_health",
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "An endpoint code must be unique: external systems address it in URLs.",
        ),
        ("threshold_positive", "check(circuit_threshold > 0)", "The threshold must be positive."),
    ]

    @api.onchange("name")
    def _onchange_name_code(self):
        if self.name and not self.code:
            self.code = "".join(c if c.isalnum() else "_" for c in self.name.upper())

    @api.depends("circuit_state")
    def _compute_health(self):
        ids = self.ids
        backlog = message_stats.backlog(self.env, "endpoint_id", ids)
        rates = message_stats.failure_rate(self.env, "endpoint_id", ids, HEALTH_WINDOW_MINUTES)
        latency = message_stats.latency(self.env, "endpoint_id", ids)
        done = message_stats.last_done(self.env, "endpoint_id", ids)
        recent = message_stats.done_count(self.env, "endpoint_id", ids)
        for endpoint in self:
            endpoint.backlog_count, endpoint.oldest_pending_at, endpoint.failed_count = backlog.get(
                endpoint.id, (0, False, 0)
            )
            failed, tries = rates.get(endpoint.id, (0, 0))
            endpoint.tries_count = tries
            endpoint.failure_rate = 100.0 * failed / tries if tries else 0.0
            endpoint.latency_p50, endpoint.latency_p95 = latency.get(endpoint.id, (0.0, 0.0))
            endpoint.done_recent_count = recent.get(endpoint.id, 0)
            moments = [m for m in (endpoint.last_success_at, done.get(endpoint.id)) if m]
            endpoint.last_ok_at = max(moments) if moments else False
            # The status follows what fails now (failed messages, the circuit), not the
            # failure rate of the last hour, which stays high for a while after a fix.
            endpoint.health = (
                "critical"
                if endpoint.circuit_state == "open"
                else "warning"
                if endpoint.failed_count or endpoint.circuit_state == "half_open"
                else "ok"
                if tries or endpoint.done_recent_count or endpoint.backlog_count
                else "idle"
            )

    @api.depends_context("uid")
    def _compute_secret(self):
        stored = {rec.id: rec for rec in self.sudo()}
        for endpoint in self:
            endpoint.secret = False
            endpoint.inbound_hmac_secret = False
            endpoint.secret_is_set = bool(stored[endpoint.id].secret_ciphertext)

    def _inverse_secret(self):
        for endpoint in self.filtered("secret"):
            endpoint.sudo().secret_ciphertext = endpoint_secrets.secret_box(self.env).encrypt(
                endpoint.secret
            )
            # A logged note: it names who changed it and needs no mail configuration.
            endpoint._message_log(body=_("Credential changed."))

    def _inverse_inbound_hmac_secret(self):
        for endpoint in self.filtered("inbound_hmac_secret"):
            box = endpoint_secrets.secret_box(self.env)
            endpoint.sudo().inbound_hmac_ciphertext = box.encrypt(endpoint.inbound_hmac_secret)
            endpoint._message_log(body=_("Inbound HMAC secret changed."))

    @api.model_create_multi
    def create(self, vals_list):
        endpoints = super().create(vals_list)
        endpoints._bind_production_database()
        return endpoints

    def write(self, vals):
        result = super().write(vals)
        if vals.get("environment") == "production":
            self._bind_production_database()
        return result

    # ------------------------------------------------------------------ inbound
    @api.model
    @tools.ormcache("endpoint_code", "flow_code")
    def _inbound_route(self, endpoint_code, flow_code):
        """What the inbound API needs of an endpoint and its inbound flow, as plain values.

        Cached in every worker (the API answers many small requests); a change of the fields
        in ``_api_cache_fields`` of endpoints and flows clears it in all workers.
        ``flow_id`` is None when the endpoint has no such inbound flow; None when no endpoint.
        ``sunset_date`` is that of a temporary flow (None for a lasting one).
        """
        endpoint = self.sudo().search([("code", "=", endpoint_code)], limit=1)
        if not endpoint:
            return None
        flow = (
            self.env["integration.flow"]
            .sudo()
            .search(
                [
                    ("endpoint_id", "=", endpoint.id),
                    ("code", "=", flow_code),
                    ("direction", "=", "inbound"),
                ],
                limit=1,
            )
        )
        return InboundRoute(
            endpoint.id,
            endpoint.company_id.id,
            endpoint.rate_limit_per_minute,
            flow.id or None,
            flow.state or None,
            flow.ordering_key_path or None,
            (flow.sunset_date or None) if flow.lifecycle == "temporary" else None,
        )

    @api.model
    @tools.ormcache("user_id", "company_id")
    def _service_account_refusal(self, user_id, company_id):
        """Why ``user_id`` may not enqueue for an endpoint of ``company_id``, or None.

        Cached: Odoo clears its caches when a user's active flag, groups or companies change.
        """
        user = self.env["res.users"].sudo().browse(user_id)
        if not (user.active and user.has_group(API_GROUP)):
            return "not_a_service_account"
        if company_id not in user.company_ids.ids:
            return "company_not_allowed"
        return None

    # ------------------------------------------------------------------ secrets
    def _get_secret(self):
        """The decrypted outbound credential, or None."""
        self.ensure_one()
        token = self.sudo().secret_ciphertext
        return endpoint_secrets.decrypt(self.env, token) if token else None

    def _get_inbound_hmac_secret(self):
        self.ensure_one()
        token = self.sudo().inbound_hmac_ciphertext
        return endpoint_secrets.decrypt(self.env, token) if token else None

    @api.model
    def _rotate_secrets(self):
        """Re-encrypt every stored secret under the primary key; return how many changed.

        Rotation: put the new key first in the configured keys, keep the old one after it,
        run this (Endpoints > Action > Rotate secrets), then drop the old key.
        """
        box = endpoint_secrets.secret_box(self.env)
        rotated = 0
        endpoints = self.sudo().with_context(active_test=False).search([])
        for endpoint in endpoints:
            for column in ("secret_ciphertext", "inbound_hmac_ciphertext"):
                token = endpoint[column]
                if token and box.needs_rotation(token):
                    endpoint[column] = box.rotate(token)
                    rotated += 1
        return rotated

    def action_rotate_secrets(self):
        """Managers: re-encrypt every stored secret under the primary key."""
        access.require_manager(self.env, _("rotate secrets"))
        rotated = self._rotate_secrets()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Secrets rotated"),
                "message": _("%s secrets re-encrypted under the primary key.", rotated),
                "type": "success",
            },
        }

    # ------------------------------------------------------------------ environment guard
    def _bind_production_database(self):
        """The first database that declares a production endpoint is recorded as production
        (its name and uuid); it sends only where the server configuration names it too."""
        if not self.filtered(lambda e: e.environment == "production"):
            return
        params = self.env["ir.config_parameter"].sudo()
        if not params.get_param(production_guard.PRODUCTION_UUID_PARAM):
            production_guard.record_production_database(self.env)

    def _check_may_send(self):
        """Refuse to call a production endpoint from any database but production."""
        self.ensure_one()
        reason = (
            production_guard.copy_refusal(self.env) if self.environment == "production" else None
        )
        if reason:
            error = PermanentError(
                _(
                    "Not sent: %(endpoint)s is a production endpoint and %(reason)s",
                    endpoint=self.code,
                    reason=reason,
                )
            )
            error.category = "environment"
            raise error

    def action_declare_production_database(self):
        """Managers only: this database is (now) production; production endpoints may be called.

        Records this database's name and uuid, clears ``database.is_neutralized`` and notes who
        did it and when in the chatter. The server configuration must name this database first.
        """
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only an Integration Manager may declare the production database."))
        self.check_access("write")
        production_guard.declare_production_database(self.env)
        body = _(
            "%(user)s declared this database (%(db)s) the production database on %(when)s UTC.",
            user=self.env.user.name,
            db=self.env.cr.dbname,
            when=fields.Datetime.to_string(fields.Datetime.now()),
        )
        for endpoint in self:
            endpoint.message_post(body=body)
        return True

    # ------------------------------------------------------------------ transport
    def _transport_method(self, prefix):
        """This endpoint's ``_<prefix>_<transport>`` method; a PermanentError (an exception card
        of the transport category) when its transport has none, e.g. its addon is gone."""
        self.ensure_one()
        method = getattr(self, f"_{prefix}_{self.transport}", None)
        if method is None:
            error = PermanentError(
                _(
                    "Endpoint %(endpoint)s: transport %(transport)r cannot %(action)s.",
                    endpoint=self.code,
                    transport=self.transport,
                    action={"send": _("send"), "test": _("be tested"), "poll": _("be polled")}[
                        prefix
                    ],
                )
            )
            error.category = "transport"
            raise error
        return method

    def _send(self, flow, message, request):
        """Send one outbound request through this endpoint's transport: ``_send_<transport>``
        (an addon adds a transport with ``selection_add`` and its ``_send_``/``_test_``/
        ``_poll_`` methods)."""
        return self._transport_method("send")(flow, message, request)

    def _send_http(self, flow, message, request):
        return transports.send_http(self, flow, message, request)

    def _send_amqp(self, flow, message, request):
        return transports.send_amqp(self, flow, message, request)

    def _send_file(self, flow, message, request):
        return transports.send_file(self, flow, message, request)

    def _poll(self, **limits):
        """Take what waits at this endpoint into the inbox: ``_poll_<transport>``."""
        return self._transport_method("poll")(**limits)

    def _poll_amqp(self, max_messages=500):
        return amqp_inbound.poll(self, max_messages=max_messages)

    def _poll_file(self, max_files=200, min_age=file_inbound.FILE_MIN_AGE):
        return file_inbound.poll(self, max_files=max_files, min_age=min_age)

    def _test_http(self):
        return transports.test_http(self)

    def _test_amqp(self):
        return transports.test_amqp(self)

    def _test_file(self):
        return transports.test_file(self)

    def action_test_connection(self):
        """Integration users and managers (never service accounts): try the transport."""
        access.require_integration_user(self.env, _("test connections"))
        self.ensure_one()
        self.check_access("read")
        if self.transport == "none":
            raise UserError(_("This endpoint has no outbound transport to test."))
        try:
            ok, detail = self._transport_method("test")()
        except PermanentError as error:
            raise UserError(str(error)) from None
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Connection works") if ok else _("Connection failed"),
                "message": detail,
                "type": "success" if ok else "danger",
                "sticky": not ok,
            },
        }

    # ------------------------------------------------------------------ circuit breaker
    def _circuit_allows(self):
        """(allowed, reopen_at): whether a request may go out now."""
        self.ensure_one()
        return endpoint_circuit.circuit_allows(self)

    def _circuit_record(self, success):
        """Count a success or a transient failure, in its own transaction."""
        self.ensure_one()
        endpoint_circuit.circuit_record(self, success)
