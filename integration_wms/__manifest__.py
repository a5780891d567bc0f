{
    "name": "Integration WMS",
    "summary": "WMS connector: transfer orders down, confirmations, adjustments and snapshots up",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core", "integration_stock", "product_expiry"],
    "data": [
        "security/ir.model.access.csv",
        "security/integration_wms_security.xml",
        "data/integration_catalog_wms.xml",
        "data/integration_catalog_wms_snapshot.xml",
        "views/integration_endpoint_views.xml",
        "views/integration_reconciliation_menus.xml",
        "views/integration_wms_route_views.xml",
    ],
    "installable": True,
}
