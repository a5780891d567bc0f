"""The screens of windows, freezes and sunsets in Chromium: the Freeze/Lift and Extend sunset
buttons played as a manager, and each screen captured with its content on it."""

from datetime import date, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..lib import sunset
from .browser_capture import SCREENSHOTS_ENV, capture, save
from .cockpit_data import make_cockpit_data
from .common import make_integration_users, with_encryption_key


@tagged("post_install", "-at_install")
class TestScheduleScreens(HttpCase):
    browser_size = "1280x800"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)
        cls.data = make_cockpit_data(cls.env)
        plants = cls.data["plants"]
        for user in (cls.users["user"], cls.users["manager"]):
            user.write({"company_ids": [(4, c.id) for c in plants], "company_id": plants[0].id})
        cls.cids = "-".join(str(c.id) for c in plants)
        cls.results = cls.data["mes"].flow_ids.filtered(lambda f: f.code == "production.result")
        Window = cls.env["integration.window"]
        Window.create(
            {"flow_id": cls.results.id, "start_hour": 22.0, "end_hour": 4.0, "tz": "Europe/Berlin"}
        )
        Window.create(
            {
                "flow_id": cls.results.id,
                "mon": False,
                "tue": False,
                "wed": False,
                "thu": False,
                "fri": False,
                "sat": True,
                "start_hour": 6.0,
                "end_hour": 12.0,
                "tz": "Europe/Berlin",
            }
        )
        Window.create({"endpoint_id": cls.data["mes"].id, "start_hour": 20.0, "end_hour": 6.0})
        Freeze = cls.env["integration.freeze"].with_user(cls.users["manager"])
        cls.freeze = Freeze.create(
            {
                "endpoint_id": cls.data["mes"].id,
                "name": "Cutover weekend: MES upgrade to 5.2",
                "date_end": fields.Datetime.now().replace(second=0) + timedelta(days=2),
            }
        )
        cls.stock = cls.data["wms"].flow_ids.filtered(lambda f: f.code == "legacy.stock")
        cls.stock.sunset_user_ids = cls.users["user"]
        cls.env["integration.sunset.extension"].with_user(cls.users["manager"]).create(
            {
                "flow_id": cls.stock.id,
                "new_date": sunset.today() + timedelta(days=12),
                "reason": "Inventory of the acquired plant moved by two days",
            }
        )

    def shoot(self, name, url, ready, height=800):
        image = capture(self, url, ready, "int_manager", cids=self.cids, height=height)
        save(name, image, SCREENSHOTS_ENV)

    def test_screens_show_windows_freezes_and_sunsets(self):
        flows = "/odoo/action-integration_core.integration_flow_action"
        endpoints = "/odoo/action-integration_core.integration_endpoint_action"
        tab = "(document.querySelector('.o_notebook a[name=%s]') || {click() {}}).click()"
        self.shoot(
            "flow-schedule.png",
            f"{flows}/{self.results.id}",
            f"{tab % 'schedule'}, document.querySelectorAll('.o_field_widget[name=window_ids]"
            " .o_data_row').length === 2 && !!document.querySelector('.o_integration_hold')"
            " && document.querySelector('.o_integration_hold').innerText.includes('Cutover')",
        )
        self.shoot(
            "endpoint-frozen.png",
            f"{endpoints}/{self.data['mes'].id}",
            f"{tab % 'schedule'}, !!document.querySelector('.o_field_widget[name=freeze_ids]"
            " .o_data_row') && document.querySelector('.o_integration_hold').innerText"
            ".includes('Cutover weekend')",
        )
        self.shoot(
            "endpoint-health.png",
            f"{endpoints}/{self.data['mes'].id}",
            f"{tab % 'health'}, document.querySelector('.o_notebook .tab-pane.active')"
            ".innerText.includes('Cutover weekend')",
        )
        self.shoot(
            "health-kanban.png",
            "/odoo/action-integration_core.integration_endpoint_health_action",
            "!!document.querySelector('.o_integration_health_freeze')"
            " && document.querySelector('.o_integration_health_freeze').innerText"
            ".includes('Cutover weekend')",
        )
        self.shoot(
            "freeze-dialog.png",
            f"{flows}/{self.stock.id}",
            "window.__asked || (document.querySelector('button[name=action_freeze]')"
            " && (window.__asked = true, document.querySelector('button[name=action_freeze]')"
            ".click())), !!document.querySelector('.modal .o_form_view [name=name] input')",
        )
        self.shoot(
            "sunset-report.png",
            "/odoo/action-integration_core.integration_sunset_report_action",
            "document.querySelector('.o_list_view .o_data_row')"
            " && document.querySelector('.o_list_view').innerText.includes('legacy.stock')",
        )
        self.shoot(
            "sunset-graph.png",
            "/odoo/action-integration_core.integration_sunset_report_action?view_type=graph",
            "!!document.querySelector('.o_graph_view canvas')",
        )
        self.shoot(
            "dashboard-frozen.png",
            "/odoo/action-integration_core.integration_dashboard_action",
            "!!document.querySelector('.o_integration_freezes')"
            " && document.querySelector('.o_integration_freezes').innerText.includes('Cutover')",
            height=1000,
        )

    def test_a_manager_freezes_and_lifts_a_flow_from_its_form(self):
        message = self.env["integration.message"].enqueue(self.stock, {"ref": "S-9"})
        self.start_tour(
            f"/odoo/action-integration_core.integration_flow_action/{self.stock.id}",
            "integration_freeze_lift",
            login="int_manager",
            cookies={"cids": self.cids},
        )
        freeze = self.stock.freeze_ids
        self.assertEqual(freeze.name, "Stock count weekend")
        self.assertEqual((freeze.user_id, freeze.lifted_by_id), (self.users["manager"],) * 2)
        self.assertEqual(freeze.state, "lifted")
        self.env.invalidate_all()
        self.assertEqual(self.stock.hold_state, "open")
        self.assertEqual(message.state, "pending", "held, then left to the queue")

    def test_a_manager_extends_a_temporary_flow_past_its_sunset(self):
        self.stock.sunset_date = sunset.today()
        self.start_tour(
            f"/odoo/action-integration_core.integration_flow_action/{self.stock.id}",
            "integration_extend_sunset",
            login="int_manager",
            cookies={"cids": self.cids},
        )
        extension = self.stock.sunset_extension_ids[:1]
        self.assertEqual(extension.new_date, date(2031, 1, 15))
        self.assertEqual(
            (extension.old_date, extension.user_id), (sunset.today(), self.users["manager"])
        )
        self.assertEqual(self.stock.sunset_date, date(2031, 1, 15))
