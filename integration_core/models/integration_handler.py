"""The contract between the queue and the code that knows what a message means."""

from odoo import api, models


class IntegrationHandler(models.AbstractModel):
    """Base of every handler. A flow names one handler; connector addons add their own.

    Inbound handlers implement ``_process_inbound``: turn the message into Odoo records and
    return them (or nothing). It runs in the same transaction as the message's ``done`` state,
    so the effect happens exactly once. Outbound handlers implement ``_prepare_outbound``:
    return the request to send; the queue sends it through the endpoint's transport.

    Raise ``lib.errors.PermanentError`` for a message that can never succeed as it is,
    ``lib.errors.TransientError`` for one worth retrying later.
    """

    _name = "integration.handler"
    _description = "Integration Handler"

    @api.model
    def _process_inbound(self, message):
        """Apply an inbound ``message``; return the records it produced, if any."""
        raise NotImplementedError(f"{self._name} does not process inbound messages")

    @api.model
    def _prepare_outbound(self, message):
        """Build the request for an outbound ``message``.

        Return a dict with ``body`` (bytes, str or a JSON-serialisable value) and optionally
        ``path``, ``method`` and ``headers``.
        """
        raise NotImplementedError(f"{self._name} does not send outbound messages")
