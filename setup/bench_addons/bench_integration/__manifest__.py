{
    "name": "Integration benchmark handler",
    "summary": "Benchmark only: a handler writing one field on one contact",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["integration_core"],
    "data": [],
    "installable": True,
}
