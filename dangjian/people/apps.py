from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dangjian.people"
    label = "people"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the field-key check)
