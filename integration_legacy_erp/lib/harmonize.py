"""Matching legacy master data against what Odoo already has: plain Python, no Odoo.

A legacy item or partner is compared with Odoo's records on keys that survive the usual
differences between two systems' spellings:

- ``normalize_reference``: case, spaces, dashes, dots, slashes and leading zeros do not count
  (``"ab-0012"``, ``"AB 12"`` and ``"ab.12"`` are the same reference);
- ``normalize_name``: case, accents, punctuation and repeated spaces do not count;
- ``normalize_vat``: only letters and digits, upper case;
- ``similar``: two names whose ``difflib`` ratio reaches ``NAME_THRESHOLD``.
"""

import difflib
import re
import unicodedata

# Names at least this similar (difflib ratio, 0..1) within one category are possible duplicates.
NAME_THRESHOLD = 0.85

_SEPARATORS = re.compile(r"[\s\-_./\\]+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalize_reference(code):
    """``code`` upper case, without separators, each run of digits without leading zeros."""
    if not code:
        return ""
    compact = _SEPARATORS.sub("", str(code)).upper()
    return re.sub(r"\d+", lambda digits: str(int(digits.group())), compact)


def normalize_name(name):
    """``name`` lower case, without accents, punctuation or repeated spaces."""
    if not name:
        return ""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return " ".join(_NOT_WORD.sub(" ", plain.lower()).split())


def normalize_vat(vat):
    """``vat`` with letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Z]", "", str(vat or "").upper())


def name_ratio(first, second):
    """How alike two names are once normalized, from 0 (nothing shared) to 1 (same)."""
    return difflib.SequenceMatcher(None, normalize_name(first), normalize_name(second)).ratio()


def similar(first, second, threshold=NAME_THRESHOLD):
    """True when the two names are at least ``threshold`` alike."""
    return name_ratio(first, second) >= threshold
