"""The annual inspection (第十条): findings per checklist item and their rectifications."""
from plugins.accountability.models import Finding, Rectification


def migrate(m):
    m.create_tables(Finding, Rectification)
