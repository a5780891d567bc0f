from . import integration_endpoint
from . import integration_handler_example_contact
from . import integration_handler_example_notice
