"""Passwords are stored with Argon2 in production (the test settings swap in a fast hasher)."""

from django.contrib.auth.hashers import Argon2PasswordHasher

from dangjian import settings as production


def test_production_settings_hash_with_argon2_first():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_is_installed_and_verifies():
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("pass-Word-123", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("pass-Word-123", encoded)
    assert not hasher.verify("pass-Word-124", encoded)
