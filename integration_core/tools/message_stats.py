"""Set-based figures on the queue for health screens and alert rules (one query per figure).

Every function takes the grouping column (``flow_id`` or ``endpoint_id``) and the ids, and
returns ``{id: value}``; ids without data are absent. Unfinished-message figures use the
partial indexes of the queue; windowed figures only read recent attempts and done messages.
"""

from odoo import fields
from odoo.tools import SQL

from .holds import flush, open_now

GROUP_COLUMNS = ("flow_id", "endpoint_id")
UNFINISHED = ("pending", "processing", "waiting")


def _column(column):
    if column not in GROUP_COLUMNS:
        raise ValueError(f"cannot group queue figures by {column!r}")
    return SQL.identifier(column)


def backlog(env, column, ids):
    """{id: (unfinished messages, oldest unfinished create_date, failed messages)}."""
    if not ids:
        return {}
    env.cr.execute(
        SQL(
            """
            SELECT %(col)s,
                   count(*) FILTER (WHERE state IN %(unfinished)s),
                   min(create_date) FILTER (WHERE state IN %(unfinished)s),
                   count(*) FILTER (WHERE state = 'failed')
              FROM integration_message
             WHERE %(col)s = ANY(%(ids)s) AND state IN %(open_states)s
             GROUP BY %(col)s
            """,
            col=_column(column),
            ids=list(ids),
            unfinished=UNFINISHED,
            open_states=(*UNFINISHED, "failed"),
        )
    )
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def processable_backlog(env, column, ids):
    """{id: (unfinished messages, since when the oldest could be processed)} of the flows
    open now. A flow held by a freeze or outside its processing window is not late: its
    messages are left out; once it opens, a message waits from the later of its receipt and
    the opening."""
    if not ids:
        return {}
    flush(env)
    env.cr.execute(
        SQL(
            """
            SELECT m.%(col)s, count(*), min(GREATEST(m.create_date, f.process_from))
              FROM integration_message m
              JOIN integration_flow f ON f.id = m.flow_id
             WHERE m.%(col)s = ANY(%(ids)s) AND m.state IN %(unfinished)s AND %(open)s
             GROUP BY m.%(col)s
            """,
            col=_column(column),
            ids=list(ids),
            unfinished=UNFINISHED,
            open=open_now("f", fields.Datetime.now()),
        )
    )
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def failure_rate(env, column, ids, minutes):
    """{id: (failed tries, all tries)} over the last ``minutes``; deferrals are not tries."""
    if not ids:
        return {}
    join = SQL(
        "JOIN integration_message m ON m.id = a.message_id" if column == "endpoint_id" else ""
    )
    group = SQL("m.endpoint_id") if column == "endpoint_id" else SQL("a.flow_id")
    env.cr.execute(
        SQL(
            """
            SELECT %(group)s,
                   count(*) FILTER (WHERE a.outcome IN ('retry', 'failed')),
                   count(*)
              FROM integration_message_attempt a %(join)s
             WHERE %(group)s = ANY(%(ids)s)
               AND a.outcome != 'deferred'
               AND a.started_at >= (now() AT TIME ZONE 'UTC') - make_interval(mins => %(mins)s)
             GROUP BY %(group)s
            """,
            group=group,
            join=join,
            ids=list(ids),
            mins=int(minutes),
        )
    )
    return {row[0]: (row[1], row[2]) for row in env.cr.fetchall()}


def last_done(env, column, ids):
    """{id: the latest done_at} of done messages, inbound and outbound alike."""
    if not ids:
        return {}
    env.cr.execute(
        SQL(
            "SELECT %(col)s, max(done_at) FROM integration_message"
            " WHERE %(col)s = ANY(%(ids)s) AND state = 'done' GROUP BY %(col)s",
            col=_column(column),
            ids=list(ids),
        )
    )
    return dict(env.cr.fetchall())


def done_count(env, column, ids, hours=24):
    """{id: messages done in the last ``hours``} (the partial index on done_at serves it)."""
    if not ids:
        return {}
    env.cr.execute(
        SQL(
            "SELECT %(col)s, count(*) FROM integration_message WHERE %(col)s = ANY(%(ids)s)"
            " AND state = 'done' AND done_at >= (now() AT TIME ZONE 'UTC')"
            " - make_interval(hours => %(hours)s) GROUP BY %(col)s",
            col=_column(column),
            ids=list(ids),
            hours=int(hours),
        )
    )
    return dict(env.cr.fetchall())


def latency(env, column, ids, hours=24):
    """{id: (p50, p95)} seconds from receipt to done, for messages done in the last ``hours``."""
    if not ids:
        return {}
    env.cr.execute(
        SQL(
            """
            SELECT %(col)s,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds)
              FROM (SELECT %(col)s, EXTRACT(EPOCH FROM done_at - create_date) AS seconds
                      FROM integration_message
                     WHERE %(col)s = ANY(%(ids)s) AND state = 'done'
                       AND done_at >= (now() AT TIME ZONE 'UTC')
                                      - make_interval(hours => %(hours)s)) AS done
             GROUP BY %(col)s
            """,
            col=_column(column),
            ids=list(ids),
            hours=int(hours),
        )
    )
    return {row[0]: (float(row[1]), float(row[2])) for row in env.cr.fetchall()}
