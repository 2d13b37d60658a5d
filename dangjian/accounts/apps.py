from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The pages over access: sign-in and out, the language switch, personal tokens, the roles
    pages, the access admin, the audited auth commands and the login audit."""

    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Connects the login-audit receivers; nothing imports this module otherwise.
        from . import signals  # noqa: F401
