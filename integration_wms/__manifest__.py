{
    "name": "Integration WMS",
    "summary": "WMS endpoints; the WMS message set is still to build on the connector kit",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core", "stock"],
    "data": [
        "data/integration_catalog_wms_snapshot.xml",
        "views/integration_endpoint_views.xml",
        "views/integration_reconciliation_views.xml",
    ],
    "installable": True,
}
