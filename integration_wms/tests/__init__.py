from . import test_install
from . import test_reconciliation
from . import test_reconciliation_browser
from . import test_outbound
from . import test_receipt
from . import test_shipment
from . import test_adjustment
from . import test_e2e_http
