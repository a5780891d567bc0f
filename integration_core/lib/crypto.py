"""Encryption of stored credentials with Fernet, under keys kept outside the database.

Keys come from the Odoo server option ``integration_encryption_keys`` or else the environment
variable ``INTEGRATION_ENCRYPTION_KEYS``: comma-separated Fernet keys, the first one encrypts and
all of them decrypt. To rotate, put a new key first, keep the old ones after it, re-encrypt the
stored values with ``SecretBox.rotate``, then drop the old keys.
"""

import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

CONFIG_OPTION = "integration_encryption_keys"
ENV_VAR = "INTEGRATION_ENCRYPTION_KEYS"
GENERATE_COMMAND = (
    'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
_UNDECRYPTABLE = (
    "A stored credential cannot be decrypted with any configured key: the key that encrypted it "
    f"is missing from {CONFIG_OPTION} / {ENV_VAR}, or the value is corrupt."
)


class CryptoError(Exception):
    """Base of the errors of credential encryption."""


class MissingKeyError(CryptoError):
    """No encryption key is configured."""


class InvalidKeyError(CryptoError):
    """A configured key is not a Fernet key."""


class DecryptError(CryptoError):
    """A stored value cannot be decrypted with any configured key."""


def generate_key():
    """A new random Fernet key, as text."""
    return Fernet.generate_key().decode()


def load_keys(config_value, environ=None):
    """Keys from the server option value, or else from the environment; primary key first."""
    environ = os.environ if environ is None else environ
    raw = config_value or environ.get(ENV_VAR) or ""
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise MissingKeyError(
            "No encryption key for integration credentials. Set the option "
            f"{CONFIG_OPTION} = <key> in the [options] section of the Odoo server configuration "
            f"file, or the environment variable {ENV_VAR}=<key> (comma-separated keys, the first "
            f"encrypts, the others only decrypt). Generate a key with: {GENERATE_COMMAND}"
        )
    _fernets(keys)
    return keys


def _fernets(keys):
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            # "from None": the underlying error must not carry the key into logs.
            raise InvalidKeyError(
                f"Encryption key number {position} of {CONFIG_OPTION} / {ENV_VAR} is not a "
                f"Fernet key (32 url-safe base64-encoded bytes). Generate one with: "
                f"{GENERATE_COMMAND}"
            ) from None
    return fernets


class SecretBox:
    """Encrypts under the primary (first) key, decrypts under any of the keys."""

    def __init__(self, keys):
        if not keys:
            raise MissingKeyError(f"SecretBox needs at least one key ({CONFIG_OPTION})")
        fernets = _fernets(keys)
        self._primary = fernets[0]
        self._all = MultiFernet(fernets)

    def encrypt(self, plaintext):
        """Token (text) of ``plaintext``, under the primary key."""
        return self._primary.encrypt(plaintext.encode()).decode()

    def decrypt(self, token):
        """Plaintext of ``token``; ``DecryptError`` when no configured key fits."""
        try:
            return self._all.decrypt(token.encode()).decode()
        except InvalidToken:
            raise DecryptError(_UNDECRYPTABLE) from None

    def rotate(self, token):
        """``token`` re-encrypted under the primary key."""
        try:
            return self._all.rotate(token.encode()).decode()
        except InvalidToken:
            raise DecryptError(_UNDECRYPTABLE) from None

    def needs_rotation(self, token):
        """True when ``token`` was encrypted under a key other than the primary one."""
        try:
            self._primary.decrypt(token.encode())
        except InvalidToken:
            self.decrypt(token)
            return True
        return False
