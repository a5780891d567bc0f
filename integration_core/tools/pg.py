"""PostgreSQL details the queue relies on: which errors are expected races, READ COMMITTED."""

import psycopg2
from psycopg2 import errorcodes

# Conflicts between concurrent transactions: retried, never a failure of a message.
RETRIABLE_PGCODES = frozenset(
    {
        errorcodes.SERIALIZATION_FAILURE,
        errorcodes.DEADLOCK_DETECTED,
        errorcodes.LOCK_NOT_AVAILABLE,
    }
)


def is_conflict(error):
    """Whether ``error`` is a conflict with a concurrent transaction (retry it)."""
    return isinstance(error, psycopg2.OperationalError) and error.pgcode in RETRIABLE_PGCODES


def read_committed(cr):
    """Make the transaction ``cr`` starts READ COMMITTED; nothing inside one already begun
    (a caller's, or a test's), where the isolation can no longer change."""
    status = cr.connection.info.transaction_status
    if status == psycopg2.extensions.TRANSACTION_STATUS_IDLE:
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
