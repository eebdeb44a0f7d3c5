"""PostgreSQL: each posting of the case search index keeps where its bigram stands among the
case's terms (bits, in the key's index too), so that a query of up to five Chinese characters is
answered from the index alone as the phrase of its bigrams, without reading each candidate's
texts (issue 19). The schema set-up fills it after the migration. SQLite's index keeps places
since 0504."""
from portal.cases import search
from portal.db import is_sqlite


def migrate(m):
    if not is_sqlite():
        m.execute(f"DROP TABLE IF EXISTS {search.TABLE}", table="case")  # the cases' own index
        search.create()
