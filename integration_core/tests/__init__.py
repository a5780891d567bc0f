from . import test_install
from . import test_ui
from . import test_queue
from . import test_outbound
from . import test_concurrency
from . import test_lib_http_transport
from . import test_lib_amqp
