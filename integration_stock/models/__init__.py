from . import integration_reconciliation_line
from . import stock_move
from . import stock_quant
from . import integration_stock_reconciler
