"""18.0.1.1.0: the message state and attempt outcome ``dead`` are called ``failed``.

Runs before the models load, so that the selection value is renamed rather than removed and
added (removing it would reset the rows that hold it). Saved filters that name the old key in
their domain follow.
"""

FIELDS = (("integration.message", "state"), ("integration.message.attempt", "outcome"))


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE integration_message SET state = 'failed' WHERE state = 'dead'")
    cr.execute("UPDATE integration_message_attempt SET outcome = 'failed' WHERE outcome = 'dead'")
    for model, column in FIELDS:
        cr.execute(
            """UPDATE ir_model_fields_selection s SET value = 'failed'
                 FROM ir_model_fields f
                WHERE s.field_id = f.id AND f.model = %s AND f.name = %s AND s.value = 'dead'""",
            [model, column],
        )
        cr.execute(
            """UPDATE ir_filters SET domain = replace(domain, %s, %s)
                WHERE model_id = %s AND domain LIKE %s""",
            ["'dead'", "'failed'", model, "%'dead'%"],
        )
