"""The register's migrations: 0001_baseline.py, then one module per change (docs/plugins.md)."""
