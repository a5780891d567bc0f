"""Compressed bodies: inflated within the limit, bombs stopped early, bad streams named."""

import gzip
import zlib

from odoo.tests import BaseCase, tagged

from ..lib import compression
from ..lib.compression import CHUNK, CorruptBody, TooLarge, UnsupportedEncoding
from ..lib.input_limits import InputError

PAYLOAD = b'{"message_id": "m-1", "work_order": "WO-7", "produced": [{"quantity": 4}]}' * 50


def gzip_bomb(inflated_mib):
    """One gzip member of ``inflated_mib`` MiB of zeros (about 1 kB per MiB)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(2**20)
    return b"".join(deflater.compress(zeros) for _n in range(inflated_mib)) + deflater.flush()


class CountingPieces:
    """The pieces of ``data``, counting how many bytes the reader took."""

    def __init__(self, data, size=CHUNK):
        self.data, self.size, self.taken = data, size, 0

    def __iter__(self):
        for start in range(0, len(self.data), self.size):
            piece = self.data[start : start + self.size]
            self.taken += len(piece)
            yield piece


@tagged("post_install", "-at_install")
class TestCompression(BaseCase):
    def inflate(self, data, coding="gzip", max_bytes=2**20):
        return compression.inflate(compression.chunks(data), coding, max_bytes)

    def test_gzip_and_deflate_inflate_to_the_content(self):
        self.assertEqual(self.inflate(gzip.compress(PAYLOAD)), PAYLOAD)
        self.assertEqual(self.inflate(zlib.compress(PAYLOAD), "deflate"), PAYLOAD)
        # Fed one byte at a time: the stream's state carries over between pieces.
        pieces = compression.chunks(gzip.compress(PAYLOAD), size=1)
        self.assertEqual(compression.inflate(pieces, "gzip", 2**20), PAYLOAD)

    def test_gzip_members_one_after_the_other_are_one_content(self):
        data = gzip.compress(PAYLOAD[:100]) + gzip.compress(PAYLOAD[100:])
        self.assertEqual(self.inflate(data), PAYLOAD)

    def test_content_at_the_limit_passes_one_byte_more_does_not(self):
        data = gzip.compress(PAYLOAD)
        self.assertEqual(self.inflate(data, max_bytes=len(PAYLOAD)), PAYLOAD)
        with self.assertRaises(TooLarge) as raised:
            self.inflate(data, max_bytes=len(PAYLOAD) - 1)
        expected = f"The content inflates past {len(PAYLOAD) - 1} bytes."
        self.assertEqual(str(raised.exception), expected)

    def test_a_bomb_is_stopped_one_byte_past_the_limit_after_one_piece(self):
        bomb = gzip_bomb(64)  # about 64 kB that inflate to 64 MiB
        self.assertLess(len(bomb), 70_000)
        pieces = CountingPieces(bomb, size=4096)
        with self.assertRaises(TooLarge) as raised:
            compression.inflate(pieces, "gzip", 2**20)
        error = raised.exception
        self.assertEqual(error.inflated, 2**20 + 1, "never more than one byte past the limit")
        # 1 MiB of zeros is about 1 kB of gzip: the first piece of 4 kB was enough.
        self.assertEqual((error.consumed, pieces.taken), (4096, 4096), "read no further")
        self.assertIsInstance(error, InputError)

    def test_compressed_input_over_the_limit_is_refused_before_inflating(self):
        members = gzip.compress(b"") * 100  # inflates to nothing, 2 kB of input
        with self.assertRaises(TooLarge) as raised:
            self.inflate(members, max_bytes=1000)
        self.assertEqual(str(raised.exception), "The compressed content is over 1000 bytes.")

    def test_corrupt_cut_short_empty_and_trailing_data_are_refused(self):
        data = gzip.compress(PAYLOAD)
        cases = {
            "not gzip": (b"plain text, not gzip", "gzip", "not valid gzip"),
            "cut short": (data[: len(data) // 2], "gzip", "empty or cut short"),
            "no trailer": (data[:-4], "gzip", "empty or cut short"),
            "empty": (b"", "gzip", "empty or cut short"),
            "garbage after": (data + b"garbage", "gzip", "not valid gzip"),
            "deflate and more": (zlib.compress(PAYLOAD) + b"x", "deflate", "data after its end"),
            "gzip as deflate": (data, "deflate", "not valid deflate"),
            "bad checksum": (data[:-8] + b"\0\0\0\0" + data[-4:], "gzip", "not valid gzip"),
        }
        for name, (body, coding, reason) in cases.items():
            with self.subTest(name), self.assertRaises(CorruptBody) as raised:
                self.inflate(body, coding)
            self.assertIn(reason, str(raised.exception))

    def test_content_coding_names(self):
        for value, coding in [
            ("gzip", "gzip"),
            ("GZip ", "gzip"),
            ("x-gzip", "gzip"),
            ("deflate", "deflate"),
            ("identity", None),
            ("", None),
            (None, None),
            ("gzip, identity", "gzip"),
        ]:
            self.assertEqual(compression.content_coding(value), coding, value)
        self.assertIsNone(compression.content_coding("utf-8", plain=("utf-8",)))
        for value in ("br", "zstd", "gzip, gzip", "gzip, deflate", "utf-8", "x" * 500):
            with self.subTest(value), self.assertRaises(UnsupportedEncoding) as raised:
                compression.content_coding(value)
            self.assertIn("send gzip, deflate or no compression", str(raised.exception))
            self.assertLess(len(str(raised.exception)), 150, "a long value is cut")

    def test_compress_gives_the_same_bytes_for_the_same_content(self):
        first = compression.compress(PAYLOAD)
        self.assertEqual(compression.compress(PAYLOAD), first, "no timestamp in the header")
        self.assertEqual(gzip.decompress(first), PAYLOAD)
        self.assertLess(len(first), len(PAYLOAD) / 10)
        self.assertEqual(zlib.decompress(compression.compress(PAYLOAD, "deflate")), PAYLOAD)
        with self.assertRaises(ValueError):
            compression.compress(PAYLOAD, "br")
