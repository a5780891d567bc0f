"""The Odoo records a message created or changed: one row per record, linked to its message."""

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index


class IntegrationMessageEffect(models.Model):
    """One record a handler returned for a message it applied.

    Written by the queue's outcome writer in the batch that marks the message done (one
    INSERT for the whole batch), so a message's effects and its ``done`` commit together.
    Nobody edits them; they go with their message when retention purges it.
    """

    _name = "integration.message.effect"
    _description = "Integration Message Effect"
    _order = "message_id desc, id"
    _log_access = False

    message_id = fields.Many2one(
        "integration.message", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", readonly=True)

    _sql_constraints = [
        (
            "record_unique",
            "unique(message_id, res_model, res_id)",
            "A message links a record once.",
        ),
    ]

    def init(self):
        # "Which messages touched this record?" reads by record.
        create_index(
            self.env.cr,
            "integration_message_effect_record_idx",
            self._table,
            ["res_model", "res_id"],
        )

    @api.depends("res_model", "res_id")
    def _compute_display_name(self):
        """``Model: record name``; only ``Model #id`` for a record the reader may not open."""
        for model, effects in self.grouped("res_model").items():
            label = self.env["ir.model"]._get(model).name or model
            records = (
                self.env[model].browse(effects.mapped("res_id")) if model in self.env else None
            )
            readable = records.exists()._filtered_access("read") if records is not None else []
            names = {record.id: record.display_name for record in readable}
            for effect in effects:
                name = names.get(effect.res_id) or f"#{effect.res_id}"
                effect.display_name = f"{label}: {name}"

    @api.model
    def _record(self, outcomes):
        """Link each done outcome's message to the records its handler returned (one INSERT).

        ``outcomes`` are the queue's outcome dicts (``message`` and ``result``).
        """
        rows = [
            (outcome["message"].id, outcome["message"].company_id.id, model, record_id)
            for outcome in outcomes
            for model, record_id in result_refs(outcome.get("result"))
        ]
        if not rows:
            return
        messages, companies, models_, ids = (list(column) for column in zip(*rows, strict=True))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO integration_message_effect (message_id, company_id, res_model, res_id)
                SELECT * FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::int[])
                    ON CONFLICT (message_id, res_model, res_id) DO NOTHING
                """,
                messages,
                companies,
                models_,
                ids,
            )
        )
        self.invalidate_model()
        self.env["integration.message"].invalidate_model(["effect_ids"])

    @api.model
    def _records_by_model(self, messages):
        """``{model: records}`` the ``messages`` created or changed, in the order applied."""
        refs = {}
        for effect in self.search_fetch(
            [("message_id", "in", messages.ids)], ["res_model", "res_id"], order="id"
        ):
            refs.setdefault(effect.res_model, {})[effect.res_id] = None
        return {
            model: self.env[model].browse(list(ids))
            for model, ids in refs.items()
            if model in self.env
        }


def result_refs(result):
    """``[(model, id)]`` of what a handler returned: a recordset, or a list or tuple of them."""
    if isinstance(result, models.BaseModel):
        return [(result._name, record_id) for record_id in result.ids]
    if isinstance(result, list | tuple):
        return [ref for part in result for ref in result_refs(part)]
    return []
