from . import test_install
from . import test_performance
from . import test_performance_lots
from . import test_outbound
from . import test_e2e_http
from . import test_e2e_amqp
from . import test_equipment_quality
from . import test_schemas
