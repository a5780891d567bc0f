"""Plain parts of the inbound HTTP API: body parsing, headers, rate limiting, errors.

The controller (``controllers/inbound.py``) stays thin: it looks records up and enqueues;
everything that can be decided from the request alone is decided here.
"""

import json
import threading
import time

from . import compression
from .input_limits import MAX_BATCH, MAX_DEPTH, MAX_KEY_LENGTH, InputError, check_key

MAX_HEADER_LENGTH = MAX_KEY_LENGTH
# Bodies of these types are parsed (and consumed) by the web framework as forms.
FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ApiError(Exception):
    """A refusal with its HTTP status, a machine-readable code and a sentence for people."""

    def __init__(self, status, code, message, headers=None, index=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.index = index

    def body(self):
        error = {"code": self.code, "message": self.message}
        if self.index is not None:
            error["index"] = self.index
        return {"error": error}


def _reject_constant(name):
    # NaN and Infinity are accepted by Python's json but are not JSON: refuse them here rather
    # than store a payload no other system can read.
    raise ValueError(f"{name} is not valid JSON")


def parse_messages(raw, max_batch=MAX_BATCH):
    """(payloads, is_batch) from a request body: one JSON object or {"messages": [...]}."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "The body must be UTF-8 encoded JSON.") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(
            400, "too_deep", f"The body is nested deeper than {MAX_DEPTH} levels."
        ) from None
    except ValueError:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise ApiError(400, "not_an_object", "The body must be a JSON object.")
    if set(document) != {"messages"}:
        return [document], False
    messages = document["messages"]
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "invalid_batch", '"messages" must be a non-empty list of objects.')
    if len(messages) > max_batch:
        raise ApiError(413, "batch_too_large", f"A batch holds at most {max_batch} messages.")
    bad = [index for index, item in enumerate(messages) if not isinstance(item, dict)]
    if bad:
        raise ApiError(
            400,
            "invalid_message",
            f"Batch items must be JSON objects (not item {bad[0]}).",
            index=bad[0],
        )
    return messages, True


def check_content_type(mimetype):
    """Refuse form encodings: the framework would consume the body before we read it."""
    if mimetype in FORM_MIMETYPES:
        raise ApiError(
            415, "unsupported_media_type", "Send the body as Content-Type: application/json."
        )


def request_coding(header_value):
    """The coding of a ``Content-Encoding`` header (None: not compressed); 415 for others."""
    try:
        return compression.content_coding(header_value)
    except compression.UnsupportedEncoding as error:
        raise ApiError(415, "unsupported_encoding", str(error)) from None


def inflate_body(raw, coding, max_bytes):
    """The body a request sent compressed with ``coding``, inflated to at most ``max_bytes``:
    413 as soon as it passes them, 400 for a corrupt or cut-short stream."""
    if not coding:
        return raw
    try:
        return compression.inflate(compression.chunks(raw), coding, max_bytes)
    except compression.TooLarge as error:
        raise ApiError(413, "inflated_too_large", str(error)) from None
    except compression.CorruptBody as error:
        raise ApiError(400, "invalid_compression", str(error)) from None


def check_size(size, max_bytes):
    """Refuse a body (or a Content-Length) above ``max_bytes``."""
    if size and size > max_bytes:
        raise ApiError(413, "too_large", f"The body is over {max_bytes} bytes.")


def optional_header(headers, name, max_length=MAX_HEADER_LENGTH):
    """The stripped value of header ``name``, or None; refuse values too long to store or
    holding control characters."""
    value = (headers.get(name) or "").strip()
    if len(value) > max_length:
        raise ApiError(400, "invalid_header", f"{name} is longer than {max_length} characters.")
    try:
        return check_key(name, value)
    except InputError as error:
        raise ApiError(400, "invalid_header", str(error)) from None


def valid_codes(*codes):
    """Whether endpoint and flow codes of a path are within the limits of keys."""
    try:
        return all(check_key("code", code) for code in codes)
    except InputError:
        return False


def bearer_token(header_value):
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, token = (header_value or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class RateLimiter:
    """Requests per minute per key, in fixed one-minute windows, for this server process.

    With several server processes each counts its own requests: set the limit per process.
    """

    def __init__(self, clock=time.time):
        self._clock = clock
        self._windows = {}
        self._lock = threading.Lock()

    def check(self, key, limit_per_minute):
        """Count one request; raise ApiError 429 when ``key`` is over its limit."""
        if not limit_per_minute or limit_per_minute <= 0:
            return
        now = self._clock()
        window = int(now // 60)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                start, count = window, 0
            if count >= limit_per_minute:
                retry_after = max(1, int((window + 1) * 60 - now))
                raise ApiError(
                    429,
                    "rate_limited",
                    f"Over {limit_per_minute} requests per minute: retry in {retry_after} s.",
                    {"Retry-After": str(retry_after)},
                )
            self._windows[key] = (start, count + 1)
