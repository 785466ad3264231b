from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ouendan.core"
    label = "core"
