"""Encryption at rest for sensitive personal information (PIPL art. 28) and a keyed blind index.

Values are sealed with AES-256-GCM under FIELD_ENCRYPTION_KEY; the stored text is
"v1:" + base64(nonce ‖ ciphertext ‖ tag). Exact lookup (e.g. by ID number) uses an HMAC-SHA256
of the normalised value under a key derived from the same secret with HKDF, so the database
never holds a clear value nor an unkeyed hash that could be brute-forced from the small ID space.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1:"


class DecryptionError(Exception):
    """The stored value cannot be opened with the configured key: never return ciphertext."""


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[bytes, bytes, bytes]:
    try:
        master = base64.urlsafe_b64decode(secret.encode() + b"=" * (-len(secret) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64 of 32 bytes.") from exc
    if len(master) != 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64 of 32 bytes.")

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return (
        derive(b"dangjian field encryption v1"),
        derive(b"dangjian blind index v1"),
        derive(b"dangjian backup v1"),
    )


def _enc_key() -> bytes:
    return _keys(settings.FIELD_ENCRYPTION_KEY)[0]


def encrypt(plain: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_enc_key()).encrypt(nonce, plain.encode("utf-8"), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("unknown format")
    raw = base64.b64decode(token[len(PREFIX) :])
    try:
        return AESGCM(_enc_key()).decrypt(raw[:12], raw[12:], None).decode("utf-8")
    except Exception as exc:  # InvalidTag: wrong key or tampered value
        raise DecryptionError("cannot decrypt with the configured key") from exc


FILE_PREFIX = b"DJF1"


def seal_bytes(plain: bytes) -> bytes:
    """Encrypt a whole file (an uploaded roster, an export): it holds the same personal data."""
    nonce = os.urandom(12)
    return FILE_PREFIX + nonce + AESGCM(_enc_key()).encrypt(nonce, plain, FILE_PREFIX)


def open_bytes(sealed: bytes | memoryview) -> bytes:
    # A BinaryField reads as memoryview on PostgreSQL, bytes on SQLite.
    sealed = bytes(sealed)
    if not sealed.startswith(FILE_PREFIX):
        raise DecryptionError("unknown format")
    try:
        return AESGCM(_enc_key()).decrypt(sealed[4:16], sealed[16:], FILE_PREFIX)
    except Exception as exc:
        raise DecryptionError("cannot decrypt with the configured key") from exc


def backup_mac(message: bytes) -> str:
    """An HMAC of a backup's manifest (and of a fixed string, its key check value) under a key
    derived from FIELD_ENCRYPTION_KEY: a restore can tell a wrong key and an altered manifest
    apart before it writes anything, and the archive holds no key."""
    return hmac.new(_keys(settings.FIELD_ENCRYPTION_KEY)[2], message, hashlib.sha256).hexdigest()


def blind_index(normalised: str) -> str:
    key = _keys(settings.FIELD_ENCRYPTION_KEY)[1]
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


class Sealed(str):
    """A value already encrypted (`seal`), stored as it is: a roster import encrypts its rows
    while it prepares them, outside its write transaction, not while it inserts them."""


def seal(plain: str) -> str:
    """`plain` encrypted as EncryptedTextField stores it; empty stays empty."""
    return Sealed(encrypt(plain)) if plain else plain


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. Empty stays empty string (never NULL, never ciphertext)."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        if isinstance(value, Sealed):
            return str(value)
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
