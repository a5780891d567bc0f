from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.integration_core.tests.common import IntegrationCase
from odoo.addons.integration_core.tests.helpers import play_inbound, run_queue, trap_messages


@tagged("post_install", "-at_install")
class TestExampleConnector(IntegrationCase):
    """A connector of catalog entries and handlers, configured in one step and tested with
    the kit's helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = new_test_user(
            cls.env,
            login="example_service",
            groups="base.group_user,integration_core.group_integration_api",
        )
        cls.example, cls.secret = cls.connect("EXAMPLE", cls.service)
        cls.example.flow_ids.action_approve()
        cls.example.flow_ids.action_activate()

    @classmethod
    def connect(cls, code, service=None):
        wizard = cls.env["integration.connect"].create(
            {
                "system_type": "kit_example",
                "name": f"Example system {code}",
                "code": code,
                "service_user_id": service.id if service else False,
            }
        )
        return wizard._connect()

    def send(self, payload, **options):
        return play_inbound(self.env, "EXAMPLE", "contact.update", payload, self.service, **options)

    def test_connect_makes_draft_flows_from_the_catalog_and_a_first_key(self):
        endpoint, secret = self.connect("EXAMPLE_2", self.service)
        flows = endpoint.flow_ids.sorted("code")
        self.assertEqual(
            [(f.code, f.direction, f.handler, f.state) for f in flows],
            [
                ("contact.notice", "outbound", "integration.handler.example.notice", "draft"),
                ("contact.update", "inbound", "integration.handler.example.contact", "draft"),
            ],
        )
        update = flows[1]
        self.assertEqual(
            (update.sequence_path, update.sequence_key_path, update.max_attempts),
            ("sequence", "contact", 3),
        )
        self.assertEqual(flows[0].request_path, "/notices")
        key = self.env["integration.api.key"]._match(secret)
        self.assertEqual((key.endpoint_id, key.user_id), (endpoint.id, self.service.id))
        self.assertIsNone(self.connect("EXAMPLE_3")[1], "no service account, no key")

    def test_only_managers_connect_systems(self):
        user = new_test_user(
            self.env, login="example_user", groups="integration_core.group_integration_user"
        )
        with self.assertRaises(AccessError):
            self.env["integration.connect"].with_user(user).create(
                {"system_type": "kit_example", "name": "X", "code": "X_SYS"}
            )

    def test_contacts_apply_in_sequence_through_the_real_entry_point(self):
        second = self.send({"contact": "C-1", "sequence": 2, "name": "ACME Ltd"})
        self.assertEqual(second.state, "waiting")
        self.assertEqual(
            (second.waiting_model, second.waiting_code), ("integration.sequence", "C-1#1")
        )
        first = self.send({"contact": "C-1", "sequence": 1, "name": "ACME", "credit_limit": 5})
        self.assertEqual((first.state, second.state), ("done", "done"), second.error)
        partner = self.env["integration.record.lookup"]._find(self.example, "res.partner", "C-1")
        self.assertEqual((partner.name, partner.credit_limit), ("ACME Ltd", 5))
        replay = self.send({"contact": "C-1", "sequence": 1, "name": "Old", "message_id": "r-1"})
        self.assertEqual(replay.state, "done")
        self.assertEqual(partner.name, "ACME Ltd", "a number already applied is not applied again")
        self.assertEqual(
            [(e.res_model, e.res_id) for e in first.effect_ids | second.effect_ids],
            [("res.partner", partner.id)] * 2,
            "each applied message links the contact it changed",
        )
        self.assertFalse(replay.effect_ids, "a number already applied changes nothing")
        self.assertIn(f'href="/odoo/res.partner/{partner.id}"', second.result_links)

    def test_handlers_hear_of_their_messages_once_per_batch_and_state(self):
        Call = self.env["integration.kit.example.hook.call"]
        second = self.send({"contact": "C-5", "sequence": 2, "name": "Second"})
        bad = self.send({"contact": "C-6", "sequence": 0, "name": "Bad"})
        first = self.send({"contact": "C-5", "sequence": 1, "name": "First"})
        self.assertEqual((first.state, second.state, bad.state), ("done", "done", "failed"))
        self.assertEqual(
            [(call.hook, call.message_ids) for call in Call.search([])],
            [("waiting", second), ("failed", bad), ("done", first), ("done", second)],
        )

    def test_messages_of_one_batch_come_to_a_hook_together(self):
        messages = [
            self.send({"contact": f"B-{n}", "sequence": 1, "name": f"B {n}"}, run=False)
            for n in range(3)
        ]
        run_queue(self.env)
        calls = self.env["integration.kit.example.hook.call"].search([])
        self.assertEqual(
            [(call.hook, call.message_ids.sorted("id").ids) for call in calls],
            [("done", sorted(m.id for m in messages))],
        )

    def test_a_failing_hook_does_not_undo_what_it_reports(self):
        failing = self.env(context=dict(self.env.context, example_hook_fails=True))
        with mute_logger("odoo.addons.integration_core.models.integration_message_lifecycle"):
            message = play_inbound(
                failing,
                "EXAMPLE",
                "contact.update",
                {"contact": "F-1", "sequence": 1, "name": "F"},
                self.service,
            )
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(message.effect_ids.res_model, "res.partner")
        self.assertFalse(self.env["integration.kit.example.hook.call"].search([]))

    def test_a_gap_past_the_deadline_becomes_an_exception(self):
        waiting = self.send({"contact": "C-2", "sequence": 3, "name": "Late"})
        self.env.cr.execute(
            "UPDATE integration_message SET waiting_deadline = now() AT TIME ZONE 'UTC'"
            " - interval '1 minute' WHERE id = %s",
            [waiting.id],
        )
        waiting.invalidate_recordset()
        self.env["integration.message"]._expire_waiting()
        self.assertEqual(waiting.state, "failed")
        self.assertIn("C-2#2", waiting.error)
        self.assertEqual(waiting.exception_id.category, "missing_master_data")
        calls = self.env["integration.kit.example.hook.call"].search([])
        self.assertEqual(
            [(call.hook, call.message_ids) for call in calls],
            [("waiting", waiting), ("failed", waiting)],
        )

    def test_an_existing_contact_is_found_by_its_reference_in_any_case(self):
        known = self.env["res.partner"].create({"name": "Known", "ref": "k-7"})
        message = self.send({"contact": "K-7", "sequence": 1, "name": "Known GmbH"})
        self.assertEqual(message.state, "done", message.error)
        self.assertEqual(known.name, "Known GmbH")

    def test_a_malformed_contact_is_refused_with_every_problem(self):
        message = self.send({"contact": "", "sequence": 0, "name": 5, "credit_limit": -1})
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.exception_id.category, "validation")
        for problem in (
            "contact must be a non-empty text",
            "name must be a non-empty text (got 5)",
            "credit_limit must be at least 0 (got -1)",
            "sequence must be an integer of at least 1 (got 0)",
        ):
            self.assertIn(problem, message.error)

    def test_trap_sees_what_was_queued(self):
        notice = self.example.flow_ids.filtered(lambda f: f.code == "contact.notice")
        with trap_messages(self.env) as trap:
            self.env["integration.message"].enqueue(notice, {"contact": "C-9", "why": "new"})
        trap.assert_queued("contact.notice", {"contact": "C-9"})
        trap.assert_nothing_queued("contact.update")
        with self.assertRaises(AssertionError):
            trap.assert_queued(notice, {"contact": "C-10"})
