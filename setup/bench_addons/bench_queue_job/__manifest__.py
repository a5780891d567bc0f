{
    "name": "queue_job benchmark jobs",
    "summary": "Benchmark only: queue_job jobs doing what the integration benchmark does",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "Manufacturing Integration contributors",
    "license": "LGPL-3",
    "depends": ["queue_job"],
    "data": [],
    "installable": True,
}
