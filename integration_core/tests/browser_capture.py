"""Screenshots of the web client in headless Chromium, for the README and for looking at screens.

``capture`` logs in, opens a URL (and, optionally, runs an action there, e.g. a wizard), waits
until a JavaScript condition holds and returns a PNG. ``save`` writes it into the folder named
by ``INTEGRATION_README_IMAGES`` (or ``INTEGRATION_SCREENSHOTS``), when set.
"""

import base64
import json
import os
import pathlib
import time

from odoo.tests.common import HOST, ChromeBrowser

IMAGES_ENV = "INTEGRATION_README_IMAGES"
SCREENSHOTS_ENV = "INTEGRATION_SCREENSHOTS"
WEB_CLIENT_READY = "!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)"


def capture(case, url, ready, login, cids=None, height=800, action=None):
    """A PNG of ``url`` seen by ``login`` once ``ready`` (JS) holds; ``action`` (a dict or an
    xml id) is opened by the web client's action service first."""
    browser = ChromeBrowser(case)
    try:
        browser._websocket_request(
            "Emulation.setDeviceMetricsOverride",
            params={"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        case.http_request_key = case.canonical_tag + "_browser_js"
        case.authenticate(login, login, browser=browser)
        if cids:
            browser.set_cookie("cids", cids, "/", HOST)
        case.cr.flush()
        case.cr.clear()
        browser.navigate_to(case.base_url() + url, wait_stop=True)
        if action:
            case.assertTrue(browser._wait_ready(WEB_CLIENT_READY), f"{url}: no web client")
            browser._websocket_request(
                "Runtime.evaluate",
                params={
                    "expression": "odoo.__WOWL_DEBUG__.root.env.services.action.doAction("
                    f"{json.dumps(action)})",
                    "awaitPromise": True,
                },
                timeout=60,
            )
        case.assertTrue(browser._wait_ready(ready), f"{url}: {ready} never held")
        time.sleep(1.5)  # let counters, bars and dialogs finish their animation
        shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
    finally:
        browser.stop()
        case._wait_remaining_requests()
        case.http_request_key = case.canonical_tag
    image = base64.b64decode(shot["data"])
    case.assertTrue(image.startswith(b"\x89PNG"))
    return image


def save(name, image, env_name=IMAGES_ENV):
    folder = os.environ.get(env_name)
    if folder:
        path = pathlib.Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(image)
