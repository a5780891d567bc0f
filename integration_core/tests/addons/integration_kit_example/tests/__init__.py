from . import test_example_connector
from . import test_line_spool_transport
