from . import integration_xref_import
