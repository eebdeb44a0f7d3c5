"""The fixtures live in portal/testing.py (shipped with the portal for plugins' tests too);
these names are re-exported for tests that import them from here."""
from portal.testing import PortalClient, make_app

__all__ = ["PortalClient", "make_app"]
