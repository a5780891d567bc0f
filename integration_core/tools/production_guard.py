"""Production guard: a database copy never calls production systems."""

import os

from odoo.tools import config

PRODUCTION_UUID_PARAM = "integration.production_database_uuid"
PRODUCTION_NAME_PARAM = "integration.production_database_name"
# The server configuration names its production database: a copy never carries it along.
PRODUCTION_DATABASE_OPTION = "integration_production_database"
PRODUCTION_DATABASE_ENV = "INTEGRATION_PRODUCTION_DATABASE"


def configured_production_database():
    """The database the server configuration (or environment) names as production, or None."""
    return config.get(PRODUCTION_DATABASE_OPTION) or os.environ.get(PRODUCTION_DATABASE_ENV) or None


def copy_refusal(env):
    """Why this database must not call production systems, or None when it may.

    Production is the database whose name the server configuration gives and whose name and
    ``database.uuid`` a manager declared: a copy of any kind (Odoo's duplicate, ``createdb -T``,
    a dump restored, a disk snapshot) differs in at least one of the three.
    """
    params = env["ir.config_parameter"].sudo()
    if str(params.get_param("database.is_neutralized") or "").lower() in ("1", "true"):
        return "this database is neutralized (a copy for test or training)."
    configured = configured_production_database()
    if not configured:
        return (
            "the server configuration names no production database"
            f" ({PRODUCTION_DATABASE_OPTION} or {PRODUCTION_DATABASE_ENV})."
        )
    if configured != env.cr.dbname:
        return f"this server names {configured!r} as its production database, not this one."
    bound = params.get_param(PRODUCTION_UUID_PARAM)
    if not bound:
        return "no database has been declared the production database."
    if bound != params.get_param("database.uuid"):
        return "this database is a copy of the production database (another database.uuid)."
    if params.get_param(PRODUCTION_NAME_PARAM) != env.cr.dbname:
        return "this database is a copy of the production database (another database name)."
    return None
