from odoo.tests import HttpCase, tagged

from .common import make_integration_users, with_encryption_key


@tagged("post_install", "-at_install")
class TestCockpitTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)

    def test_user_replays_a_corrected_payload_from_the_exceptions_kanban(self):
        """A user (not a manager) fixes a rejected message and sees its card resolved."""
        endpoint = self.env["integration.endpoint"].create(
            {"name": "Tour system", "code": "TOUR_SYS", "environment": "test"}
        )
        flow = self.env["integration.flow"].create(
            {
                "name": "Contacts",
                "code": "partner.upsert",
                "endpoint_id": endpoint.id,
                "direction": "inbound",
                "handler": "integration.handler.partner",
                "state": "active",
            }
        )
        message = self.env["integration.message"].enqueue(flow, {"ref": "TOUR-1"})
        self.env["integration.queue.worker"]._process_now(message)
        self.assertEqual(message.state, "failed")
        card = message.exception_id
        self.start_tour("/odoo", "integration_cockpit_replay", login="int_user")
        self.assertEqual(card.state, "resolved")
        self.assertEqual(message.state, "done")
        self.assertEqual(message.edit_ids.user_id, self.users["user"])
        self.assertEqual(
            self.env["integration.xref"]._resolve(endpoint, "res.partner", "TOUR-1").name,
            "Tour Robotics",
        )
