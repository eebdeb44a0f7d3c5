"""`make bench`: the portal as it runs in production, on a province-scale database, driven over
loopback by wrk from another process. Every figure is a ratio against a floor measured in the
same run (the trivial /healthz route of the same app and server), so the noisy machine cancels out.

    python benchmarks/run.py [--cases 100000] [--duration 10] [--workers 2] [--reuse]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
VENV_BIN = Path(sys.executable).parent
USER_AGENT = "portal-bench/1"  # the same for login and load: Flask-Login ties sessions to it


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not shutil.which("wrk"):
        sys.exit("需要 wrk（Debian 软件包 wrk）来施加负载，请先安装。")


def build_database(cases, env, reuse):
    marker = WORK / f"generated-{cases}"
    if reuse and marker.exists():
        return json.loads(marker.read_text())
    shutil.rmtree(WORK / "instance", ignore_errors=True)
    started = time.perf_counter()
    out = sh(str(VENV_BIN / "portal"), "demo", "--cases", str(cases), env=env).stdout
    info = {"cases": cases, "seconds": round(time.perf_counter() - started, 1), "output": out.strip().splitlines()[-1]}
    marker.write_text(json.dumps(info, ensure_ascii=False))
    return info


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(base + "/healthz", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def login(base, username="office", password="Demo2026"):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    opener.open(base + "/login", urllib.parse.urlencode(
        {"csrf_token": token, "username": username, "password": password}).encode())
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(url, cookie, duration, connections):
    out = sh("wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-H", f"Cookie: {cookie}",
             "-H", f"User-Agent: {USER_AGENT}", "-s", str(ROOT / "benchmarks" / "wrk_report.lua"), url).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = round(result["requests"] / result["duration_s"], 1)
    return result


def targets(env):
    """The pages to measure, with ids looked up in the generated database."""
    code = (
        "from portal import create_app\nfrom portal.db import database\n"
        "from portal.cases.models import Case\nfrom portal.org.models import Department\n"
        "app = create_app()\n"
        "with database.connection_context():\n"
        "    d = Department.get(Department.name == '电力科').id\n"
        "    c = Case.select(Case.id).order_by(Case.id.desc()).scalar()\n"
        "print(d, c)\n"
    )
    dept, case = sh(str(VENV_BIN / "python"), "-c", code, env=env).stdout.split()
    return [
        ("floor: /healthz", "/healthz"),
        ("case list: department + state, by due date, 50 rows", f"/cases/?department={dept}&state=archived&sort=due"),
        ("case page: 50-event timeline, every plugin's panels", f"/cases/{case}"),
        ("the grading panel of that case (htmx, after the page)", f"/grading/cases/{case}/panel"),
        ("home dashboard", "/"),
        ("department page", f"/departments/{dept}"),
        ("search: 4-character Chinese substring", "/cases/?q=" + urllib.parse.quote("光伏并网")),
        ("search: 2-character Chinese substring", "/cases/?q=" + urllib.parse.quote("停电")),
        ("statistics: the bureau's last year, ranking and charts", "/statistics/?from=2025-01-01&to=2025-12-31"),
        ("statistics: one department, last year", f"/statistics/?from=2025-01-01&to=2025-12-31&department={dept}"),
    ]


def worker_peak_rss_mb(master_pid):
    peaks = []
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return [round(p, 1) for p in peaks]


def startup_seconds(env, repeats=5):
    code = (
        "import time\nt = time.perf_counter()\nfrom portal import create_app\nimport_s = time.perf_counter() - t\n"
        "ts = []\nfor _ in range({n}):\n    t = time.perf_counter(); create_app(); ts.append(time.perf_counter() - t)\n"
        "import flask\nfs = []\nfor _ in range({n}):\n    t = time.perf_counter(); flask.Flask('floor'); fs.append(time.perf_counter() - t)\n"
        "print(import_s, min(ts), min(fs))\n"
    ).format(n=repeats)
    import_s, create_s, floor_s = map(float, sh(str(VENV_BIN / "python"), "-c", code, env=env).stdout.split())
    return {"import_s": round(import_s, 3), "create_app_s": round(create_s, 4), "bare_flask_s": round(floor_s, 5),
            "ratio_to_bare_flask": round(create_s / floor_s, 1)}


def pdf_figures(env):
    script = ROOT / "benchmarks" / "pdf_bench.py"
    if not script.exists():
        return None
    target = WORK / "pdf.json"
    subprocess.run([str(VENV_BIN / "python"), str(script), "--json", str(target)], env=env, cwd=ROOT,
                   capture_output=True, text=True)  # exits 1 when a target is missed: the figures still count
    return {"rows": json.loads(target.read_text())} if target.exists() else None


def ledger_figures(env):
    """The whole case list as the Excel ledger (benchmarks/ledger_bench.py): time and peak memory."""
    target = WORK / "ledger.json"
    subprocess.run([str(VENV_BIN / "python"), str(ROOT / "benchmarks" / "ledger_bench.py"), "--json", str(target)],
                   env=env, cwd=ROOT, capture_output=True, text=True)  # exits 1 when a target is missed
    return json.loads(target.read_text()) if target.exists() else None


def durability_figures(env):
    """synchronous=FULL against NORMAL, per write (benchmarks/durability.py)."""
    target = WORK / "durability.json"
    subprocess.run([str(VENV_BIN / "python"), str(ROOT / "benchmarks" / "durability.py"), "--json", str(target)],
                   env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(target.read_text())


def markdown(results):
    lines = ["| page | req/s | ratio to floor | p95 ms (8 clients) | errors |", "|---|---:|---:|---:|---:|"]
    for row in results["pages"]:
        lines.append(f"| {row['name']} | {row['rps']} | {row['ratio']} | {row['p95_ms']} | "
                     f"{row['socket_errors'] + row['non_2xx_3xx']} |")
    s = results["startup"]
    lines += ["", f"- Database: {results['database']['cases']:,} cases, generated in {results['database']['seconds']} s",
              f"- Server: gunicorn, {results['workers']} sync workers; load: wrk, 2 threads, "
              f"{results['connections']} connections, {results['duration_s']} s per page",
              f"- Peak RSS per worker: {', '.join(str(m) for m in results['worker_peak_rss_mb'])} MB",
              f"- Start-up: create_app {s['create_app_s']} s with all plugins ({s['ratio_to_bare_flask']}× a bare Flask app); "
              f"importing portal {s['import_s']} s"]
    if results.get("durability"):
        d = results["durability"]
        lines.append(f"- One write (a transaction appending an audit event), SQLite WAL: synchronous=FULL {d['full_ms']} ms, "
                     f"NORMAL {d['normal_ms']} ms, FULL/NORMAL = {d['ratio_full_to_normal']}")
    if results.get("ledger"):
        x = results["ledger"]
        lines.append(f"- Case ledger (Excel, constant memory): {x['rows']:,} rows in {x['export_s']} s "
                     f"({x['ratio_to_read']}× reading the same rows; CPU {x['export_cpu_s']} s), peak memory "
                     f"{x['peak_above_floor_mb']} MB above the {x['floor_rss_mb']} MB floor; targets < 60 s, < 200 MB")
    if results.get("pdf"):
        lines += ["", "| PDF (CPU s, median) | pages | Chinese fonts | Latin twin | ratio (target ≤ 1.5) | size KB |",
                  "|---|---:|---:|---:|---:|---:|"]
        for row in results["pdf"]["rows"]:
            lines.append(f"| {row['document']} | {row['pages']} | {row['cjk_cpu_s']} | {row['latin_cpu_s']} | "
                         f"{row['ratio']} | {row['cjk_kb']} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    args = parser.parse_args()

    ensure_wrk()
    WORK.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(WORK / "instance")}
    database = build_database(args.cases, env, args.reuse)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "portal.wsgi:app"], env=env, cwd=ROOT)
    try:
        wait_until_up(base)
        cookie = login(base)
        pages = []
        for name, path in targets(env):
            wrk(base + path, cookie, 2, args.connections)  # warm-up
            row = {"name": name, "path": path, **wrk(base + path, cookie, args.duration, args.connections)}
            pages.append(row)
            print(f"{row['rps']:>8} req/s  p95 {row['p95_ms']:>7} ms  {name}", flush=True)
        floor = pages[0]["rps"]
        for row in pages:
            row["ratio"] = round(row["rps"] / floor, 3)
        rss = worker_peak_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    results = {
        "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname()), "python": sys.version.split()[0]},
        "database": database, "workers": args.workers, "connections": args.connections,
        "duration_s": args.duration, "pages": pages, "worker_peak_rss_mb": rss,
        "startup": startup_seconds(env), "pdf": pdf_figures(env), "durability": durability_figures(env),
        "ledger": ledger_figures(env),
    }
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    (ROOT / "benchmarks" / "results.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
