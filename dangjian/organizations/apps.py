from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "dangjian.organizations"
    label = "organizations"

    def ready(self) -> None:
        # Imported once the models are loaded (an app's models cannot be imported before ready()).
        from . import lookups

        lookups.register()
