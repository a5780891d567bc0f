"""HMAC request signatures and inbound API keys.

Signature header value: ``t=<unix seconds>,v1=<hex hmac-sha256>``, computed over
``b"<t>." + raw request body`` with the endpoint's shared secret. The timestamp is signed too, so
an attacker cannot refresh it, and a window around the receiver's clock refuses replays. A sender
rotating its secret may send several ``v1=`` values, one per secret; the receiver may also hold
several secrets (old and new) during a rotation.

API keys look like ``mik_<8 hex prefix>_<43 char token>``. The prefix is stored in clear to find
the key's record; only the key's hash is stored.
"""

import hashlib
import hmac
import re
import secrets
import time

API_KEY_PREFIX = "mik"
_API_KEY_RE = re.compile(rf"{API_KEY_PREFIX}_([0-9a-f]{{8}})_[A-Za-z0-9_-]{{43}}")
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_DIGEST_RE = re.compile(r"[0-9a-fA-F]{64}")


class SignatureError(ValueError):
    """The request signature is missing, malformed, too old or too new, or wrong."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _digest(secret, timestamp, body):
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret, body, timestamp=None):
    """Signature header value for ``body`` (bytes) at ``timestamp`` (default: now)."""
    if not secret:
        raise ValueError("the signing secret is empty")
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def _parse_header(header_value):
    """Return ``(timestamp, [digests])`` from a signature header value."""
    if not header_value:
        raise SignatureError("missing signature header")
    timestamp, digests = None, []
    for item in header_value.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise SignatureError("malformed signature header")
        if key == "t" and _TIMESTAMP_RE.fullmatch(value):
            timestamp = int(value)
        elif key == "v1" and _DIGEST_RE.fullmatch(value):
            digests.append(value.lower())
        elif key in ("t", "v1"):
            raise SignatureError(f"malformed {key}= value in signature header")
    if timestamp is None or not digests:
        raise SignatureError("signature header needs t= and v1= values")
    return timestamp, digests


def verify(secret, header_value, body, *, now=None, window=300):
    """Check a signature header against ``body``; raise ``SignatureError`` when it does not hold.

    ``secret`` is one secret or a sequence of secrets (any may match, for rotation). A timestamp
    more than ``window`` seconds away from ``now`` is refused, in the past (replay) or in the
    future (clock skew).
    """
    candidates = [secret] if isinstance(secret, str) else list(secret)
    candidates = [candidate for candidate in candidates if candidate]
    if not candidates:
        raise SignatureError("no signing secret is configured")
    timestamp, digests = _parse_header(header_value)
    now = time.time() if now is None else now
    if abs(now - timestamp) > window:
        raise SignatureError("signature timestamp is outside the accepted window")
    expected = [_digest(candidate, timestamp, body) for candidate in candidates]
    # Every pair is compared so the time taken does not depend on which one matched.
    matches = [hmac.compare_digest(e, d) for e in expected for d in digests]
    if not any(matches):
        raise SignatureError("signature does not match")


def generate_api_key():
    """Return ``(key, prefix)``: a new key to show once, and its prefix to store in clear."""
    prefix = secrets.token_hex(4)
    return f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def hash_api_key(key):
    """SHA-256 hex digest of a key.

    A fast hash is right here: keys carry 256 random bits, so no guessing attack can use the
    speed, unlike passwords, which need a slow salted hash.
    """
    return hashlib.sha256(key.encode()).hexdigest()


def check_api_key(key, stored_hash):
    """True when ``key`` hashes to ``stored_hash``, compared in constant time."""
    if not isinstance(key, str) or not stored_hash:
        return False
    return hmac.compare_digest(hash_api_key(key), stored_hash)


def api_key_prefix(key):
    """The lookup prefix of a presented key, or None when it is not a well-formed key."""
    if not isinstance(key, str):
        return None
    match = _API_KEY_RE.fullmatch(key)
    return match.group(1) if match else None
