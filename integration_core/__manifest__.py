{
    "name": "Integration Core",
    "summary": "Endpoints, flows, durable message queue and exceptions for plant integrations",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["base", "mail"],
    "external_dependencies": {"python": ["requests", "pika", "cryptography"]},
    "data": [
        "security/integration_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/integration_endpoint_views.xml",
        "views/integration_flow_views.xml",
        "views/integration_message_views.xml",
        "views/integration_exception_views.xml",
        "views/integration_xref_views.xml",
        "views/integration_ownership_views.xml",
        "views/integration_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "integration_core/static/tests/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
