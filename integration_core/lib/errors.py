"""The two kinds of failure every transport and handler raises, and what the queue does with them.

- ``TransientError``: the other side may accept the same message later (timeouts, 5xx, 429,
  broker down). The queue retries with backoff; ``retry_after`` (seconds) overrides the backoff
  when the other side said when to come back.
- ``PermanentError``: retrying the same message cannot succeed (4xx, schema or business rule
  violation). The queue stops trying and opens an exception for a person.
"""


class IntegrationError(Exception):
    """Base of the errors the integration raises on purpose."""

    def __init__(self, message, *, status_code=None, detail=None):
        super().__init__(message)
        self.status_code = status_code
        self.detail = detail


class TransientError(IntegrationError):
    """Retry later: the same message may succeed on another attempt."""

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PermanentError(IntegrationError):
    """Do not retry: a person must act (fix data, edit the payload, or ignore)."""


class MissingReference(IntegrationError):
    """The message refers to master data Odoo does not have yet: park it until it arrives.

    ``model`` and ``code`` name what is missing (e.g. ``product.product`` / ``A-1001``); the
    message waits and resumes by itself when a cross-reference or record with that code
    appears, or becomes an exception after its flow's waiting deadline.
    """

    category = "missing_master_data"

    def __init__(self, model, code, message=None):
        super().__init__(message or f"Unknown {model} {code!r}: waiting for it to arrive.")
        self.model = model
        self.code = code


class InvalidMessage(PermanentError):
    """The payload does not have the documented shape: ``problems`` lists all that is wrong.

    A ``PermanentError``: the queue files it as a validation exception, so a handler simply
    lets it propagate (``lib.payload.PayloadReader.done`` raises it).
    """

    category = "validation"

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("Invalid message: " + "; ".join(self.problems) + ".")


class AmbiguousCode(PermanentError):
    """An external code names several records: a person must make it unique (or add a
    cross-reference for it)."""

    category = "validation"

    def __init__(self, model, code, count):
        super().__init__(
            f"Code {code!r} names {count} records of {model}: make it unique or add a "
            "cross-reference for it."
        )
        self.model = model
        self.code = code


class StaleStatement(PermanentError):
    """A reconciliation statement older than one already compared for the same endpoint,
    entity and scope: refused, so that older balances never overwrite newer ones."""

    category = "reconciliation"
