"""A legacy record that looks like one Odoo already has: a person links it or creates a new one."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.integration_core.lib.errors import MissingReference
from odoo.addons.integration_core.tools import access

# What a message waits on while its record is under review: ``<kind>:<legacy code>``.
MATCH_MODEL = "integration.legacy.match"
KIND_MODELS = {"item": "product.product", "partner": "res.partner"}


class PossibleDuplicate(MissingReference):
    """The legacy record may already exist in Odoo: the message waits for a person's decision
    (a ``possible_duplicate`` card and an ``integration.legacy.match`` to decide)."""

    category = "possible_duplicate"

    def __init__(self, kind, code, reasons):
        super().__init__(
            MATCH_MODEL,
            f"{kind}:{code}",
            f"Legacy {kind} {code} may already exist in Odoo ({reasons}): link it or create "
            "a new one.",
        )


class IntegrationLegacyMatch(models.Model):
    """The review of one legacy item or partner whose harmonization found look-alikes.

    The message that brought it waits (parked on ``integration.legacy.match`` /
    ``<kind>:<code>``) until a person decides here: *Link* makes the chosen Odoo record the
    one the legacy code stands for (a cross-reference), *Create new* lets the message create
    its own record. Either way the message resumes at once and nothing is duplicated silently.
    """

    _name = "integration.legacy.match"
    _description = "Legacy Record to Review (Possible Duplicate)"
    _order = "state_sequence, create_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    endpoint_id = fields.Many2one(
        "integration.endpoint", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [("item", "Item"), ("partner", "Partner")], required=True, readonly=True
    )
    external_code = fields.Char(string="Legacy code", required=True, readonly=True)
    legacy_name = fields.Char(string="Legacy name", readonly=True)
    reasons = fields.Text(string="Why it looks like a duplicate", readonly=True)
    product_candidate_ids = fields.Many2many(
        "product.product", string="Similar products", readonly=True
    )
    partner_candidate_ids = fields.Many2many(
        "res.partner", string="Similar partners", readonly=True
    )
    product_id = fields.Many2one(
        "product.product",
        string="Link to product",
        domain="[('id', 'in', product_candidate_ids)]",
        help="The existing product the legacy item is.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Link to partner",
        domain="[('id', 'in', partner_candidate_ids)]",
        help="The existing partner the legacy partner is.",
    )
    state = fields.Selection(
        [("review", "To review"), ("linked", "Linked to existing"), ("new", "Created as new")],
        default="review",
        required=True,
        readonly=True,
    )
    state_sequence = fields.Integer(compute="_compute_name", store=True)
    exception_id = fields.Many2one("integration.exception", string="Card", readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(string="Decided on", readonly=True)

    _sql_constraints = [
        (
            "code_unique",
            "unique(endpoint_id, kind, external_code)",
            "One review per legacy code and endpoint.",
        ),
    ]

    @api.depends("kind", "external_code", "legacy_name", "state")
    def _compute_name(self):
        for match in self:
            match.name = f"{match.external_code} {match.legacy_name or ''}".strip()
            match.state_sequence = 0 if match.state == "review" else 1

    def write(self, vals):
        """People only choose the record to link; decisions go through the actions."""
        if not self.env.su and set(vals) - {"product_id", "partner_id"}:
            raise AccessError(_("Decide with Link or Create as new; nothing else is edited."))
        return super().write(vals)

    # ------------------------------------------------------------------ opened by the queue
    @api.model
    def _open_for(self, messages, card):
        """The review of the legacy record ``messages`` wait for, filled with its candidates
        (the latest message's), attached to ``card``."""
        message = messages.sorted("id")[-1:]
        kind, _sep, code = (message.waiting_code or "").partition(":")
        if kind not in KIND_MODELS or not code:
            return self
        handler = message.flow_id._handler()
        payload = handler._payload_json(message)
        candidates, reasons = handler._review_candidates(message.endpoint_id, payload)
        values = {
            "legacy_name": payload.get("name") if isinstance(payload, dict) else False,
            "reasons": "\n".join(reasons),
            "exception_id": card.id,
            f"{kind if kind == 'partner' else 'product'}_candidate_ids": [
                fields.Command.set(candidates.ids)
            ],
        }
        match = self.search(
            [
                ("endpoint_id", "=", message.endpoint_id.id),
                ("kind", "=", kind),
                ("external_code", "=", code),
            ]
        )
        if match:
            match.write(values)
            return match
        return self.create(
            dict(values, endpoint_id=message.endpoint_id.id, kind=kind, external_code=code)
        )

    @api.model
    def _decision(self, endpoint, kind, code):
        """The decided review of ``code`` (``linked`` or ``new``), an undecided one, or none."""
        return self.sudo().search(
            [("endpoint_id", "=", endpoint.id), ("kind", "=", kind), ("external_code", "=", code)],
            limit=1,
        )

    # ------------------------------------------------------------------ decisions
    def action_link(self):
        """The legacy record is the chosen Odoo record: cross-reference it and resume."""
        access.require_integration_user(self.env, _("decide possible duplicates"))
        self.check_access("write")
        for match in self:
            record = match.product_id if match.kind == "item" else match.partner_id
            if not record:
                raise UserError(_("Choose the existing record to link %s to.", match.name))
            match._check_open()
            self.env["integration.xref"].sudo()._link(
                match.endpoint_id, match.external_code, record
            )
            match._decide("linked")
        return True

    def action_create_new(self):
        """The legacy record is new: its message creates it."""
        access.require_integration_user(self.env, _("decide possible duplicates"))
        self.check_access("write")
        for match in self:
            match._check_open()
            match._decide("new")
        return True

    def _check_open(self):
        if self.state != "review":
            raise UserError(_("%s was decided already.", self.name))

    def _decide(self, state):
        self.sudo().write(
            {"state": state, "decided_by_id": self.env.uid, "decided_at": fields.Datetime.now()}
        )
        self.exception_id.sudo().message_post(
            body=_(
                "%(user)s decided: %(decision)s.",
                user=self.env.user.name,
                decision=dict(self._fields["state"]._description_selection(self.env))[state],
            )
        )
        self.env["integration.message"].sudo()._resume_waiting(
            MATCH_MODEL, [f"{self.kind}:{self.external_code}"], endpoint=self.endpoint_id
        )

    def action_open_exception(self):
        access.require_integration_user(self.env, _("open exception cards"))
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "integration.exception",
            "res_id": self.exception_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
