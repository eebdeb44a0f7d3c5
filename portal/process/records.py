"""A versioned record: a row with a ``version`` column (and ``updated_at`` where it has one),
changed only by the reader of its latest version; and gap-free numbering from a counter row."""
import operator
from functools import reduce

from portal.db import database, now
from portal.inputs import MAX_ID, whole_number
from portal.process.errors import Stale


def bump(record, version, stale: type[Stale] = Stale, **changes):
    """Write ``changes`` to ``record`` if nobody changed it since ``version`` was read; else raise
    ``stale``. Call inside the step's transaction; ``record`` is reloaded."""
    model = type(record)
    fields = {getattr(model, k): v for k, v in changes.items()}
    fields[model.version] = model.version + 1
    if "updated_at" in model._meta.fields:
        fields[model.updated_at] = now()
    expected = whole_number(version, MAX_ID)  # a version no key can hold is stale, not a 500
    if expected is None:
        raise stale()
    if model.update(fields).where((model.id == record.id) & (model.version == expected)).execute() != 1:
        raise stale()
    record.__data__ = model.get_by_id(record.id).__data__
    return record


def lock(record):
    """Lock ``record``'s row until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE
    already holds the database)."""
    model = type(record)
    model.select(model.id).where(model.id == record.id).for_update(database.for_update).execute()


def next_number(counter, **key) -> int:
    """The next gap-free number of the ``counter`` row named by ``key`` (e.g. ``year=2026``);
    call inside the transaction that uses it. The UPDATE locks the row (PostgreSQL) or the
    database (SQLite) until that transaction commits: concurrent callers queue, none skips or
    repeats a number, and a rolled-back step gives its number back."""
    counter.insert(last=0, **key).on_conflict_ignore().execute()
    where = reduce(operator.and_, (getattr(counter, name) == value for name, value in key.items()))
    counter.update(last=counter.last + 1).where(where).execute()
    return counter.get(where).last
