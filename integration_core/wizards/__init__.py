from . import integration_xref_import
from . import integration_mapping_preview
