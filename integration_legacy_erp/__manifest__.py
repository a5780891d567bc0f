{
    "name": "Integration Legacy ERP",
    "summary": "Legacy-ERP endpoints; the coexistence message set is still to build on the kit",
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
