"""Wake Odoo's cron workers after a commit, without a new database connection each time.

Odoo's own ``ir.cron._notifydb`` sends ``NOTIFY cron_trigger`` through a connection to the
``postgres`` database that its pool never keeps: every enqueue would start a PostgreSQL backend
(about 6 ms of a 24 ms request on the reference machine). Here each process keeps one such
connection, used under a lock, opened again after a fork or an error.
"""

import logging
import os
import threading
import time
from datetime import datetime

import psycopg2
from psycopg2 import sql as pg_sql

from odoo import sql_db

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


def wake_cron_workers_at(dbname, when):
    """Send the notification at ``when`` (a UTC datetime) from a timer of this process.

    Odoo's cron workers notice a trigger due later only at their next minute's poll: a retry
    due in 8 seconds would wait up to a minute. The trigger row stays the durable record (a
    restarted server finds it); the timer only makes it prompt. One timer per database, for
    the earliest time asked.
    """
    delay = max((when - datetime.utcnow()).total_seconds(), 0.0) + 0.05
    with _lock:
        timer = _timers.get(dbname)
        due = time.monotonic() + delay
        if timer and timer.is_alive() and timer.due <= due:
            return
        if timer:
            timer.cancel()
        timer = threading.Timer(delay, _timer_fired, [dbname])
        timer.daemon = True
        timer.due = due
        _timers[dbname] = timer
        timer.start()


def _timer_fired(dbname):
    with _lock:
        _timers.pop(dbname, None)
    wake_cron_workers(dbname)
