"""A plant with a whole integration configuration, for the configuration package tests."""

import base64

from odoo.tests import TransactionCase, new_test_user

from ..lib import package_format
from .common import with_encryption_key

CREDENTIAL = "clear-credential-Kq81"
HMAC_SECRET = "clear-hmac-secret-Zr55"
MANAGER = "integration_core.group_integration_manager"


def plant_configuration(env, company, prefix="PK1"):
    """Endpoints, flows, an approved mapping with nested lines, value maps, ownership and
    alert rules, an API key and secrets of ``company``; returns the records by name."""
    service = new_test_user(
        env,
        login=f"{prefix.lower()}_service",
        groups="base.group_user,integration_core.group_integration_api",
        company_id=company.id,
        company_ids=[(6, 0, company.ids)],
    )
    Endpoint = env["integration.endpoint"]
    erp = Endpoint.create(
        {
            "name": f"{prefix} legacy ERP",
            "code": f"{prefix}_ERP",
            "company_id": company.id,
            "environment": "test",
            "transport": "http",
            "url": "https://erp.plant.example/api",
            "auth_type": "bearer",
            "secret": CREDENTIAL,
            "inbound_hmac_secret": HMAC_SECRET,
            "inbound_user_id": service.id,
            "read_timeout": 12.5,
            "description": "The plant's old ERP.",
        }
    )
    wms = Endpoint.create(
        {
            "name": f"{prefix} WMS",
            "code": f"{prefix}_WMS",
            "company_id": company.id,
            "environment": "test",
            "transport": "file",
            "file_root": "/srv/wms",
        }
    )
    key = env["integration.api.key"].create(
        {"name": "ERP server", "endpoint_id": erp.id, "user_id": service.id}
    )
    api_key = key._issue()
    Flow = env["integration.flow"]
    items = Flow.create(
        {
            "name": "Items from the ERP",
            "code": "item.master",
            "endpoint_id": erp.id,
            "direction": "inbound",
            "handler": "integration.handler.mapping",
            "ordering_key_path": "item",
            "lifecycle": "temporary",
            "sunset_date": "2027-06-30",
            "runbook": "<p>Call the ERP team.</p>",
        }
    )
    orders = Flow.create(
        {
            "name": "Orders to the ERP",
            "code": "orders.out",
            "endpoint_id": erp.id,
            "direction": "outbound",
            "trigger": "event",
            "handler": "integration.handler.passthrough",
            "request_path": "/orders",
            "max_attempts": 4,
        }
    )
    stock = Flow.create(
        {
            "name": "Stock from the WMS",
            "code": "stock.level",
            "endpoint_id": wms.id,
            "direction": "inbound",
            "handler": "integration.handler.noop",
        }
    )
    kinds = env["integration.value.map"].create(
        {
            "name": "item_kind",
            "endpoint_id": erp.id,
            "flow_id": items.id,
            "description": "Legacy item kinds.",
            "line_ids": [
                (0, 0, {"external_value": "FG", "internal_value": "consu", "note": "finished"}),
                (0, 0, {"external_value": "SV", "internal_value": "service"}),
            ],
        }
    )
    units = env["integration.value.map"].create(
        {
            "name": "unit",
            "endpoint_id": erp.id,
            "line_ids": [(0, 0, {"external_value": "ST", "internal_value": "Units"})],
        }
    )
    mapping = env["integration.mapping"].create(
        {
            "name": "Legacy items",
            "flow_id": items.id,
            "model_id": env["ir.model"]._get_id("res.partner"),
            "key_path": "item",
            "note": "First version.",
        }
    )
    Line = env["integration.mapping.line"]
    Line.create(
        [
            {
                "mapping_id": mapping.id,
                "sequence": 1,
                "source": "item",
                "target": "ref",
                "required": True,
                "transforms": "strip | upper",
            },
            {
                "mapping_id": mapping.id,
                "sequence": 2,
                "source": "description",
                "target": "name",
                "default": "Unnamed",
            },
        ]
    )
    contacts = Line.create(
        {
            "mapping_id": mapping.id,
            "sequence": 3,
            "source": "contacts",
            "target": "child_ids",
            "has_children": True,
        }
    )
    Line.create({"parent_id": contacts.id, "source": "name", "target": "name", "sequence": 1})
    items.action_approve()
    items.action_activate()
    Ownership = env["integration.ownership"]
    ownership = Ownership.create(
        [
            {
                "model_id": env["ir.model"]._get_id("res.partner"),
                "field_id": env["ir.model.fields"]._get("res.partner", "ref").id,
                "owner": "endpoint",
                "endpoint_id": erp.id,
                "company_id": company.id,
                "note": "Until the item master moves.",
            },
            {
                "model_id": env["ir.model"]._get_id("res.partner"),
                "owner": "odoo",
                "company_id": company.id,
            },
        ]
    )
    alert = env["integration.alert.rule"].create(
        {
            "name": "Item backlog",
            "flow_id": items.id,
            "condition": "backlog",
            "threshold": 50,
            "user_id": env.ref("base.user_admin").id,
            "group_id": env.ref("integration_core.group_integration_user").id,
        }
    )
    windows = env["integration.window"].create(
        [
            {
                "flow_id": items.id,
                "start_hour": 22.0,
                "end_hour": 4.0,
                "tz": "Europe/Berlin",
            },
            {
                "endpoint_id": wms.id,
                **dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), False),
                "sat": True,
                "start_hour": 6.0,
                "end_hour": 12.0,
                "tz": "UTC",
            },
        ]
    )
    return {
        "erp": erp,
        "wms": wms,
        "windows": windows,
        "items": items,
        "orders": orders,
        "stock": stock,
        "kinds": kinds,
        "units": units,
        "mapping": mapping,
        "ownership": ownership,
        "alert": alert,
        "service": service,
        "api_key": api_key,
        "key": key,
    }


class PackageCase(TransactionCase):
    """Plant PK1 (a company) with its configuration, and an integration manager of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.plant = cls.env["res.company"].create({"name": "Package Plant 1"})
        cls.config = plant_configuration(cls.env, cls.plant)
        cls.manager = new_test_user(
            cls.env,
            login="package_manager",
            groups=MANAGER,
            company_id=cls.plant.id,
            company_ids=[(6, 0, (cls.plant | cls.env.company).ids)],
        )

    def export(self, company=None, endpoints=None, user=None):
        """The raw package file exported by ``user`` (the manager) through the wizard."""
        endpoints = endpoints or self.env["integration.endpoint"]
        wizard = (
            self.env["integration.package.export"]
            .with_user(user or self.manager)
            .create({"company_id": (company or self.plant).id, "endpoint_ids": endpoints.ids})
        )
        wizard.action_export()
        return base64.b64decode(wizard.package_file)

    def importer(self, raw, company=None, user=None):
        """An import wizard of ``raw`` for ``company``, previewed."""
        wizard = (
            self.env["integration.package.import"]
            .with_user(user or self.manager)
            .create(
                {
                    "package_file": base64.b64encode(raw),
                    "file_name": "plant.json",
                    "company_id": (company or self.plant).id,
                }
            )
        )
        wizard.action_preview()
        return wizard

    @staticmethod
    def document(raw):
        return package_format.read(raw)

    def lines(self, wizard):
        """{(kind, record): (action, details)} of a preview."""
        return {
            (line.section_label, line.name): (line.action, line.details or "")
            for line in wizard.line_ids
        }
