from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ouendan.demo"
    label = "demo"
