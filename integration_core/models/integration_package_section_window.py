"""Package section: the processing windows of the plant's flows and endpoints."""

from odoo import models

from .integration_window import DAY_FIELDS


class IntegrationPackageSectionWindow(models.AbstractModel):
    """Active processing windows by the endpoint (and flow) they schedule and their label
    (days, hours and time zone, e.g. ``Mon-Fri 22:00-04:00 Europe/Berlin``). The label is the
    window's key: a window whose hours changed at the source arrives as another window, and the
    old one stays until a manager archives it (the preview shows the new one to create)."""

    _name = "integration.package.section.window"
    _inherit = "integration.package.section"
    _description = "Integration Package Section: Processing Windows"
    _package_section = "windows"
    _package_label = "Processing window"
    _package_model = "integration.window"
    _package_sequence = 65
    _package_key = ("endpoint", "flow", "name")

    def _package_fields(self, source):
        return [*DAY_FIELDS, "start_hour", "end_hour", "tz"]

    def _package_records(self, scope):
        return self.env[self._package_model].search(
            ["|", ("flow_id", "in", scope.flows.ids), ("endpoint_id", "in", scope.endpoints.ids)]
        )

    def _package_key_values(self, record):
        return {
            "endpoint": (record.flow_id.endpoint_id or record.endpoint_id).code,
            "flow": record.flow_id.code or None,
            "name": record.name,
        }

    def _package_scheduled(self, item, target):
        """The flow or endpoint the window schedules here, and its field."""
        if item["flow"]:
            return target.get("flows", (item["endpoint"], item["flow"])), "flow_id"
        return target.get("endpoints", (item["endpoint"],)), "endpoint_id"

    def _package_find(self, item, target):
        Window = self.env[self._package_model]
        scheduled, field = self._package_scheduled(item, target)
        if scheduled is None:
            return None, "what it schedules is not imported"
        if not scheduled:
            return Window, None
        return Window.search(
            [(field, "=", scheduled.id), ("name", "=", item["name"])], limit=1
        ), None

    def _package_parent_values(self, item, target):
        scheduled, field = self._package_scheduled(item, target)
        return {field: scheduled.id}
