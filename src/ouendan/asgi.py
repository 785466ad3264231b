"""The ASGI entry point served by granian (``web`` process).

Tracked links (``/r/<code>``) are answered by ``tracking.redirect`` before Django is involved;
everything else is Django.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouendan.settings")

django_application = get_asgi_application()

from ouendan.tracking.redirect import TrackedLinkApp  # noqa: E402 - needs Django set up

application = TrackedLinkApp(django_application)
