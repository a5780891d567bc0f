"""Set-based figures of the overview dashboard: one query per figure over the last hours.

Every function takes the endpoint ids the caller may read (the dashboard model searched them
under the caller's record rules), so no figure counts what the caller cannot see.
"""

from odoo import fields
from odoo.tools import SQL

from .holds import flush, open_now

UNFINISHED = ("pending", "processing", "waiting")


def _since(hours):
    return SQL("(now() AT TIME ZONE 'UTC') - make_interval(hours => %s)", int(hours))


def traffic(env, endpoint_ids, hours=24):
    """{endpoint_id: {"inbound", "outbound", "failed"}} of messages received in ``hours``."""
    if not endpoint_ids:
        return {}
    env.cr.execute(
        SQL(
            """
            SELECT endpoint_id,
                   count(*) FILTER (WHERE direction = 'inbound'),
                   count(*) FILTER (WHERE direction = 'outbound'),
                   count(*) FILTER (WHERE state = 'failed')
              FROM integration_message
             WHERE endpoint_id = ANY(%(ids)s) AND create_date >= %(since)s
             GROUP BY endpoint_id
            """,
            ids=list(endpoint_ids),
            since=_since(hours),
        )
    )
    return {
        row[0]: {"inbound": row[1], "outbound": row[2], "failed": row[3]}
        for row in env.cr.fetchall()
    }


def backlog(env, endpoint_ids):
    """{endpoint_id: {"count", "oldest_minutes", "over_sla", "held", "failed"}} of unfinished
    work.

    ``over_sla`` counts unfinished messages older than their flow's SLA (flows without an SLA
    never count); a flow frozen or outside its processing window is not late (its messages
    are ``held``), and once open a message's age counts from the later of its receipt and the
    opening. Only pending-state rows are read: the queue's partial indexes serve it.
    """
    if not endpoint_ids:
        return {}
    flush(env)
    now = fields.Datetime.now()
    env.cr.execute(
        SQL(
            """
            SELECT m.endpoint_id,
                   count(*) FILTER (WHERE m.state IN %(unfinished)s),
                   EXTRACT(EPOCH FROM %(now)s
                           - min(m.create_date) FILTER (WHERE m.state IN %(unfinished)s)) / 60,
                   count(*) FILTER (WHERE m.state IN %(unfinished)s AND f.sla_minutes > 0
                                    AND %(open)s
                                    AND GREATEST(m.create_date, f.process_from)
                                        < %(now)s - make_interval(mins => f.sla_minutes)),
                   count(*) FILTER (WHERE m.state IN %(unfinished)s AND NOT (%(open)s)),
                   count(*) FILTER (WHERE m.state = 'failed')
              FROM integration_message m
              JOIN integration_flow f ON f.id = m.flow_id
             WHERE m.endpoint_id = ANY(%(ids)s) AND m.state IN %(open_states)s
             GROUP BY m.endpoint_id
            """,
            ids=list(endpoint_ids),
            now=now,
            open=open_now("f", now),
            unfinished=UNFINISHED,
            open_states=(*UNFINISHED, "failed"),
        )
    )
    return {
        row[0]: {
            "count": row[1],
            "oldest_minutes": float(row[2]) if row[2] is not None else None,
            "over_sla": row[3],
            "held": row[4],
            "failed": row[5],
        }
        for row in env.cr.fetchall()
    }


def throughput_per_hour(env, endpoint_ids, hours=24):
    """[(hour start, inbound, outbound, failed)] for each hour with traffic, oldest first."""
    if not endpoint_ids:
        return []
    env.cr.execute(
        SQL(
            """
            SELECT date_trunc('hour', create_date),
                   count(*) FILTER (WHERE direction = 'inbound'),
                   count(*) FILTER (WHERE direction = 'outbound'),
                   count(*) FILTER (WHERE state = 'failed')
              FROM integration_message
             WHERE endpoint_id = ANY(%(ids)s) AND create_date >= %(since)s
             GROUP BY 1 ORDER BY 1
            """,
            ids=list(endpoint_ids),
            since=_since(hours),
        )
    )
    return env.cr.fetchall()


def latency_percentiles(env, endpoint_ids, hours=24):
    """{endpoint_id: (done count, p50, p95, p99)} seconds from receipt to done."""
    if not endpoint_ids:
        return {}
    env.cr.execute(
        SQL(
            """
            SELECT endpoint_id, count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY seconds)
              FROM (SELECT endpoint_id, EXTRACT(EPOCH FROM done_at - create_date) AS seconds
                      FROM integration_message
                     WHERE endpoint_id = ANY(%(ids)s) AND state = 'done'
                       AND done_at >= %(since)s) AS done
             GROUP BY endpoint_id
            """,
            ids=list(endpoint_ids),
            since=_since(hours),
        )
    )
    return {row[0]: (row[1], *(float(v) for v in row[2:])) for row in env.cr.fetchall()}
