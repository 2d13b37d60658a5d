from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dangjian.people"
    label = "people"

    def ready(self) -> None:
        # Imported once the models are loaded (an app's models cannot be imported before ready()).
        from . import checks, lookups  # noqa: F401 (importing checks registers the field-key check)

        lookups.register()
