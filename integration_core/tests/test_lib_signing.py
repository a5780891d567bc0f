import hashlib
import hmac
import re

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import signing

SECRET = "whsec-plant-1"
BODY = b'{"order": "WO-1001", "qty": 5}'
T = 1_700_000_000


@tagged("post_install", "-at_install")
class TestSignature(BaseCase):
    def assertRefused(self, header, body=BODY, *, secret=SECRET, now=T, reason=""):
        with self.assertRaisesRegex(signing.SignatureError, reason):
            signing.verify(secret, header, body, now=now)

    def test_header_is_hmac_sha256_of_timestamp_dot_body(self):
        expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
        self.assertEqual(signing.sign(SECRET, BODY, T), f"t={T},v1={expected}")

    def test_valid_signature_is_accepted(self):
        header = signing.sign(SECRET, BODY, T)
        signing.verify(SECRET, header, BODY, now=T)
        signing.verify(SECRET, header, BODY, now=T + 300)
        signing.verify(SECRET, header, BODY, now=T - 300)

    def test_sign_defaults_to_current_time(self):
        signing.verify(SECRET, signing.sign(SECRET, BODY), BODY)

    def test_tampered_body_is_refused(self):
        header = signing.sign(SECRET, BODY, T)
        self.assertRefused(header, BODY.replace(b"5", b"50"), reason="does not match")

    def test_wrong_secret_is_refused(self):
        header = signing.sign("another-secret", BODY, T)
        self.assertRefused(header, reason="does not match")

    def test_replayed_old_signature_is_refused(self):
        header = signing.sign(SECRET, BODY, T)
        self.assertRefused(header, now=T + 301, reason="window")
        self.assertRefused(header, now=T + 86_400, reason="window")

    def test_timestamp_from_the_future_is_refused(self):
        header = signing.sign(SECRET, BODY, T + 301)
        self.assertRefused(header, now=T, reason="window")

    def test_refreshed_timestamp_breaks_the_signature(self):
        old = signing.sign(SECRET, BODY, T - 3600)
        refreshed = old.replace(f"t={T - 3600}", f"t={T}")
        self.assertRefused(refreshed, reason="does not match")

    def test_missing_or_malformed_header_is_refused(self):
        digest = "a" * 64
        for header in (
            None,
            "",
            "garbage",
            f"v1={digest}",
            f"t={T}",
            f"t=soon,v1={digest}",
            f"t={T},v1=xyz",
            f"t={T},v1={'é' * 64}",
            f"t={T},v1={digest},",
        ):
            with self.subTest(header=header):
                self.assertRefused(header)

    def test_signature_error_is_a_value_error(self):
        self.assertTrue(issubclass(signing.SignatureError, ValueError))

    def test_sender_rotation_several_v1_values(self):
        old_value = signing.sign("old-secret", BODY, T).split(",")[1]
        header = f"{signing.sign(SECRET, BODY, T)},{old_value}"
        signing.verify(SECRET, header, BODY, now=T)
        signing.verify("old-secret", header, BODY, now=T)
        self.assertRefused(header, secret="third-secret", reason="does not match")

    def test_receiver_rotation_several_secrets(self):
        header = signing.sign("old-secret", BODY, T)
        signing.verify([SECRET, "old-secret"], header, BODY, now=T)
        self.assertRefused(header, secret=[SECRET], reason="does not match")

    def test_no_configured_secret_refuses_everything(self):
        header = signing.sign(SECRET, BODY, T)
        self.assertRefused(header, secret="", reason="no signing secret")
        self.assertRefused(header, secret=[], reason="no signing secret")
        with self.assertRaises(ValueError):
            signing.sign("", BODY, T)


@tagged("post_install", "-at_install")
class TestApiKeys(BaseCase):
    def test_generated_key_format_and_prefix(self):
        key, prefix = signing.generate_api_key()
        self.assertRegex(key, r"^mik_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")
        self.assertEqual(key[4:12], prefix)
        self.assertEqual(signing.api_key_prefix(key), prefix)

    def test_generated_keys_are_unique(self):
        keys = {signing.generate_api_key()[0] for _ in range(200)}
        self.assertEqual(len(keys), 200)

    def test_hash_is_sha256_hex_and_hides_the_key(self):
        key, _prefix = signing.generate_api_key()
        stored = signing.hash_api_key(key)
        self.assertEqual(stored, hashlib.sha256(key.encode()).hexdigest())
        self.assertNotIn(key.rsplit("_", 1)[1], stored)

    def test_check_accepts_only_the_right_key(self):
        key, _prefix = signing.generate_api_key()
        other, _prefix = signing.generate_api_key()
        stored = signing.hash_api_key(key)
        self.assertTrue(signing.check_api_key(key, stored))
        self.assertFalse(signing.check_api_key(other, stored))
        self.assertFalse(signing.check_api_key(key[:-1], stored))

    def test_check_refuses_when_nothing_is_stored(self):
        key, _prefix = signing.generate_api_key()
        for stored in (None, False, ""):
            with self.subTest(stored=stored):
                self.assertFalse(signing.check_api_key(key, stored))
        self.assertFalse(signing.check_api_key(None, signing.hash_api_key(key)))

    def test_prefix_of_malformed_keys_is_none(self):
        key, _prefix = signing.generate_api_key()
        for presented in (
            None,
            "",
            "mik_",
            f"Bearer {key}",
            key + "x",
            key[:-1],
            re.sub(r"^mik_", "xyz_", key),
            key[:4] + "ABCDEFGH" + key[12:],
        ):
            with self.subTest(presented=presented):
                self.assertIsNone(signing.api_key_prefix(presented))
