"""SQLite: the case search index keeps each bigram's place (FTS5 ``detail=full``) and a break
after each Chinese run, so that a query of Chinese characters is answered by the index alone as
the phrase of its bigrams, without LIKE reading each candidate's texts (issue 23). The schema
set-up creates and fills it after the migration. PostgreSQL keeps its posting list."""
from portal.cases import search
from portal.db import is_sqlite


def migrate(m):
    if is_sqlite():
        m.execute(f"DROP TABLE IF EXISTS {search.TABLE}", table="case")  # the cases' own index
