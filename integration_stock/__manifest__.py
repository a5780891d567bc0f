{
    "name": "Integration Stock",
    "summary": "Stock balances of another system reconciled with Odoo's quants, for every "
    "connector",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core", "stock"],
    "data": [
        "views/integration_reconciliation_views.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "installable": True,
}
