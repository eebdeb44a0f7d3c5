"""A partial index of the cases not yet archived, by deadline (``portal.cases.models``): the
department page's list read every case's deadline on PostgreSQL (256 ms at 100,000 cases; 11 ms
with it, docs/performance.md)."""
from portal.cases.models import UNARCHIVED_DUE_INDEX, Case


def migrate(m):
    index = next(i for i in Case._meta.fields_to_index() if getattr(i, "_name", "") == UNARCHIVED_DUE_INDEX)
    sql, params = Case._schema._create_index(index, safe=True).query()  # peewee's own CREATE INDEX
    m.execute(sql, params, table="case")
