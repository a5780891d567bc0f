from . import harmonize
