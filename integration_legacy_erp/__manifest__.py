{
    "name": "Integration Legacy ERP",
    "summary": "Coexistence with a legacy ERP: item master with duplicate review, BOMs, "
    "partners, open orders in step both ways, stock balances, trial balances",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core", "integration_stock", "mrp", "purchase", "sale", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/integration_legacy_security.xml",
        "data/integration_catalog_legacy.xml",
        "data/legacy_file_formats.xml",
        "views/integration_endpoint_views.xml",
        "views/integration_legacy_match_views.xml",
        "views/integration_exception_views.xml",
        "views/legacy_order_views.xml",
        "views/integration_legacy_menus.xml",
    ],
    "installable": True,
}
