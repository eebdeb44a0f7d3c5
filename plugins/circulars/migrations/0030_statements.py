"""The approved statement versions (统一口径) a circular took (``circulars_statement``): inserted into
its text from the drafting form (插入统一口径), kept as they read then, shown on its page."""
from plugins.circulars.models import CircularStatement


def migrate(m):
    m.create_tables(CircularStatement)
