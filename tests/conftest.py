"""The fixtures live in tests/fixtures.py (the root conftest.py loads them for plugins too);
these names are re-exported for tests that import them from here."""
from tests.fixtures import PortalClient, make_app  # noqa: F401
