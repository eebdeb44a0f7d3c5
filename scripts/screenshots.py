"""Screenshots of portal pages as a user sees them, in Debian's headless Chromium.

    python scripts/screenshots.py http://127.0.0.1:5000 office out/ / /departments

Needs `pip install playwright` and Debian's `chromium` (no browser download).
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def main(base, username, outdir, *paths, password="Demo2026"):
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.goto(base + "/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button[type=submit]")
        for path in paths:
            page.goto(base + path)
            name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            page.screenshot(path=str(out / f"{username}-{name}.png"), full_page=True)
            print(out / f"{username}-{name}.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
