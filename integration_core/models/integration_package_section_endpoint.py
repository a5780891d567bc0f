"""Package section: the plant's endpoints, without their secrets."""

from odoo import models

from ..lib.package_format import PackageError

TO_ENTER = "to be entered"
TO_ISSUE = "to be issued"


class IntegrationPackageSectionEndpoint(models.AbstractModel):
    """Endpoints by code, with their connection settings and never a secret.

    Each item says which secrets its configuration needs (``"secrets": {"credential":
    "to be entered"}``): the outbound credential when its transport authenticates, the
    inbound HMAC secret when it has a service account for signed requests, API keys when
    systems push messages to it. Where it is imported, a note and an activity on the endpoint
    say which of them to enter there. Connectors add the fields of their kind of endpoint by
    extending ``_package_kind_fields``.
    """

    _name = "integration.package.section.endpoint"
    _inherit = "integration.package.section"
    _description = "Integration Package Section: Endpoints"
    _package_section = "endpoints"
    _package_label = "Endpoint"
    _package_model = "integration.endpoint"
    _package_sequence = 10
    _package_key = ("code",)
    _package_extra = ("secrets",)

    def _package_fields(self, source):
        common = [
            "name",
            "system_type",
            "environment",
            "description",
            "sequence",
            "transport",
            "url",
            "verify_tls",
            "connect_timeout",
            "read_timeout",
            "auth_type",
            "username",
            "auth_header",
            "oauth_token_url",
            "oauth_scope",
            "amqp_exchange",
            "amqp_queue",
            "file_root",
            "rate_limit_per_minute",
            "circuit_threshold",
            "circuit_cooldown",
            "inbound_user_id",
        ]
        kind = source.get("system_type") if isinstance(source, dict) else source.system_type
        return common + self._package_kind_fields().get(kind, [])

    def _package_kind_fields(self):
        """``{system kind: [field, ...]}``: the fields a connector adds to its endpoints."""
        return {}

    def _package_records(self, scope):
        return scope.endpoints

    def _package_key_values(self, record):
        return {"code": record.code}

    def _package_item(self, record):
        item = super()._package_item(record)
        item["secrets"] = self._package_secrets(record)
        return item

    def _package_secrets(self, endpoint):
        """Which secrets the endpoint's configuration needs, never their values."""
        needs = {}
        if (endpoint.transport == "http" and endpoint.auth_type != "none") or (
            endpoint.transport == "amqp" and endpoint.username
        ):
            needs["credential"] = TO_ENTER
        if endpoint.inbound_user_id:
            needs["inbound_hmac_secret"] = TO_ENTER
        if endpoint.flow_ids.filtered(lambda f: f.direction == "inbound" and f.trigger == "push"):
            needs["api_key"] = TO_ISSUE
        return needs

    def _package_modules(self, records):
        """The core, and the connectors that declare the kinds of the endpoints."""
        selections = (
            self.env["ir.model.fields.selection"]
            .sudo()
            .search(
                [
                    ("field_id.model", "=", self._package_model),
                    ("field_id.name", "=", "system_type"),
                    ("value", "in", records.mapped("system_type")),
                ]
            )
        )
        xmlids = selections.get_external_id().values()
        return super()._package_modules(records) | {x.split(".")[0] for x in xmlids if x}

    def _package_find(self, item, target):
        Endpoint = self.env[self._package_model]
        found = (
            Endpoint.sudo().with_context(active_test=False).search([("code", "=", item["code"])])
        )
        if not found:
            return Endpoint, None
        if found.company_id != target.company:
            return None, f"code {item['code']} is used here by {found.company_id.name}"
        if not found.active:
            return None, f"endpoint {item['code']} is archived here: unarchive it first"
        return Endpoint.browse(found.id), None

    def _package_parent_values(self, item, target):
        return {"code": item["code"], "company_id": target.company.id}

    def _package_diff(self, record, item):
        # The secrets statement follows from the settings compared: never a difference itself.
        return super()._package_diff(record, {k: v for k, v in item.items() if k != "secrets"})

    def _package_plan_item(self, item, target):
        if not isinstance(item.get("secrets", {}), dict):
            raise PackageError(f"{self._package_what(item)}: secrets must be an object.")
        change = super()._package_plan_item(item, target)
        missing = self._package_missing_secrets(change.record, item)
        if missing and change.action != "skip":
            change.notes.append(f"to enter here: {', '.join(missing)}")
        return change

    def _package_missing_secrets(self, endpoint, item):
        """The secrets ``item`` needs that ``endpoint`` (maybe empty) does not have here."""
        stored = endpoint.sudo()
        have = {
            "credential": bool(stored.secret_ciphertext),
            "inbound_hmac_secret": bool(stored.inbound_hmac_ciphertext),
            "api_key": bool(stored.api_key_ids.filtered("active")),
        }
        labels = self._package_secret_labels()
        return [
            labels.get(name, name)
            for name in sorted(item.get("secrets") or {})
            if not have.get(name)
        ]

    def _package_secret_labels(self):
        return {
            "credential": self.env._("the credential"),
            "inbound_hmac_secret": self.env._("the inbound HMAC secret"),
            "api_key": self.env._("API keys for the systems that push messages"),
        }

    def _package_apply(self, change, target):
        endpoint = super()._package_apply(change, target)
        if change.action not in ("create", "change"):
            return endpoint
        missing = self._package_missing_secrets(endpoint, change.item)
        if missing:
            body = self.env._(
                "Imported from a configuration package without its secrets. To enter here: %s.",
                ", ".join(missing),
            )
            endpoint._message_log(body=body)
            endpoint.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.env.uid,
                summary=self.env._("Enter the secrets of %s", endpoint.code),
                note=body,
            )
        return endpoint
