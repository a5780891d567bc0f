from . import integration_endpoint
from . import integration_reconciliation_line
from . import stock_move
from . import stock_quant
from . import integration_wms_stock_reconciler
from . import integration_handler_wms_snapshot
