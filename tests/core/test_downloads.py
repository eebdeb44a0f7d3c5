"""Downloads named by RFC 6266 (a UTF-8 ``filename*``, an ASCII fallback without stray spaces),
typed once; a favicon on every page; image attachments previewed on the case page."""
import io
import re
from urllib.parse import quote

from portal.downloads import ascii_fallback, content_disposition
from tests.core.case_helpers import PNG, register, step


def test_the_download_name_is_utf8_with_a_clean_ascii_fallback():
    assert content_disposition("案卷 YQ-2026-0013.pdf") == (
        "attachment; filename=\"YQ-2026-0013.pdf\"; filename*=UTF-8''" + quote("案卷 YQ-2026-0013.pdf", safe=""))
    assert ascii_fallback("截图.png") == "download.png"
    assert ascii_fallback("（预览）通知.pdf") == "download.pdf"
    assert content_disposition("report.pdf", attachment=False) == 'inline; filename="report.pdf"'
    assert '"' not in ascii_fallback('a"b;c.txt') and ";" not in ascii_fallback('a"b;c.txt')


def test_the_dossier_pdf_downloads_under_its_number(login):
    office = login("office")
    case = register(login("monitor"))
    response = office.get(f"/documents/cases.dossier/{case.id}.pdf?download=1")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{case.number}.pdf"; filename*=UTF-8\'\'')
    assert quote(f"案卷 {case.number}.pdf", safe="") in disposition
    assert response.headers["Content-Type"] == "application/pdf"


def test_a_text_attachment_has_one_charset(login):
    monitor = login("monitor")
    case = register(monitor)
    assert step(monitor, case, "attach", kind="material", file=(io.BytesIO("办理说明".encode()), "说明.txt")).status_code == 302
    page = monitor.get(f"/cases/{case.id}").get_data(as_text=True)
    url = re.search(r'href="(/cases/\d+/attachments/\d+)">说明.txt', page).group(1)
    response = monitor.get(url)
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.decode() == "办理说明"


def test_every_page_names_a_local_favicon_that_exists(login, client):
    page = login("office").get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page and 'href="/favicon.ico"' in page
    for url in ("/favicon.ico", "/static/favicon.svg"):
        response = client.get(url)  # anonymous: a browser asks before logging in too
        assert response.status_code == 200 and response.data, url
    assert client.get("/favicon.ico").data[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_a_screenshot_is_previewed_through_the_checked_route(login):
    monitor = login("monitor")
    case = register(monitor, screenshot=(io.BytesIO(PNG), "原帖.png"), confidentiality="internal")
    page = monitor.get(f"/cases/{case.id}").get_data(as_text=True)
    src = re.search(r'<img src="([^"]+)" alt="原帖截图：原帖.png"', page).group(1).replace("&amp;", "&")
    assert src.startswith(f"/cases/{case.id}/attachments/") and src.endswith("?preview=1")
    shown = monitor.get(src)
    assert shown.status_code == 200 and shown.data == PNG and shown.mimetype == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert "no-store" in shown.headers["Cache-Control"]
    assert login("staff").get(src).status_code == 404  # the case is 内部: the image is as hidden as the case


def test_only_images_are_shown_inline(login):
    monitor = login("monitor")
    case = register(monitor)
    step(monitor, case, "attach", kind="material", file=(io.BytesIO(b"%PDF-1.4 test"), "材料.pdf"))
    page = monitor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<img" not in page.split("<h2>附件</h2>")[1].split("</section>")[0]
    url = re.search(r'href="(/cases/\d+/attachments/\d+)">材料.pdf', page).group(1)
    assert monitor.get(url + "?preview=1").headers["Content-Disposition"].startswith("attachment;")
