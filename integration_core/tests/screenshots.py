"""Screenshots of the web client in Chromium, for tests that look at screens and for the
README's images (written when INTEGRATION_README_IMAGES names a folder)."""

import base64
import os
import pathlib
import time

from odoo.tests.common import HOST, ChromeBrowser

# Set to a folder (e.g. readme/images) to write the README's screenshots there.
IMAGES_ENV = "INTEGRATION_README_IMAGES"
PNG_LIMIT = 300 * 1024


class ScreenshotMixin:
    """For an ``HttpCase`` whose class sets ``cids`` (the companies the screens show)."""

    def capture(self, url, ready, height=800):
        """A PNG of ``url`` seen by an integration user once ``ready`` (JS) holds."""
        browser = ChromeBrowser(self)
        try:
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False},
            )
            self.http_request_key = self.canonical_tag + "_browser_js"
            self.authenticate("int_user", "int_user", browser=browser)
            browser.set_cookie("cids", self.cids, "/", HOST)
            self.cr.flush()
            self.cr.clear()
            browser.navigate_to(self.base_url() + url, wait_stop=True)
            self.assertTrue(browser._wait_ready(ready), f"{url}: {ready} never held")
            time.sleep(1.5)  # let counters and bars finish their animation
            shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
        finally:
            browser.stop()
            self._wait_remaining_requests()
            self.http_request_key = self.canonical_tag
        image = base64.b64decode(shot["data"])
        self.assertTrue(image.startswith(b"\x89PNG"))
        self.assertLess(len(image), PNG_LIMIT, f"{url}: keep README images small")
        return image

    def save(self, name, image):
        folder = os.environ.get(IMAGES_ENV)
        if folder:
            path = pathlib.Path(folder)
            path.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(image)
