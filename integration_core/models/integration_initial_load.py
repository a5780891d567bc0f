"""One-shot load of a large legacy extract into a flow's inbox, in batches that resume.

A manager points a load at a flat file on the server (read with the flow's file format) and
starts it; the scheduled action *Integration: run initial loads* reads ``batch_rows`` rows per
batch and commits, in one transaction, their messages and the checkpoint (byte offset and line
reached). An interrupted load (server restart, crash) resumes at the checkpoint; rows read again
carry the same idempotency keys (file checksum and line) and create nothing twice. The cron's
progress (``ir.cron._notify_progress``) lets a long load yield to other jobs between batches.
"""

import logging
import os
from pathlib import Path

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import filedrop, flat_file
from ..lib.errors import PermanentError
from ..tools import access, flat_inbound

_logger = logging.getLogger(__name__)

LISTED_REFUSALS = flat_inbound.LISTED_ERRORS
# What stops a load (it fails, and may be resumed once fixed).
LOAD_ERRORS = (flat_file.FormatError, UnicodeDecodeError, OSError, UserError, PermanentError)


class IntegrationInitialLoad(models.Model):
    _name = "integration.initial.load"
    _description = "Integration Initial Load"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: _("Initial load"), tracking=True)
    flow_id = fields.Many2one(
        "integration.flow",
        required=True,
        ondelete="restrict",
        index=True,
        domain="[('direction', '=', 'inbound'), ('file_format_id', '!=', False)]",
        help="Inbound flow with a flat file format: each row (or group) becomes one message.",
    )
    endpoint_id = fields.Many2one(related="flow_id.endpoint_id")
    company_id = fields.Many2one(related="flow_id.company_id", store=True, index=True)
    file_path = fields.Char(
        string="Extract file",
        required=True,
        help="Path of the extract inside the drop folder of the flow's endpoint, e.g. "
        "initial/items-full.csv (a file outside that folder is refused).",
    )
    batch_rows = fields.Integer(
        string="Rows per batch",
        default=2000,
        help="Rows read and committed together: a restart resumes after the last batch.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    checksum = fields.Char(string="File SHA-256", readonly=True, copy=False)
    file_size = fields.Integer(string="File size (bytes)", readonly=True, copy=False)
    checkpoint_offset = fields.Integer(
        string="Checkpoint (byte)", readonly=True, copy=False, help="Where the next batch starts."
    )
    checkpoint_line = fields.Integer(string="Checkpoint (line)", readonly=True, copy=False)
    rows_read = fields.Integer(string="Rows read", readonly=True, copy=False)
    messages_created = fields.Integer(string="Messages created", readonly=True, copy=False)
    refused_count = fields.Integer(string="Refused rows", readonly=True, copy=False)
    refused_rows = fields.Text(
        string="Refused rows (line: reason)",
        readonly=True,
        copy=False,
        help=f"The first {LISTED_REFUSALS} refused rows with their line numbers.",
    )
    progress = fields.Float(string="Progress (%)", compute="_compute_progress")
    started_at = fields.Datetime(string="Started", readonly=True, copy=False)
    finished_at = fields.Datetime(string="Finished", readonly=True, copy=False)
    error = fields.Text(readonly=True, copy=False)
    # What became of the load's messages, read when shown (see _outcome).
    applied_count = fields.Integer(
        string="Applied", compute="_compute_outcome", help="Messages of the load applied."
    )
    created_count = fields.Integer(
        string="Records created",
        compute="_compute_outcome",
        help="Odoo records the load's messages created: they did not exist when it started.",
    )
    linked_count = fields.Integer(
        string="Existing records linked or updated",
        compute="_compute_outcome",
        help="Odoo records that existed before the load, which its messages linked (a "
        "cross-reference) or updated.",
    )
    waiting_count = fields.Integer(
        string="Waiting",
        compute="_compute_outcome",
        help="Messages waiting for a person's review (a possible duplicate) or for master "
        "data not there yet: see Exceptions and the connector's review screens.",
    )
    failed_count = fields.Integer(
        string="Failed when applied",
        compute="_compute_outcome",
        help="Messages refused by their handler: each has an exception card.",
    )
    queued_count = fields.Integer(
        string="Still queued", compute="_compute_outcome", help="Messages not worked yet."
    )

    _sql_constraints = [
        ("batch_rows_positive", "check(batch_rows > 0)", "Rows per batch must be positive."),
    ]

    @api.depends("checkpoint_offset", "file_size", "state")
    def _compute_progress(self):
        for load in self:
            if load.state == "done":
                load.progress = 100.0
            elif load.file_size:
                # A compressed extract's offsets count inflated bytes: never show 100 early.
                share = min(load.checkpoint_offset / load.file_size, 0.999)
                load.progress = round(100.0 * share, 1)
            else:
                load.progress = 0.0

    @api.depends("checksum", "state")
    def _compute_outcome(self):
        for load in self:
            outcome = load._outcome() if load.checksum and load.started_at else {}
            load.applied_count = outcome.get("done", 0)
            load.waiting_count = outcome.get("waiting", 0)
            load.failed_count = outcome.get("failed", 0)
            load.queued_count = outcome.get("pending", 0) + outcome.get("processing", 0)
            load.created_count = outcome.get("created", 0)
            load.linked_count = outcome.get("linked", 0)

    def _outcome(self):
        """Messages of the load by state (those whose idempotency key names its file), and
        the records they affected: created when made after the load started, else linked."""
        self.ensure_one()
        mine = SQL(
            "m.flow_id = %s AND m.direction = 'inbound' AND m.idempotency_key LIKE %s",
            self.flow_id.id,
            f"{flat_inbound.message_key(self.checksum, '')}%",
        )
        self.env.cr.execute(
            SQL("SELECT m.state, count(*) FROM integration_message m WHERE %s GROUP BY 1", mine)
        )
        outcome = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT e.res_model FROM integration_message_effect e"
                " JOIN integration_message m ON m.id = e.message_id WHERE %s",
                mine,
            )
        )
        outcome["created"] = outcome["linked"] = 0
        for (model,) in self.env.cr.fetchall():
            if model not in self.env:
                continue
            self.env.cr.execute(
                SQL(
                    """
                    SELECT count(*) FILTER (WHERE r.create_date >= %(start)s),
                           count(*) FILTER (WHERE r.create_date < %(start)s)
                      FROM %(table)s r
                     WHERE r.id IN (SELECT e.res_id FROM integration_message_effect e
                                      JOIN integration_message m ON m.id = e.message_id
                                     WHERE e.res_model = %(model)s AND %(mine)s)
                    """,
                    start=self.started_at,
                    table=SQL.identifier(self.env[model]._table),
                    model=model,
                    mine=mine,
                )
            )
            created, linked = self.env.cr.fetchone()
            outcome["created"] += created
            outcome["linked"] += linked
        return outcome

    # ------------------------------------------------------------------ actions
    def action_start(self):
        """Managers: start (or restart after a failure) the load from its checkpoint."""
        access.require_manager(self.env, _("start initial loads"))
        for load in self:
            if load.state not in ("draft", "failed"):
                raise UserError(_("Only a draft or failed load can be started."))
            if not load.flow_id.file_format_id:
                raise UserError(_("Flow %s has no flat file format.", load.flow_id.code))
            if load.flow_id.state != "active":
                raise UserError(_("Flow %s is not active.", load.flow_id.code))
            values = {"state": "running", "error": False}
            if not load.checksum:
                values.update(load._file_identity(), started_at=self.env.cr.now())
            load.write(values)
        self.env.ref("integration_core.ir_cron_initial_load").sudo()._trigger()
        return True

    def action_cancel(self):
        """Managers: stop a load; what it queued stays queued."""
        access.require_manager(self.env, _("cancel initial loads"))
        self.filtered(lambda load: load.state in ("draft", "running", "failed")).write(
            {"state": "cancelled", "finished_at": fields.Datetime.now()}
        )
        return True

    def _extract_path(self):
        """The extract's full path, which must lie in the drop folder of the flow's endpoint:
        a manager configures flows, not what the server may read."""
        folder = self.flow_id.sudo().endpoint_id.file_root
        if not folder:
            raise UserError(
                _("Endpoint %s has no drop folder to hold the extract.", self.endpoint_id.code)
            )
        root = Path(folder).resolve()
        path = (root / self.file_path).resolve()
        if not path.is_relative_to(root):
            raise UserError(
                _("The extract must lie in the drop folder %(folder)s.", folder=str(root))
            )
        return path

    def _file_identity(self):
        path = self._extract_path()
        try:
            return {
                "checksum": filedrop.sha256_file(path),
                "file_size": os.path.getsize(path),
            }
        except OSError as error:
            raise UserError(
                _(
                    "The extract %(path)s cannot be read: %(error)s",
                    path=self.file_path,
                    error=error,
                )
            ) from None

    # ------------------------------------------------------------------ batches
    @api.model
    def _cron_run(self):
        """Scheduled: one batch of the oldest running load; the cron calls again while more
        remain (``_notify_progress``)."""
        load = self.sudo().search([("state", "=", "running")], order="id", limit=1)
        if not load:
            return
        rows = load._run_batch()
        remaining = self.sudo().search_count([("state", "=", "running")])
        self.env["ir.cron"]._notify_progress(done=rows, remaining=remaining)

    def _run_batch(self):
        """Read and queue the next batch, committed with the checkpoint; rows read."""
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            load = self.with_env(self.env(cr=cr))
            if load.state != "running":
                return 0  # cancelled or finished meanwhile
            try:
                rows = load._queue_next_batch()
            except (
                flat_file.FormatError,
                UnicodeDecodeError,
                OSError,
                UserError,
                PermanentError,
            ) as error:
                cr.rollback()
                load.invalidate_recordset()
                load.write({"state": "failed", "error": str(error)})
                _logger.warning("Initial load %s failed: %s", load.id, error)
                return 0
        self.invalidate_recordset()
        return rows

    def _queue_next_batch(self):
        path = self._extract_path()
        if os.path.getsize(path) != self.file_size:
            raise UserError(_("The extract changed since the load started: start a new load."))
        flow = self.flow_id.sudo()
        fmt = flow.file_format_id._flat_format()
        batch, finished = [], True
        with filedrop.open_content(path) as stream:
            records = flat_file.read_records(
                stream, fmt, self.checkpoint_offset or None, self.checkpoint_line or None
            )
            for record in records:
                batch.append(record)
                if sum(r.row_count for r in batch) >= self.batch_rows:
                    finished = next(records, None) is None
                    break
        self.env["integration.inbound.poller"]._inbound_flow(
            flow.endpoint_id, {flow.code: flow}, flow.code
        )
        rows = sum(record.row_count for record in batch)
        created, refused = flat_inbound.queue_records(
            self.env, flow, fmt, batch, self.checksum, path.name
        )
        values = {
            "rows_read": self.rows_read + rows,
            "messages_created": self.messages_created + created,
        }
        if batch:
            values.update(
                checkpoint_offset=batch[-1].end_offset, checkpoint_line=batch[-1].end_line + 1
            )
        if refused:
            values.update(self._refusal_values(refused))
        if finished:
            values.update(state="done", finished_at=fields.Datetime.now())
        self.write(values)
        return rows

    def _refusal_values(self, refused):
        listed = (self.refused_rows or "").splitlines()
        room = max(LISTED_REFUSALS - len(listed), 0)
        listed += [f"{line}: {reason}" for line, reason in refused[:room]]
        return {
            "refused_count": self.refused_count + len(refused),
            "refused_rows": "\n".join(listed),
        }
