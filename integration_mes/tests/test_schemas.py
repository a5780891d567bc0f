import json
from pathlib import Path

import jsonschema

from odoo.tests import tagged

from ..lib import messages
from ..simulator.plant import Plant
from .common import OUTBOUND_FLOWS, MesCase

SCHEMAS = Path(__file__).parent.parent / "schemas"


@tagged("post_install", "-at_install")
class TestSchemas(MesCase):
    """The documented schemas describe the messages Odoo and the simulator really exchange."""

    def assertValid(self, message):
        schema = json.loads((SCHEMAS / f"{message['message_type']}.json").read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(message)]
        self.assertEqual(errors, [], message["message_type"])

    def test_odoo_and_simulator_messages_match_their_schemas(self):
        for code, handler in OUTBOUND_FLOWS.items():
            self.make_flow(code, handler, direction="outbound", endpoint=self.mes)
        order = self.make_order(10)
        order.action_cancel()
        queued = self.env["integration.message"].search(
            [("ordering_key", "=", order.name)], order="sequence"
        )
        plant = Plant("SCHEMA")
        for message in queued:
            body = messages.outbound_request(message.get_payload_json(), "x")["body"]
            self.assertValid(body)
            plant.receive(body)
        plant.work_orders[order.name]["cancelled"] = False
        produced = plant.performance(
            order.name, 4, lot="F-1", scrap=[{"product": "TUBE", "quantity": 1}]
        )
        lots = plant.performance(
            order.name, lots=[{"lot": "F-2", "quantity": 2}, {"lot": "F-3", "quantity": 1}]
        )
        serials = plant.performance(order.name, serials=["SN-1", "SN-2"])
        event = plant.equipment_event("WELD", "down", "Spindle jam")
        result = plant.quality_result("F-1", "Tensile", 7.5, "kN", False, order.name)
        for message, parse in (
            (produced, messages.parse_performance),
            (lots, messages.parse_performance),
            (serials, messages.parse_performance),
            (event, messages.parse_equipment_event),
            (result, messages.parse_quality_result),
        ):
            self.assertValid(message)
            parse(message)
        self.assertEqual(
            [m["message_type"] for m in plant.received],
            ["work_order.release", "work_order.cancel"],
        )
