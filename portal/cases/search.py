"""Chinese substring search that stays fast at 100,000 cases.

SQLite's FTS5 cannot split Chinese into words, so each run of Chinese characters is indexed
as its overlapping bigrams (停电了 → 停电 电了) and other text as lower-case words. A query's
bigrams must all be present (the index narrows 100,000 cases to a few), then LIKE confirms
the exact substring on those few. Queries shorter than two characters use LIKE alone.

PostgreSQL keeps each case's terms as an array with a GIN index (``case_search``): the
query's bigrams are found with ``terms @> ARRAY[…]`` from the index, without reading the
cases; the tables are created by the schema set-up on either database.
"""
import re

from peewee import SQL, Table

from portal.db import database, is_sqlite
from portal.hookspecs import hookimpl

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[0-9a-z]+")
TABLE = "case_search"


def terms(text: str) -> list[str]:
    text = (text or "").lower()
    found = []
    for run in CJK_RUN.findall(text):
        found += [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    found += WORD.findall(CJK_RUN.sub(" ", text))
    return found


def available() -> bool:
    return True


def create():
    if is_sqlite():
        database.execute_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(terms, content='', detail=none)")
    else:
        database.execute_sql(f'CREATE TABLE IF NOT EXISTS {TABLE} (case_id integer PRIMARY KEY '
                             f'REFERENCES "case"(id) ON DELETE CASCADE, terms text[] NOT NULL)')
        database.execute_sql(f"CREATE INDEX IF NOT EXISTS {TABLE}_terms ON {TABLE} USING gin (terms)")


def document(case) -> str:
    return " ".join(terms(" ".join((case.number, case.title, case.post_text, case.url))))


def index(cases):
    """Index new cases (their searchable texts never change after intake)."""
    if is_sqlite():
        rows = [(c.id, document(c)) for c in cases]
        if rows:
            database.cursor().executemany(f"INSERT INTO {TABLE}(rowid, terms) VALUES (?, ?)", rows)
    elif cases:
        with database.cursor().copy(f"COPY {TABLE} (case_id, terms) FROM STDIN") as copy:
            for c in cases:
                copy.write_row((c.id, sorted(set(document(c).split()))))


@hookimpl
def portal_schema_setup():
    return set_up


def set_up(app, migrated) -> str | None:
    """After migrations: create the index, and fill it for a database that had none or whose
    cases a migration may have changed (core 0010 emptied the 涉密 ones)."""
    if migrated and database.table_exists(TABLE):
        rebuild()
    elif database.table_exists(TABLE) or not available():
        create()
    else:
        create()
        indexed = rebuild()
        return f"已为 {indexed} 件事项建立全文检索索引。" if indexed else None
    return None


def rebuild():
    """Fill the index from scratch (after an upgrade or a restore)."""
    from portal.cases.models import Case

    if not available():
        return 0
    with database.atomic():
        if is_sqlite():
            database.execute_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")  # contentless: no DELETE
        else:
            database.execute_sql(f"DELETE FROM {TABLE}")
        total, last_id = 0, 0
        while True:
            batch = list(Case.select(Case.id, Case.number, Case.title, Case.post_text, Case.url)
                         .where(Case.id > last_id).order_by(Case.id).limit(5000))
            if not batch:
                break
            index(batch)
            total, last_id = total + len(batch), batch[-1].id
    if not is_sqlite() and not database.in_transaction():
        # every row deleted and written again: the GIN index kept the old entries beside the new
        # (a 4-character search read 21,645 for 7,215 and took 40 ms instead of 6) until a VACUUM,
        # which autovacuum, where it is on at all, gets to later
        database.execute_sql(f"VACUUM ANALYZE {TABLE}")
    return total


def is_exact(q: str) -> bool:
    """Whether the index alone answers ``q``: two Chinese characters are one indexed bigram, found
    only where they stand side by side (fields are indexed apart), so LIKE need not confirm it."""
    return available() and bool(re.fullmatch(r"[\u3400-\u9fff\uf900-\ufaff]{2}", q or ""))


def bigrams(q: str) -> list[str]:
    """The query's Chinese bigrams, each once. Only they narrow the search: a Latin or numeric
    part may sit inside a longer word ("026" in "2026"), which the index keeps whole, so LIKE
    alone decides it."""
    return list(dict.fromkeys(t for run in CJK_RUN.findall(q or "") if len(run) > 1 for t in terms(run)))


WINDOW = 5000  # how many of the newest ids a search's page tries first on PostgreSQL (window())


def window(q: str) -> int | None:
    """The id above which a search's first try for its page looks (PostgreSQL, several bigrams),
    or None. The GIN bitmap is then ANDed with the primary key's range, and PostgreSQL visits
    only the window's rows of ``case_search`` for the candidates' ids (242 heap blocks instead
    of 4,813 for 光伏并网 at 100,000 cases); a page found full there is the page."""
    if is_sqlite() or not available() or len(bigrams(q)) < 2:
        return None
    top = database.execute_sql(f"SELECT max(case_id) FROM {TABLE}").fetchone()[0]
    return top - WINDOW if top and top > WINDOW else None


def stand_in(q: str) -> str | None:
    """Words of ``q``'s shape (one bigram that is the whole query, bigrams and a LIKE, or a LIKE
    alone), whose statements on SQLite are ``q``'s but for the values: the list keeps them
    compiled (``queries.statement_key``) and runs them with ``values_for``. None for words with
    LIKE's own characters, which peewee escapes in SQL of another shape."""
    if any(c in q for c in "%_\\"):
        return None
    return "\u3400\u3401" if is_exact(q) else "\u3400\u3401\u3402" if bigrams(q) else "\x00"


def values_for(params: list, q: str) -> list:
    """The parameters of a statement compiled for ``stand_in(q)``, with ``q``'s values instead."""
    words = stand_in(q)
    swap = {_match(words): _match(q), f"%{words}%": f"%{q}%"}
    return [swap.get(p, p) if isinstance(p, str) else p for p in params]


def _match(q: str) -> str:
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in bigrams(q))


def narrow(query, q: str, listing: bool = True, newer_than: int | None = None, newest_first: bool = False):
    """``query`` (of cases) limited to those whose index holds every bigram of ``q``; unchanged
    when the index cannot help. ``listing``: cases will be listed (a LIMIT), not counted;
    ``newer_than``: only cases with a greater id (a try of ``window``); ``newest_first``: order
    the result by id, newest first (the caller orders it otherwise).

    On SQLite, a count and the newest-first page walk the index and look each case up by its id
    (1.2 and 0.3 ms for 光伏并网 at 100,000 cases); ``id IN (the index's matches)`` first
    gathers every match (7,216) into a temporary table (2.3 and 1.4 ms). Another order keeps the
    IN, which lets SQLite walk that order's index instead of sorting every match.

    On PostgreSQL the plan depends on how many candidates the planner expects. One bigram it
    estimates well from its statistics, and for a page it walks the newest cases itself and stops
    at the LIMIT. For several it multiplies their frequencies as if independent (37 expected for
    光伏并网 at 100,000 cases, 7,218 found) and planned to fetch, confirm and sort every
    candidate (35 ms); joined sorted newest first instead, they are confirmed one by one until
    the page is full, as on SQLite (12 ms, most of it the GIN index's bitmap). A count, capped,
    already stops early in either form.
    """
    from portal.cases.models import Case

    wanted = bigrams(q)
    if not available() or not wanted:
        return _newest_first(query, newest_first)
    if is_sqlite():
        match = _match(q)
        if listing and not newest_first:
            return query.where(Case.id.in_(SQL(f"(SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?)", [match])))
        index = Table(TABLE, ("rowid",))
        # the unqualified column named as the table is FTS5's own, whatever alias the table gets
        query = query.join_from(Case, index, on=(index.rowid == Case.id)).where(SQL(f"{TABLE} MATCH ?", [match]))
        return query.order_by(index.rowid.desc()) if newest_first else query
    index = Table(TABLE, ("case_id", "terms"))
    hits = index.select(index.case_id).where(SQL("terms @> %s::text[]", [wanted]))
    if len(wanted) == 1 or not listing:
        return _newest_first(query.where(Case.id.in_(hits)), newest_first)
    if newer_than is not None:
        hits = hits.where(index.case_id > newer_than)
    hits = hits.order_by(index.case_id.desc()).alias("search_hits")
    return _newest_first(query.join_from(Case, hits, on=(Case.id == hits.c.case_id)), newest_first)


def _newest_first(query, newest_first: bool):
    from portal.cases.models import Case

    return query.order_by(Case.id.desc()) if newest_first else query
