"""18.0.1.3.0: a message's effects are rows of ``integration.message.effect``.

The records a message produced were a model name and a comma-separated id list on the
message (``result_model``, ``result_ids``). Each id becomes one effect row (with the message's
company), for models still installed; the two columns are dropped afterwards.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT 1 FROM information_schema.columns"
        " WHERE table_name = 'integration_message' AND column_name = 'result_ids'"
    )
    if not cr.fetchone():
        return
    cr.execute(
        r"""
        INSERT INTO integration_message_effect (message_id, company_id, res_model, res_id)
        SELECT m.id, m.company_id, m.result_model, ref.id::int
          FROM integration_message m
         CROSS JOIN LATERAL unnest(string_to_array(m.result_ids, ',')) AS ref(id)
         WHERE m.result_model IN (SELECT model FROM ir_model)
           AND ref.id ~ '^\s*\d+\s*$'
            ON CONFLICT (message_id, res_model, res_id) DO NOTHING
        """
    )
    cr.execute("ALTER TABLE integration_message DROP COLUMN result_model, DROP COLUMN result_ids")
