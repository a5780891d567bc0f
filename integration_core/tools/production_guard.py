"""Production guard: a database copy never calls production systems."""

import os

from odoo.exceptions import UserError
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


def record_production_database(env):
    """Record this database's name and uuid as production's."""
    params = env["ir.config_parameter"].sudo()
    params.set_param(PRODUCTION_UUID_PARAM, params.get_param("database.uuid"))
    params.set_param(PRODUCTION_NAME_PARAM, env.cr.dbname)


def declare_production_database(env):
    """This database is (now) production: record it and clear ``database.is_neutralized``.

    The caller has checked the caller's group. UserError unless the server configuration names
    this database first: a copy can never declare itself production.
    """
    configured = configured_production_database()
    if configured != env.cr.dbname:
        raise UserError(
            env._(
                "The server configuration must name this database (%(db)s) as production "
                "first: set %(option)s in its configuration file or %(env)s in its "
                "environment (now: %(configured)s).",
                db=env.cr.dbname,
                option=PRODUCTION_DATABASE_OPTION,
                env=PRODUCTION_DATABASE_ENV,
                configured=configured or env._("none"),
            )
        )
    record_production_database(env)
    env["ir.config_parameter"].sudo().set_param("database.is_neutralized", False)
