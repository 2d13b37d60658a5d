from django.apps import AppConfig


class ScaleConfig(AppConfig):
    name = "dangjian.scale"
    label = "scale"
    verbose_name = "Scale: generated datasets and benchmarks"
