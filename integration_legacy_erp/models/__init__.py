from . import integration_endpoint
