"""The one table of input limits, and the validator every enqueue path applies.

HTTP, XML-RPC / JSON-RPC (``enqueue_external``, ``enqueue_outbound``), the AMQP consumer and its
scheduled pull, the file drop and the Python API (``enqueue`` / ``enqueue_batch``) all queue
through ``integration.message._enqueue_target``, which checks every item here before anything
is stored. Uploaded JSON documents (configuration packages) are read by
``load_json_document`` with the same limits. A refusal is an ``InputError`` naming the item of
the batch and the reason; each path turns it into its own answer (HTTP 400, an RPC
ValidationError, a dead-lettered broker message, a file in error/). README.rst (External API,
Input limits) documents this table.
"""

import json
import math
import re

# Largest body, and largest stored payload (system parameter integration.max_request_bytes).
# A compressed body (gzip, deflate: ``lib/compression.py``) is held to it twice: as received and
# as inflated, the inflating stopped as soon as it passes.
MAX_BODY_BYTES = 5 * 1024 * 1024
# Most messages in one call (HTTP batch, RPC list, Python enqueue_batch).
MAX_BATCH = 1000
# Deepest nesting of objects and arrays in a payload; the payload itself is level 1.
MAX_DEPTH = 64
# Longest idempotency key (message_id, Idempotency-Key), ordering key, correlation id, code.
MAX_KEY_LENGTH = 255
# Integers a payload may hold: what a signed 64-bit column of the other system can take.
MAX_INTEGER = 2**63 - 1
# A message's sequence among those of its ordering key (a PostgreSQL integer).
MAX_SEQUENCE = 2**31 - 1

# Keys and codes: no control character (C0, DEL, C1, NUL included) and no lone surrogate.
_BAD_KEY_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Any text: no NUL (PostgreSQL cannot store it) and no lone surrogate (not encodable as UTF-8).
_BAD_TEXT_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
_SCALARS = (str, int, float, bool, type(None))


class InputError(ValueError):
    """Input that no retry can make acceptable: ``reason`` says why, ``index`` which item."""

    def __init__(self, reason, index=None):
        reason = reason[:1].upper() + reason[1:]
        super().__init__(reason)
        self.reason = reason
        self.index = index

    def __str__(self):
        if self.index is None:
            return self.reason
        return f"Message {self.index} of the batch: {self.reason}"


def check_batch_size(count, max_batch=MAX_BATCH):
    """Refuse more than ``max_batch`` messages in one call."""
    if count > max_batch:
        raise InputError(f"A batch holds at most {max_batch} messages, not {count}.")


def check_key(name, value):
    """``value`` as the text of a key (str or int), or None when empty; InputError if unfit."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(f"{name} must be a string or an integer.")
    text = str(value) if isinstance(value, int) else value
    if len(text) > MAX_KEY_LENGTH:
        raise InputError(f"{name} is longer than {MAX_KEY_LENGTH} characters.")
    if _BAD_KEY_CHARACTERS.search(text):
        raise InputError(f"{name} contains a control character or a lone surrogate.")
    return text


def check_sequence(value):
    """The sequence as an int (0 when empty); InputError unless an integer in range."""
    if value in (None, False, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_SEQUENCE:
        raise InputError(f"sequence must be an integer within +-{MAX_SEQUENCE}.")
    return value


def encode_payload(payload, max_bytes=MAX_BODY_BYTES):
    """(text, utf-8 bytes) of a payload: a JSON value, or text kept as it is (CSV, XML).

    InputError for what JSON cannot hold (other types, NaN, Infinity, integers past 64 bits),
    nesting past ``MAX_DEPTH``, NUL or lone surrogates in any text, or more than ``max_bytes``.
    """
    if isinstance(payload, str):
        _check_text(payload, "the payload")
        text = payload
    else:
        check_json_value(payload, "the payload")
        text = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    encoded = text.encode()
    if len(encoded) > max_bytes:
        raise InputError(f"The payload is over {max_bytes} bytes.")
    return text, encoded


def load_json_document(raw, what, max_bytes=MAX_BODY_BYTES):
    """The JSON document in ``raw`` (bytes of an uploaded file), within the limits.

    InputError when it is over ``max_bytes``, not UTF-8, not JSON, nested past ``MAX_DEPTH``
    (however deep: Python's parser gives up past about a thousand levels) or holding what
    ``check_json_value`` refuses (NaN, Infinity, integers past 64 bits, NUL, lone surrogates).
    """
    if len(raw) > max_bytes:
        raise InputError(f"{what} is over {max_bytes} bytes.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text.") from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise InputError(f"{what} is nested deeper than {MAX_DEPTH} levels.") from None
    except ValueError as error:
        raise InputError(f"{what} is not valid JSON ({error}).") from None
    check_json_value(document, what)
    return document


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def check_json_value(value, what="the value"):
    """Refuse anything but JSON in ``value`` (walked without recursion: depth is bounded).

    A fast walk over exact types first; only when it meets something unusual does the
    thorough walk run, to accept subclasses (an OrderedDict) or name what is wrong and where.
    """
    if not _plain_json(value):
        _explain(value, what)


def _plain_json(value):
    """True when ``value`` is plainly within the limits; False when it needs a closer look."""
    if type(value) is not dict and type(value) is not list:
        return False
    stack, strings = [(value, 1)], []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if type(node) is dict:
            strings.extend(node)
            children = node.values()
        else:
            children = node
        for child in children:
            kind = type(child)
            if kind is str:
                strings.append(child)
            elif kind is dict or kind is list:
                stack.append((child, depth + 1))
            elif not _plain_scalar(child, kind):
                return False
    try:
        text = "".join(strings)
    except TypeError:  # an object key that is not a string
        return False
    return not _BAD_TEXT_CHARACTERS.search(text)


def _plain_scalar(value, kind):
    if kind is int:
        return -MAX_INTEGER <= value <= MAX_INTEGER
    if kind is float:
        return value - value == 0  # not NaN nor an infinity
    return kind is bool or value is None


def _explain(value, what):
    """The thorough walk: raise InputError naming the first problem and its path."""
    stack = [(value, 1, "")]
    while stack:
        node, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"{what} is nested deeper than {MAX_DEPTH} levels.")
        if isinstance(node, dict):
            children = []
            for key, child in node.items():
                if not isinstance(key, str):
                    raise InputError(f"{what}: object keys must be strings (at {path or '/'}).")
                _check_text(key, what, path)
                children.append((child, f"{path}/{key}"))
        elif isinstance(node, list):
            children = [(child, f"{path}/{index}") for index, child in enumerate(node)]
        else:
            _check_scalar(node, what, path)
            continue
        for child, child_path in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1, child_path))
            else:
                _check_scalar(child, what, child_path)


def _check_scalar(value, what, path):
    if not isinstance(value, _SCALARS):
        raise InputError(
            f"{what} holds a {type(value).__name__} at {path or '/'}: only JSON values "
            "(objects, arrays, strings, numbers, true, false, null) are accepted."
        )
    if isinstance(value, str):
        _check_text(value, what, path)
    elif isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{what} holds {value} at {path or '/'}, which is not a JSON number.")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise InputError(f"{what} holds an integer past 64 bits at {path or '/'}.")


def _check_text(text, what, path=""):
    if _BAD_TEXT_CHARACTERS.search(text):
        where = f" at {path}" if path else ""
        raise InputError(f"{what} contains a NUL character or a lone surrogate{where}.")
