from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    """The audit log's pages, its admin and the chain check as a job; the chain itself is
    dangjian.audit's."""

    name = "dangjian.auditlog"
    label = "auditlog"

    def ready(self) -> None:
        # After the admin's autodiscovery (django.contrib.admin is earlier in INSTALLED_APPS).
        from .admin import withdraw_unaudited_admin_pages

        withdraw_unaudited_admin_pages()
