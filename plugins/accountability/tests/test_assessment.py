"""The annual target assessment (第十条): one table per year — checklist completion, inspection
score, rectifications, cases answered on time — as a page, an Excel file holding the page's
numbers, and a PDF through the document service; accountability records counted only for the
leaders and 机关纪委."""
import io
import re

import openpyxl
from pypdf import PdfReader

from portal.plugin_api import database, now

from plugins.accountability.tests.helpers import dept, item_of, page

YEAR = now().year


def page_rows(html) -> list[list[str]]:
    body = re.search(r'<table class="table" id="assessment">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def excel_rows(client, year) -> tuple[list[str], list[list[str]]]:
    response = client.get(f"/accountability/assessment/{year}.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == f"{year}年度网络意识形态工作责任目标考核情况"
    return rows[1], rows[2:]


def test_the_page_the_excel_file_and_the_pdf_hold_the_same_numbers(app, login):
    office = login("office")
    item = item_of(YEAR, "电力科", "加强网络阵地建设")
    assert office.post(f"/accountability/inspections/{YEAR}/{dept('电力科')}/{item.id}",
                       data={"score": "7", "text": "基本落实。"}).status_code == 302
    html = page(office, f"/accountability/assessment?year={YEAR}")
    shown = page_rows(html)
    header, cells = excel_rows(office, YEAR)
    assert cells == shown and "问责记录" not in header and "问责记录" not in html
    power = next(r for r in shown if r[0] == "电力科")
    assert dict(zip(header, power))["督查得分"] == "7" and dict(zip(header, power))["督查满分"] == "10"
    with database.connection_context():
        from plugins.accountability.models import Item
        items = Item.select().where((Item.year == YEAR) & (Item.department == dept("电力科")))
        assert dict(zip(header, power))["清单事项"] == str(items.count())
    assert "综合党支部" in [r[0] for r in shown]

    pdf = office.get(f"/documents/accountability.assessment/{YEAR}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages))
    assert f"{YEAR}年度网络意识形态工作责任目标考核表" in text and "电力科" in text and "督查得分" in text
    assert "问责记录" not in text


def test_records_are_counted_for_the_leaders_only_and_the_units_do_not_see_the_table(app, login):
    leader = login("leader")
    header, cells = excel_rows(leader, YEAR - 1)
    coal = dict(zip(header, next(r for r in cells if r[0] == "煤炭科")))
    assert coal["问责记录"] == "1"  # the demo's record of last year
    assert page_rows(page(leader, f"/accountability/assessment?year={YEAR - 1}")) == cells
    head = login("head")
    assert head.get("/accountability/assessment").status_code == 403
    assert head.get(f"/accountability/assessment/{YEAR}.xlsx").status_code == 403
    assert head.get(f"/documents/accountability.assessment/{YEAR}.pdf").status_code == 404
