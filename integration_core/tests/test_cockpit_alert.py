from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import IntegrationCase, make_integration_users


@tagged("post_install", "-at_install")
class TestCockpitAlerts(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)
        cls.Rule = cls.env["integration.alert.rule"]

    def rule(self, **values):
        return self.Rule.create(
            dict(
                {
                    "name": "Backlog",
                    "flow_id": self.flow.id,
                    "condition": "backlog",
                    "threshold": 3,
                    "user_id": self.users["user"].id,
                },
                **values,
            )
        )

    def enqueue(self, count):
        return self.env["integration.message"].enqueue_batch(
            self.flow, [{"payload": {"ref": f"A-{n}", "name": "A"}} for n in range(count)]
        )

    def alerts(self, rule):
        return rule.message_ids.filtered(
            lambda m: "alert (value" in (m.body or "") and not m.mail_activity_type_id
        )

    def test_backlog_alert_fires_once_per_episode(self):
        rule = self.rule()
        self.flow.paused = True  # messages are accepted and wait
        self.enqueue(2)
        self.Rule._cron_check()
        self.assertFalse(rule.in_breach)
        self.assertEqual(rule.last_value, 2)
        self.enqueue(2)
        self.Rule._cron_check()
        self.Rule._cron_check()  # still above the threshold: no second alert
        self.assertTrue(rule.in_breach)
        self.assertEqual(len(rule.activity_ids), 1)
        self.assertEqual(rule.activity_ids.user_id, self.users["user"])
        self.assertEqual(len(self.alerts(rule)), 1)
        self.assertIn(self.users["user"].partner_id, self.alerts(rule).notified_partner_ids)
        # The backlog is worked off: the episode ends and its activity is done.
        self.flow.paused = False
        self.run_queue()
        self.Rule._cron_check()
        self.assertFalse(rule.in_breach)
        self.assertFalse(rule.activity_ids)
        self.assertIn("Cleared", rule.message_ids[0].body)
        # A new breach is a new episode.
        self.flow.paused = True
        self.enqueue(3)
        self.Rule._cron_check()
        self.assertEqual((rule.episode_count, len(rule.activity_ids)), (2, 1))
        self.assertEqual(len(self.alerts(rule)), 2)

    def test_group_is_told_when_no_user_is_responsible(self):
        group = self.env.ref("integration_core.group_integration_manager")
        rule = self.rule(user_id=False, group_id=group.id, threshold=1)
        self.flow.paused = True
        self.enqueue(1)
        self.Rule._cron_check()
        self.assertEqual(
            set(rule.activity_ids.user_id.ids), set(group.users.filtered("active").ids)
        )

    def test_oldest_pending_against_the_flow_sla(self):
        self.flow.sla_minutes = 30
        rule = self.rule(condition="oldest_pending", threshold=0)
        self.flow.paused = True
        (message, _created) = self.enqueue(1)[0]
        self.Rule._cron_check()
        self.assertFalse(rule.in_breach, "a fresh message is within the SLA")
        self.env.cr.execute(
            "UPDATE integration_message SET create_date = create_date - interval '31 minutes'"
            " WHERE id = %s",
            [message.id],
        )
        self.Rule._cron_check()
        self.assertTrue(rule.in_breach)
        self.assertGreater(rule.last_value, 30)

    def test_failure_rate_and_circuit_on_an_endpoint(self):
        rate = self.rule(
            flow_id=False,
            endpoint_id=self.endpoint.id,
            condition="failure_rate",
            threshold=50,
            min_attempts=2,
        )
        circuit = self.rule(
            flow_id=False, endpoint_id=self.endpoint.id, condition="circuit_open", threshold=0
        )
        self.env["integration.message"].enqueue(self.flow, {"ref": "NO-NAME-1"})
        self.Rule._cron_check()
        self.assertFalse(rate.in_breach, "no try yet")
        self.env["integration.message"].enqueue(self.flow, {"ref": "NO-NAME-2"})
        self.env["integration.message"].enqueue(self.flow, {"ref": "OK", "name": "Fine"})
        self.run_queue()
        self.Rule._cron_check()
        self.assertTrue(rate.in_breach)
        self.assertAlmostEqual(rate.last_value, 200 / 3, places=1)
        self.assertFalse(circuit.in_breach)
        self.endpoint.sudo().write({"circuit_state": "open", "circuit_opened_at": "2026-01-01"})
        self.Rule._cron_check()
        self.assertTrue(circuit.in_breach)

    def test_rule_needs_one_target_and_someone_to_tell(self):
        with self.assertRaises(ValidationError):
            self.rule(endpoint_id=self.endpoint.id)
        with self.assertRaises(ValidationError):
            self.rule(user_id=False)
        with self.assertRaises(ValidationError):
            self.rule(condition="oldest_pending", threshold=0)  # the flow has no SLA
