"""The web application: ``create_app(settings)`` builds it (pages, JSON API, login, roles, CSRF)."""

from carbonpeak.web.app import UnsafeSettingsError, create_app

__all__ = ["UnsafeSettingsError", "create_app"]
