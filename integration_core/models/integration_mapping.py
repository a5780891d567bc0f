"""A flow's declarative mapping: a versioned set of lines, approved before it is used."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import mapping as engine
from ..lib.errors import MissingReference, PermanentError
from ..tools import access
from ..tools.mapping_resolvers import OdooResolvers

# What may still change on a version that is waiting for approval or in use.
_FROZEN_EXEMPT = {"state", "approved_by_id", "approved_at", "note", "message_main_attachment_id"}
MANAGER_GROUP = "integration_core.group_integration_manager"


class IntegrationMapping(models.Model):
    _name = "integration.mapping"
    _description = "Integration Mapping"
    _inherit = ["mail.thread"]
    _order = "flow_id, version desc"

    name = fields.Char(required=True, tracking=True)
    flow_id = fields.Many2one(
        "integration.flow", required=True, ondelete="cascade", index=True, tracking=True
    )
    endpoint_id = fields.Many2one(related="flow_id.endpoint_id", store=True)
    company_id = fields.Many2one(related="flow_id.company_id", store=True)
    direction = fields.Selection(related="flow_id.direction", store=True)
    version = fields.Integer(default=1, readonly=True, copy=False)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "Waiting approval"),
            ("active", "In use"),
            ("superseded", "Superseded"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Odoo model",
        ondelete="cascade",
        tracking=True,
        help="Inbound: the records the mapped values create or update. "
        "Outbound: the records exported.",
    )
    model = fields.Char(related="model_id.model")
    key_path = fields.Char(
        string="External code path",
        tracking=True,
        help="Inbound: payload path of the code identifying the record (e.g. item.code). "
        "A message for a code already known updates its record instead of creating another.",
    )
    line_ids = fields.One2many(
        "integration.mapping.line",
        "mapping_id",
        string="Lines",
        domain=[("parent_id", "=", False)],
    )
    note = fields.Text(string="Change note", help="What this version changes, and why.")
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_at = fields.Datetime(string="Approved on", readonly=True, copy=False)
    active = fields.Boolean(default=True, help="Archived versions are kept but hidden.")

    _sql_constraints = [
        ("version_unique", "unique(flow_id, version)", "A flow has one mapping per version."),
    ]

    @api.depends("name", "version")
    def _compute_display_name(self):
        for mapping in self:
            mapping.display_name = f"{mapping.name} (v{mapping.version})"

    # ------------------------------------------------------------------ versions
    def write(self, vals):
        if vals.get("active") is False and self.env["integration.flow"].search_count(
            [("mapping_id", "in", self.ids)], limit=1
        ):
            raise UserError(_("A flow uses this mapping version: it cannot be archived."))
        if set(vals) - _FROZEN_EXEMPT - {"active"} and any(m.state != "draft" for m in self):
            raise UserError(
                _("This mapping version is approved or waiting for approval: create a new version.")
            )
        return super().write(vals)

    def unlink(self):
        if any(m.state in ("active", "to_approve") for m in self):
            raise UserError(_("A mapping in use or waiting for approval cannot be deleted."))
        return super().unlink()

    def action_new_version(self):
        """A draft copy of this version, lines included, to change and submit for approval."""
        access.require_manager(self.env, _("create mapping versions"))
        self.ensure_one()
        last = max(self.search([("flow_id", "=", self.flow_id.id)]).mapped("version"))
        draft = self.copy({"version": last + 1, "note": False})
        self.line_ids._copy_tree(draft)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": draft.id,
            "view_mode": "form",
        }

    def action_submit(self):
        """Ask for approval: only a mapping without problems may be submitted."""
        access.require_manager(self.env, _("submit mappings"))
        for mapping in self:
            if mapping.state != "draft":
                raise UserError(_("Only a draft mapping can be submitted for approval."))
            mapping._check_problems()
        self.write({"state": "to_approve"})
        return True

    def action_approve(self):
        """Put this version in use on its flow; the version it replaces is superseded."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only integration managers approve mappings."))
        for mapping in self:
            if mapping.state not in ("draft", "to_approve"):
                raise UserError(_("Only a draft or submitted mapping can be approved."))
            mapping._check_problems()
            mapping.flow_id.mapping_ids.filtered(lambda m: m.state == "active").write(
                {"state": "superseded"}
            )
            mapping.write(
                {
                    "state": "active",
                    "approved_by_id": self.env.uid,
                    "approved_at": fields.Datetime.now(),
                }
            )
            mapping.flow_id.mapping_id = mapping
            mapping.flow_id.message_post(
                body=_(
                    "Mapping %(name)s version %(version)s approved and in use.",
                    name=mapping.name,
                    version=mapping.version,
                )
            )
        return True

    def action_reject(self):
        """Send a submitted version back to draft."""
        access.require_manager(self.env, _("reject mappings"))
        self.filtered(lambda m: m.state == "to_approve").write({"state": "draft"})
        return True

    def action_preview(self):
        access.require_integration_user(self.env, _("preview mappings"))
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Preview %s", self.display_name),
            "res_model": "integration.mapping.preview",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mapping_id": self.id},
        }

    # ------------------------------------------------------------------ evaluation
    def _spec(self):
        self.ensure_one()
        return engine.MappingSpec(lines=[line._line_spec() for line in self.line_ids])

    def _problems(self):
        """Every configuration problem of this mapping, as sentences (empty: ready to use)."""
        self.ensure_one()
        problems = [
            f"{line.display_name}: {problem}"
            for line in self.line_ids
            for problem in line._tree_problems()
        ]
        if problems:  # the engine would repeat the transform problems with less context
            return problems
        problems = engine.validate_spec(self._spec())
        if not self.model_id:
            problems.append(_("Choose the Odoo model the mapping reads or writes."))
        elif self.direction == "inbound":
            problems += self.line_ids._target_problems(self.env[self.model])
        return problems

    def _check_problems(self):
        problems = self._problems()
        if problems:
            raise UserError(
                _(
                    "Mapping %(name)s cannot be used yet:\n%(problems)s",
                    name=self.display_name,
                    problems="\n".join(f"- {p}" for p in problems),
                )
            )

    def _evaluate(self, payload, endpoint=None, direction=None):
        """A ``MappingResult``: the values and every issue, resolved for ``endpoint``."""
        self.ensure_one()
        resolvers = OdooResolvers(self.env, endpoint or self.endpoint_id, self.flow_id)
        return engine.evaluate(self._spec(), payload, resolvers, direction or self.direction)

    def _values_or_raise(self, payload, endpoint=None):
        """The mapped values; a message waits on missing master data, other issues fail it."""
        result = self._evaluate(payload, endpoint)
        if result.ok:
            return result.values
        references = [issue.reference for issue in result.errors if issue.reference]
        if self.direction == "inbound" and len(references) == len(result.errors):
            raise MissingReference(*references[0])
        raise PermanentError(str(engine.MappingError(result.errors)))
