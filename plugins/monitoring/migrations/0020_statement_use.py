"""The statement version chosen for a case's reply (插入统一口径)."""
from plugins.monitoring.models import StatementUse


def migrate(m):
    m.create_tables(StatementUse)
