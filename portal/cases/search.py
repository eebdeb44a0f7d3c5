"""Chinese substring search that stays fast at 100,000 cases.

SQLite's FTS5 cannot split Chinese into words, so each run of Chinese characters is indexed
as its overlapping bigrams in order (停电了 → 停电 电了) and other text as lower-case words. A
query of Chinese characters alone is the phrase of its bigrams (光伏并网 → "光伏 伏并 并网"):
they stand in a row in the index exactly where the characters do in a text, since a run ends
with a break no phrase crosses (``document``), so the index alone answers it. Other queries
need each Chinese run's phrase, then LIKE confirms the exact text on those few. Queries
without two Chinese characters in a row use LIKE alone.

PostgreSQL keeps a posting list instead (``case_search``: one row per case and bigram, keyed by
the bigram then the case, with the bigram's places among the case's terms as bits): a page,
newest first, walks the query's bigrams' postings from the newest case down together and stops
once the page is full, reading the index alone, however many cases hold the bigrams (issue 19: a
GIN index of each case's bigrams made PostgreSQL fetch and re-check every candidate's array,
7,215 for 光伏并网 at 100,000 cases). The places, shifted and ANDed, make a query of up to eight
Chinese characters a phrase there too (``_in_a_row``), of every other bigram (``_covering``). Only
Chinese bigrams are posted: nothing else narrows a search (``bigrams``). The tables are created by
the schema set-up on either database; core migration 0503 replaced PostgreSQL's arrays, 0505 added
the places, 0506 gave a break two.
"""
import operator
import re
from functools import reduce

from peewee import SQL, Table, fn

from portal.db import database, is_sqlite
from portal.hookspecs import hookimpl

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
CJK_SPLIT = re.compile(f"({CJK_RUN.pattern})")  # split() keeps the runs, at odd places
CJK_ONLY = re.compile(f"{CJK_RUN.pattern[:-1]}{{2,}}")
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


KEY = "PRIMARY KEY (term, case_id) INCLUDE (at)"  # PostgreSQL's postings


def create():
    if is_sqlite():
        database.execute_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(terms, content='', detail=full)")
    else:
        # no foreign key: it would check each of some 40 rows a case posts (cases are never
        # deleted, and a search joins the postings with the cases anyway)
        # ``at``: bit n set where the bigram is the case's n-th term (``places``); in the key's
        # index too, so that a phrase is tested from the index alone
        database.execute_sql(f'CREATE TABLE IF NOT EXISTS {TABLE} (term text COLLATE "C" NOT NULL, '
                             f'case_id integer NOT NULL, at bit varying NOT NULL, {KEY})')


BREAK = "x"  # ends each Chinese run and field in the index: any Latin word, never in a phrase


def document(case) -> str:
    """A case's texts as SQLite indexes them: each field's terms, a break after each Chinese run
    and each field, so that no phrase spans two runs (光伏。伏并网 holds no 光伏并网)."""
    return " ".join(_tokens(case))


def places(case) -> dict[str, str]:
    """PostgreSQL's postings of a case: each Chinese bigram of its texts, and where it stands among
    ``document``'s terms, as bits ("0100…": the second term), as many as the case has places. A
    break takes two places, so that two bigrams two places apart stand in one Chinese run: the
    first and the third bigram of 光伏并网 then hold the whole phrase (``_covering``)."""
    tokens = [t for token in _tokens(case) for t in ((BREAK, BREAK) if token == BREAK else (token,))]
    found: dict[str, list[str]] = {}
    for at, token in enumerate(tokens):
        if len(token) == 2 and CJK_ONLY.fullmatch(token):
            found.setdefault(token, ["0"] * len(tokens))[at] = "1"
    return {term: "".join(bits) for term, bits in found.items()}


def _tokens(case) -> list[str]:
    return [t for field in (case.number, case.title, case.post_text, case.url) for t in _with_breaks(field)]


def _with_breaks(text: str) -> list[str]:
    found = []
    for n, part in enumerate(CJK_SPLIT.split((text or "").lower())):
        found += WORD.findall(part)
        if n % 2:
            found += terms(part) + [BREAK]
    return found + [BREAK]


def index(cases):
    """Index new cases (their searchable texts never change after intake)."""
    if is_sqlite():
        rows = [(c.id, document(c)) for c in cases]
        if rows:
            database.cursor().executemany(f"INSERT INTO {TABLE}(rowid, terms) VALUES (?, ?)", rows)
    elif cases:
        with database.cursor().copy(f"COPY {TABLE} (term, case_id, at) FROM STDIN") as copy:
            for c in cases:  # bigrams hold no tab, newline nor backslash: COPY's text format as is
                copy.write("".join(f"{term}\t{c.id}\t{at}\n" for term, at in places(c).items()))


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
        else:  # the key's index built once the postings are in: a third smaller than grown row by row
            database.execute_sql(f"TRUNCATE {TABLE}")
            database.execute_sql(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {TABLE}_pkey")
        total, last_id = 0, 0
        while True:
            batch = list(Case.select(Case.id, Case.number, Case.title, Case.post_text, Case.url)
                         .where(Case.id > last_id).order_by(Case.id).limit(5000))
            if not batch:
                break
            index(batch)
            total, last_id = total + len(batch), batch[-1].id
        if not is_sqlite():
            database.execute_sql(f"ALTER TABLE {TABLE} ADD {KEY}")
    if not is_sqlite() and not database.in_transaction():
        # a page is read from the index alone only where the visibility map says the rows are
        # visible to all, which autovacuum, where it is on at all, gets to later
        database.execute_sql(f"VACUUM ANALYZE {TABLE}")
    return total


def is_exact(q: str) -> bool:
    """Whether the index alone answers ``q``, so that LIKE need not confirm it: Chinese characters
    alone, the phrase of their bigrams (``_match``, ``_in_a_row``); on PostgreSQL up to eight,
    whose covering bigrams (``_covering``) a search joins, at most ``MOST_BIGRAMS``."""
    return available() and bool(CJK_ONLY.fullmatch(q or "")) and (
        is_sqlite() or len(_covering(len(q) - 1)) <= MOST_BIGRAMS)


def holds(q: str):
    """The condition that a case's texts hold ``q`` (case-insensitive): what confirms the index's
    candidates, or decides alone for a query without bigrams.

    PostgreSQL estimates that a LIKE of a long pattern matches a handful of cases, so for a query
    with one bigram and more ('2025 停电') it scanned every case with the LIKE first (300 ms at
    100,000) instead of walking the bigram's postings; a position it cannot estimate, so it keeps
    to the postings."""
    from portal.cases.models import Case

    fields = (Case.number, Case.title, Case.post_text, Case.url)
    if is_sqlite():
        return reduce(operator.or_, (f.contains(q) for f in fields))
    if CJK_ONLY.fullmatch(q):  # no case to fold: lower() of each candidate's texts was 40% of a count
        return reduce(operator.or_, (fn.strpos(f, q) > 0 for f in fields))
    return reduce(operator.or_, (fn.strpos(fn.lower(f), fn.lower(q)) > 0 for f in fields))


def bigrams(q: str) -> list[str]:
    """The query's Chinese bigrams, each once. Only they narrow the search: a Latin or numeric
    part may sit inside a longer word ("026" in "2026"), which the index keeps whole, so LIKE
    alone decides it."""
    return list(dict.fromkeys(t for run in CJK_RUN.findall(q or "") if len(run) > 1 for t in terms(run)))


MOST_BIGRAMS = 4  # PostgreSQL: a longer query narrows by this many of its bigrams, spread; ``holds`` does the rest


def _spread(items: list) -> list:
    if len(items) <= MOST_BIGRAMS:
        return items
    step = (len(items) - 1) / (MOST_BIGRAMS - 1)
    return [items[round(i * step)] for i in range(MOST_BIGRAMS)]


def _covering(count: int) -> list[int]:
    """The places of the bigrams, among ``count`` in a row, that hold all of them: every other one
    and the last (光伏并网: 光伏 and 并网; 伏并 lies between them, since a break takes two places,
    ``places``). A join fewer: PostgreSQL looked up the middle bigram of each of 光伏并网's 1,001
    counted cases (4.6 ms), where the postings of the other two merge (1 ms)."""
    return sorted({*range(0, count, 2), count - 1})


def _wanted(q: str) -> list[tuple[str, int | None]]:
    """PostgreSQL: the bigrams that narrow ``q``, each with its place in ``q`` where they must
    stand as in ``q`` (a query of Chinese characters alone), else None."""
    if CJK_ONLY.fullmatch(q):
        found = terms(q)
        places = _covering(len(found))
        if len(places) <= MOST_BIGRAMS:
            return [(found[n], n) for n in places]
        return _spread([(t, n) for n, t in enumerate(found)])
    return [(t, None) for t in _spread(bigrams(q))]


def _postings(q: str) -> list[tuple[Table, SQL]]:
    """PostgreSQL: for each bigram that narrows ``q``, an alias of ``case_search`` and the bigram.

    The bigram is written into the statement, not bound: a statement run often is prepared, and
    its plan for any bigram then assumed the average bigram's postings ('2025 停电' was counted by
    reading every case, 360 ms, instead of the 8,469 postings, 33 ms)."""
    return [(Table(TABLE, ("term", "case_id", "at")).alias(f"search_{n}"),
             SQL("'" + term.replace("'", "''") + "'"))  # Chinese characters only: nothing to escape
            for n, term in enumerate(dict.fromkeys(t for t, _ in _wanted(q)))]


def _in_a_row(q: str) -> SQL | None:
    """PostgreSQL: that ``q``'s bigrams stand in some case at their places in ``q`` (the aliases of
    ``_postings``): each one's places shifted back by its place in ``q``, ANDed, leave a bit set
    (光伏并网 counted in 0.7 ms instead of 1.7, reading each candidate's texts). None for a single
    bigram, or a query of more than Chinese characters."""
    wanted = _wanted(q)
    if len(wanted) < 2 or wanted[0][1] is None:
        return None
    alias = {t: f"search_{n}" for n, t in enumerate(dict.fromkeys(t for t, _ in wanted))}
    shifted = " & ".join(f'("{alias[t]}"."at" << {at})' for t, at in wanted)
    return SQL(f"bit_count({shifted}) > 0")


def stand_in(q: str) -> str | None:
    """Words of ``q``'s shape (Chinese characters alone, phrases and a LIKE, or a LIKE alone), whose statements on SQLite are ``q``'s but for the values: the list keeps them
    compiled (``queries.statement_key``) and runs them with ``values_for``. None for words with
    LIKE's own characters, which peewee escapes in SQL of another shape."""
    if any(c in q for c in "%_\\"):
        return None
    return "\u3400\u3401" if is_exact(q) else "\u3400\u3401x" if bigrams(q) else "\x00"


def values_for(params: list, words: str, q: str) -> list:
    """The parameters of a statement compiled for ``words`` (``stand_in(q)``), with ``q``'s values instead."""
    swap = {_match(words): _match(q), f"%{words}%": f"%{q}%"}
    return [swap.get(p, p) if isinstance(p, str) else p for p in params]


def _match(q: str) -> str:
    """SQLite's MATCH for ``q``: each run of Chinese characters a phrase of its bigrams in order
    (Chinese characters hold no quote)."""
    return " AND ".join('"' + " ".join(terms(run)) + '"' for run in dict.fromkeys(CJK_RUN.findall(q.lower()))
                        if len(run) > 1)


def narrow(query, q: str, listing: bool = True, newest_first: bool = False):
    """``query`` (of cases) limited to those whose index holds every bigram of ``q``; unchanged
    when the index cannot help. ``listing``: cases will be listed (a LIMIT), not counted;
    ``newest_first``: order the result by id, newest first (the caller orders it otherwise).

    On SQLite, a count and the newest-first page walk the index and look each case up by its id
    (1.2 and 0.3 ms for 光伏并网 at 100,000 cases); ``id IN (the index's matches)`` first
    gathers every match (7,216) into a temporary table (2.3 and 1.4 ms). Another order keeps the
    IN, which lets SQLite walk that order's index instead of sorting every match.

    On PostgreSQL each bigram is a join with its postings on the case's id: a page sorted newest
    first is then a merge of the postings walked backwards from the newest case, each candidate
    confirmed (``holds``, the reader's visibility) as it comes until the page is full. No
    statistics are needed for that plan, unlike the GIN index's (37 candidates expected for
    光伏并网 at 100,000 cases, 7,218 found).
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
    for posting, term in _postings(q):
        query = query.join_from(Case, posting, on=(posting.case_id == Case.id) & (posting.term == term))
    in_a_row = _in_a_row(q)
    return _newest_first(query if in_a_row is None else query.where(in_a_row), newest_first)


def _newest_first(query, newest_first: bool):
    from portal.cases.models import Case

    return query.order_by(Case.id.desc()) if newest_first else query


def candidates(q: str):
    """PostgreSQL: ``(select, case_id)``, the postings of ``q``'s bigrams joined on the case (no
    columns chosen yet) and the column of the case's id in it; None where the index cannot help."""
    if is_sqlite() or not available() or not bigrams(q):
        return None
    (first, term), *others = _postings(q)
    query = first.select().where(first.term == term)
    for posting, term in others:
        query = query.join(posting, on=(posting.case_id == first.case_id) & (posting.term == term))
    in_a_row = _in_a_row(q)
    return query if in_a_row is None else query.where(in_a_row), first.case_id


def matches(q: str, limit: int):
    """The first ``limit`` cases whose index answers ``q`` (``is_exact``), from the index alone:
    for a count where nothing but the words decide (1,001 of 停电's matches: 0.1 ms on SQLite,
    1 ms looking up each case; 0.16 and 1.2 ms on PostgreSQL)."""
    if is_sqlite():
        index = Table(TABLE, ("rowid",))
        return index.select(index.rowid).where(SQL(f"{TABLE} MATCH ?", [_match(q)])).limit(limit)
    postings, _ = candidates(q)
    return postings.select(SQL("1")).limit(limit)
