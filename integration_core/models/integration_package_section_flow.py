"""Package section: the flows of the plant's endpoints, imported as drafts."""

from odoo import models

# How an inbound flow reads its source (file format, pull settings, payload mapping); not the
# watermark, pause or last result, which are the flow's operation here.
SOURCE_FIELDS = (
    "file_format_id",
    "pull_path",
    "pull_page_size",
    "pull_overlap_seconds",
    "pull_since_param",
    "pull_items_key",
    "pull_id_key",
    "pull_updated_key",
    "pull_domain",
    "pull_fields",
    "pull_lines_field",
    "pull_line_fields",
    "payload_map",
)


class IntegrationPackageSectionFlow(models.AbstractModel):
    """Flows by endpoint code and flow code, with their settings (including how they read a
    source and their reconciler); never their state or where a pull has got to.

    A new flow arrives as a draft, to be approved and activated there. A changed flow that is
    still a draft is updated. A changed flow that is approved, active or retired keeps running
    as it is: the changes wait on the flow (*Imported changes*) until a manager applies them.
    """

    _name = "integration.package.section.flow"
    _inherit = "integration.package.section"
    _description = "Integration Package Section: Flows"
    _package_section = "flows"
    _package_label = "Flow"
    _package_model = "integration.flow"
    _package_sequence = 20
    _package_key = ("endpoint", "code")

    def _package_fields(self, source):
        return [
            "name",
            "sequence",
            "direction",
            "trigger",
            "handler",
            "ordering_key_path",
            "sequence_path",
            "sequence_key_path",
            "batch_size",
            "max_attempts",
            "retry_base_seconds",
            "retry_cap_seconds",
            "lease_seconds",
            "waiting_deadline_minutes",
            "sla_minutes",
            "lifecycle",
            "sunset_date",
            "request_method",
            "request_path",
            "retention_days",
            "description",
            "runbook",
            "reconciler",
            "reconcile_interval_hours",
            *SOURCE_FIELDS,
        ]

    def _package_records(self, scope):
        return scope.flows

    def _package_key_values(self, record):
        return {"endpoint": record.endpoint_id.code, "code": record.code}

    def _package_modules(self, records):
        """The core, and the addons of the flows' handlers."""
        handlers = {self.env[name]._original_module for name in set(records.mapped("handler"))}
        return super()._package_modules(records) | handlers

    def _package_find(self, item, target):
        Flow = self.env[self._package_model]
        endpoint = target.get("endpoints", (item["endpoint"],))
        if endpoint is None:
            return None, f"its endpoint {item['endpoint']} is not imported"
        if not endpoint:
            return Flow, None
        found = Flow.with_context(active_test=False).search(
            [("endpoint_id", "=", endpoint.id), ("code", "=", item["code"])]
        )
        if found and not found.active:
            return None, "archived here (retired): unarchive it first"
        return found, None

    def _package_parent_values(self, item, target):
        endpoint = target.get("endpoints", (item["endpoint"],))
        return {"endpoint_id": endpoint.id, "code": item["code"]}

    def _package_plan_item(self, item, target):
        change = super()._package_plan_item(item, target)
        if change.action == "change" and change.record.state != "draft":
            state = dict(change.record._fields["state"]._description_selection(self.env))
            change.notes.append(
                f"{state[change.record.state].lower()} here: it keeps running as it is; the "
                "changes wait on the flow until a manager applies them"
            )
        return change

    def _package_update(self, record, change, target):
        values = self._package_changed_values(record, change)
        if record.state == "draft":
            record.write(values)
        else:
            record._package_hold_changes(values)
