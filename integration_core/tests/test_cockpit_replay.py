import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.integration_message_enqueue import PAYLOAD_INLINE_LIMIT
from .common import IntegrationCase, make_integration_users


@tagged("post_install", "-at_install")
class TestCockpitReplay(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)

    def failed_message(self, payload=None):
        message = self.env["integration.message"].enqueue(self.flow, payload or {"ref": "R-1"})
        self.run_queue()
        self.assertEqual(message.state, "failed")
        return message

    def replay(self, message, payload, reason="name from the plant's item master", user="user"):
        wizard = (
            self.env["integration.message.replay"]
            .with_user(self.users[user])
            .create({"message_id": message.id, "reason": reason})
        )
        self.assertEqual(json.loads(wizard.payload), message.get_payload_json(), "prefilled")
        wizard.payload = payload
        return wizard.action_replay()

    def test_replay_keeps_the_original_and_records_who_changed_what(self):
        message = self.failed_message()
        original = message.get_payload()
        card = message.exception_id
        corrected = '{"ref": "R-1", "name": "Robotics GmbH"}'
        result = self.replay(message, corrected)
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(message.state, "done", "processed at once, not at the next cron run")
        self.assertEqual(message.get_payload(), corrected)
        self.assertEqual(message.payload_size, len(corrected))
        edit = message.edit_ids
        self.assertEqual(len(edit), 1)
        self.assertEqual((edit.old_payload, edit.new_payload), (original, corrected))
        self.assertEqual(edit.user_id, self.users["user"])
        self.assertEqual(edit.reason, "name from the plant's item master")
        self.assertEqual(edit.exception_id, card)
        self.assertEqual(card.state, "resolved")
        self.assertIn("name from the plant", " ".join(card.message_ids.mapped("body")))
        partner = self.env["integration.xref"]._resolve(self.endpoint, "res.partner", "R-1")
        self.assertEqual(partner.name, "Robotics GmbH")
        # The idempotency key is kept: the original delivered again is still a duplicate.
        again, created = self.env["integration.message"].enqueue_batch(
            self.flow,
            [{"payload": json.loads(original), "idempotency_key": message.idempotency_key}],
        )[0]
        self.assertEqual((again, created), (message, False))

    def test_replay_refuses_bad_input_with_clear_errors(self):
        message = self.failed_message()
        with self.assertRaisesRegex(UserError, "not valid JSON"):
            self.replay(message, '{"ref": "R-1", "name": }')
        with self.assertRaisesRegex(UserError, "unchanged"):
            self.replay(message, message.get_payload())
        with self.assertRaisesRegex(UserError, "unchanged"):
            self.replay(message, json.dumps(message.get_payload_json(), indent=4))
        with self.assertRaisesRegex(UserError, "Say why"):
            self.replay(message, '{"ref": "R-1", "name": "A"}', reason="  ")
        # The input limits of every enqueue path hold for a corrected payload too.
        with self.assertRaisesRegex(UserError, "not a JSON number"):
            self.replay(message, '{"ref": "R-1", "qty": NaN}')
        with self.assertRaisesRegex(UserError, "deeper than 64"):
            self.replay(message, '{"a": ' * 5000 + "1" + "}" * 5000)
        with self.assertRaisesRegex(UserError, "lone surrogate"):
            self.replay(message, '{"ref": "\\ud800"}')
        with self.assertRaises(AccessError):
            self.replay(message, '{"ref": "R-1", "name": "A"}', user="api")
        self.assertFalse(message.edit_ids)
        self.replay(message, '{"ref": "R-1", "name": "A"}')
        with self.assertRaisesRegex(UserError, "Only failed or waiting"):
            self.replay(message, '{"ref": "R-1", "name": "B"}')

    def test_replay_that_still_fails_stays_on_a_card_with_its_history(self):
        message = self.failed_message()
        result = self.replay(message, '{"ref": "R-1", "name": "A", "city": 7}')
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("city", result["params"]["message"])
        self.assertEqual(message.state, "failed")
        self.assertEqual(len(message.edit_ids), 1)

    def test_large_corrected_payload_goes_to_an_attachment(self):
        message = self.failed_message()
        big = json.dumps({"ref": "R-1", "name": "Big", "street": "x" * PAYLOAD_INLINE_LIMIT})
        self.replay(message, big)
        self.assertTrue(message.payload_attachment_id)
        self.assertFalse(message.payload)
        self.assertEqual(message.get_payload(), big)
        self.assertEqual(message.state, "done")

    def test_audit_logs_are_read_only_for_everybody(self):
        message = self.failed_message()
        self.replay(message, '{"ref": "R-1", "name": "A"}')
        edit, attempt = message.edit_ids, message.attempt_ids[:1]
        for user in ("user", "manager"):
            self.assertTrue(edit.with_user(self.users[user]).reason, "readable")
            self.assertTrue(attempt.with_user(self.users[user]).outcome)
            for record in (edit, attempt):
                with self.assertRaises(AccessError):
                    record.with_user(self.users[user]).write(
                        {"error" if record == attempt else "reason": "x"}
                    )
                with self.assertRaises(AccessError):
                    record.with_user(self.users[user]).unlink()
        with self.assertRaises(AccessError):
            self.env["integration.message.edit"].with_user(self.users["manager"]).create(
                {"user_id": self.users["manager"].id, "reason": "forged"}
            )
        # Not even code running as superuser rewrites history.
        with self.assertRaisesRegex(UserError, "nobody edits"):
            edit.sudo().write({"reason": "rewritten"})
        with self.assertRaisesRegex(UserError, "nobody deletes"):
            edit.sudo().unlink()
        with self.assertRaisesRegex(UserError, "nobody edits"):
            attempt.sudo().write({"error": "rewritten"})
        self.assertEqual(edit.reason, "name from the plant's item master")

    def test_configuration_changes_are_tracked(self):
        self.flow.with_user(self.users["manager"]).write({"max_attempts": 3, "retention_days": 7})
        self.endpoint.with_user(self.users["manager"]).write({"read_timeout": 12.0})
        self.env.cr.precommit.run()  # tracking values are written when the transaction ends
        flow_changes = self.flow.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertTrue({"max_attempts", "retention_days"} <= set(flow_changes))
        self.assertIn(
            "read_timeout", self.endpoint.message_ids.tracking_value_ids.mapped("field_id.name")
        )
        with self.assertRaises(AccessError):
            self.flow.with_user(self.users["user"]).write({"max_attempts": 1})
