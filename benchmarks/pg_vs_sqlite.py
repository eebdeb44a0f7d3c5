"""PostgreSQL against SQLite, page by page, in the same run (`make bench-pg`).

Builds the same generated database on both (`portal demo --cases N`, timed), then requests each
page of `benchmarks/inprocess.py` through Flask's test client in one process per database:
wall time per request (PostgreSQL's own work happens in its server process), median of
``--requests``. Each page is reported as a ratio to the /healthz floor of its database and as
PostgreSQL/SQLite; the floor's own ratio is what a connection per request used to cost.

    python benchmarks/pg_vs_sqlite.py [--cases 10000] [--requests 30] [--postgres URL] [--reuse]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
PORTAL = str(Path(sys.executable).parent / "portal")


def build(name, cases, env, reuse):
    marker = WORK / f"compare-{name}-{cases}.json"
    if reuse and marker.exists():
        return json.loads(marker.read_text())
    started = time.perf_counter()
    subprocess.run([PORTAL, "demo", "--cases", str(cases)], env=env, check=True, capture_output=True)
    info = {"cases": cases, "generate_s": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(info))
    return info


def fresh_postgres(url):
    """Empty instance folders and an empty PostgreSQL database (dropped and re-made)."""
    import psycopg

    shutil.rmtree(WORK / "compare-sqlite", ignore_errors=True)
    shutil.rmtree(WORK / "compare-pg", ignore_errors=True)
    admin = psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)
    name = urlsplit(url).path.lstrip("/")
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()


def measure(requests):
    """In the child: median wall ms per page."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from inprocess import logged_in, pages

    from portal import create_app
    from portal.cases.models import Case
    from portal.db import database
    from portal.org.models import Department

    app = create_app({"QUEUE_IMMEDIATE": True})
    with app.app_context(), database.connection_context():
        department = Department.get(Department.name == "电力科").id
        case = Case.select(Case.id).order_by(Case.id.desc()).scalar()
    client = logged_in(app, "office")
    result = {}
    for name, url in pages(department, case).items():
        assert client.get(url).status_code == 200, name
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            times.append(1000 * (time.perf_counter() - started))
        result[name] = round(statistics.median(times), 2)
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--postgres", default=os.environ.get("PORTAL_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1/portal_bench"))
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args.requests)

    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_env = {**os.environ, "PORTAL_INSTANCE_PATH": str(WORK / "compare-sqlite")}
    pg_env = {**os.environ, "PORTAL_INSTANCE_PATH": str(WORK / "compare-pg"), "PORTAL_DATABASE_URL": args.postgres}
    for env in (sqlite_env, pg_env):
        env.pop("DATABASE_URL", None)
    if not args.reuse:
        fresh_postgres(args.postgres)
    built = {"sqlite": build("sqlite", args.cases, sqlite_env, args.reuse),
             "postgresql": build("pg", args.cases, pg_env, args.reuse)}
    times = {}
    for db, env in (("sqlite", sqlite_env), ("postgresql", pg_env)):
        out = subprocess.run([sys.executable, __file__, "--measure", "--requests", str(args.requests)],
                             env={**env, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True, text=True).stdout
        times[db] = json.loads(out.strip().splitlines()[-1])
    rows = []
    print("| page | SQLite ms | PostgreSQL ms | SQLite ÷ floor | PostgreSQL ÷ floor | PostgreSQL ÷ SQLite |")
    print("|---|---:|---:|---:|---:|---:|")
    for page in times["sqlite"]:
        s, p = times["sqlite"][page], times["postgresql"][page]
        row = {"page": page, "sqlite_ms": s, "postgresql_ms": p, "sqlite_floor": round(s / times["sqlite"]["floor"], 2),
               "postgresql_floor": round(p / times["postgresql"]["floor"], 2), "pg_over_sqlite": round(p / s, 2)}
        rows.append(row)
        print(f"| {page} | {s} | {p} | {row['sqlite_floor']} | {row['postgresql_floor']} | {row['pg_over_sqlite']} |")
    print(f"\nGenerating {args.cases:,} cases: SQLite {built['sqlite']['generate_s']} s, "
          f"PostgreSQL {built['postgresql']['generate_s']} s")
    (WORK / "compare.json").write_text(json.dumps({"built": built, "pages": rows}, indent=2))


if __name__ == "__main__":
    main()
