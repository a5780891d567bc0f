from . import test_example_connector
