"""Compressed bodies: gzip and deflate in, gzip out, never inflated past the body limit.

Inbound bodies (HTTP ``Content-Encoding``, the AMQP ``content_encoding`` property, ``.gz``
files) are inflated piece by piece through ``zlib.decompressobj`` with ``max_length``: a small
body that would inflate past the limit (a "zip bomb") is refused once ``max_bytes + 1`` bytes
came out, whatever it would have grown to, and its compressed input is read no further. The
limit is the body limit of ``input_limits`` (``integration.max_request_bytes``), applied to the
compressed and to the inflated size alike.

Outbound bodies are compressed with gzip and a zero timestamp, so a retried message is the same
bytes each time (a receiver comparing or signing bodies sees one body).
"""

import gzip
import zlib

from .input_limits import InputError

GZIP = "gzip"
DEFLATE = "deflate"
# zlib's window bits per coding: gzip's header and trailer; deflate is the zlib format
# (RFC 9110 8.4.1.2), which is what HTTP's "deflate" means.
_WBITS = {GZIP: 16 + zlib.MAX_WBITS, DEFLATE: zlib.MAX_WBITS}
# Other names of the same codings (RFC 9110 8.4.1.3) and names meaning no compression.
_ALIASES = {"x-gzip": GZIP}
_PLAIN = frozenset({"", "identity"})
CHUNK = 64 * 1024  # compressed bytes handed to the decompressor at a time
# zlib's own default. On the MES messages (setup/bench_compression.py) level 9 gives the same
# bytes for one message, and 13 % fewer for a batch of 100 at more than twice the CPU.
LEVEL = 6
_SHOWN = 40  # characters of an unknown coding quoted back in an error


class UnsupportedEncoding(InputError):
    """A content coding other than gzip, deflate or none."""


class CorruptBody(InputError):
    """A compressed body that is not of its coding, is truncated, or has data after its end."""


class TooLarge(InputError):
    """Compressed content over the limit, or inflating past it: ``inflated`` bytes came out (at
    most ``max_bytes + 1``) from the ``consumed`` compressed bytes read."""

    def __init__(self, max_bytes, inflated, consumed):
        what = "compressed content is over" if consumed > max_bytes else "content inflates past"
        super().__init__(f"The {what} {max_bytes} bytes.")
        self.max_bytes = max_bytes
        self.inflated = inflated
        self.consumed = consumed


def content_coding(value, plain=()):
    """The coding (``gzip``, ``deflate``) that a Content-Encoding value names, None for none.

    ``plain``: more names that mean no compression on this path (AMQP clients put a character
    set there). One coding at most: ``identity`` beside it is ignored. UnsupportedEncoding for
    anything else.
    """
    names = [name.strip().lower() for name in (value or "").split(",")]
    codings = [_ALIASES.get(name, name) for name in names if name not in _PLAIN | set(plain)]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in _WBITS:
        return codings[0]
    shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "..."
    raise UnsupportedEncoding(
        f"Content encoding {shown!r} is not supported: send gzip, deflate or no compression."
    )


def chunks(data, size=CHUNK):
    """``data`` (bytes) as an iterable of pieces of ``size`` bytes, without copying it."""
    view = memoryview(data)
    return (view[start : start + size] for start in range(0, len(view), size))


def inflate(pieces, coding, max_bytes):
    """The bytes that compressed ``pieces`` (an iterable of bytes) inflate to.

    TooLarge as soon as the content passes ``max_bytes`` (no more than ``max_bytes + 1``
    bytes are ever inflated, and no more pieces are read) or the compressed input does;
    CorruptBody for a stream that is not ``coding``, is cut short or is followed by other data.
    Several gzip members one after the other are one content (RFC 1952).
    """
    inflater = _Inflater(coding, max_bytes)
    for piece in pieces:
        inflater.feed(piece)
    return inflater.finish()


def compress(data, coding=GZIP):
    """``data`` compressed with ``coding`` (the same bytes for the same data)."""
    if coding == GZIP:
        return gzip.compress(data, compresslevel=LEVEL, mtime=0)
    if coding == DEFLATE:
        return zlib.compress(data, LEVEL)
    raise ValueError(f"unknown coding {coding!r}")


class _Inflater:
    def __init__(self, coding, max_bytes):
        self.coding = coding
        self.max_bytes = max_bytes
        self.consumed = 0
        self._inflated = 0
        self._pieces = []
        self._stream = zlib.decompressobj(_WBITS[coding])

    def feed(self, data):
        self.consumed += len(data)
        if self.consumed > self.max_bytes:
            raise TooLarge(self.max_bytes, self._inflated, self.consumed)
        while data:
            if self._stream.eof:
                if self.coding != GZIP:
                    raise CorruptBody(f"The {self.coding} content has data after its end.")
                self._stream = zlib.decompressobj(_WBITS[GZIP])  # the next member
            # Never more out than one byte past the limit, however far the input would inflate.
            room = self.max_bytes + 1 - self._inflated
            try:
                piece = self._stream.decompress(data, room)
            except zlib.error as error:
                raise CorruptBody(f"The content is not valid {self.coding} ({error}).") from None
            self._inflated += len(piece)
            if self._inflated > self.max_bytes:
                raise TooLarge(self.max_bytes, self._inflated, self.consumed)
            self._pieces.append(piece)
            data = self._stream.unused_data if self._stream.eof else self._stream.unconsumed_tail

    def finish(self):
        if not self._stream.eof:
            raise CorruptBody(f"The {self.coding} content is empty or cut short.")
        return b"".join(self._pieces)
