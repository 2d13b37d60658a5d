from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dangjian.audit"
    label = "audit"

    def ready(self) -> None:
        # After the admin's autodiscovery (django.contrib.admin is earlier in INSTALLED_APPS).
        from .admin import withdraw_unaudited_admin_pages

        withdraw_unaudited_admin_pages()
