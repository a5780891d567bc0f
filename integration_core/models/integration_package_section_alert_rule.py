"""Package section: the alert rules watching the plant's flows and endpoints."""

from odoo import models


class IntegrationPackageSectionAlertRule(models.AbstractModel):
    """Active alert rules by the endpoint (and flow) they watch and their name, with their
    condition, thresholds and who is told (a user by login, a group by xml id). A rule whose
    responsible user and group are both missing here is skipped: nobody would be told."""

    _name = "integration.package.section.alert.rule"
    _inherit = ["integration.package.section.watcher", "integration.package.section"]
    _description = "Integration Package Section: Alert Rules"
    _package_section = "alert_rules"
    _package_label = "Alert rule"
    _package_model = "integration.alert.rule"
    _package_sequence = 60
    _package_key = ("endpoint", "flow", "name")
    _package_orphan_reason = "what it watches is not imported"

    def _package_fields(self, source):
        return ["condition", "threshold", "window_minutes", "min_attempts", "user_id", "group_id"]

    def _package_plan_item(self, item, target):
        change = super()._package_plan_item(item, target)
        told = change.values.get("user_id") or change.values.get("group_id")
        says_who = "user" in item or "group" in item
        if change.action in ("create", "change") and says_who and not told:
            change.action, change.diffs = "skip", []
            change.notes = ["nobody to tell here: " + "; ".join(change.notes)]
        return change

    def _package_parent_values(self, item, target):
        return {**super()._package_parent_values(item, target), "name": item["name"]}
