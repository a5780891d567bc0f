"""Circuit breaker state of an endpoint, read and changed in short transactions of its own.

The circuit lives on the endpoint row but is read and changed in short autonomous
transactions at READ COMMITTED, the row locked while it changes: a worker's batch transaction
never holds the row, concurrent workers wait for each other's few milliseconds instead of
failing to serialize, and every worker sees the state as committed now.
"""

import calendar
import time
from datetime import datetime, timedelta, timezone

import psycopg2

from odoo import fields
from odoo.tools import SQL

from ..lib import circuit
from . import pg

CIRCUIT_COLUMNS = (
    "circuit_state, circuit_failures, circuit_opened_at, circuit_threshold, circuit_cooldown,"
    " last_success_at"
)
SUCCESS_REFRESH = timedelta(seconds=30)
CIRCUIT_TRIES = 5


def _epoch(value):
    return calendar.timegm(value.utctimetuple()) + value.microsecond / 1e6 if value else None


def _stored(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).replace(tzinfo=None) if epoch else None


def _read_circuit(cr, endpoint_id, lock):
    cr.execute(
        f"SELECT {CIRCUIT_COLUMNS} FROM integration_endpoint WHERE id = %s"
        + (" FOR NO KEY UPDATE" if lock else ""),
        [endpoint_id],
        log_exceptions=False,
    )
    name, failures, opened_at, threshold, cooldown, last_success = cr.fetchone()
    # A non-closed circuit without its opening time (edited by hand) counts as opened now.
    opened = _epoch(opened_at) or (None if name == circuit.CLOSED else time.time())
    state = circuit.CircuitState(name, failures or 0, opened)
    return state, threshold, cooldown, last_success


def _write_circuit(cr, endpoint_id, state, stamp=None):
    """Store ``state``; ``stamp`` is an optional (column, value) to set alongside."""
    sets = SQL(
        "circuit_state = %s, circuit_failures = %s, circuit_opened_at = %s",
        state.state,
        state.failures,
        _stored(state.opened_at),
    )
    if stamp:
        sets = SQL("%s, %s = %s", sets, SQL.identifier(stamp[0]), stamp[1])
    cr.execute(
        SQL("UPDATE integration_endpoint SET %s WHERE id = %s", sets, endpoint_id),
        log_exceptions=False,
    )


def _autonomous(endpoint, work):
    """Run ``work(cr)`` in its own short READ COMMITTED transaction, retried on a conflict."""
    for attempt in range(1, CIRCUIT_TRIES + 1):
        try:
            with endpoint.env.registry.cursor() as cr:
                pg.read_committed(cr)
                return work(cr)
        except psycopg2.OperationalError as error:
            if not pg.is_conflict(error) or attempt == CIRCUIT_TRIES:
                raise
            time.sleep(0.01 * attempt)
    return None


def circuit_allows(endpoint):
    """(allowed, retry_at): whether a request may go out now; one probe after the cool-down."""

    def decide(cr):
        state, _threshold, cooldown, _last = _read_circuit(cr, endpoint.id, lock=False)
        if state.state == circuit.CLOSED:
            return True, None
        state, _threshold, cooldown, _last = _read_circuit(cr, endpoint.id, lock=True)
        allowed, new_state = circuit.allow(state, time.time(), cooldown)
        if new_state != state:
            _write_circuit(cr, endpoint.id, new_state)
        if allowed:
            return True, None
        return False, _stored(max(state.opened_at + cooldown, time.time() + 1))

    return _autonomous(endpoint, decide)


def circuit_record(endpoint, success):
    """Count one outcome: a success closes the circuit, transient failures open it."""
    now = fields.Datetime.now()

    def record(cr):
        state, threshold, _cooldown, last_success = _read_circuit(cr, endpoint.id, lock=False)
        fresh = last_success and now - last_success < SUCCESS_REFRESH
        if success and state == circuit.CircuitState() and fresh:
            return
        state, threshold, _cooldown, _last = _read_circuit(cr, endpoint.id, lock=True)
        if success:
            _write_circuit(cr, endpoint.id, circuit.on_success(state), ("last_success_at", now))
        else:
            new_state = circuit.on_failure(state, time.time(), threshold)
            _write_circuit(cr, endpoint.id, new_state, ("last_failure_at", now))

    _autonomous(endpoint, record)
    endpoint.invalidate_recordset(
        [
            "circuit_state",
            "circuit_failures",
            "circuit_opened_at",
            "last_success_at",
            "last_failure_at",
        ]
    )
