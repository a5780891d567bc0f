"""Keep credentials out of the server log when Odoo logs the RPC calls it receives.

At DEBUG level Odoo logs every model call with its arguments (``odoo.api``: ``call %s.%s(%s)``),
so a manager setting an endpoint's credential over XML-RPC or from the web client would write
it to the log. The arguments of calls on the models holding credentials are hidden instead.
"""

import logging

CREDENTIAL_MODELS = frozenset({"integration.endpoint", "integration.api.key"})
HIDDEN = "<arguments hidden: they may hold credentials>"


class HideCredentialArguments(logging.Filter):
    def filter(self, record):
        args = record.args
        if (
            isinstance(args, tuple)
            and len(args) == 3
            and getattr(args[0], "_name", None) in CREDENTIAL_MODELS
        ):
            record.args = (args[0], args[1], HIDDEN)
        return True


def install():
    """Add the filter to Odoo's call logger once per process."""
    logger = logging.getLogger("odoo.api")
    if not any(isinstance(f, HideCredentialArguments) for f in logger.filters):
        logger.addFilter(HideCredentialArguments())
