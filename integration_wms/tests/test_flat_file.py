from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib.errors import InvalidMessage

from ..lib import flat_file, messages


@tagged("post_install", "-at_install")
class TestFlatFile(BaseCase):
    """A 3PL's CSV file reads as the JSON message it stands for."""

    def test_receipt_rows_become_lines_with_lots_and_damaged(self):
        text = (
            "message_id,message_type,transfer,sequence,closed,product,quantity,unit,lot,"
            "expiration_date,damaged_quantity,damaged_reason\n"
            "csv-1,receipt.confirmation,WH/IN/00004,2,true,SERUM,3,Units,S-5,2027-01-31,,\n"
            "csv-1,receipt.confirmation,WH/IN/00004,2,true,BOLT,7,,,,1,WET\n"
        )
        payload = flat_file.decode(text)
        self.assertEqual(
            payload,
            {
                "message_id": "csv-1",
                "message_type": "receipt.confirmation",
                "transfer": "WH/IN/00004",
                "sequence": 2,
                "closed": True,
                "lines": [
                    {
                        "product": "SERUM",
                        "quantity": 3,
                        "unit": "Units",
                        "lots": [{"lot": "S-5", "quantity": 3, "expiration_date": "2027-01-31"}],
                    },
                    {
                        "product": "BOLT",
                        "quantity": 7,
                        "damaged": [{"quantity": 1, "reason": "WET"}],
                    },
                ],
            },
        )
        self.assertEqual(messages.parse_receipt(payload)["lines"][1]["damaged"][0]["quantity"], 1)

    def test_adjustment_and_bad_files(self):
        text = (
            "message_id,message_type,product,location,lot,quantity_delta,reason\n"
            "csv-2,stock.adjustment,SERUM,WH-STOCK,S-1,-2.5,DM\n"
        )
        self.assertEqual(
            flat_file.decode(text),
            {
                "message_id": "csv-2",
                "message_type": "stock.adjustment",
                "product": "SERUM",
                "location": "WH-STOCK",
                "lot": "S-1",
                "quantity_delta": -2.5,
                "reason": "DM",
            },
        )
        with self.assertRaises(InvalidMessage):
            flat_file.decode("message_id,product\n")
        with self.assertRaises(InvalidMessage):
            flat_file.decode("{not json")
        with self.assertRaises(InvalidMessage) as refused:
            messages.parse_receipt(
                flat_file.decode(
                    "message_id,transfer,sequence,product,quantity\nx,T,one,BOLT,many\n"
                )
            )
        self.assertIn("sequence must be an integer", str(refused.exception))
        self.assertIn("quantity must be a number", str(refused.exception))
