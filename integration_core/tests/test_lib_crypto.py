import base64

from odoo.tests import BaseCase, tagged

from odoo.addons.integration_core.lib import crypto

PLAINTEXT = "s3cr3t-pässword-for-the-MES"


@tagged("post_install", "-at_install")
class TestLoadKeys(BaseCase):
    def test_config_value_gives_keys_primary_first(self):
        first, second = crypto.generate_key(), crypto.generate_key()
        keys = crypto.load_keys(f" {first} , {second},", environ={})
        self.assertEqual(keys, [first, second])

    def test_config_value_wins_over_environment(self):
        from_config, from_env = crypto.generate_key(), crypto.generate_key()
        environ = {"INTEGRATION_ENCRYPTION_KEYS": from_env}
        self.assertEqual(crypto.load_keys(from_config, environ=environ), [from_config])

    def test_environment_is_used_without_config_value(self):
        key = crypto.generate_key()
        environ = {"INTEGRATION_ENCRYPTION_KEYS": key}
        self.assertEqual(crypto.load_keys(None, environ=environ), [key])
        self.assertEqual(crypto.load_keys(False, environ=environ), [key])

    def test_missing_key_says_how_to_configure_one(self):
        for config_value, environ in ((None, {}), ("", {"INTEGRATION_ENCRYPTION_KEYS": " , "})):
            with self.subTest(config_value=config_value, environ=environ):
                with self.assertRaises(crypto.MissingKeyError) as caught:
                    crypto.load_keys(config_value, environ=environ)
                message = str(caught.exception)
                self.assertIn("integration_encryption_keys", message)
                self.assertIn("INTEGRATION_ENCRYPTION_KEYS", message)
                self.assertIn("Fernet.generate_key().decode()", message)

    def test_malformed_key_is_refused_without_echoing_it(self):
        good = crypto.generate_key()
        for bad in ("not-a-fernet-key-Tr0ub4dor", base64.urlsafe_b64encode(b"short").decode()):
            with self.subTest(bad=bad):
                with self.assertRaises(crypto.InvalidKeyError) as caught:
                    crypto.load_keys(f"{good},{bad}", environ={})
                self.assertIn("number 2", str(caught.exception))
                self.assertNotIn(bad, str(caught.exception))
                self.assertNotIn(good, str(caught.exception))
                self.assertIsNone(caught.exception.__cause__)


@tagged("post_install", "-at_install")
class TestSecretBox(BaseCase):
    def setUp(self):
        super().setUp()
        self.old_key = crypto.generate_key()
        self.new_key = crypto.generate_key()

    def test_round_trip(self):
        box = crypto.SecretBox([self.old_key])
        token = box.encrypt(PLAINTEXT)
        self.assertIsInstance(token, str)
        self.assertEqual(box.decrypt(token), PLAINTEXT)

    def test_ciphertext_does_not_reveal_the_plaintext(self):
        box = crypto.SecretBox([self.old_key])
        token = box.encrypt(PLAINTEXT)
        self.assertNotIn("s3cr3t", token)
        self.assertNotIn(base64.urlsafe_b64encode(PLAINTEXT.encode()).decode()[:12], token)
        self.assertNotEqual(box.encrypt(PLAINTEXT), token, "each encryption is randomised")

    def test_rotated_key_still_decrypts_old_tokens(self):
        old_token = crypto.SecretBox([self.old_key]).encrypt(PLAINTEXT)
        box = crypto.SecretBox([self.new_key, self.old_key])
        self.assertEqual(box.decrypt(old_token), PLAINTEXT)

    def test_new_tokens_use_the_primary_key(self):
        token = crypto.SecretBox([self.new_key, self.old_key]).encrypt(PLAINTEXT)
        self.assertEqual(crypto.SecretBox([self.new_key]).decrypt(token), PLAINTEXT)
        with self.assertRaises(crypto.DecryptError):
            crypto.SecretBox([self.old_key]).decrypt(token)

    def test_rotate_reencrypts_under_the_new_primary(self):
        old_token = crypto.SecretBox([self.old_key]).encrypt(PLAINTEXT)
        box = crypto.SecretBox([self.new_key, self.old_key])
        self.assertTrue(box.needs_rotation(old_token))
        rotated = box.rotate(old_token)
        self.assertFalse(box.needs_rotation(rotated))
        self.assertEqual(crypto.SecretBox([self.new_key]).decrypt(rotated), PLAINTEXT)
        with self.assertRaises(crypto.DecryptError):
            crypto.SecretBox([self.old_key]).decrypt(rotated)

    def test_unknown_key_or_corrupt_token_gives_a_clear_error(self):
        token = crypto.SecretBox([self.old_key]).encrypt(PLAINTEXT)
        box = crypto.SecretBox([self.new_key])
        for bad in (token, token[:-4] + "AAAA", "", "not a token", "é"):
            with self.subTest(bad=bad):
                with self.assertRaises(crypto.DecryptError) as caught:
                    box.decrypt(bad)
                message = str(caught.exception)
                self.assertIn("INTEGRATION_ENCRYPTION_KEYS", message)
                self.assertNotIn(PLAINTEXT, message)
                self.assertNotIn(self.new_key, message)
        with self.assertRaises(crypto.DecryptError):
            box.rotate(token)
        with self.assertRaises(crypto.DecryptError):
            box.needs_rotation(token)

    def test_box_needs_valid_keys(self):
        with self.assertRaises(crypto.MissingKeyError):
            crypto.SecretBox([])
        with self.assertRaises(crypto.InvalidKeyError):
            crypto.SecretBox(["nope"])
