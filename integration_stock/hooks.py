"""Install hook: a database made before this addon existed kept its stock reconciliation
screens in ``integration_wms``; they move here under their new names, so the records (and
the links and bookmarks to them) stay the same."""

from odoo.tools import SQL

# Records that moved here from integration_wms: their name there ended in _wms, here _stock.
MOVED_FROM_WMS = (
    *(f"integration_reconciliation_line_view_{kind}" for kind in ("list", "form", "search")),
    *(f"integration_reconciliation_line_view_{kind}" for kind in ("pivot", "graph")),
    "integration_reconciliation_line_action",
)


def pre_init_hook(env):
    """Give the moved records' external ids to this addon (nothing to do on a new database)."""
    renames = [(f"{name}_wms", f"{name}_stock") for name in MOVED_FROM_WMS]
    renames.append(("view_move_form_reconciliation", "view_move_form_reconciliation"))
    for old, new in renames:
        env.cr.execute(
            SQL(
                "UPDATE ir_model_data SET module = 'integration_stock', name = %s"
                " WHERE module = 'integration_wms' AND name = %s",
                new,
                old,
            )
        )
