{
    "name": "Manufacturing Integration",
    "summary": "Run Odoo beside plant MES, WMS and a legacy ERP: the whole suite",
    "version": "18.0.1.0.0",
    "category": "Manufacturing/Integration",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": [
        "integration_core",
        "integration_mes",
        "integration_wms",
        "integration_legacy_erp",
    ],
    "data": [],
    "demo": [
        "demo/integration_endpoint_demo.xml",
        "demo/integration_flow_demo.xml",
        "demo/integration_mapping_demo.xml",
        "demo/integration_wms_demo.xml",
        "demo/integration_legacy_demo.xml",
    ],
    "application": False,
    "installable": True,
}
