{
    "name": "Integration Kit Example",
    "summary": "Test addon: a connector made of catalog entries and handlers only",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core"],
    "data": [
        "security/ir.model.access.csv",
        "data/integration_catalog_example.xml",
        "data/integration_catalog_bins.xml",
    ],
    "installable": True,
}
