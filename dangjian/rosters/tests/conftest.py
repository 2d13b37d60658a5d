import pytest

from dangjian.rosters import services


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload through the service and run the check job, as the web page does."""

    def _upload(user, target, data, name="花名册.xlsx", **kw):
        with django_capture_on_commit_callbacks(execute=True):
            imp = services.upload(actor=user, target=target, file_name=name, data=data, **kw)
        imp.refresh_from_db()
        return imp

    return _upload


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    def _confirm(user, imp):
        with django_capture_on_commit_callbacks(execute=True):
            services.confirm(actor=user, imp=imp)
        imp.refresh_from_db()
        return imp

    return _confirm
