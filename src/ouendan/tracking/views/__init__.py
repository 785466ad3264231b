"""Pages and public endpoints of tracking: ``/r/<code>`` through Django (``redirect``), the
conversion snippet and its collection endpoint (``snippet``), the conversion settings page
(``settings``)."""

from ouendan.tracking.views.redirect import tracked_link_redirect

__all__ = ["tracked_link_redirect"]
