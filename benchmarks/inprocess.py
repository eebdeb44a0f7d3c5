"""CPU per request of the benchmark's pages in one process, through Flask's test client: no
server, no network, so a profile can follow (`--profile list`). Uses the database `make bench`
built (benchmarks/.work/instance) unless PORTAL_INSTANCE_PATH says otherwise.

    python benchmarks/inprocess.py [--user office] [--requests 40] [--profile PAGE] [PAGE ...]
"""
import argparse
import os
import re
import time
from pathlib import Path

os.environ.setdefault("PORTAL_INSTANCE_PATH", str(Path(__file__).resolve().parent / ".work" / "instance"))

from portal import create_app  # noqa: E402  (after the instance path is chosen)
from portal.cases.models import Case  # noqa: E402
from portal.db import database  # noqa: E402
from portal.org.models import Department  # noqa: E402


def pages(department: int, case: int) -> dict[str, str]:
    return {
        "floor": "/healthz", "form": "/account/password",
        "list": f"/cases/?department={department}&state=archived&sort=due", "case": f"/cases/{case}",
        "panel": f"/grading/cases/{case}/panel", "home": "/", "department": f"/departments/{department}",
        "search4": "/cases/?q=光伏并网", "search2": "/cases/?q=停电",
    }


def logged_in(app, username):
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"csrf_token": token, "username": username, "password": "Demo2026"})
    return client


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--user", default="office")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", help="profile this page (cProfile)")
    parser.add_argument("--sort", default="cumulative", help="the profile's order: cumulative or tottime")
    parser.add_argument("--top", type=int, default=45, help="lines of the profile")
    args = parser.parse_args()
    app = create_app()
    with database.connection_context():
        department = Department.get(Department.name == "电力科").id
        case = Case.select(Case.id).order_by(Case.id.desc()).scalar()
    urls = pages(department, case)
    client = logged_in(app, args.user)
    for name in args.pages or urls:
        response = client.get(urls[name])
        assert response.status_code == 200, (name, response.status_code)
        started = time.process_time()
        for _ in range(args.requests):
            client.get(urls[name])
        cpu_ms = 1000 * (time.process_time() - started) / args.requests
        print(f"{name:11} {cpu_ms:7.2f} ms CPU  {len(response.data):>7} bytes  {urls[name]}")
    if args.profile:  # the standard library's profiler: nothing to install
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        with profiler:
            for _ in range(20):
                client.get(urls[args.profile])
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
