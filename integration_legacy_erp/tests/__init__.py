from . import test_install
from . import test_item_master
from . import test_bom_partner
from . import test_orders
from . import test_balances
from . import test_schemas
from . import test_screens
from . import test_ownership
