"""File-drop inbound: files of a drop folder's in/ into the inbox, committed before the move.

``<drop folder>/in/<flow_code>-<anything>.<ext>`` or ``<flow_code>.<ext>``; flow codes may
contain dots (``partner.upsert-0001.json``). A name ending in ``.gz`` is a gzip-compressed file,
inflated as it is read, never past the body limit. A file is read once it has not changed for
``FILE_MIN_AGE`` seconds, for senders that write in place. The SHA-256 of its content (inflated)
is its idempotency key: content already imported from the endpoint, compressed or not, is moved
to done/ without a second message; a file that cannot be imported goes to error/ with an
integration exception.
"""

import hashlib
import logging

import psycopg2

from odoo import _, fields

from ..lib import filedrop
from ..lib.errors import PermanentError
from ..lib.input_limits import InputError
from . import flat_inbound
from .amqp_inbound import DATABASE_BUSY

_logger = logging.getLogger(__name__)

FILE_MIN_AGE = 10.0  # seconds without change before a dropped file is read
POLLER = "integration.inbound.poller"


def file_flow_code(name):
    """Flow code of a dropped file: ``<flow_code>-<anything>.<ext>`` or ``<flow_code>.<ext>``,
    each maybe followed by ``.gz``."""
    if filedrop.is_compressed(name):
        name = name[: -len(filedrop.GZIP_SUFFIX)]
    head, dash, _tail = name.partition("-")
    return head if dash else name.rsplit(".", 1)[0]


def poll(endpoint, max_files=200, min_age=FILE_MIN_AGE):
    """Import up to ``max_files`` ready files of ``endpoint``'s in/ folder; how many were new."""
    try:
        folders = filedrop.ensure_layout(endpoint.file_root)
        paths = filedrop.ready_files(folders["in"], min_age=min_age)[:max_files]
    except OSError as error:
        _logger.warning("Drop folder of %s unusable: %s", endpoint.code, error)
        return 0
    imported = sum(import_file(endpoint, path) for path in paths)
    if imported:
        _logger.info("Imported %d files for %s", imported, endpoint.code)
    return imported


def import_file(endpoint, path):
    """Import one file once, commit, then move it to done/ (or error/); True when new.

    A file for a flow with a flat file format is read row by row (``flat_inbound``)."""
    flow = flat_inbound.flat_flow(endpoint, path.name)
    if flow:
        return flat_inbound.import_flat_file(endpoint, flow, path)
    try:
        body = filedrop.read_content(path, endpoint.env["integration.message"]._max_payload_bytes())
    except FileNotFoundError:
        return False  # taken by another worker meanwhile
    except (OSError, InputError) as error:
        reject_file(endpoint, path, str(error))
        return False
    checksum = hashlib.sha256(body).hexdigest()
    try:
        with endpoint.env.registry.cursor() as cr:
            created = endpoint.env(cr=cr)[POLLER]._register_file(
                endpoint.id, path.name, body, checksum
            )
    except PermanentError as error:
        reject_file(endpoint, path, str(error))
        return False
    except (*DATABASE_BUSY, psycopg2.IntegrityError) as error:
        _logger.warning("%s: %s left in in/ for the next poll: %s", endpoint.code, path, error)
        return False
    move(endpoint, path, "done")
    return created


def register_file(poller, endpoint_id, file_name, body, checksum):
    """Enqueue a file's content and record its checksum, unless it was imported before."""
    endpoint = poller.env["integration.endpoint"].browse(endpoint_id)
    Record = poller.env["integration.file.record"].sudo()
    if Record.search_count([("endpoint_id", "=", endpoint_id), ("checksum", "=", checksum)]):
        _logger.info("%s: %s was imported before; not again", endpoint.code, file_name)
        return False
    message, _created = poller._receive(
        endpoint,
        file_flow_code(file_name),
        body,
        message_id=f"sha256:{checksum}",
        headers={"file_name": file_name},
    )
    Record.create(
        {
            "endpoint_id": endpoint_id,
            "file_name": file_name,
            "checksum": checksum,
            "size": len(body),
            "message_id": message.id,
        }
    )
    return True


def reject_file(endpoint, path, reason):
    """Record why a file cannot be imported (committed first), then move it to error/."""
    _logger.warning("%s: %s not imported: %s", endpoint.code, path, reason)
    with endpoint.env.registry.cursor() as cr:
        file_exception(endpoint.env(cr=cr), endpoint.id, path.name, reason)
    move(endpoint, path, "error")


def file_exception(env, endpoint_id, file_name, reason):
    """Open (or refresh) the exception for a rejected file."""
    endpoint = env["integration.endpoint"].sudo().browse(endpoint_id)
    Exception_ = env["integration.exception"].sudo()
    fingerprint = f"file:{endpoint_id}:{file_name}"
    error = _(
        "%(reason)s The file was moved to %(folder)s/error/; fix it and move it back to in/.",
        reason=reason,
        folder=endpoint.file_root,
    )
    exception = Exception_.search(
        [("fingerprint", "=", fingerprint), ("state", "in", ("new", "in_progress"))], limit=1
    )
    if exception:
        exception.write({"error": error, "last_seen_at": fields.Datetime.now()})
        return exception
    return Exception_.create(
        {
            "name": _(
                "%(endpoint)s: file %(file)s not imported", endpoint=endpoint.code, file=file_name
            ),
            "category": "validation",
            "fingerprint": fingerprint,
            "endpoint_id": endpoint_id,
            "company_id": endpoint.company_id.id,
            "error": error,
        }
    )


def move(endpoint, path, subfolder):
    """Move a handled file; if that fails the next poll finds it again (no harm done)."""
    try:
        filedrop.move_to(path, subfolder)
    except OSError as error:
        _logger.error("%s: cannot move %s to %s/: %s", endpoint.code, path, subfolder, error)
