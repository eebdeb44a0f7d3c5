"""PostgreSQL: in the postings' places a break takes two, so that a query of Chinese characters is
the phrase of every other bigram (光伏并网: 光伏 and 并网, 伏并 between them), one join fewer
(issue 19). The schema set-up fills the postings again after the migration."""
from portal.cases import search
from portal.db import is_sqlite


def migrate(m):
    if not is_sqlite():
        m.execute(f"TRUNCATE {search.TABLE}", table="case")  # the cases' own index
