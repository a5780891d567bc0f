"""Package section: the processing windows of the plant's flows and endpoints."""

from odoo import models

from .integration_window import DAY_FIELDS


class IntegrationPackageSectionWindow(models.AbstractModel):
    """Active processing windows by the endpoint (and flow) they schedule and their label
    (days, hours and time zone, e.g. ``Mon-Fri 22:00-04:00 Europe/Berlin``). The label is the
    window's key: a window whose hours changed at the source arrives as another window, and the
    old one stays until a manager archives it (the preview shows the new one to create)."""

    _name = "integration.package.section.window"
    _inherit = ["integration.package.section.watcher", "integration.package.section"]
    _description = "Integration Package Section: Processing Windows"
    _package_section = "windows"
    _package_label = "Processing window"
    _package_model = "integration.window"
    _package_sequence = 65
    _package_key = ("endpoint", "flow", "name")
    _package_orphan_reason = "what it schedules is not imported"

    def _package_fields(self, source):
        return [*DAY_FIELDS, "start_hour", "end_hour", "tz"]
