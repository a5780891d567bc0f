"""Endpoint credentials: the key box configured outside the database, and decryption."""

from odoo.exceptions import UserError
from odoo.tools import config

from ..lib import crypto

ENCRYPTION_KEYS_OPTION = "integration_encryption_keys"

_boxes = {}


def secret_box(env):
    """The SecretBox for the keys configured outside the database (server config or env).

    A missing or malformed key is a configuration problem a person must fix: UserError.
    """
    try:
        keys = tuple(crypto.load_keys(config.get(ENCRYPTION_KEYS_OPTION)))
        if keys not in _boxes:
            _boxes[keys] = crypto.SecretBox(list(keys))
    except crypto.CryptoError as error:
        raise UserError(str(error)) from None
    return _boxes[keys]


def decrypt(env, token):
    """Plaintext of a stored secret; UserError when the configured keys cannot open it."""
    try:
        return secret_box(env).decrypt(token)
    except crypto.CryptoError as error:
        raise UserError(str(error)) from None
