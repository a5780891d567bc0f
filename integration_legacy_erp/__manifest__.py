{
    "name": "Integration Legacy ERP",
    "summary": "Coexistence with a legacy ERP during a merger or phased cutover",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core", "mrp", "purchase", "sale"],
    "data": [
        "views/integration_endpoint_views.xml",
    ],
    "installable": True,
}
