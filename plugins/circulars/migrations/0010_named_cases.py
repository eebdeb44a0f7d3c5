"""The cases a circular names (``circulars_case``): a 通报 of overdue cases records the cases it
lists, so that one naming 内部 or 涉密 cases is shown only to those who may see them and is
distributed only to departments all of whose members may.

Circulars written before are linked to every case whose number their body or attachments' text
mentions: a 通报 issued earlier that listed a 内部 case stops being readable by those who may not
see that case (its frozen PDF included), instead of leaking it for good.
"""
import re

from plugins.circulars.models import CircularCase

NUMBER = re.compile(r"YQ-\d{4}-\d{4,}")


def migrate(m):
    m.create_tables(CircularCase)
    db, p = m.database, m.database.param
    texts: dict[int, str] = {}
    for circular_id, body in db.execute_sql("SELECT id, body FROM circulars_circular").fetchall():
        texts[circular_id] = body or ""
    for circular_id, text in db.execute_sql("SELECT circular_id, text FROM circulars_attachment").fetchall():
        texts[circular_id] = texts.get(circular_id, "") + "\n" + (text or "")
    cases = dict(db.execute_sql('SELECT number, id FROM "case"').fetchall())
    for circular_id, text in sorted(texts.items()):
        for number in sorted(set(NUMBER.findall(text))):
            if number in cases:
                m.execute(f"INSERT INTO circulars_case (circular_id, case_id) VALUES ({p}, {p})",
                          (circular_id, cases[number]), table="circulars_case")
