from . import test_simulators
from . import test_suite
from . import test_rehearsal
