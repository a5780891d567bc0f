"""Errors of the enqueue paths that callers tell apart by class, never by their translated text."""

from odoo.exceptions import UserError


class ConcurrentEnqueue(UserError):
    """Another transaction holds the same idempotency keys and has not committed them yet.

    The request can simply be replayed: the HTTP API lets Odoo retry it in a new transaction,
    an RPC caller sees the message and retries.
    """
