"""Settings for the test suite: the real settings with fixed throwaway keys and fast hashing.

DATABASE_URL still decides the database, so CI runs the same suite on SQLite and PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWtleS0zMi1ieXRlcy1sb25nLi4uLi4=")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DANGJIAN_PLAIN_STATIC", "1")
# The demo and benchmark apps (load_demo, generate_dataset, benchmark…) are tested too.
os.environ.setdefault("DANGJIAN_DEMO", "1")
# One folder per pytest-xdist worker (its audit checkpoints, its cache): `make test` runs two.
os.environ.setdefault(
    "DANGJIAN_VAR_DIR",
    os.path.join(os.path.dirname(__file__), "..", "var", "test", os.environ.get("PYTEST_XDIST_WORKER", "")),
)

from dangjian.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "rosters"]}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
# WhiteNoise lists every static file when a handler is built, and the test client builds one per
# client (about 55 ms, a tenth of a page test's time): in tests it finds each file when asked.
WHITENOISE_AUTOREFRESH = True
