"""Temporary flows that end: warned once, refused from the sunset date, extended, reported."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import freeze_time

from ..lib import sunset
from .common import IntegrationCase, make_integration_users


@tagged("post_install", "-at_install")
class TestSunset(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = make_integration_users(cls.env)
        cls.flow.write(
            {
                "lifecycle": "temporary",
                "sunset_date": sunset.today() + timedelta(days=10),
                "sunset_warning_days": 14,
                "sunset_user_ids": [(6, 0, cls.users["user"].ids)],
                "sunset_group_id": cls.env.ref("integration_core.group_integration_manager").id,
            }
        )

    def warnings(self):
        return self.flow.message_ids.filtered(lambda m: "ends on" in (m.body or ""))

    def extend(self, days, user=None, reason="The new MES starts later"):
        Extension = self.env["integration.sunset.extension"].with_user(
            user or self.users["manager"]
        )
        return Extension.create(
            {
                "flow_id": self.flow.id,
                "new_date": sunset.today() + timedelta(days=days),
                "reason": reason,
            }
        )

    def test_responsible_people_are_warned_once_and_again_for_a_new_date(self):
        Flow = self.env["integration.flow"]
        Flow._cron_warn_sunset()
        Flow._cron_warn_sunset()  # the next day's run: nothing new
        [warning] = self.warnings()
        told = self.users["user"] | self.users["manager"]
        self.assertLessEqual(told.partner_id, warning.notified_partner_ids)
        self.assertEqual(self.flow.activity_ids.user_id & told, told)
        self.assertEqual(len(self.flow.activity_ids.filtered(lambda a: a.user_id in told)), 2)
        self.assertEqual(
            self.flow.activity_ids.mapped("date_deadline"),
            [self.flow.sunset_date] * len(self.flow.activity_ids),
        )
        self.assertEqual(self.flow.sunset_warned_for, self.flow.sunset_date)
        # Moved 40 days out: warned again only when the new warning time comes.
        self.extend(40)
        Flow._cron_warn_sunset()
        self.assertEqual(len(self.warnings()), 1)
        with freeze_time(sunset.today() + timedelta(days=26)):
            Flow._cron_warn_sunset()
            Flow._cron_warn_sunset()
        self.assertEqual(len(self.warnings()), 2)

    def test_no_warning_before_its_time(self):
        self.flow.sunset_warning_days = 5
        self.env["integration.flow"]._cron_warn_sunset()
        self.assertFalse(self.warnings())
        self.assertFalse(self.flow.sunset_warned_for)

    def test_from_the_sunset_date_the_python_api_refuses_and_queued_messages_still_process(self):
        Message = self.env["integration.message"]
        queued = Message.enqueue(self.flow, {"ref": "SU-1", "name": "In time"})
        with freeze_time(self.flow.sunset_date):
            with self.assertRaises(UserError) as refused:
                Message.enqueue(self.flow, {"ref": "SU-2", "name": "Too late"})
            self.assertIn("reached its sunset date", str(refused.exception))
            self.assertEqual(self.run_queue(), 1)
        self.assertEqual(queued.state, "done")
        self.assertFalse(self.env["res.partner"].search([("ref", "=", "SU-2")]))

    def test_only_managers_extend_and_each_extension_is_recorded(self):
        for role in ("user", "api"):
            with self.assertRaises(AccessError):
                self.extend(30, user=self.users[role])
        with self.assertRaises(UserError):
            self.flow.with_user(self.users["manager"]).write({"sunset_date": sunset.today()})
        with self.assertRaises(UserError):
            self.extend(-1)
        extension = self.extend(30)
        self.assertEqual(extension.old_date, sunset.today() + timedelta(days=10))
        self.assertEqual(self.flow.sunset_date, sunset.today() + timedelta(days=30))
        self.assertEqual(self.flow.sunset_extension_ids, extension)
        said = self.flow.message_ids.filtered(lambda m: "The new MES starts later" in m.body)
        self.assertIn(self.users["manager"].name, said.body)

    def test_the_report_lists_temporary_flows_by_sunset_date(self):
        lasting = self.make_flow("lasting.flow", "integration.handler.noop")
        later = self.make_flow(
            "later.flow",
            "integration.handler.noop",
            lifecycle="temporary",
            sunset_date=sunset.today() + timedelta(days=90),
        )
        self.env["integration.message"].enqueue_batch(
            self.flow, [{"payload": {"ref": f"R-{n}"}} for n in range(3)]
        )
        self.env.flush_all()
        rows = self.env["integration.sunset.report"].with_user(self.users["user"]).search([])
        self.assertEqual(rows.flow_id, self.flow | later)
        self.assertNotIn(lasting, rows.flow_id)
        self.assertEqual(rows.mapped("flow_id"), self.flow | later, "by sunset date")
        self.assertEqual(rows.mapped("days_left"), [10, 90])
        self.assertEqual(rows.mapped("messages_30d"), [3, 0])
        self.assertEqual(rows[0].responsible_ids, self.users["user"])
