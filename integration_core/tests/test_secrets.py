from unittest.mock import patch

from cryptography.fernet import Fernet

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import config


@tagged("post_install", "-at_install")
class TestSecrets(TransactionCase):
    def keys(self, *keys):
        return patch.dict(config.options, {"integration_encryption_keys": ",".join(keys)})

    def stored(self, endpoint):
        endpoint.flush_recordset()
        self.env.cr.execute(
            "SELECT secret_ciphertext FROM integration_endpoint WHERE id = %s", [endpoint.id]
        )
        return self.env.cr.fetchone()[0]

    def test_no_key_configured_is_a_clear_error(self):
        endpoint = self.env["integration.endpoint"].create({"name": "MES", "code": "K_MES"})
        with (
            patch.dict(config.options, {"integration_encryption_keys": ""}),
            patch.dict("os.environ", {"INTEGRATION_ENCRYPTION_KEYS": ""}),
            self.assertRaises(UserError) as raised,
        ):
            endpoint.secret = "s3cret"
        self.assertIn("integration_encryption_keys", str(raised.exception))
        self.assertIn("INTEGRATION_ENCRYPTION_KEYS", str(raised.exception))

    def test_rotation_re_encrypts_under_the_new_key(self):
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        endpoint = self.env["integration.endpoint"].create({"name": "MES", "code": "R_MES"})
        with self.keys(old):
            endpoint.secret = "plant-password"
        before = self.stored(endpoint)
        with self.keys(new, old):
            self.assertEqual(endpoint._get_secret(), "plant-password", "old key still decrypts")
            self.assertEqual(self.env["integration.endpoint"]._rotate_secrets(), 1)
            self.assertEqual(self.env["integration.endpoint"]._rotate_secrets(), 0)
        after = self.stored(endpoint)
        self.assertNotEqual(before, after)
        with self.keys(new):
            self.assertEqual(endpoint._get_secret(), "plant-password")
        with self.keys(old), self.assertRaises(UserError):
            endpoint._get_secret()
