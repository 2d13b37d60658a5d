from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "dangjian.organizations"
    label = "organizations"
