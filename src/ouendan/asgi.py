"""The ASGI entry point served by granian (``web`` process)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouendan.settings")

application = get_asgi_application()
