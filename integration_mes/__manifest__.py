{
    "name": "Integration MES",
    "summary": "Work orders down to the plant MES; production results and events up",
    "version": "18.0.1.2.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core", "mrp"],
    "data": [
        "security/ir.model.access.csv",
        "security/integration_mes_security.xml",
        "data/integration_catalog_mes.xml",
        "views/integration_endpoint_views.xml",
        "views/integration_mes_route_views.xml",
        "views/integration_mes_work_order_views.xml",
        "views/integration_mes_quality_result_views.xml",
        "views/mrp_production_views.xml",
    ],
    "demo": [
        "demo/mes_demo.xml",
    ],
    "installable": True,
}
