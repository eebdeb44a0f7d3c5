"""Load the shared fixtures for every test directory, the plugins' own included."""
pytest_plugins = ["tests.fixtures"]
