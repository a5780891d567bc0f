import base64
import os
import pathlib
import time

from odoo.tests import HttpCase, tagged
from odoo.tests.common import HOST, ChromeBrowser

from .cockpit_data import make_cockpit_data
from .common import make_integration_users, with_encryption_key

# Set to a folder (e.g. readme/images) to write the README's screenshots there.
IMAGES_ENV = "INTEGRATION_README_IMAGES"
PNG_LIMIT = 300 * 1024


def capture(case, url, ready, height=800, login="int_user"):
    """A PNG of ``url`` seen by ``login`` (an integration user) once ``ready`` (JS) holds,
    taken by the HttpCase ``case`` (its ``cids`` cookie: the companies shown)."""
    browser = ChromeBrowser(case)
    try:
        browser._websocket_request(
            "Emulation.setDeviceMetricsOverride",
            params={"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        case.http_request_key = case.canonical_tag + "_browser_js"
        case.authenticate(login, login, browser=browser)
        browser.set_cookie("cids", case.cids, "/", HOST)
        case.cr.flush()
        case.cr.clear()
        browser.navigate_to(case.base_url() + url, wait_stop=True)
        case.assertTrue(browser._wait_ready(ready), f"{url}: {ready} never held")
        time.sleep(1.5)  # let counters and bars finish their animation
        shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
    finally:
        browser.stop()
        case._wait_remaining_requests()
        case.http_request_key = case.canonical_tag
    image = base64.b64decode(shot["data"])
    case.assertTrue(image.startswith(b"\x89PNG"))
    case.assertLess(len(image), PNG_LIMIT, f"{url}: keep README images small")
    return image


@tagged("post_install", "-at_install")
class TestCockpitScreenshots(HttpCase):
    """The README's screenshots, taken in Chromium on demo-like data: each screen must show
    its content, and each image must stay small."""

    browser_size = "1280x800"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = make_integration_users(cls.env)
        cls.data = make_cockpit_data(cls.env)
        plants = cls.data["plants"]
        cls.users["user"].write(
            {"company_ids": [(4, c.id) for c in plants], "company_id": plants[0].id}
        )
        cls.cids = "-".join(str(c.id) for c in plants)

    def save(self, name, image):
        folder = os.environ.get(IMAGES_ENV)
        if folder:
            path = pathlib.Path(folder)
            path.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(image)

    def test_readme_screenshots(self):
        dashboard = capture(
            self,
            "/odoo/action-integration_core.integration_dashboard_action",
            "!!document.querySelector('.o_integration_latency .o_latency_row')",
            height=1180,
        )
        self.save("dashboard.png", dashboard)
        kanban = capture(
            self,
            "/odoo/action-integration_core.integration_exception_action",
            "document.querySelectorAll('.o_kanban_record:not(.o_kanban_ghost)').length >= 3",
        )
        self.save("exceptions-kanban.png", kanban)
        card = capture(
            self,
            f"/odoo/action-integration_core.integration_exception_action/{self.data['card'].id}",
            "!!document.querySelector('.o_form_view .alert-danger')",
        )
        self.save("exception-card.png", card)
