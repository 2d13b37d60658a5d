from django.apps import AppConfig


class BirthdaysConfig(AppConfig):
    name = "dangjian.birthdays"
    label = "birthdays"
