"""Queueing messages: one INSERT per batch, idempotent, checked against the input limits.

Enqueueing never goes through the ORM's ``create`` (see ``integration_message_api.py`` for
who may call it): overrides of ``create`` or ``write`` of ``integration.message`` never run
for queued messages. Trusted internals only: the callers check who may queue.
"""

import functools
import hashlib
import json
import uuid

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib import input_limits
from ..tools.cron_wakeup import wake_cron_workers
from ..tools.enqueue_errors import ConcurrentEnqueue

# Payloads larger than this live in an attachment, with their checksum on the message.
PAYLOAD_INLINE_LIMIT = 256 * 1024


class IntegrationMessageEnqueue(models.AbstractModel):
    """How ``integration.message`` queues messages (it inherits this mixin); its public
    ``enqueue`` and ``enqueue_batch`` check the caller, then call ``_enqueue_target``."""

    _name = "integration.message.enqueue"
    _description = "Integration Message Enqueue"

    @api.model
    def _enqueue_target(self, target, items):
        """enqueue_batch for a flow given by a QueueTarget of plain values (no flow read).

        Trusted: the caller has checked who may queue on the target. Raises InputError (see
        ``lib/input_limits.py``) for an item out of the limits; nothing is stored then.
        """
        if not items:
            return []
        input_limits.check_batch_size(len(items))
        max_bytes = self._max_payload_bytes()
        rows = []
        for index, item in enumerate(items):
            try:
                rows.append(self._prepare_row(target, item, max_bytes))
            except input_limits.InputError as error:
                error.index = index if len(items) > 1 else None
                raise
        keys = [row["idempotency_key"] for row in rows]
        # The first of each key, in the batch's order: ids (hence processing order within an
        # ordering key) follow the order the sender gave.
        first_rows = {}
        for row in rows:
            first_rows.setdefault(row["idempotency_key"], row)
        unique_rows = list(first_rows.values())
        inserted = self._insert_rows(target, unique_rows)
        self._cache_inserted(inserted)
        by_key = dict(inserted)
        if len(inserted) < len(unique_rows):
            by_key.update(self._existing_by_key(target, [k for k in keys if k not in inserted]))
        missing = [key for key in keys if key not in by_key]
        if missing:
            # A concurrent transaction holds these keys but has not committed them yet.
            raise ConcurrentEnqueue(
                _("Concurrent enqueue of the same messages; retry the request.")
            )
        large = [
            row
            for row in unique_rows
            if "_large_payload" in row and row["idempotency_key"] in inserted
        ]
        if large:
            self._store_large_payloads(large, by_key)
        if inserted:
            self._trigger_processing()
        # One recordset: reading a field of one message reads the whole batch at once.
        records = self.browse([by_key[key] for key in keys])
        results, reported = [], set()
        for record, key in zip(records, keys, strict=True):
            results.append((record, key in inserted and key not in reported))
            reported.add(key)
        return results

    @api.model
    def _max_payload_bytes(self):
        """The body and payload size limit (system parameter integration.max_request_bytes)."""
        param = self.env["ir.config_parameter"].sudo().get_param("integration.max_request_bytes")
        try:
            return int(param or 0) or input_limits.MAX_BODY_BYTES
        except ValueError:
            return input_limits.MAX_BODY_BYTES

    def _prepare_row(self, target, item, max_bytes=input_limits.MAX_BODY_BYTES):
        """The INSERT values of one item, checked against the input limits (InputError)."""
        if not isinstance(item, dict):
            raise input_limits.InputError("Each item must be an object with a payload.")
        payload = item.get("payload")
        text, encoded = input_limits.encode_payload(payload, max_bytes)
        key = item.get("idempotency_key") or (
            isinstance(payload, dict) and payload.get("message_id") or None
        )
        ordering_key = item.get("ordering_key")
        if ordering_key is None and target.ordering_key_path and isinstance(payload, dict):
            ordering_key = _dig(payload, target.ordering_key_path)
        headers = item.get("headers")
        if headers:
            input_limits.check_json_value(headers, "headers")
        row = {
            "idempotency_key": input_limits.check_key("The idempotency key (message_id)", key)
            or uuid.uuid4().hex,
            "payload": text,
            "payload_checksum": hashlib.sha256(encoded).hexdigest(),
            "payload_size": len(encoded),
            "ordering_key": input_limits.check_key("The ordering key", ordering_key),
            "sequence": input_limits.check_sequence(item.get("sequence")),
            "correlation_id": input_limits.check_key(
                "The correlation id", item.get("correlation_id")
            ),
            "headers": json.dumps(headers) if headers else None,
        }
        if len(encoded) > PAYLOAD_INLINE_LIMIT:
            row["_large_payload"] = encoded
            row["payload"] = None
        return row

    def _insert_rows(self, target, rows):
        """INSERT ... ON CONFLICT DO NOTHING in one statement; return {key: id} of new rows."""
        now = fields.Datetime.now()
        columns = (
            "idempotency_key",
            "payload",
            "payload_checksum",
            "payload_size",
            "headers",
            "ordering_key",
            "sequence",
            "correlation_id",
        )
        arrays = [[row[column] for row in rows] for column in columns]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO integration_message (
                    flow_id, endpoint_id, company_id, direction, state, attempts,
                    next_attempt_at, create_uid, create_date, write_uid, write_date,
                    idempotency_key, payload, payload_checksum, payload_size, headers,
                    ordering_key, sequence, correlation_id)
                SELECT %s, %s, %s, %s, 'pending', 0, %s, %s, %s, %s, %s, t.*
                  FROM unnest(%s::varchar[], %s::text[], %s::varchar[], %s::int[], %s::text[],
                              %s::varchar[], %s::int[], %s::varchar[]) AS t
                    ON CONFLICT (endpoint_id, direction, idempotency_key) DO NOTHING
                RETURNING idempotency_key, id
                """,
                target.flow_id,
                target.endpoint_id,
                target.company_id,
                target.direction,
                now,
                self.env.uid,
                now,
                self.env.uid,
                now,
                *arrays,
            ),
            # A duplicate racing a worker's update of its row fails to serialize: an expected
            # race the caller retries (Odoo retries the request, the AMQP consumer requeues).
            log_exceptions=False,
        )
        return dict(self.env.cr.fetchall())

    def _cache_inserted(self, inserted):
        """What a new message's caller reads at once (key, state), known without a query."""
        records = self.browse(inserted.values())
        self.env.cache.update(records, self._fields["idempotency_key"], list(inserted))
        self.env.cache.update(records, self._fields["state"], ["pending"] * len(records))

    def _existing_by_key(self, target, keys):
        self.env.cr.execute(
            SQL(
                "SELECT idempotency_key, id FROM integration_message"
                " WHERE endpoint_id = %s AND direction = %s AND idempotency_key = ANY(%s)",
                target.endpoint_id,
                target.direction,
                list(set(keys)),
            )
        )
        return dict(self.env.cr.fetchall())

    def _store_large_payloads(self, rows, by_key):
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": f"payload-{by_key[row['idempotency_key']]}.json",
                        "raw": row["_large_payload"],
                        "res_model": self._name,
                        "res_id": by_key[row["idempotency_key"]],
                        "mimetype": "application/json",
                    }
                    for row in rows
                ]
            )
        )
        for row, attachment in zip(rows, attachments, strict=True):
            self.browse(by_key[row["idempotency_key"]]).sudo().write(
                {"payload_attachment_id": attachment.id}
            )

    @api.model
    def _trigger_processing(self, at=None):
        """Have the queue's scheduled action run soon (at once, or at ``at``).

        At once is what every enqueue asks: one INSERT of the trigger Odoo's cron workers look
        for, and after the commit one notification through a kept connection (cron_wakeup),
        instead of ``ir.cron._trigger``'s four statements and new connection each time.
        """
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "integration_core.ir_cron_process_queue", raise_if_not_found=False
        )
        if not cron_id:
            return
        if at is not None:
            self.env["ir.cron"].sudo().browse(cron_id)._trigger(at)
            return
        self.env["ir.cron"].flush_model(["active"])
        self.env.cr.execute(
            SQL(
                "INSERT INTO ir_cron_trigger"
                " (cron_id, call_at, create_uid, create_date, write_uid, write_date)"
                " SELECT id, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC',"
                " %s, now() AT TIME ZONE 'UTC' FROM ir_cron WHERE id = %s AND active",
                self.env.uid,
                self.env.uid,
                cron_id,
            )
        )
        postcommit = self.env.cr.postcommit
        if self.env.cr.rowcount and not postcommit.data.get("integration_core.wake_cron"):
            postcommit.data["integration_core.wake_cron"] = True
            postcommit.add(functools.partial(wake_cron_workers, self.env.cr.dbname))


def _dig(payload, path):
    """Value at a dotted ``path`` of a decoded JSON payload, or None."""
    value = payload
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
