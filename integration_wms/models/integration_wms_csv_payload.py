"""WMS messages sent as CSV files are read as the JSON messages they stand for."""

from odoo import api, models

from ..lib import flat_file


class IntegrationWmsCsvPayload(models.AbstractModel):
    """Mixin of the WMS confirmation handlers: a payload may be a JSON object or a CSV file
    (``lib/flat_file.py``), and the queue's sequence gate reads it as the handler does."""

    _name = "integration.wms.csv.payload"
    _description = "Integration WMS CSV Payload"

    @api.model
    def _payload_json(self, message):
        return flat_file.decode(message.get_payload())
