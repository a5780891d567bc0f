"""18.0.1.1.0: the MES runs on the core's connector kit.

- the three outbound handlers are one, ``integration.handler.mes.work_order``;
- production and quality results are sequenced by the core's sequence gate: their flows name
  the paths, each work order's last applied sequence moves to its gate, and results parked on
  a gap (``mes.sequence``) now wait on ``integration.sequence`` with the same code.
"""

OLD_HANDLERS = (
    "integration.handler.mes.release",
    "integration.handler.mes.update",
    "integration.handler.mes.cancel",
)
SEQUENCED = ("integration.handler.mes.performance", "integration.handler.mes.quality")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "UPDATE integration_flow SET handler = 'integration.handler.mes.work_order'"
        " WHERE handler IN %s",
        [OLD_HANDLERS],
    )
    cr.execute(
        "UPDATE integration_flow SET sequence_path = 'sequence', sequence_key_path = 'work_order'"
        " WHERE handler IN %s AND sequence_path IS NULL",
        [SEQUENCED],
    )
    cr.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_name = 'integration_mes_work_order' AND column_name = 'last_sequence'"
    )
    if cr.fetchone():
        cr.execute(
            "INSERT INTO integration_sequence_gate"
            " (endpoint_id, company_id, key, last_sequence, create_uid, create_date,"
            "  write_uid, write_date)"
            " SELECT endpoint_id, company_id, name, last_sequence, 1, now() AT TIME ZONE 'UTC',"
            "  1, now() AT TIME ZONE 'UTC'"
            " FROM integration_mes_work_order WHERE last_sequence > 0"
            " ON CONFLICT (endpoint_id, key) DO UPDATE"
            " SET last_sequence = GREATEST(integration_sequence_gate.last_sequence,"
            "  EXCLUDED.last_sequence)"
        )
    cr.execute(
        "UPDATE integration_message SET waiting_model = 'integration.sequence'"
        " WHERE waiting_model = 'mes.sequence'"
    )
