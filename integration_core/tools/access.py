"""Function-level authorization: which integration group may call which action.

Every public method of the integration models can be called over XML-RPC / JSON-RPC by any
user who can read a record, so each checks the caller's group here first; only then may it
act with ``sudo()``. Superuser code (scheduled actions, ``sudo()`` callers) is trusted.
README.rst (Security model) lists what each group may do.
"""

from odoo import _
from odoo.exceptions import AccessError

MANAGER_GROUP = "integration_core.group_integration_manager"
USER_GROUP = "integration_core.group_integration_user"
API_GROUP = "integration_core.group_integration_api"


def is_manager(env):
    return env.su or env.user.has_group(MANAGER_GROUP)


def is_service_account(env):
    """A user of the API group: whatever else it is, it only enqueues and reads its own."""
    return not env.su and env.user.has_group(API_GROUP)


def require_manager(env, what):
    """AccessError unless the caller is an integration manager; ``what`` names the action."""
    if not is_manager(env):
        raise AccessError(_("Only integration managers may %s.", what))


def require_integration_user(env, what):
    """AccessError unless an Integration User or Manager that is not a service account."""
    if env.su:
        return
    if is_service_account(env) or not env.user.has_group(USER_GROUP):
        raise AccessError(_("Only integration users and managers may %s.", what))


def require_companies(env, companies):
    """AccessError unless the caller belongs to every one of ``companies`` (a plant)."""
    if env.su:
        return
    if companies - env.user.company_ids:
        raise AccessError(_("You may only work on the plants (companies) you belong to."))


def bound_endpoint_ids(env, user_id):
    """Ids of the endpoints a service account may enqueue on: those it has an active API key
    for, and those whose signed requests it receives (the endpoint's service account)."""
    keys = env["integration.api.key"].sudo().search([("user_id", "=", user_id)])
    signed = env["integration.endpoint"].sudo().search([("inbound_user_id", "=", user_id)])
    return set(keys.endpoint_id.ids) | set(signed.ids)
