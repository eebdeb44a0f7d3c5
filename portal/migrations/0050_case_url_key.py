"""The duplicate-link check compares links as the same post, not as the same string.

Adds ``case.url_key`` (indexed) and fills it for every case from its link with
``portal.cases.links.link_key``: "https://BBS.example.cn/t/1/?from=share" and
"http://bbs.example.cn/t/1" get one key. Should the rule change, a later migration refills it.
"""
import peewee

from portal.cases.links import link_key


def migrate(m):
    m.add_column("case", "url_key", peewee.CharField(max_length=500, default=""))
    m.run(m.migrator.add_index("case", ("url_key",), False))
    p = m.database.param
    rows = m.database.execute_sql("SELECT id, url FROM \"case\" WHERE url <> ''").fetchall()
    for case_id, url in rows:
        key = link_key(url)
        if key:
            m.execute(f'UPDATE "case" SET url_key = {p} WHERE id = {p}', (key, case_id), table="case")
