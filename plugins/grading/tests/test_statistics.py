"""The grading plugin's figures on the statistics page: every case of the period counted by grade,
each number linking to the case list that holds as many."""
import re
from datetime import datetime

from portal.cases.models import Case
from portal.db import database
from portal.testing import drive


def test_cases_by_grade_add_up_and_link_to_their_lists(app, login, frozen_clock):
    frozen_clock(datetime(2026, 11, 5, 12, 0))
    for title in ("停电一", "停电二", "停电三"):
        c = drive(app, title)
        with app.app_context(), database.connection_context():
            Case.update(posted_at=datetime(2026, 10, 10, 9)).where(Case.id == c.id).execute()
    office = login("office")
    html = office.get("/statistics/?from=2026-10-01&to=2026-10-31").get_data(as_text=True)
    section = html[html.index("<h2>按舆情分级</h2>"):html.index("</section>", html.index("<h2>按舆情分级</h2>"))]
    numbers = re.findall(r'<a href="([^"]+)">(\d+)</a>', section)
    assert sum(int(n) for _, n in numbers) == 3
    for href, n in numbers:
        assert f"共 {n} 件" in office.get(href.replace("&amp;", "&")).get_data(as_text=True)
    assert "提级与研判" in html
