"""The watch list: matching against an independent oracle, topics kept by the office, every new
case matched, the hits shown on the case and the person on duty alerted."""
import random

from hypothesis import given, settings, strategies as st

from portal.plugin_api import Case, Notification

from plugins.monitoring import matching, watchlist
from plugins.monitoring.models import Hit, Topic

# A small alphabet so that random words really occur in random texts.
HAN = "煤矿电价光伏停电供暖事故安全补贴风网民投诉"
chinese = st.text(alphabet=HAN + "Ａａ", min_size=1, max_size=4)


def oracle(topics, text):
    """Plain `in`, topic by topic: what the automaton must find."""
    text = matching.normalise(text)
    found = {}
    for t in topics:
        hits = sorted(w for w in t.keywords if matching.normalise(w) in text)
        if hits and not any(matching.normalise(w) in text for w in t.exclusions):
            found[t.id] = hits
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(chinese, min_size=1, max_size=6, unique=True),
                          st.lists(chinese, max_size=2, unique=True)), min_size=1, max_size=8),
       st.text(alphabet=HAN + "ＡａA，。 ", max_size=80))
def test_the_automaton_finds_what_plain_in_finds(groups, text):
    topics = [matching.TopicWords(i, tuple(k), tuple(x)) for i, (k, x) in enumerate(groups, start=1)]
    assert matching.Matcher(topics).find(text) == oracle(topics, text)


def test_a_thousand_keywords_on_long_random_text():
    rng = random.Random(20)
    topics = [matching.TopicWords(i, tuple("".join(rng.choices(HAN, k=rng.randint(2, 4))) for _ in range(10)))
              for i in range(100)]
    m = matching.Matcher(topics)
    for _ in range(50):
        text = "".join(rng.choices(HAN, k=400))
        assert m.find(text) == oracle(topics, text)


def test_words_are_split_on_lines_and_chinese_separators():
    assert matching.words(" 煤矿、透水，瓦斯;矿难\n\n煤矿 ") == ["煤矿", "透水", "瓦斯", "矿难"]


def test_full_width_and_case_are_one_word():
    m = matching.Matcher([matching.TopicWords(1, ("LNG",))])
    assert m.find("ｌｎｇ价格") == {1: ["LNG"]} and m.find("lng") == {1: ["LNG"]}


def topic_form(**changes):
    form = {"name": "电价调整", "keywords": "电价\n阶梯电价", "exclusions": "听证公告", "category": "consult",
            "host_department": "", "active": "on"}
    form.update(changes)
    return form


def test_the_office_adds_a_topic_and_a_new_case_hits_it(app, login, db, make_case):
    office = login("office")
    power = db.execute_sql("select id from department where name='电力科'").fetchone()[0]
    r = office.post("/monitoring/topics", data=topic_form(host_department=str(power), concerns=[str(power)]))
    assert r.status_code == 302
    case = make_case("网民反映阶梯电价上调不合理", state="registered")
    hit = Hit.get((Hit.case == case.id) & (Hit.topic == Topic.get(Topic.name == "电价调整").id))
    assert hit.keyword_list == ["电价", "阶梯电价"]
    page = office.get(f"/monitoring/cases/{case.id}/panel").get_data(as_text=True)
    assert "电价调整" in page and "咨询" in page and "电力科" in page
    # the person on duty (the office when no shift covers now) is told
    told = Notification.select().where((Notification.case == case.id) & (Notification.kind == "monitoring_hit"))
    assert {n.user.username for n in told} == {"office", "office2"}
    # an exclusion keeps the next one out
    other = make_case("关于阶梯电价听证公告的意见", state="registered")
    assert not Hit.select().where((Hit.case == other.id) & (Hit.topic == hit.topic_id)).exists()


def test_a_changed_list_is_used_at_once_and_its_version_goes_up(app, login, db, make_case):
    office = login("office")
    before = watchlist.version()
    office.post("/monitoring/topics", data=topic_form())
    topic = Topic.get(Topic.name == "电价调整")
    assert watchlist.version() == before + 1
    r = office.post(f"/monitoring/topics/{topic.id}", data=topic_form(keywords="分时电价", version=str(topic.version)))
    assert r.status_code == 302 and watchlist.version() == before + 2
    assert not Hit.select().where(Hit.case == make_case("阶梯电价太高", state="registered").id,
                                  Hit.topic == topic.id).exists()
    assert Hit.select().where(Hit.case == make_case("分时电价怎么算", state="registered").id,
                              Hit.topic == topic.id).exists()
    # a stale form is refused and changes nothing
    r = office.post(f"/monitoring/topics/{topic.id}", data=topic_form(keywords="电费", version="1"))
    assert r.status_code == 409 and Topic.get_by_id(topic.id).keywords == "分时电价"


def test_bad_input_names_every_problem_and_changes_nothing(app, login, db):
    before = (Topic.select().count(), watchlist.version())
    r = login("office").post("/monitoring/topics", data=topic_form(name="", keywords="煤" * 41, category="x"))
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "请填写主题名称" in page and "不能超过40个字" in page and "请选择建议事项类别" in page
    assert (Topic.select().count(), watchlist.version()) == before


def test_demo_cases_hit_the_demo_topics(app, db):
    coal = Topic.get(Topic.name == "煤矿安全")
    titles = {h.case.title for h in Hit.select(Hit, Case).join(Case).where(Hit.topic == coal.id)}
    assert "网传某煤矿发生透水事故" in titles


def test_a_rescan_adds_hits_for_cases_registered_before_the_topic(app, login, db, make_case):
    case = make_case("阶梯电价太高了", state="registered")
    office = login("office")
    office.post("/monitoring/topics", data=topic_form())
    topic = Topic.get(Topic.name == "电价调整")
    assert not Hit.select().where(Hit.case == case.id, Hit.topic == topic.id).exists()
    r = office.post("/monitoring/rescan")
    assert r.status_code in (302, 303)
    assert Hit.select().where(Hit.case == case.id, Hit.topic == topic.id).exists()


def test_a_department_page_shows_the_hits_of_the_topics_that_concern_it(app, login, db, make_case):
    make_case("网民反映某矿井瓦斯浓度超标", state="registered")
    coal = db.execute_sql("select id from department where name='煤炭科'").fetchone()[0]
    power = db.execute_sql("select id from department where name='电力科'").fetchone()[0]
    office = login("office")
    assert "网民反映某矿井瓦斯浓度超标" in office.get(f"/departments/{coal}").get_data(as_text=True)
    assert "网民反映某矿井瓦斯浓度超标" not in office.get(f"/departments/{power}").get_data(as_text=True)


def test_hits_on_a_case_someone_may_not_see_are_not_shown_to_them(app, login, db, make_case):
    from portal.plugin_api import Case, database

    case = make_case("网民反映某矿井瓦斯浓度超标Zx9", state="registered")
    with database.atomic():
        Case.update(confidentiality="internal").where(Case.id == case.id).execute()
    assert "Zx9" in login("office").get("/monitoring/hits").get_data(as_text=True)
    assert "Zx9" in login("leader").get("/monitoring/hits").get_data(as_text=True)
    monitor2 = login("monitor2")  # neither registered it nor in a department that handles it
    for url in ("/monitoring/hits", "/monitoring/", "/", f"/monitoring/topics/{Hit.get(Hit.case == case.id).topic_id}"):
        assert "Zx9" not in monitor2.get(url).get_data(as_text=True), url
    assert monitor2.get(f"/monitoring/cases/{case.id}/panel").status_code == 404
