from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "dangjian.development"
    label = "development"
