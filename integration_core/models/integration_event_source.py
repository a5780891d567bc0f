"""Outbound messages from record events, so connectors do not each write their own triggers."""

import logging

from odoo import _, api, models

from ..tools.echo import is_echo

_logger = logging.getLogger(__name__)


class IntegrationEventSource(models.AbstractModel):
    """A mixin for the models whose changes external systems must hear about.

    A model inherits it and says what to send:

    - ``_integration_create_flows``: flow codes queued for every created record;
    - ``_integration_write_flows``: ``{flow code: field names}``, queued when ``write``
      changes one of the fields;
    - anything else (a state change through an action, e.g. ``action_confirm``) calls
      ``records._integration_queue(flow_code)`` itself.

    Routing: ``_integration_endpoint`` gives the endpoint a record goes to (a connector reads
    its routing rules there) and ``_integration_wants`` may leave a record out. The message is
    queued on that endpoint's active outbound flow of the code, with what
    ``_integration_message`` returns (by default the payload ``{"id": <record id>}`` that the
    mapping handler sends as its mapped record). A change applied from an endpoint is never
    queued back to it (``tools.echo``); a record whose endpoint has no active flow of the code,
    or whose flow is a temporary one past its sunset date, gets a note in its chatter instead.
    """

    _name = "integration.event.source"
    _description = "Integration Outbound Events"

    _integration_create_flows = ()
    _integration_write_flows = {}

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for code in self._integration_create_flows:
            records._integration_queue(code)
        return records

    def write(self, vals):
        result = super().write(vals)
        for code, field_names in self._integration_write_flows.items():
            if set(field_names) & set(vals):
                self._integration_queue(code)
        return result

    # ------------------------------------------------------------------ hooks
    def _integration_endpoint(self):
        """The endpoint this record's messages go to (empty: none)."""
        return self.env["integration.endpoint"]

    def _integration_wants(self, flow_code):
        """Whether this record's change is to be sent as ``flow_code``."""
        return True

    def _integration_message(self, flow):
        """What ``enqueue`` gets for this record: ``payload`` and its options."""
        return {"payload": {"id": self.id}}

    # ------------------------------------------------------------------ queuing
    def _integration_queue(self, flow_code):
        """Queue ``flow_code`` for each record on its endpoint's active outbound flow."""
        Message = self.env["integration.message"].sudo()
        queued = Message
        for record in self:
            endpoint = record._integration_endpoint().sudo()
            if not endpoint or is_echo(record.env, endpoint):
                continue
            if not record._integration_wants(flow_code):
                continue
            flow = endpoint.flow_ids.filtered(
                lambda f, code=flow_code: (
                    f.code == code and f.direction == "outbound" and f.state == "active"
                )
            )[:1]
            if not flow:
                record._integration_no_flow(endpoint, flow_code)
                continue
            refusal = flow._sunset_refusal()
            if refusal:  # an ended interface: the business operation goes on, unsent
                record._integration_note(_("Not sent: %s", refusal))
                continue
            options = dict(record._integration_message(flow))
            queued |= Message.enqueue(flow, options.pop("payload"), **options)
        return queued

    def _integration_no_flow(self, endpoint, flow_code):
        self._integration_note(
            _(
                "Not sent to %(endpoint)s: it has no active outbound flow %(flow)s.",
                endpoint=endpoint.display_name,
                flow=flow_code,
            )
        )

    def _integration_note(self, text):
        """Say in the record's chatter (or the log) why a change was not sent."""
        if hasattr(self, "message_post"):
            self.message_post(body=text)
        else:
            _logger.info("%s %s: %s", self._name, self.id, text)
