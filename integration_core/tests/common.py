"""Shared fixtures for the suite's tests: users per integration group, endpoints and flows.

Connector addons use ``IntegrationCase`` to get an endpoint, a flow and ``run_queue()`` that works
the queue the way the scheduled action does (claim, commit, process, commit) inside the test's
transaction; ``tests/helpers.py`` has the rest of the kit's test helpers (``trap_messages``,
``play_inbound``).
"""

import logging
from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import config

from .helpers import run_queue
from .http_test_server import LoopbackRequestsMixin

TEST_ENCRYPTION_KEY = Fernet.generate_key().decode()


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


class CapturedLogs(logging.Handler):
    """Every log record emitted anywhere while active, formatted with its arguments."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))

    def __enter__(self):
        root = logging.getLogger()
        self._level = root.level
        root.addHandler(self)
        root.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *exc_info):
        root = logging.getLogger()
        root.removeHandler(self)
        root.setLevel(self._level)


def with_encryption_key(case_class):
    """Configure an encryption key for the test class, as the server config would."""
    patcher = patch.dict(config.options, {"integration_encryption_keys": TEST_ENCRYPTION_KEY})
    case_class.startClassPatcher(patcher)


class IntegrationCase(LoopbackRequestsMixin, TransactionCase):
    """An endpoint with an active inbound flow handled by the contact upsert handler."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        # One connection serves every cursor, so the worker's commits stay inside the test.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.endpoint = cls.env["integration.endpoint"].create(
            {"name": "Test system", "code": "TEST_SYS", "environment": "test"}
        )
        cls.flow = cls.make_flow("partner.upsert", "integration.handler.partner")

    @classmethod
    def make_flow(cls, code, handler, direction="inbound", endpoint=None, **values):
        return cls.env["integration.flow"].create(
            dict(
                {
                    "name": code,
                    "code": code,
                    "endpoint_id": (endpoint or cls.endpoint).id,
                    "direction": direction,
                    "handler": handler,
                    "state": "active",
                    "retry_base_seconds": 10,
                },
                **values,
            )
        )

    def run_queue(self, max_batches=None, batch_size=None):
        """Work the queue as the scheduled action does, committing to a test cursor."""
        return run_queue(self.env, max_batches=max_batches, batch_size=batch_size)

    def make_due(self, messages):
        """Pretend the retry delay of ``messages`` has passed."""
        messages.flush_recordset()
        self.env.cr.execute(
            "UPDATE integration_message SET next_attempt_at = now() AT TIME ZONE 'UTC'"
            " - interval '1 second' WHERE id = ANY(%s)",
            [messages.ids],
        )
        messages.invalidate_recordset()
