"""A partial index of the cases not yet archived, by host department and deadline
(``portal.cases.models``): a department's section of its open cases, which PostgreSQL found by
walking every open case's deadline (docs/performance.md)."""
from portal.cases.models import HOST_UNARCHIVED_DUE_INDEX, Case


def migrate(m):
    index = next(i for i in Case._meta.fields_to_index() if getattr(i, "_name", "") == HOST_UNARCHIVED_DUE_INDEX)
    sql, params = Case._schema._create_index(index, safe=True).query()  # peewee's own CREATE INDEX
    m.execute(sql, params, table="case")
