"""A line spool: one JSON object a line in ``outbox.jsonl`` (sent) and ``inbox.jsonl`` (received).

The example transport of this addon, plain Python: the other side appends to inbox.jsonl and
reads outbox.jsonl. Taking the inbox renames it first, so lines appended meanwhile wait for the
next poll. A line that cannot be queued goes to inbox.rejected.jsonl; a taken file is
deleted only once every line in it is committed (a poll cut off takes it again: duplicates).
"""

import json
import os

OUTBOX = "outbox.jsonl"
INBOX = "inbox.jsonl"
TAKING = "inbox.jsonl.taking"
REJECTED = "inbox.rejected.jsonl"


def append(folder, record, name=OUTBOX):
    """Append ``record`` (a dict, or a line as it came) to a spool file, flushed to disk."""
    line = record if isinstance(record, str) else json.dumps(record, sort_keys=True)
    with open(os.path.join(folder, name), "a", encoding="utf-8") as spool:
        spool.write(line + "\n")
        spool.flush()
        os.fsync(spool.fileno())


def take(folder):
    """The lines waiting in the inbox (a file left by an interrupted poll first)."""
    taking = os.path.join(folder, TAKING)
    if not os.path.exists(taking):
        try:
            os.rename(os.path.join(folder, INBOX), taking)
        except FileNotFoundError:
            return []
    with open(taking, encoding="utf-8") as spool:
        return [line for line in spool.read().splitlines() if line.strip()]


def taken(folder):
    """Every taken line is committed: forget them."""
    os.remove(os.path.join(folder, TAKING))
