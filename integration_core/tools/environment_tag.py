"""The environment tag of this database (development, test or production), shown on every screen
and written into exported configuration packages.

A manager sets it (Configuration > Environment of this database). *Production* is never only a
stored word: it is the production guard's declared production database (the server
configuration names this database, and its name and ``database.uuid`` were recorded by
declaring it). So the tag follows the guard:

- the declared production database is *production*, whatever was stored;
- a database whose stored tag says production but that is not the declared production
  database (Odoo's duplicate, ``createdb -T``, a restored dump, a neutralized copy) is *test*,
  marked as a copy of production, and refuses to call production endpoints as before;
- otherwise the stored tag; *development* when none was set.
"""

from odoo.exceptions import UserError

from . import production_guard

TAG_PARAM = "integration.environment_tag"
TAGS = ("development", "test", "production")


def current(env):
    """``(tag, copy_of_production)`` of this database."""
    if production_guard.copy_refusal(env) is None:
        return "production", False
    stored = env["ir.config_parameter"].sudo().get_param(TAG_PARAM)
    if stored == "production":
        return "test", True
    return (stored if stored in TAGS else "development"), False


def labels(env):
    return {
        "development": env._("Development"),
        "test": env._("Test"),
        "production": env._("Production"),
    }


def describe(env):
    """What the web client shows: tag, label and a sentence."""
    tag, copy = current(env)
    label = labels(env)[tag]
    if copy:
        detail = env._("A copy of the production database: it never calls production endpoints.")
        label = env._("%s (copy of production)", label)
    elif tag == "production":
        detail = env._("The production database: production endpoints are called from here.")
    else:
        detail = env._("Production endpoints are never called from this database.")
    return {"tag": tag, "label": label, "copy": copy, "detail": detail}


def set_tag(env, tag):
    """Store ``tag``; production declares this database production (the guard's rules).

    The caller has checked the caller's group. UserError when the declared production database
    is tagged otherwise, or production is asked where the server configuration does not name
    this database.
    """
    if tag not in TAGS:
        raise ValueError(tag)
    if tag == "production":
        production_guard.declare_production_database(env)
    elif production_guard.copy_refusal(env) is None:
        raise UserError(
            env._(
                "This is the declared production database (the server configuration names "
                "it): it stays production. Tag its copies instead."
            )
        )
    env["ir.config_parameter"].sudo().set_param(TAG_PARAM, tag)
