"""Load the portal's fixtures (portal/testing.py) for every test directory, the plugins' own
included. An installed portal registers them through the ``pytest11`` entry point already;
pytest then skips this (the plugin's name is the same)."""
pytest_plugins = ["portal.testing"]
