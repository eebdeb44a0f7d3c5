"""`make bench-pg`: PostgreSQL beside SQLite as in production, in the same run.

Both databases are generated alike (`portal demo --cases N`), each served by its own gunicorn
(2 sync workers) with its own queue worker (`portal worker`, PDFs); both run for the whole
benchmark. Each page is loaded by wrk (2 threads, 8 connections) on SQLite, PostgreSQL,
PostgreSQL, SQLite (so that a machine growing busier or quieter during the run weighs on both
alike), and reported as PostgreSQL's requests per second over SQLite's (target ≥ 0.67).

Then, on each database, the case list's latency while another client keeps 4 dossier PDFs in
flight (each a case not yet in the PDF cache: the request puts a job on the queue, the client
polls the job's page every second as the browser does, then asks for the next): its p99 against
the same page's p99 when idle (target: within 2×).

    python benchmarks/served_pg_sqlite.py [--cases 10000] [--duration 5] [--pdfs 4] [--reuse]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_vs_sqlite import PORTAL, WORK, build, fresh_postgres  # noqa: E402
from run import USER_AGENT, ensure_wrk, free_port, login, lookups, targets, wait_until_up, wrk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def gunicorn(workers, port):
    exe = VENV_BIN / "gunicorn"
    head = [str(exe)] if exe.exists() else [sys.executable, "-m", "gunicorn"]
    return head + ["-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "portal.wsgi:app"]


def portal_pages(env) -> list[tuple[str, str]]:
    """(name, path) of the portal's pages in `make bench` (benchmarks/run.py's targets) for the database
    ``env`` names: /healthz first, the case list next."""
    dept, case, _ = lookups(env)
    return [(name, path) for server, name, path in targets(dept, case) if server == "portal"]


class Served:
    """One database served: gunicorn and a queue worker, a logged-in cookie, its pages."""

    def __init__(self, name, env, workers):
        self.name, self.env = name, {**env, "PORTAL_QUEUE_TICK": "false"}
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.processes = [
            subprocess.Popen(gunicorn(workers, port), env=self.env, cwd=ROOT),
            subprocess.Popen([PORTAL, "worker", "--no-tick"], env=self.env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
        wait_until_up(self.base)
        self.cookie = login(self.base)
        self.pages = portal_pages(self.env)

    def stop(self):
        for p in self.processes:
            p.terminate()
        for p in self.processes:
            p.wait(timeout=30)


class PdfLoad:
    """Another client keeping ``count`` dossier PDFs in flight, each of a case not yet laid out."""

    def __init__(self, served, case_ids, count):
        self.served, self.cases = served, iter(case_ids)
        self.cookie = login(served.base)
        self.stopping = threading.Event()
        self.done, self.lock, self.errors = 0, threading.Lock(), []
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(count)]

    def _get(self, path, headers=None):
        request = urllib.request.Request(self.served.base + path, headers={
            "Cookie": self.cookie, "User-Agent": USER_AGENT, **(headers or {})})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=120)
        except urllib.error.HTTPError as exc:
            response = exc
        return response.status, response.headers, response.read()

    def _client(self):
        while not self.stopping.is_set():
            with self.lock:
                case = next(self.cases)
            status, headers, _ = self._get(f"/documents/cases.dossier/{case}.pdf")
            if status == 302 and "/jobs/" in headers.get("Location", ""):
                job = headers["Location"]
                while not self.stopping.is_set():
                    time.sleep(1)  # as the job page polls
                    status, _, body = self._get(job, {"HX-Request": "true"})
                    if b"hx-trigger" not in body:
                        break
                if b"flash-error" in body:
                    self.errors.append(case)
            elif status != 200:
                self.errors.append((case, status))
            with self.lock:
                self.done += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        time.sleep(3)  # the queue fills up before the measurement starts
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=180)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def case_ids(env, count):
    code = ("from portal import create_app\nfrom portal.db import database\nfrom portal.cases.models import Case\n"
            "create_app()\nwith database.connection_context():\n"
            f"    print(*Case.select(Case.id).order_by(Case.id.desc()).limit({count}).tuples())\n")
    return [int(x) for x in re.findall(r"\d+", subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                                               capture_output=True, text=True).stdout)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds of each of the 4 wrk runs per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pdfs", type=int, default=4)
    parser.add_argument("--postgres", default=os.environ.get("PORTAL_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1/portal_bench"))
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    ensure_wrk()
    WORK.mkdir(parents=True, exist_ok=True)
    envs = {"sqlite": {**os.environ, "PORTAL_INSTANCE_PATH": str(WORK / "compare-sqlite")},
            "postgresql": {**os.environ, "PORTAL_INSTANCE_PATH": str(WORK / "compare-pg"), "PORTAL_DATABASE_URL": args.postgres}}
    for env in envs.values():
        env.pop("DATABASE_URL", None)
    if not args.reuse:
        fresh_postgres(args.postgres)
    built = {"sqlite": build("sqlite", args.cases, envs["sqlite"], args.reuse),
             "postgresql": build("pg", args.cases, envs["postgresql"], args.reuse)}
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()[0]
    servers = {}
    try:
        for db, env in envs.items():
            servers[db] = Served(db, env, args.workers)
        rows = []
        for (name, path) in servers["sqlite"].pages:
            runs = {"sqlite": [], "postgresql": []}
            for db in ("sqlite", "postgresql"):
                wrk(servers[db].base + dict(servers[db].pages)[name], servers[db].cookie, 2, args.connections)  # warm-up
            for db in ("sqlite", "postgresql", "postgresql", "sqlite"):
                runs[db].append(wrk(servers[db].base + dict(servers[db].pages)[name], servers[db].cookie,
                                    args.duration, args.connections))
            row = {"page": name}
            for db, results in runs.items():
                row[f"{db}_rps"] = round(sum(r["requests"] for r in results) / sum(r["duration_s"] for r in results), 1)
                row[f"{db}_p99_ms"] = max(r["p99_ms"] for r in results)
                row[f"{db}_errors"] = sum(r["socket_errors"] + r["non_2xx_3xx"] for r in results)
            row["pg_over_sqlite"] = round(row["postgresql_rps"] / row["sqlite_rps"], 2)
            rows.append(row)
            print(f"{row['sqlite_rps']:>8} {row['postgresql_rps']:>8} req/s  PG/SQLite {row['pg_over_sqlite']:>5}  {name}", flush=True)

        starvation = {}
        for db, served in servers.items():
            list_name, list_path = served.pages[1]
            url = served.base + list_path
            idle = wrk(url, served.cookie, args.duration * 2, args.connections)
            ids = case_ids(served.env, 5000)
            with PdfLoad(served, ids, args.pdfs) as load:
                before = load.done
                busy = wrk(url, served.cookie, args.duration * 2, args.connections)
                pdfs = load.done - before
            starvation[db] = {"page": list_name, "idle_p99_ms": idle["p99_ms"], "busy_p99_ms": busy["p99_ms"],
                              "idle_p50_ms": idle["p50_ms"], "busy_p50_ms": busy["p50_ms"],
                              "idle_rps": round(idle["requests"] / idle["duration_s"], 1),
                              "busy_rps": round(busy["requests"] / busy["duration_s"], 1),
                              "p99_ratio": round(busy["p99_ms"] / idle["p99_ms"], 2),
                              "pdfs_finished": pdfs, "pdf_errors": len(load.errors)}
            print(f"{db}: case list p99 idle {idle['p99_ms']} ms, with {args.pdfs} PDFs in flight {busy['p99_ms']} ms "
                  f"({starvation[db]['p99_ratio']}×; {pdfs} PDFs finished)", flush=True)
    finally:
        for served in servers.values():
            served.stop()

    result = {"started": started, "load_average_before": round(load_before, 2), "load_average_after": round(os.getloadavg()[0], 2),
              "cpus": os.cpu_count(), "workers": args.workers, "connections": args.connections, "built": built,
              "pages": rows, "pdf_load": starvation}
    (WORK / "served.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(markdown(result))


def markdown(result):
    lines = ["| page | SQLite req/s | PostgreSQL req/s | PostgreSQL ÷ SQLite (≥ 0.67) | p99 ms SQLite / PostgreSQL | errors |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in result["pages"]:
        lines.append(f"| {r['page']} | {r['sqlite_rps']} | {r['postgresql_rps']} | {r['pg_over_sqlite']} | "
                     f"{r['sqlite_p99_ms']} / {r['postgresql_p99_ms']} | {r['sqlite_errors'] + r['postgresql_errors']} |")
    lines += ["", "| case list, 8 connections | idle p99 ms | with 4 PDFs in flight, p99 ms | ratio (≤ 2) | req/s idle → busy | PDFs finished |",
              "|---|---:|---:|---:|---:|---:|"]
    for db, s in result["pdf_load"].items():
        lines.append(f"| {db} | {s['idle_p99_ms']} | {s['busy_p99_ms']} | {s['p99_ratio']} | {s['idle_rps']} → {s['busy_rps']} | "
                     f"{s['pdfs_finished']} |")
    b = result["built"]
    lines.append(f"\n{b['sqlite']['cases']:,} cases; generated in {b['sqlite']['generate_s']} s (SQLite), "
                 f"{b['postgresql']['generate_s']} s (PostgreSQL). Load average {result['load_average_before']} → "
                 f"{result['load_average_after']} on {result['cpus']} CPUs.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
