"""Wake Odoo's cron workers after a commit, without a new database connection each time.

Odoo's own ``ir.cron._notifydb`` sends ``NOTIFY cron_trigger`` through a connection to the
``postgres`` database that its pool never keeps: every enqueue would start a PostgreSQL backend
(about 6 ms of a 24 ms request on the reference machine). Here each process keeps one such
connection, used under a lock, opened again after a fork or an error.
"""

import functools
import heapq
import logging
import os
import threading
import time
from datetime import datetime, timedelta

import psycopg2
from psycopg2 import sql as pg_sql

from odoo import sql_db
from odoo.tools import SQL

from odoo.addons.base.models.ir_cron import ODOO_NOTIFY_FUNCTION

_logger = logging.getLogger(__name__)
_lock = threading.Lock()
_state = {"pid": None, "connection": None}


def wake_cron_workers(dbname):
    """Send the notification cron workers listen to; log (never raise) when it cannot be sent.

    A lost notification only delays processing until the cron's next regular run.
    """
    with _lock:
        for attempt in (1, 2):
            try:
                with _connection().cursor() as cr:
                    cr.execute(
                        pg_sql.SQL("SELECT {}('cron_trigger', %s)").format(
                            pg_sql.Identifier(ODOO_NOTIFY_FUNCTION)
                        ),
                        [dbname],
                    )
                return
            except psycopg2.Error as error:
                _forget()
                if attempt == 2:
                    _logger.warning("Could not wake the cron workers of %s: %s", dbname, error)


def _connection():
    if _state["pid"] != os.getpid():
        # Inherited from the parent process: never used nor closed here.
        _state.update(pid=os.getpid(), connection=None)
    if _state["connection"] is None or _state["connection"].closed:
        _name, info = sql_db.connection_info_for("postgres")
        connection = psycopg2.connect(**info)
        connection.autocommit = True
        _state["connection"] = connection
    return _state["connection"]


def _forget():
    connection = _state["connection"]
    _state["connection"] = None
    if connection is not None and _state["pid"] == os.getpid():
        try:
            connection.close()
        except psycopg2.Error:
            _logger.debug("Closing the notification connection failed", exc_info=True)


_timers = {}
# Per database, the times still asked for (a heap), so that a timer that fired for the
# earliest one sets itself for the next.
_due = {}


def whole_second(value):
    """``value`` rounded up to the second: a claim's "now" has no fraction of a second, so a
    runner woken at 12:00:08.4 for a retry due then would see 12:00:08 and find nothing."""
    if value and value.microsecond:
        return value.replace(microsecond=0) + timedelta(seconds=1)
    return value


def wake_cron_workers_at(dbname, when):
    """Send the notification at ``when`` (a UTC datetime) from a timer of this process.

    Odoo's cron workers notice a trigger due later only at their next minute's poll: a retry
    due in 8 seconds would wait up to a minute. The trigger row stays the durable record (a
    restarted server finds it); the timer only makes it prompt. One timer per database, set
    for the earliest time asked; when it fires it sets itself for the next one.
    """
    with _lock:
        times = _due.setdefault(dbname, [])
        if when not in times:
            heapq.heappush(times, when)
        _arm(dbname)


def _arm(dbname):
    """(Re)start the database's timer for its earliest time still ahead; under ``_lock``."""
    times = _due.get(dbname) or []
    now = datetime.utcnow()
    while len(times) > 1 and times[0] <= now:
        heapq.heappop(times)  # passed: the one notification about to go covers them
    if not times:
        return
    due = time.monotonic() + max((times[0] - now).total_seconds(), 0.0) + 0.05
    timer = _timers.get(dbname)
    if timer and timer.is_alive() and timer.due <= due:
        return
    if timer:
        timer.cancel()
    timer = threading.Timer(due - time.monotonic(), _timer_fired, [dbname])
    timer.daemon = True
    timer.due = due
    _timers[dbname] = timer
    timer.start()


def _timer_fired(dbname):
    with _lock:
        _timers.pop(dbname, None)
        times = _due.get(dbname) or []
        now = datetime.utcnow()
        while times and times[0] <= now:
            heapq.heappop(times)
        _arm(dbname)
    wake_cron_workers(dbname)


def trigger_once(cron, at):
    """Have scheduled action ``cron`` run at ``at`` (naive UTC): a trigger row unless one for
    that time exists already (callers ask for the same bound at every recompute), and this
    process's timer, so that it runs on time rather than at the cron workers' next poll."""
    at = whole_second(at)
    cr = cron.env.cr
    cr.execute(
        SQL(
            "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at = %s LIMIT 1",
            cron.id,
            at,
        )
    )
    if not cr.fetchone():
        cron.sudo()._trigger(at)
    cr.postcommit.add(functools.partial(wake_cron_workers_at, cr.dbname, at))
