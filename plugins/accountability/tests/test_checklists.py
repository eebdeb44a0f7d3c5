"""Responsible parties per year, checklists generated from the template, evidence proposed from
the portal's own records and accepted or rejected, the self-assessment."""
import io

from portal.plugin_api import Department, database, now

from plugins.accountability import checklists, parties
from plugins.accountability.models import Evidence, Item, Responsibility, TemplateItem
from plugins.accountability.regulation import DEFAULT_ITEMS
from plugins.accountability.tests.helpers import dept, item_of, page, reload, user, version

YEAR = now().year


def test_the_template_starts_from_the_regulation(office_client):
    html = page(office_client, "/accountability/template")
    for article, title, *_ in DEFAULT_ITEMS:
        assert article in html and title in html
    assert "特殊时期24小时监控" in html and "网络评论员队伍" in html


def test_each_party_gets_its_checklist_and_regenerating_adds_only_what_is_new(app, office_client):
    future = YEAR + 2
    with database.connection_context():
        units = parties.units()
        group_items = sum(1 for t in TemplateItem.select() if t.active and t.scope in ("group", "all"))
        unit_items = sum(1 for t in TemplateItem.select() if t.active and t.scope in ("unit", "all"))
    assert office_client.post(f"/accountability/checklists/{future}/generate").status_code == 302
    with database.connection_context():
        assert Item.select().where((Item.year == future) & Item.department.is_null()).count() == group_items
        for unit in units:
            assert Item.select().where((Item.year == future) & (Item.department == unit.id)).count() == unit_items
        assert "综合党支部" in {u.name for u in units}  # the Party branches answer for their work too
        total = Item.select().where(Item.year == future).count()
    # a new template item reaches every unit's checklist on the next generation; nothing is doubled
    added = office_client.post("/accountability/template", data={
        "article": "第六条（一）", "title": "网站栏目季度自查", "text": "每季度自查一次网站栏目。", "scope": "unit",
        "source": "", "due_month": "6", "active": "1"})
    assert added.status_code == 302
    office_client.post(f"/accountability/checklists/{future}/generate")
    with database.connection_context():
        assert Item.select().where(Item.year == future).count() == total + len(units)
        new = Item.get((Item.year == future) & (Item.title == "网站栏目季度自查") & (Item.department == dept("电力科")))
        assert new.due_at.strftime("%m-%d") == "06-30"
        assert new.owner_id == user("head").id  # the unit's head, its 第一责任人
    assert "网站栏目季度自查" in page(office_client, f"/accountability/checklists/{future}/{dept('电力科')}")


def test_the_template_form_reports_every_problem_and_changes_nothing(office_client):
    with database.connection_context():
        before = TemplateItem.select().count()
    refused = office_client.post("/accountability/template", data={"article": "", "title": "", "text": "",
                                                                    "scope": "nowhere", "due_month": "13"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert all(m in html for m in ("请填写条款。", "请填写事项。", "请填写工作要求。", "请选择适用于。",
                                   "完成月份须为1至12之间的整数。"))
    with database.connection_context():
        assert TemplateItem.select().count() == before


def test_holders_are_kept_per_year(app, office_client, login):
    """Last year's checklist names last year's people after this year's are changed."""
    last = YEAR - 1
    power = dept("电力科")
    html = page(office_client, f"/accountability/parties/{YEAR}")
    data = {}
    with database.connection_context():
        held, was_set = parties.holders(YEAR)
        assert was_set  # the demo set it
        for duty, unit in parties.keys():
            data[f"{duty}-{unit or 0}"] = str(held.get((duty, unit)) or "")
    assert "第一责任人（党组书记）" in html and "一岗双责" in html and "综合党支部" in html
    data[f"unit_head-{power}"] = str(user("staff").id)
    assert office_client.post(f"/accountability/parties/{YEAR}", data=dict(data)).status_code == 302
    with database.connection_context():
        assert parties.holder(YEAR, "unit_head", power) == user("staff").id
        assert parties.holder(last, "unit_head", power) == user("head").id
        assert Responsibility.select().where(Responsibility.year == last).count() > 0
    assert "郑雨桐" in page(office_client, f"/accountability/checklists/{YEAR}/{power}")
    assert "吴建国" in page(office_client, f"/accountability/checklists/{last}/{power}")
    # a year not yet set proposes the previous year's holders
    with database.connection_context():
        proposed, was_set = parties.holders(YEAR + 1)
        assert not was_set and proposed[("unit_head", power)] == user("staff").id
    # a choice that is no user is refused with every problem, nothing changed
    bad = dict(data, **{f"unit_head-{power}": "999999", "secretary-0": "x"})
    refused = office_client.post(f"/accountability/parties/{YEAR}", data=bad)
    assert refused.status_code == 400 and refused.get_data(as_text=True).count("请选择") >= 2
    assert login("head").post(f"/accountability/parties/{YEAR}", data=dict(data)).status_code == 403


def test_evidence_proposed_from_a_case_replied_on_time_is_accepted_and_the_item_completed(app, make_case, login):
    case = make_case("反映某变电站噪音扰民", state="replied", host="电力科")
    item = item_of(YEAR, "电力科", "突发网络舆情应急处置")
    head = login("head")  # 电力科's head owns the unit's items
    html = page(head, f"/accountability/items/{item.id}")
    assert "查找系统中的佐证记录" in html
    # no evidence yet: the self-assessment is refused, with the reason shown where its button would be
    assert "请先上传佐证材料，或采用系统找到的佐证记录，再提交自评。" in html and "提交自评，标记完成" not in html
    refused = head.post(f"/accountability/items/{item.id}/do/complete",
                        data={"version": reload(item).version, "self_assessment": "已落实。"})
    assert refused.status_code == 400 and "请先上传佐证材料" in refused.get_data(as_text=True)

    assert head.post(f"/accountability/items/{item.id}/propose").status_code == 302
    with database.connection_context():
        proposed = Evidence.get((Evidence.item == item.id) & (Evidence.case == case.id))
        assert proposed.state == "proposed"
    html = page(head, f"/accountability/items/{item.id}")
    assert case.number in html and "待确认" in html
    # 煤炭科's head may not decide on 电力科's items, nor even open them
    assert login("coal_head").post(f"/accountability/items/{item.id}/evidence/{proposed.id}/accept").status_code == 404
    assert head.post(f"/accountability/items/{item.id}/evidence/{proposed.id}/accept").status_code == 302
    with database.connection_context():
        assert Evidence.get_by_id(proposed.id).state == "accepted"
    html = page(head, f"/accountability/items/{item.id}")
    done = head.post(f"/accountability/items/{item.id}/do/complete",
                     data={"version": version(html), "self_assessment": "应急响应机制已建立，事项均按时答复。"})
    assert done.status_code == 302
    item = reload(item)
    assert item.state == "done" and "按时答复" in item.self_assessment
    # a second search proposes nothing again; the office may send the item back
    office = login("office")
    html = page(office, f"/accountability/items/{item.id}")
    assert "退回重做" in html
    back = office.post(f"/accountability/items/{item.id}/do/reopen", data={"version": version(html), "reason": "佐证不全。"})
    assert back.status_code == 302 and reload(item).state == "open"
    assert "清单事项退回重做" in page(office, "/admin/audit")


def test_a_proposal_can_be_rejected_and_a_late_case_is_not_proposed(app, make_case, login, db):
    late = make_case("反映某小区供暖不热", state="handling", host="电力科")
    item = item_of(YEAR, "电力科", "突发网络舆情应急处置")
    head = login("head")
    head.post(f"/accountability/items/{item.id}/propose")
    assert not Evidence.select().where(Evidence.case == late.id).exists()  # not replied: no proof
    on_time = Evidence.select().where((Evidence.item == item.id) & (Evidence.state == "proposed")).first()
    if on_time is not None:
        assert head.post(f"/accountability/items/{item.id}/evidence/{on_time.id}/reject").status_code == 302
        assert Evidence.get_by_id(on_time.id).state == "rejected"


def test_a_file_uploaded_as_evidence_is_kept_and_downloaded(app, login, db):
    item = Item.get((Item.year == YEAR) & (Item.department == dept("电力科")) & (Item.state == "open"))
    head = login("head")
    response = head.post(f"/accountability/items/{item.id}/do/upload", content_type="multipart/form-data",
                         data={"file": (io.BytesIO("网站栏目巡查记录".encode()), "巡查记录.txt"), "note": "一季度"})
    assert response.status_code == 302
    row = Evidence.get((Evidence.item == item.id) & (Evidence.filename == "巡查记录.txt"))
    html = page(head, f"/accountability/items/{item.id}")
    assert "巡查记录.txt" in html and "一季度" in html
    download = head.get(f"/accountability/items/{item.id}/evidence/{row.id}")
    assert download.status_code == 200 and download.get_data() == "网站栏目巡查记录".encode()
    # a file the upload checks refuse is refused in Chinese
    bad = head.post(f"/accountability/items/{item.id}/do/upload", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(b"MZ\x90\x00"), "x.exe")})
    assert bad.status_code == 400 and "只能上传" in bad.get_data(as_text=True)
    # someone who is not the owner may not add to it
    assert login("staff").post(f"/accountability/items/{item.id}/do/upload", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(b"x"), "a.txt")}).status_code == 400


def test_a_case_the_reader_may_not_see_is_not_named_as_evidence(app, login, db):
    """Evidence proposed from an 内部 case: its owner's page names it only to those who may see it."""
    from portal.plugin_api import Case

    internal = Case.get(Case.number.endswith("-0003"))
    item = item_of(YEAR, None, "舆情处置后总结评估")
    Evidence.create(item=item.id, state="proposed", source="review", case=internal.id)
    assert internal.number in page(login("leader"), f"/accountability/items/{item.id}")
    html = page(login("jjw"), f"/accountability/items/{item.id}")  # 机关纪委 reads every checklist, not the case
    assert internal.number not in html and internal.title not in html and "一件您无权查看的事项" in html


def test_the_widget_and_the_department_section(app, login):
    head = login("head")
    home = page(head, "/")
    assert "我的责任清单事项" in home
    section = page(head, f"/departments/{dept('电力科')}")
    assert "网络意识形态工作责任清单" in section and f"{YEAR}年度责任清单" in section
    assert "我的责任清单事项" not in page(login("admin"), "/")


def test_the_demo_has_both_years_in_several_states(app, db):
    for year in (YEAR - 1, YEAR):
        states = {i.state for i in Item.select(Item.state).where(Item.year == year)}
        assert states == {"open", "done"}
    assert Department.select().where(Department.kind == "party_branch").count() == 2
    assert checklists.progress(Item.select().where(Item.year == YEAR - 1))[0] > \
        checklists.progress(Item.select().where(Item.year == YEAR))[0]
