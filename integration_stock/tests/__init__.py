from . import test_stock_reconciler
from . import test_install_hook
