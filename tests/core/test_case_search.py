"""Searching cases by Chinese substrings, through the index and through the list page."""
import re

import pytest

from portal.cases import search
from portal.db import database
from tests.core.case_helpers import register


@pytest.mark.parametrize("text, expected", [
    ("小区停电了", ["小区", "区停", "停电", "电了"]),
    ("电", ["电"]),
    ("YQ-2026-0007 光伏", ["光伏", "yq", "2026", "0007"]),
    ("https://bbs.example.cn/t/9", ["https", "bbs", "example", "cn", "t", "9"]),
])
def test_terms(text, expected):
    assert search.terms(text) == expected


def found(client, q):
    page = client.get("/cases/", query_string={"q": q}, headers={"HX-Request": "true"}).get_data(as_text=True)
    return page


def test_substrings_are_found_and_near_misses_are_not(login):
    monitor = login("monitor")
    hit = register(monitor, title="反映光伏并网补贴迟迟未到位", post_text="村里屋顶光伏并网半年了。", url="https://a.example.cn/1")
    # every bigram of 光伏并网 is present, but never the four characters in a row
    near = register(monitor, title="伏并非如此", post_text="光伏板很好，并网手续繁琐。", url="https://a.example.cn/2")
    office = login("office")
    assert hit.number in found(office, "光伏并网") and near.number not in found(office, "光伏并网")
    assert hit.number in found(office, "并网") and near.number in found(office, "并网")
    assert hit.number in found(office, hit.number)
    assert hit.number in found(office, "补贴迟迟")
    assert "共 0 件" in found(office, "不存在的词语")


def test_chinese_words_are_found_only_where_every_character_stands_in_a_row(login):
    """The index answers a query of Chinese characters alone (SQLite: the phrase of its bigrams),
    so a phrase must never run across punctuation, a Latin word or two fields."""
    monitor = login("monitor")
    hit = register(monitor, title="哈哈哈，光伏并网发电量统计", post_text="光伏并网后电费结算慢。")
    misses = [register(monitor, title="光伏。伏并网", post_text="哈哈，哈哈"),
              register(monitor, title="光伏ab伏并网", post_text="哈哈 哈"),
              register(monitor, title="说说屋顶光伏", post_text="伏并网哈"),  # across title and text
              # the first and last bigrams with one break between (PostgreSQL reads every other bigram)
              register(monitor, title="光伏，并网", post_text="网后，电费结算")]
    office, staff = login("office"), login("staff")
    for q in ("光伏并网", "哈哈哈", "光伏并网发电量统计", "网后电费结"):
        for reader in (office, staff):
            page = found(reader, q)
            assert hit.number in page and not any(m.number in page for m in misses), q
            listed = set(re.findall(r'href="/cases/(\d+)"', page))
            assert f"共 {len(listed)} 件" in page, q  # the count as the list
    # seven characters: PostgreSQL reads 4 of the 6 bigrams, which never join across the comma
    near = register(monitor, title="光伏并网，发电量待核")
    page = found(office, "光伏并网发电量")
    assert hit.number in page and near.number not in page
    for q in ("哈，光伏并网", "ab伏并"):  # punctuation or a Latin word: each run a phrase, LIKE decides
        page = found(office, q)
        assert [c for c in [hit, *misses] if c.number in page] == ([hit] if q.endswith("并网") else [misses[1]]), q


def test_the_index_is_rebuilt_for_existing_cases(app, login):
    case = register(login("monitor"), title="储能电站选址听证")
    with app.app_context(), database.connection_context():
        if not search.available():
            pytest.skip("no bigram index")
        database.execute_sql(f"DROP TABLE {search.TABLE}")
        from portal.db import init_schema
    counts = [re.fullmatch(r"已为 (\d+) 件事项建立全文检索索引。", r) for r in init_schema(app)]
    assert [int(m.group(1)) >= 1 for m in counts if m] == [True]
    assert case.number in found(login("office"), "电站选址")


def test_part_of_a_number_or_a_latin_word_is_found(login):
    monitor = login("monitor")
    case = register(monitor, title="Solar 光伏补贴咨询", url="https://bbs.example.cn/thread/778899")
    office = login("office")
    middle = case.number[2:-2]  # a part of the number that is no whole word of it
    assert case.number in found(office, middle)
    assert case.number in found(office, "olar")
    assert case.number in found(office, "8899")
    assert case.number in found(office, "ar 光伏")


# bigrams from the index; one character, or a Latin word, by LIKE alone
@pytest.mark.parametrize("q", ["风电噪声", "噪", "WFN"])
def test_a_search_lists_the_newest_first_unless_told_otherwise(login, q):
    monitor = login("monitor")
    older = register(monitor, title="风电噪声扰民投诉 WFN", posted_at="2026-11-20T09:00")
    newer = register(monitor, title="风电噪声夜间仍在 WFN", posted_at="2026-11-27T09:00")
    office = login("office")

    def listed(q=q, **args):
        page = office.get("/cases/", query_string={"q": q, **args}, headers={"HX-Request": "true"})
        text = page.get_data(as_text=True)
        return sorted((c for c in (older, newer) if c.number in text), key=lambda c: text.index(c.number))

    assert listed() == [newer, older]  # the newest registered first
    assert listed(sort="due") == [older, newer]  # the nearest deadline first, when asked
    # the list keeps a search's statement by its shape: other words of that shape find their own
    assert listed(q={"风电噪声": "噪声扰民", "噪": "扰", "WFN": "投诉 WFN"}[q]) == [older]



@pytest.mark.parametrize("q", ["光伏并网", "停电"])
def test_a_page_of_a_search_is_exactly_the_newest_matching_cases_the_reader_may_see(app, login, q):
    """Hundreds of candidates hold the query's bigrams, the newest of them never in a row, some
    hidden from the reader: the page is the newest 50 that hold the phrase and that they may see,
    and the count the same, on either database (PostgreSQL walks the postings of the query's
    bigrams newest first and stops at the page; of a long query only some bigrams)."""
    from portal.bulk import generate
    from portal.cases import queries
    from portal.cases.models import Case
    from portal.org.models import User

    with app.app_context(), database.connection_context():
        generate(800, seed=5, years=2, long_timeline_case=False)
    monitor = login("monitor")
    for n in range(3):  # the newest candidates: near misses, a hit, an internal hit
        register(monitor, title="伏并非如此，停而复电", post_text="光伏板很好，并网手续繁琐。", url=f"https://n.example.cn/{n}")
        register(monitor, title=f"屋顶光伏并网后频繁停电{n}", url=f"https://h.example.cn/{n}",
                 confidentiality="internal" if n == 1 else "normal")
    with app.app_context(), database.connection_context():
        for username in ("office", "head", "monitor"):  # every case / what the rules allow
            user = User.get(User.username == username)
            every = queries.search(queries.CaseFilter(sort="newest"), user, columns=[
                Case.id, Case.number, Case.title, Case.post_text, Case.url]).tuples()
            expected = [row[0] for row in every if any(q in (text or "").lower() for text in row[1:])]
            assert len(expected) > queries.PAGE_SIZE, (q, len(expected))
            for number in (1, 2):
                page = queries.page(queries.CaseFilter(q=q, page=number), user)
                assert [row.id for row in page.rows] == expected[(number - 1) * 50:number * 50], (username, number)
                assert page.total == min(len(expected), queries.COUNT_CAP)


@pytest.mark.parametrize("cap", [5, 1000])
def test_a_department_list_counts_its_hosted_and_co_handled_cases_once(app, login, monkeypatch, cap):
    """A department's list counts the cases it hosts and those it co-handles, each once, up to
    the cap (PostgreSQL counts the two apart), for whoever reads it, with or without a search."""
    from portal.bulk import generate
    from portal.cases import queries
    from portal.cases.models import Case, CaseCoDepartment
    from portal.org.models import Department, User

    monkeypatch.setattr(queries, "COUNT_CAP", cap)
    monkeypatch.setattr(queries, "_sql_kept", {})  # statements kept with another cap
    with app.app_context(), database.connection_context():
        generate(300, seed=7, years=1, long_timeline_case=False)
        power = Department.get(Department.name == "电力科").id
        others = [c.id for c in Case.select(Case.id).where(Case.host_department != power).limit(12)]
        hosted = [c.id for c in Case.select(Case.id).where(Case.host_department == power).limit(3)]
        CaseCoDepartment.insert_many([{"case": i, "department": power} for i in others + hosted]).execute()
        for username in ("office", "head", "staff"):
            user = User.get(User.username == username)
            for extra in ({}, {"state": "archived"}, {"q": "停电"}):
                f = queries.CaseFilter(department=power, **extra)
                mine = {row[0] for row in queries.search(f, user, columns=[Case.id]).tuples()}
                every = {row[0] for row in queries.search(queries.CaseFilter(**extra), user, columns=[
                    Case.id, Case.host_department]).tuples() if row[1] == power or row[0] in others + hosted}
                assert mine == every
                page = queries.page(f, user)
                assert (page.total, page.capped) == (min(len(mine), cap), len(mine) > cap), (username, extra)
