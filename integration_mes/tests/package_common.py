"""An MES plant's integration configuration, for the tests of configuration packages."""

from odoo.addons.integration_core.tests.package_common import plant_configuration


def mes_plant_configuration(env, company, prefix):
    """The core's plant configuration, plus an MES with its catalog flows, a status table tied
    to the manufacturing order's state, and routing rules by work center, warehouse and
    operation type of ``company``."""
    config = plant_configuration(env, company, prefix=prefix)
    mes = env["integration.endpoint"].create(
        {
            "name": f"{prefix} MES",
            "code": f"{prefix}_MES",
            "system_type": "mes",
            "company_id": company.id,
            "environment": "test",
            "transport": "http",
            "url": "http://mes.plant.example",
            "mes_overproduction_tolerance": 5,
            "mes_quality_user_id": env.ref("base.user_admin").id,
        }
    )
    entries = env["integration.catalog.entry"].search([("system_type", "=", "mes")])
    env["integration.flow"].create([entry._flow_values(mes) for entry in entries])
    env["integration.value.map"].create(
        {
            "name": "order_status",
            "endpoint_id": mes.id,
            "field_id": env["ir.model.fields"]._get("mrp.production", "state").id,
            "line_ids": [
                (0, 0, {"external_value": "RUN", "internal_value": "progress"}),
                (0, 0, {"external_value": "END", "internal_value": "done"}),
            ],
        }
    )
    welding = (
        env["mrp.workcenter"]
        .with_company(company)
        .create({"name": f"{prefix} welding", "code": f"{prefix}-WELD", "company_id": company.id})
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    Route = env["integration.mes.route"]
    routes = Route.create(
        [
            {"endpoint_id": mes.id, "sequence": 1, "workcenter_id": welding.id},
            {
                "endpoint_id": mes.id,
                "sequence": 2,
                "warehouse_id": warehouse.id,
                "picking_type_id": warehouse.manu_type_id.id,
            },
        ]
    )
    return dict(config, mes=mes, welding=welding, warehouse=warehouse, routes=routes)
