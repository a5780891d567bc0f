"""Shared fixtures for the suite's tests: users of each integration group."""

from odoo.tests import new_test_user


def make_integration_users(env):
    """Create one user per integration group and return them as a dict."""
    return {
        "manager": new_test_user(
            env, login="int_manager", groups="integration_core.group_integration_manager"
        ),
        "user": new_test_user(
            env, login="int_user", groups="integration_core.group_integration_user"
        ),
        "api": new_test_user(
            env, login="int_api", groups="base.group_user,integration_core.group_integration_api"
        ),
    }
