"""Flat files (CSV, fixed width) of a flow with a file format: one message per row or group.

A dropped file is read as a stream (``lib/flat_file.py``) and queued in chunks of
``CHUNK_RECORDS``, each committed on its own. The idempotency key of a message is the file's
SHA-256 and the line its row starts on: a file read again (dropped twice, or after a crash
halfway) creates nothing twice. Bad rows are reported with their line numbers in one exception
per file; with the format's ``all_or_nothing`` policy a first pass finds them and nothing of
the file is queued (it goes to error/), with ``good_rows`` the other rows are queued and the
file goes to done/.
"""

import logging

from odoo import _

from ..lib import filedrop, flat_file
from ..lib.errors import PermanentError
from ..lib.input_limits import InputError
from . import file_inbound

_logger = logging.getLogger(__name__)

CHUNK_RECORDS = 500
LISTED_ERRORS = 200  # bad rows listed in an exception; the count says how many in all


def message_key(checksum, line):
    """Idempotency key of the message of the row starting on ``line`` of a file."""
    return f"file:{checksum}:{line}"


def queue_records(env, flow, fmt, records, checksum, file_name):
    """Queue good ``records`` on ``flow`` (in ``env``'s transaction); return (created, refused)
    where refused lists (line, reason) of the bad ones, input limits included."""
    refused, items = [], []
    for record in records:
        if record.errors:
            refused.extend(record.errors)
            continue
        items.append(
            {
                "payload": flat_file.payload_of(record, fmt),
                "idempotency_key": message_key(checksum, record.line),
                "headers": {"file_name": file_name, "line": record.line},
            }
        )
    poller = env["integration.inbound.poller"]
    created = 0
    for start in range(0, len(items), CHUNK_RECORDS):
        created += _enqueue_chunk(poller, flow, items[start : start + CHUNK_RECORDS], refused)
    return created, sorted(refused)


def _enqueue_chunk(poller, flow, items, refused):
    """Enqueue ``items``, leaving out (and adding to ``refused``) those out of the input
    limits; how many messages were created."""
    while items:
        try:
            results = poller._enqueue_rows(flow, items)
        except InputError as error:
            if error.index is None and len(items) > 1:
                raise  # about the batch, not one row
            index = error.index or 0
            refused.append((items[index]["headers"]["line"], str(error)))
            items = items[:index] + items[index + 1 :]
            continue
        return sum(created for _message, created in results)
    return 0


def chunks(records, size=CHUNK_RECORDS):
    """Lists of up to ``size`` records."""
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bad_rows(path, fmt):
    """Every (line, reason) of a file that cannot be queued, in one streaming pass."""
    with filedrop.open_content(path) as stream:
        return [error for record in flat_file.read_records(stream, fmt) for error in record.errors]


def describe_rows(refused):
    """A person's text for a list of (line, reason)."""
    lines = [
        _("line %(line)s: %(reason)s", line=line, reason=reason)
        for line, reason in refused[:LISTED_ERRORS]
    ]
    if len(refused) > LISTED_ERRORS:
        lines.append(_("... and %s more", len(refused) - LISTED_ERRORS))
    return "\n".join(lines)


def flat_flow(endpoint, file_name):
    """The active inbound flow of ``endpoint`` with a file format that a file of this name is
    for, or None (then the file is one JSON or text document)."""
    flow = (
        endpoint.env["integration.flow"]
        .sudo()
        .search(
            [
                ("endpoint_id", "=", endpoint.id),
                ("code", "=", file_inbound.file_flow_code(file_name)),
                ("direction", "=", "inbound"),
                ("state", "=", "active"),
                ("file_format_id", "!=", False),
            ],
            limit=1,
        )
    )
    return flow or None


def import_flat_file(endpoint, flow, path):
    """Import one flat file of ``flow``; True when it created messages. See the module doc."""
    registry = endpoint.env.registry
    try:
        checksum = filedrop.sha256_file(path)
    except FileNotFoundError:
        return False
    with registry.cursor() as cr:
        env = endpoint.env(cr=cr)
        flow = flow.with_env(env)
        if _already_imported(env, endpoint.id, checksum):
            _logger.info("%s: %s was imported before; not again", endpoint.code, path.name)
            file_inbound.move(endpoint, path, "done")
            return False
        fmt = flow.file_format_id._flat_format()
        policy = flow.file_format_id.row_policy
    try:
        if policy == "all_or_nothing":
            refused = bad_rows(path, fmt)
            if refused:
                reason = _(
                    "%(count)s bad rows: nothing of the file was applied.\n%(rows)s",
                    count=len(refused),
                    rows=describe_rows(refused),
                )
                file_inbound.reject_file(endpoint, path, reason)
                return False
        created, refused = _queue_file(registry, endpoint, flow, fmt, path, checksum)
    except (flat_file.FormatError, UnicodeDecodeError, OSError) as error:
        file_inbound.reject_file(endpoint, path, str(error))
        return False
    except PermanentError as error:
        file_inbound.reject_file(endpoint, path, str(error))
        return False
    with registry.cursor() as cr:
        env = endpoint.env(cr=cr)
        env["integration.file.record"].sudo().create(
            {
                "endpoint_id": endpoint.id,
                "file_name": path.name,
                "checksum": checksum,
                "size": path.stat().st_size,
            }
        )
        if refused:
            rows_exception(env, flow, path.name, checksum, refused)
    file_inbound.move(endpoint, path, "done")
    return bool(created)


def _already_imported(env, endpoint_id, checksum):
    return (
        env["integration.file.record"]
        .sudo()
        .search_count([("endpoint_id", "=", endpoint_id), ("checksum", "=", checksum)])
    )


def _queue_file(registry, endpoint, flow, fmt, path, checksum):
    created, refused = 0, []
    with filedrop.open_content(path) as stream:
        for chunk in chunks(flat_file.read_records(stream, fmt)):
            with registry.cursor() as cr:
                env = endpoint.env(cr=cr)
                flow_here = flow.with_env(env)
                env["integration.inbound.poller"]._inbound_flow(
                    endpoint, {flow_here.code: flow_here}, flow_here.code
                )
                new, bad = queue_records(env, flow_here, fmt, chunk, checksum, path.name)
            created += new
            refused.extend(bad)
    return created, refused


def rows_exception(env, flow, file_name, checksum, refused):
    """Open the exception listing the bad rows of a file whose good rows were applied."""
    endpoint = flow.sudo().with_env(env).endpoint_id
    return (
        env["integration.exception"]
        .sudo()
        .create(
            {
                "name": _(
                    "%(endpoint)s: %(count)s bad rows in %(file)s",
                    endpoint=endpoint.code,
                    count=len(refused),
                    file=file_name,
                ),
                "category": "validation",
                "fingerprint": f"rows:{endpoint.id}:{checksum}",
                "endpoint_id": endpoint.id,
                "flow_id": flow.id,
                "company_id": endpoint.company_id.id,
                "error": _(
                    "The good rows were applied; these were not. Correct them in the source "
                    "system and send them again in a new file.\n%s",
                    describe_rows(refused),
                ),
            }
        )
    )
