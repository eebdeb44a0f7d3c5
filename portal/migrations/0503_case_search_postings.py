"""PostgreSQL: the case search index becomes a posting list, one row per bigram and case with a
B-tree key (``portal.cases.search``), instead of each case's bigrams as an array in a GIN index,
which made a 4-character search fetch and re-check thousands of candidates (issue 19). The
schema set-up fills it after the migration. SQLite keeps its FTS5 index."""
from portal.cases import search
from portal.db import is_sqlite


def migrate(m):
    if not is_sqlite():
        m.execute(f"DROP TABLE IF EXISTS {search.TABLE}", table="case")  # the cases' own index
        search.create()
