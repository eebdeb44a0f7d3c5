"""Who reads which checklist (第十条: the office and the leading group inspect, 机关纪委 supervises):
a unit reads its own checklist, items and rectifications; the office, the leaders and 机关纪委 read
every party's; the overview names every party's progress but links only to what the reader may open."""
from portal.plugin_api import now

from plugins.accountability.tests.helpers import dept, item_of, page

YEAR = now().year


def test_a_unit_reads_its_own_checklist_and_the_overseers_read_all(app, login):
    power, coal = dept("电力科"), dept("煤炭科")
    coal_item = item_of(YEAR, "煤炭科", "加强网络阵地建设")
    staff = login("staff")  # 电力科
    assert staff.get(f"/accountability/checklists/{YEAR}/{power}").status_code == 200
    assert staff.get(f"/accountability/checklists/{YEAR}/{coal}").status_code == 403
    assert staff.get(f"/accountability/checklists/{YEAR}/0").status_code == 403
    assert staff.get(f"/accountability/items/{coal_item.id}").status_code == 404
    overview = page(staff, f"/accountability/?year={YEAR}")
    assert f'/accountability/checklists/{YEAR}/{power}"' in overview
    assert f'/accountability/checklists/{YEAR}/{coal}"' not in overview and "煤炭科" in overview
    assert "您可以打开本单位的清单" in overview
    for name in ("office", "leader", "jjw"):
        client = login(name)
        assert client.get(f"/accountability/checklists/{YEAR}/{coal}").status_code == 200, name
        assert client.get(f"/accountability/checklists/{YEAR}/0").status_code == 200, name
        assert "加强网络阵地建设" in page(client, f"/accountability/items/{coal_item.id}")
    # a branch's secretary reads the branch's checklist though the branch is not their department
    assert login("coal_head").get(f"/accountability/checklists/{YEAR}/{dept('业务党支部')}").status_code == 200
    # the Party group's 直接责任人 reads the Party group's checklist (a leader: reads all anyway)
    assert login("deputy").get(f"/accountability/checklists/{YEAR}/0").status_code == 200
