from . import test_stock_reconciler
