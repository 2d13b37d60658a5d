from django.apps import AppConfig


class BranchLifeConfig(AppConfig):
    name = "dangjian.branchlife"
    label = "branchlife"
