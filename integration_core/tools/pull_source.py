"""Pulling a flow's records from a source that lists changes since a time (REST, older Odoo).

Each run asks for what changed since the flow's watermark minus its overlap window, page by
page. Every page is queued and committed together with the new watermark (the largest change
time seen in the pages committed so far), so a run stopped halfway (a rate limit, a crash)
resumes from what was committed. The source must list records in ascending change time, as
incremental APIs do. The overlap window asks again for the last moments before the watermark,
so a change written late or at a page boundary is not missed; the idempotency key, the record's
id, change time and a digest of its content, makes a record taken before a recognised
duplicate (the digest tells apart two changes a source stamps with the same second). A rate
limit (HTTP 429) stops the run and pauses the flow until the time the source asked for.
"""

import datetime
import hashlib
import json
import logging

from odoo import fields

from ..lib.errors import IntegrationError, TransientError

_logger = logging.getLogger(__name__)

DEFAULT_PAUSE_SECONDS = 60
QUEUE_CHUNK = 500  # records queued per statement (the queue takes at most 1000 at once)
MAX_PAGES = 1000  # per run: a source that never ends its list cannot hold the worker forever


def pull_flows(endpoint):
    """The active inbound flows of ``endpoint`` that pull (have a ``pull_path``)."""
    return (
        endpoint.env["integration.flow"]
        .sudo()
        .search(
            [
                ("endpoint_id", "=", endpoint.id),
                ("direction", "=", "inbound"),
                ("state", "=", "active"),
                ("pull_path", "!=", False),
            ]
        )
    )


def parse_moment(text):
    """A change time as the source wrote it (ISO 8601, with or without zone) in naive UTC."""
    moment = datetime.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    if moment.tzinfo:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment


def since_text(watermark, overlap_seconds):
    """The changed-since value to ask for, in the style of the watermark; None the first time."""
    if not watermark:
        return None
    since = parse_moment(watermark) - datetime.timedelta(seconds=max(overlap_seconds, 0))
    if "T" in watermark:
        return since.strftime("%Y-%m-%dT%H:%M:%SZ")
    return since.strftime("%Y-%m-%d %H:%M:%S")


def later(watermark, candidate):
    """The later of two change times (text as the source wrote them)."""
    if not watermark:
        return candidate
    if not candidate:
        return watermark
    return candidate if parse_moment(candidate) > parse_moment(watermark) else watermark


def pull_flow(flow, pages, key_prefix="", updated_key=None):
    """Pull ``flow`` (a record of the cron's environment) from ``pages(since)``, an iterator
    of record lists; return how many messages were created."""
    now = fields.Datetime.now()
    if flow.pull_resume_at and flow.pull_resume_at > now:
        return 0
    registry = flow.env.registry
    since = since_text(flow.pull_watermark, flow.pull_overlap_seconds)
    created = 0
    result = None
    try:
        for number, records in enumerate(pages(since), 1):
            with registry.cursor() as cr:
                flow_here = flow.with_env(flow.env(cr=cr))
                created += queue_page(flow_here, records, key_prefix, updated_key)
            if number >= MAX_PAGES:
                break
    except TransientError as error:
        result = _pause(flow, error) if error.status_code == 429 else str(error)
    except (IntegrationError, ValueError, OSError) as error:
        result = str(error)
    if result:
        _logger.warning("Pulling %s of %s stopped: %s", flow.code, flow.endpoint_id.code, result)
    with registry.cursor() as cr:
        flow.with_env(flow.env(cr=cr)).sudo().write(
            {
                "pull_last_at": now,
                "pull_last_result": result or flow.env._("%s new messages", created),
            }
        )
    return created


def _pause(flow, error):
    seconds = error.retry_after if error.retry_after is not None else DEFAULT_PAUSE_SECONDS
    resume_at = fields.Datetime.now() + datetime.timedelta(seconds=seconds)
    with flow.env.registry.cursor() as cr:
        flow.with_env(flow.env(cr=cr)).sudo().pull_resume_at = resume_at
    return flow.env._("Rate limited by the source: paused until %s UTC.", resume_at)


def record_key(record, prefix, record_id, updated):
    """Idempotency key of one version of a pulled record: ``<id>@<change time>#<digest>``."""
    content = json.dumps(record, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    return f"{prefix}{record_id}@{updated}#{digest}"


def queue_page(flow, records, key_prefix="", updated_key=None):
    """Queue one page of records and move the watermark past them, in ``flow``'s transaction."""
    id_key = flow.pull_id_key or "id"
    updated_key = updated_key or flow.pull_updated_key or "updated_at"
    items, watermark = [], flow.pull_watermark
    for record in records:
        if not isinstance(record, dict) or record.get(id_key) in (None, ""):
            raise ValueError(
                flow.env._("A pulled record has no %s: the page was not taken.", id_key)
            )
        updated = record.get(updated_key) or ""
        if updated:
            parse_moment(updated)  # a change time that cannot be read stops the run here
        watermark = later(watermark, updated)
        items.append(
            {
                "payload": record,
                "idempotency_key": record_key(record, key_prefix, record[id_key], updated),
                "headers": {"pulled_from": flow.pull_path},
            }
        )
    poller = flow.env["integration.inbound.poller"]
    created = 0
    for start in range(0, len(items), QUEUE_CHUNK):
        results = poller._enqueue_rows(flow, items[start : start + QUEUE_CHUNK])
        created += sum(new for _message, new in results)
    if watermark != flow.pull_watermark:
        flow.sudo().pull_watermark = watermark
    return created
