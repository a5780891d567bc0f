"""Messages applied in the order of their sequence number, per business key."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.errors import MissingReference
from ..lib.payload import PayloadReader

# What a message parked on a gap waits for: ``<business key>#<sequence>`` of this pseudo-model.
SEQUENCE_REFERENCE = "integration.sequence"


class IntegrationSequenceGate(models.Model):
    """The last sequence number applied for one business key of one endpoint.

    A flow gates on sequence when it names a ``sequence_path`` (and a ``sequence_key_path``,
    else its ordering key path) in its payloads. The queue (``integration.queue.processing``)
    calls ``_check(message)`` before its handler and ``_advance(message)`` after, in the same
    savepoint; handlers do nothing for it. The next number goes on, a number
    already applied is a duplicate (``_check`` returns False: do nothing), and a gap parks the
    message (``MissingReference`` on ``integration.sequence`` / ``<key>#<previous number>``)
    until the previous one is applied, or until the flow's waiting deadline makes it an
    exception. Flows of one endpoint that gate on the same key share its numbers: a work
    order's production results and quality results are one sequence.
    """

    _name = "integration.sequence.gate"
    _description = "Integration Sequence per Business Key"
    _order = "endpoint_id, key"
    _rec_name = "key"

    endpoint_id = fields.Many2one(
        "integration.endpoint", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    key = fields.Char(string="Business key", required=True, readonly=True)
    last_sequence = fields.Integer(
        readonly=True, help="The sequence number of the last message applied for this key."
    )

    _sql_constraints = [
        ("key_unique", "unique(endpoint_id, key)", "One sequence per business key and endpoint."),
    ]

    # ------------------------------------------------------------------ for the queue
    @api.model
    def _check(self, message):
        """True to apply ``message`` now, False for a number already applied; a gap raises
        ``MissingReference``. Messages of flows that do not gate, or without a key, go on."""
        read = self._read_sequence(message)
        if not read:
            return True
        key, sequence = read
        gate = self._lock(message.endpoint_id, key)
        if sequence <= gate.last_sequence:
            return False
        if sequence > gate.last_sequence + 1:
            raise MissingReference(
                SEQUENCE_REFERENCE,
                f"{key}#{sequence - 1}",
                f"Message {sequence} of {key} waits for message {sequence - 1} "
                f"(last applied: {gate.last_sequence}).",
            )
        return True

    @api.model
    def _advance(self, message):
        """Record ``message``'s number as applied; the message that waited for it goes on."""
        read = self._read_sequence(message)
        if read:
            self._advance_to(message.endpoint_id, *read)

    @api.model
    def _advance_to(self, endpoint, key, sequence):
        gate = self._lock(endpoint, key)
        if sequence > gate.last_sequence:
            gate.last_sequence = sequence
            self.env["integration.message"].sudo()._resume_waiting(
                SEQUENCE_REFERENCE, [f"{key}#{sequence}"], endpoint=endpoint
            )

    @api.model
    def _last_applied(self, endpoint, keys):
        """``{key: last sequence applied}`` of ``endpoint`` for ``keys`` (0 when none)."""
        gates = self.sudo().search_fetch(
            [("endpoint_id", "=", endpoint.id), ("key", "in", list(keys))],
            ["key", "last_sequence"],
        )
        applied = dict.fromkeys(keys, 0)
        applied.update({gate.key: gate.last_sequence for gate in gates})
        return applied

    # ------------------------------------------------------------------ internals
    @api.model
    def _read_sequence(self, message):
        """(business key, sequence) of a gated message, or None."""
        flow = message.flow_id
        key_path = flow.sequence_key_path or flow.ordering_key_path
        if not flow.sequence_path or not key_path:
            return None
        reader = PayloadReader(flow._handler()._payload_json(message))
        key = reader.raw(key_path)
        if key in (None, ""):
            return None
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)  # legacy systems send order numbers as JSON numbers
        else:
            key = reader.text(key_path)
        sequence = reader.integer(flow.sequence_path, minimum=1)
        reader.done()
        return key, sequence

    @api.model
    def _lock(self, endpoint, key):
        """The gate of ``key``, created when new, locked until the transaction ends: a second
        worker applying the same key waits here for the first."""
        self.env.cr.execute(
            SQL(
                "INSERT INTO integration_sequence_gate"
                " (endpoint_id, company_id, key, last_sequence, create_uid, create_date,"
                "  write_uid, write_date)"
                " VALUES (%(endpoint)s, %(company)s, %(key)s, 0,"
                "  %(uid)s, %(now)s, %(uid)s, %(now)s)"
                " ON CONFLICT (endpoint_id, key) DO NOTHING",
                endpoint=endpoint.id,
                company=endpoint.company_id.id or None,
                key=key,
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )
        self.env.cr.execute(
            SQL(
                "SELECT id FROM integration_sequence_gate"
                " WHERE endpoint_id = %s AND key = %s FOR UPDATE",
                endpoint.id,
                key,
            )
        )
        gate = self.sudo().browse(self.env.cr.fetchone()[0])
        gate.invalidate_recordset(["last_sequence"])
        return gate

    @api.model
    def _numbers_applied(self, endpoint, codes):
        """The parked ``codes`` (``<key>#<number>``) whose number ``endpoint`` has applied."""
        wanted = {}
        for code in codes:
            key, _hash, number = (code or "").rpartition("#")
            if key and number.isdigit():
                wanted[code] = (key, int(number))
        applied = self._last_applied(endpoint, {key for key, _number in wanted.values()})
        return {code for code, (key, number) in wanted.items() if applied[key] >= number}
