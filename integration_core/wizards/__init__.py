from . import integration_xref_import
from . import integration_message_replay
from . import integration_exception_ignore
from . import integration_mapping_preview
from . import integration_connect
from . import integration_reconciliation_decide
