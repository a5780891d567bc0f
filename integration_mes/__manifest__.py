{
    "name": "Integration MES",
    "summary": "Work orders down to the plant MES; production results and events up",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core", "mrp"],
    "data": [
        "views/integration_endpoint_views.xml",
    ],
    "installable": True,
}
