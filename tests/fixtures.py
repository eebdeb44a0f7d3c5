"""The fixtures are shipped with the portal (portal/testing.py, a pytest plugin); these names
are re-exported for the tests that import them from here."""
from portal.testing import TOKEN, PortalClient, make_app

__all__ = ["TOKEN", "PortalClient", "make_app"]
