"""What each exception category means for the person fixing it, in words without jargon.

One entry per category of ``integration.exception``: ``what`` says what went wrong, ``action``
says what usually fixes it. The flow's runbook, when it has one, says more for that flow.
"""

import re

EXPLANATIONS = {
    "transport": {
        "what": "Odoo could not reach the other system (it was down, too slow or refused the "
        "connection), and gave up after several tries.",
        "action": "Check with the other system's team that it is running, then press Retry. "
        "Nothing needs to change in the message itself.",
    },
    "rejected": {
        "what": "The other system received the message and refused it. Its answer is shown "
        "below; it usually names the value it did not accept.",
        "action": "Correct the value the other system complained about, in Odoo or with Edit "
        "and replay. If the other system is wrong, ask its team.",
    },
    "validation": {
        "what": "The message Odoo received is incomplete or contains a value Odoo cannot "
        "use, so nothing was recorded.",
        "action": "Ask the sending system to send a corrected message, or fix the value with "
        "Edit and replay. Ignore it (with a reason) if it should never be applied.",
    },
    "handler": {
        "what": "Odoo failed while recording the message: this is usually a configuration "
        "problem or a software error, not a mistake in the data.",
        "action": "Assign it to the integration team with a note. Retry once the cause is "
        "fixed; the messages are kept until then.",
    },
    "environment": {
        "what": "This database is a copy (test or training) and refused to send to a "
        "production system, so that a copy never changes real data.",
        "action": "Nothing to do in a copy: ignore it. If this really is the production "
        "database, a manager declares it on the endpoint (Health tab).",
    },
    "missing_master_data": {
        "what": "The message refers to an item, partner or other master data that Odoo does "
        "not know yet, so it waits. It continues by itself as soon as the data arrives.",
        "action": "Create the missing record in Odoo or link it under Configuration > "
        "Cross-references; the waiting messages then continue by themselves. If it never "
        "arrives, the messages fail after the flow's waiting deadline.",
    },
    "reconciliation": {
        "what": "Odoo compared another system's statement (stock balances, open orders, "
        "totals) with its own figures as of the statement's time, and they differ; or a "
        "statement could not be compared (a part never arrived, or it was older than one "
        "already compared).",
        "action": "Open the reconciliation run: check the differences of this card, then a "
        "manager approves the corrections (Odoo is changed to match) or ignores them with a "
        "reason. A statement that could not be compared is sent again by the other system.",
    },
    "ownership_conflict": {
        "what": "The message tried to change data that another system owns (see System of "
        "record), so nothing was changed.",
        "action": "Decide which system is right: change the data in its owning system, or "
        "ignore the message with a reason.",
    },
}

UNKNOWN = {
    "what": "Odoo could not process these messages.",
    "action": "Read the error below and assign the card to the integration team.",
}


def explain(category):
    """``(what, action)`` in plain words for an exception ``category``."""
    entry = EXPLANATIONS.get(category, UNKNOWN)
    return entry["what"], entry["action"]


def age_label(seconds):
    """A short, human age: ``45 min``, ``5 h``, ``3 d``."""
    seconds = max(int(seconds), 0)
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def first_sentence(text):
    """The first sentence of ``text`` (up to its first full stop followed by a space, or its
    first line), complete: never cut."""
    line = ((text or "").strip().splitlines() or [""])[0].strip()
    match = re.search(r"[.!?](\s|$)", line)
    return line[: match.start() + 1] if match else line


def headline(text, limit=120):
    """``text`` shortened to at most ``limit`` characters at a word boundary, with an ellipsis
    when something was left out; short texts come back whole."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def plural(count, one, many):
    """``1 message`` / ``2 messages``."""
    return f"{count} {one if count == 1 else many}"
