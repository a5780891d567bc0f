{
    "name": "Integration WMS",
    "summary": "Transfer orders down to the WMS; receipts, shipments and balances up",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core", "stock"],
    "data": [
        "views/integration_endpoint_views.xml",
    ],
    "installable": True,
}
