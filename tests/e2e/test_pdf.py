"""PDFs in the browser: the case dossier printed by the document service (/documents/cases.dossier/<id>.pdf)."""
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from tests.e2e.conftest import register_case

PDF_LINK = "下载案卷PDF"


def dossier_link(page):
    return page.locator("#case .case-actions").get_by_role("link", name=PDF_LINK)


def test_the_dossier_pdf_link_downloads(pages, http):
    case_id = register_case(http, "E2E：案卷PDF下载——某换热站供暖不热", report=True)
    office = pages.login("office")
    office.goto(f"/cases/{case_id}")
    dossier_link(office).click()  # the PDF is made in the background: its job page offers it when done
    with office.expect_download(timeout=60_000) as download:  # a cap on the wait, not a timing
        office.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
