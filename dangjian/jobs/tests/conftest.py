import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # Job ids are reused between tests once rolled back; their progress entries must not be.
    cache.clear()
    yield
    cache.clear()
