from django.apps import AppConfig
from django.urls import register_converter

from dangjian.ids import IdConverter


class UiConfig(AppConfig):
    name = "dangjian.ui"
    label = "ui"

    def ready(self) -> None:
        # Before any URLconf is read: `<id:pk>` is how every page takes a record's id.
        register_converter(IdConverter, "id")
