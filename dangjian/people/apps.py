from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dangjian.people"
    label = "people"
