"""The access matrix: every model of the suite x every role x read/write/create/unlink, and every
public method of the integration models called by every role, refused or allowed as designed.

A new model or public method fails this test until it is classified here: deciding who may
call it is part of adding it.
"""

import base64
import inspect

from odoo import models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..lib import package_format
from .common import with_encryption_key

SUITE = (
    "integration_core",
    "integration_stock",
    "integration_mes",
    "integration_wms",
    "integration_legacy_erp",
)
ROLES = ("plain", "service", "user", "manager")
API = "base.group_user,integration_core.group_integration_api"
GROUPS = {
    "plain": "base.group_user",
    "service": API,
    "user": "integration_core.group_integration_user",
    "manager": "integration_core.group_integration_manager",
}
READ, ALL, NONE = "r---", "rwcu", "----"
# Model: rights of (plain internal user, service account, Integration User, Manager).
CORE_RIGHTS = {
    # Service accounts read no configuration: they enqueue by code and read their messages.
    "integration.endpoint": (NONE, NONE, READ, ALL),
    "integration.flow": (NONE, NONE, READ, ALL),
    "integration.api.key": (NONE, NONE, NONE, ALL),
    # Read only for everybody: the enqueue API and the actions change messages.
    "integration.message": (NONE, READ, READ, READ),
    "integration.message.attempt": (NONE, READ, READ, READ),
    "integration.message.edit": (NONE, NONE, READ, READ),
    # Written by the queue alone (one INSERT per batch): people read what a message did.
    "integration.message.effect": (NONE, NONE, READ, READ),
    "integration.message.report": (NONE, NONE, READ, READ),
    "integration.message.summary": (NONE, NONE, READ, READ),
    "integration.exception": (NONE, NONE, "rw--", ALL),
    "integration.xref": (NONE, NONE, READ, ALL),
    "integration.ownership": (NONE, NONE, READ, ALL),
    "integration.file.record": (NONE, NONE, READ, ALL),
    "integration.value.map": (NONE, NONE, READ, ALL),
    "integration.value.map.line": (NONE, NONE, READ, ALL),
    "integration.mapping": (NONE, NONE, READ, ALL),
    "integration.mapping.line": (NONE, NONE, READ, ALL),
    "integration.alert.rule": (NONE, NONE, READ, ALL),
    "integration.mapping.preview": (NONE, NONE, ALL, ALL),
    "integration.message.replay": (NONE, NONE, ALL, ALL),
    "integration.exception.ignore": (NONE, NONE, ALL, ALL),
    "integration.xref.import": (NONE, NONE, NONE, ALL),
    "integration.catalog.entry": (NONE, NONE, READ, ALL),
    # Written by the queue's sequence gating only: people read where a key stands.
    "integration.sequence.gate": (NONE, NONE, READ, READ),
    "integration.connect": (NONE, NONE, NONE, "rwc-"),
    # Written by the comparison and by managers' decisions only (through the wizard).
    "integration.reconciliation.run": (NONE, NONE, READ, READ),
    "integration.reconciliation.line": (NONE, NONE, READ, READ),
    "integration.reconciliation.chunk": (NONE, NONE, READ, READ),
    "integration.reconciliation.decide": (NONE, NONE, NONE, ALL),
    # Configuration packages, plant templates and the environment tag: managers only; the
    # record of each import is read by people and written by the import alone.
    "integration.package.export": (NONE, NONE, NONE, "rwc-"),
    "integration.package.import": (NONE, NONE, NONE, "rwc-"),
    "integration.package.import.line": (NONE, NONE, NONE, ALL),
    "integration.package.history": (NONE, NONE, READ, READ),
    "integration.plant.template": (NONE, NONE, NONE, "rwc-"),
    "integration.environment.tag": (NONE, NONE, NONE, "rwc-"),
    # Managers configure windows and freezes (kept as history: never deleted) and extend
    # temporary flows (an insert-only history); integration users read them all.
    "integration.window": (NONE, NONE, READ, ALL),
    "integration.freeze": (NONE, NONE, READ, "rwc-"),
    "integration.sunset.extension": (NONE, NONE, READ, "r-c-"),
    "integration.sunset.report": (NONE, NONE, READ, READ),
    # Legacy sources: managers describe file formats and run initial loads; users read them.
    "integration.file.format": (NONE, NONE, READ, ALL),
    "integration.file.format.column": (NONE, NONE, READ, ALL),
    "integration.initial.load": (NONE, NONE, READ, ALL),
    # Connector models with rights of their own. A legacy record that looks like a duplicate:
    # integration users choose the record to link (and decide through the actions).
    "integration.legacy.match": (NONE, NONE, "rw--", ALL),
}
# Connector models: readable by integration users, changed by managers only.
CONNECTOR_RIGHTS = (NONE, NONE, READ, ALL)
OPERATIONS = dict(zip("rwcu", ("read", "write", "create", "unlink"), strict=True))
USERS, MANAGERS, SERVICE = {"user", "manager"}, {"manager"}, {"service", "manager"}
# (model, method): (roles allowed, arguments). Records are the fixture of the model.
METHODS = {
    ("integration.api.key", "action_issue_secret"): (MANAGERS, ()),
    ("integration.endpoint", "action_rotate_secrets"): (MANAGERS, ()),
    ("integration.endpoint", "action_test_connection"): (USERS, ()),
    ("integration.flow", "action_approve"): (MANAGERS, ()),
    ("integration.flow", "action_activate"): (MANAGERS, ()),
    ("integration.flow", "action_reset_to_draft"): (MANAGERS, ()),
    ("integration.flow", "action_retire"): (MANAGERS, ()),
    ("integration.flow", "action_pause"): (MANAGERS, ()),
    ("integration.flow", "action_resume"): (MANAGERS, ()),
    ("integration.flow", "action_view_messages"): (USERS, ()),
    ("integration.flow", "action_freeze"): (MANAGERS, ()),
    ("integration.flow", "action_lift_freeze"): (MANAGERS, ()),
    ("integration.flow", "action_extend_sunset"): (MANAGERS, ()),
    ("integration.endpoint", "action_freeze"): (MANAGERS, ()),
    ("integration.endpoint", "action_lift_freeze"): (MANAGERS, ()),
    ("integration.freeze", "action_lift"): (MANAGERS, ()),
    ("integration.message", "enqueue"): (SERVICE, ("flow", {"ref": "M"})),
    ("integration.message", "enqueue_batch"): (SERVICE, ("flow", [{"payload": {}}])),
    ("integration.message", "enqueue_external"): (SERVICE, ("MX_A", "contacts", {})),
    ("integration.message", "enqueue_outbound"): (MANAGERS, ("MX_A", "orders", {})),
    ("integration.message", "get_status"): (SERVICE | USERS, ("message_ids",)),
    ("integration.message", "get_payload"): (USERS, ()),
    ("integration.message", "get_payload_json"): (USERS, ()),
    ("integration.message", "get_headers"): (USERS, ()),
    ("integration.message", "action_retry"): (USERS, ()),
    ("integration.message", "action_cancel"): (USERS, ()),
    ("integration.mapping", "action_new_version"): (MANAGERS, ()),
    ("integration.mapping", "action_submit"): (MANAGERS, ()),
    ("integration.mapping", "action_approve"): (MANAGERS, ()),
    ("integration.mapping", "action_reject"): (MANAGERS, ()),
    ("integration.mapping", "action_preview"): (USERS, ()),
    ("integration.exception", "action_retry"): (USERS, ()),
    ("integration.exception", "action_assign_to_me"): (USERS, ()),
    ("integration.exception", "action_open_ignore"): (USERS, ()),
    ("integration.exception", "action_open_related"): (USERS, ()),
    ("integration.message.replay", "action_replay"): (USERS, ()),
    ("integration.mapping.preview", "action_preview"): (USERS, ()),
    ("integration.exception.ignore", "action_ignore"): (USERS, ()),
    ("integration.xref.import", "action_import"): (MANAGERS, ()),
    ("integration.connect", "action_connect"): (MANAGERS, ()),
    ("integration.flow", "action_request_statement"): (MANAGERS, ()),
    ("integration.exception", "action_open_reconciliation_decision"): (MANAGERS, ()),
    ("integration.reconciliation.run", "action_open_decision"): (MANAGERS, ()),
    ("integration.reconciliation.run", "action_view_lines"): (USERS, ()),
    ("integration.reconciliation.line", "action_open_decision"): (MANAGERS, ()),
    ("integration.reconciliation.decide", "action_confirm"): (MANAGERS, ()),
    ("integration.flow", "action_apply_imported_changes"): (MANAGERS, ()),
    ("integration.flow", "action_discard_imported_changes"): (MANAGERS, ()),
    ("integration.package.export", "action_export"): (MANAGERS, ()),
    ("integration.package.import", "action_preview"): (MANAGERS, ()),
    ("integration.package.import", "action_apply"): (MANAGERS, ()),
    ("integration.package.import", "action_back"): (MANAGERS, ()),
    ("integration.plant.template", "action_preview"): (MANAGERS, ()),
    ("integration.environment.tag", "action_set"): (MANAGERS, ()),
    ("integration.initial.load", "action_start"): (MANAGERS, ()),
    ("integration.initial.load", "action_cancel"): (MANAGERS, ()),
    ("integration.legacy.match", "action_link"): (USERS, ()),
    ("integration.legacy.match", "action_create_new"): (USERS, ()),
    ("integration.legacy.match", "action_open_exception"): (USERS, ()),
    ("integration.exception", "action_open_legacy_match"): (USERS, ()),
}
# Tested with the production guard it belongs to (issue 12, item 1), not here.
ELSEWHERE = {("integration.endpoint", "action_declare_production_database")}


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestSecurityMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.users = {
            role: new_test_user(cls.env, login=f"matrix_{role}", groups=groups)
            for role, groups in GROUPS.items()
        }
        cls.endpoint = cls.env["integration.endpoint"].create(
            {"name": "Matrix", "code": "MX_A", "environment": "test"}
        )
        flow_values = {"endpoint_id": cls.endpoint.id, "handler": "integration.handler.partner"}
        cls.flow = cls.env["integration.flow"].create(
            dict(flow_values, name="contacts", code="contacts", direction="inbound", state="active")
        )
        cls.outbound = cls.env["integration.flow"].create(
            dict(flow_values, name="orders", code="orders", direction="outbound", state="active")
        )
        cls.key = cls.env["integration.api.key"].create(
            {"name": "K", "endpoint_id": cls.endpoint.id, "user_id": cls.users["service"].id}
        )
        Message = cls.env["integration.message"]
        cls.message = Message.enqueue(cls.flow, {"ref": "MX-1"}, idempotency_key="mx-1")
        cls.message.write({"state": "failed", "error": "bad"})
        cls.exception = cls.env["integration.exception"]._record_failure(
            cls.message, "validation", "bad"
        )
        cls.recon_run = cls.env["integration.reconciliation.run"].create(
            {
                "name": "MX-ST-1",
                "endpoint_id": cls.endpoint.id,
                "entity": "matrix",
                "scope": "all",
                "coverage": "full",
                "as_of": "2026-12-07 06:00:00",
                "state": "to_review",
            }
        )
        cls.line = cls.env["integration.reconciliation.line"].create(
            {"run_id": cls.recon_run.id, "company_id": cls.recon_run.company_id.id, "key": "K1"}
        )
        cls.package = package_format.dumps(
            cls.env["integration.package"]._export(cls.env.company, cls.endpoint)
        )
        cls.initial_load = cls.env["integration.initial.load"].create(
            {"flow_id": cls.flow.id, "file_path": "initial/contacts.csv"}
        )
        cls.freeze = cls.env["integration.freeze"].create(
            {"flow_id": cls.outbound.id, "name": "Matrix cutover"}
        )
        cls.legacy_match = cls.env["integration.legacy.match"].create(
            {
                "endpoint_id": cls.endpoint.id,
                "kind": "item",
                "external_code": "MX-ITEM",
                "exception_id": cls.exception.id,
            }
        )
        cls.mapping = cls.env["integration.mapping"].create(
            {
                "name": "M",
                "flow_id": cls.flow.id,
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
            }
        )

    def suite_models(self):
        model_ids = (
            self.env["ir.model.data"]
            .search([("module", "in", SUITE), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
        return [
            model.model
            for model in self.env["ir.model"].browse(model_ids)
            if model.model.startswith("integration.") and not self.env[model.model]._abstract
        ]

    def test_every_model_of_the_suite_has_access_rules(self):
        names = self.suite_models()
        self.assertGreaterEqual(len(names), len(CORE_RIGHTS))
        for name in names:
            model = self.env["ir.model"]._get(name)
            self.assertTrue(model.access_ids, f"{name} has no access rules")

    def test_crud_matrix(self):
        for name in self.suite_models():
            if self.env[name]._original_module == "integration_core":
                self.assertIn(name, CORE_RIGHTS, "decide who may do what and add it")
            rights = CORE_RIGHTS.get(name, CONNECTOR_RIGHTS)
            for role, granted in zip(ROLES, rights, strict=True):
                Model = self.env[name].with_user(self.users[role])
                for letter, operation in OPERATIONS.items():
                    self.assertEqual(
                        Model.has_access(operation),
                        letter in granted,
                        f"{role} {operation} {name}",
                    )

    def public_methods(self):
        """(model, method) of every public method the suite's addons define."""
        found = set()
        for name in self.suite_models():
            for cls in type(self.env[name]).__mro__:
                if not cls.__module__.startswith(tuple(f"odoo.addons.{m}." for m in SUITE)):
                    continue
                for attribute, value in vars(cls).items():
                    if attribute.startswith("_") or not inspect.isfunction(value):
                        continue
                    if getattr(models.BaseModel, attribute, None) is not None:
                        continue  # an ORM method the model overrides (create, write...)
                    found.add((name, attribute))
        return found

    def test_every_public_method_is_classified(self):
        unclassified = self.public_methods() - set(METHODS) - ELSEWHERE
        self.assertFalse(unclassified, "decide who may call these and add them to METHODS")

    def test_public_methods_per_role(self):
        for (model, method), (allowed, args) in METHODS.items():
            for role in ROLES:
                outcome = self.call(role, model, method, args)
                expected = "allowed" if role in allowed else "refused"
                self.assertEqual(outcome, expected, f"{role} calling {model}.{method}")

    def call(self, role, model, method, args):
        """'refused' (AccessError) or 'allowed' (done, or refused for a business reason)."""
        user = self.users[role]
        records = self.fixture(model, user).with_user(user)
        args = [self.argument(arg) for arg in args]
        try:
            with self.env.cr.savepoint():
                getattr(records, method)(*args)
                raise _Rollback()
        except _Rollback:
            outcome = "allowed"
        except AccessError:
            outcome = "refused"
        except (UserError, ValidationError):
            outcome = "allowed"
        self.env.invalidate_all()
        return outcome

    def argument(self, arg):
        if not isinstance(arg, str):
            return arg
        return {"flow": self.flow.id, "message_ids": self.message.ids}.get(arg, arg)

    def fixture(self, model, user):
        """A record of ``model`` the role works on (a wizard of its own when it may make one)."""
        wizard_values = {
            "integration.message.replay": {
                "message_id": self.message.id,
                "payload": '{"ref": "MX-2"}',
                "reason": "fix",
                "process_now": False,
            },
            "integration.mapping.preview": {"mapping_id": self.mapping.id, "payload": "{}"},
            "integration.exception.ignore": {
                "exception_ids": [(6, 0, self.exception.ids)],
                "reason": "known",
            },
            "integration.xref.import": {
                "endpoint_id": self.endpoint.id,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "match_field_id": self.env["ir.model.fields"]._get("res.partner", "ref").id,
                "file": base64.b64encode(b"code,value\nC1,R1\n"),
            },
            "integration.reconciliation.decide": {"run_id": self.recon_run.id},
            "integration.package.export": {"company_id": self.env.company.id},
            "integration.package.import": {
                "package_file": base64.b64encode(self.package),
                "company_id": self.env.company.id,
            },
            "integration.plant.template": {
                "source_company_id": self.env.company.id,
                "target_company_id": self.env.company.id,
                "code_to": "MX_COPY_",
            },
            "integration.environment.tag": {"tag": "development"},
            "integration.connect": {
                "system_type": self.env["integration.catalog.entry"]
                .search([], limit=1)
                .system_type,
                "name": "Matrix connect",
                "code": f"MX_CONNECT_{user.id}",
            },
        }
        if model in wizard_values:
            Wizard = self.env[model]
            if Wizard.with_user(user).has_access("create"):
                Wizard = Wizard.with_user(user)
            return Wizard.create(wizard_values[model]).sudo(False)
        return {
            "integration.api.key": self.key,
            "integration.endpoint": self.endpoint,
            "integration.flow": self.outbound,
            "integration.message": self.message,
            "integration.mapping": self.mapping,
            "integration.exception": self.exception,
            "integration.reconciliation.run": self.recon_run,
            "integration.reconciliation.line": self.line,
            "integration.freeze": self.freeze,
            "integration.initial.load": self.initial_load,
            "integration.legacy.match": self.legacy_match,
        }[model]
