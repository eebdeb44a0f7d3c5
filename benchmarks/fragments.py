"""The dashboard and the department page with their fragments kept (portal/fragments.py), in one
process, on the database `make bench` built (benchmarks/.work/instance) unless
PORTAL_INSTANCE_PATH says otherwise:

    python benchmarks/fragments.py on|off [--requests 60] [--miss]   CPU per request, statements
    python benchmarks/fragments.py hitrate [--seconds 15] [--every 1]  while another process writes

``--miss`` asks a new address each time (every request misses: what a miss costs). Run it with
``PYTHONPATH`` at the code to compare, alternately (docs/performance.md).
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("PORTAL_INSTANCE_PATH", str(Path(__file__).resolve().parent / ".work" / "instance"))

from inprocess import logged_in  # noqa: E402
from portal import create_app  # noqa: E402
from portal.db import database, statements_run  # noqa: E402
from portal.org.models import Department  # noqa: E402

WRITER = """
import sys, time, sqlite3
db = sqlite3.connect(sys.argv[1], timeout=10)
n = 0
while True:
    time.sleep(float(sys.argv[2]))
    n += 1
    with db:  # a change (an UPDATE to the same value does not move data_version)
        db.execute('UPDATE "case" SET title = ? WHERE id = (SELECT max(id) FROM "case")', (f"写入测试{n}",))
    print(n, flush=True)
"""


def statements(client, url) -> int:
    with statements_run() as seen:
        client.get(url)
    return len(seen)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["on", "off", "hitrate"])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--miss", action="store_true")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between writes (0: none)")
    parser.add_argument("--user", default="office")
    args = parser.parse_args()
    app = create_app({"FRAGMENT_CACHE": args.mode != "off"})
    with database.connection_context():
        urls = ["/", f"/departments/{Department.get(Department.name == '电力科').id}"]
    client = logged_in(app, args.user)
    for url in urls:
        client.get(url)
    if args.mode == "hitrate":
        return hitrate(app, client, urls, args)
    for url in urls:
        count = statements(client, url)
        started = time.process_time()
        for i in range(args.requests):
            client.get(f"{url}?miss={i}" if args.miss else url)
        print(f"{url:16} {1000 * (time.process_time() - started) / args.requests:6.2f} ms CPU  {count} statements")


def hitrate(app, client, urls, args):
    writer = args.every > 0 and subprocess.Popen(
        [sys.executable, "-c", WRITER, app.config["DATABASE_URL"].removeprefix("sqlite:///"), str(args.every)],
        stdout=subprocess.PIPE, text=True)
    store = app.extensions["portal_fragments"]
    hits, requests, started, cpu = store.hits, 0, time.time(), time.process_time()
    while time.time() - started < args.seconds:
        for url in urls:
            client.get(url)
            requests += 1
    cpu_ms = 1000 * (time.process_time() - cpu) / requests
    writes = 0
    if writer:
        writer.terminate()
        writes = len(writer.communicate()[0].split())
    hits = store.hits - hits
    print(f"{requests} requests in {args.seconds:.0f} s, {writes} writes elsewhere: {hits} hits ({hits / requests:.1%}), "
          f"{cpu_ms:.2f} ms CPU a request")


if __name__ == "__main__":
    main()
