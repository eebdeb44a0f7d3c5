"""`make bench`: the portal as it runs in production, driven over loopback by wrk from another
process, beside the stack's limit and a peer served the same way in the same run, on the same
SQLite file:

- the bare list (benchmarks/bare.py): the same 50 rows of the case list with one raw query and
  one Jinja template, and a Flask hello;
- Django admin's changelist over the same rows (benchmarks/peer/, in its own virtual environment
  under .bench/), with its defaults and tuned.

Rounds are interleaved (every page once per round), so a machine that gets busier mid-run slows
every page alike. Beside requests per second, the server's CPU per request (the gunicorn workers'
utime + stime from /proc over the requests served) is steadier on a shared machine.

    python benchmarks/run.py [--cases 10000] [--duration 5] [--rounds 3] [--workers 2] [--reuse] [--pages-only]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
BENCH = ROOT / ".bench"  # what the bench installs for itself: the peer's environment, gunicorn
VENV_BIN = Path(sys.executable).parent
USER_AGENT = "portal-bench/1"  # the same for login and load: Flask-Login ties sessions to it


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)


def ensure_wrk():
    ensure_tool("wrk", "wrk", "来施加负载")


def ensure_tool(command: str, package: str, purpose: str):
    """A Debian package's command, installed when missing (as root, as scripts/system-deps.sh does)."""
    if shutil.which(command):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not shutil.which(command):
        sys.exit(f"需要 {command}（Debian 软件包 {package}）{purpose}，请以 root 运行：apt-get install {package}")


def ensure_peer() -> Path:
    """Django and gunicorn in their own virtual environment (.bench/peer): never in the portal's."""
    python = BENCH / "peer" / "bin" / "python"
    if not python.exists():
        subprocess.run([os.environ.get("PYTHON", "python3"), "-m", "venv", str(BENCH / "peer")], check=True)
    if subprocess.run([str(python), "-c", "import django, gunicorn"], capture_output=True).returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "Django>=5.0,<5.2", "gunicorn>=22"], check=True)
    return python


def gunicorn_for_portal(env) -> list[str]:
    """The portal's own gunicorn (`make bench` installs it: .[bench]); else one beside it in .bench/."""
    python = str(VENV_BIN / "python")
    if subprocess.run([python, "-c", "import gunicorn"], capture_output=True).returncode:
        target = BENCH / "gunicorn"
        if not (target / "gunicorn").exists():
            subprocess.run([str(ensure_peer()), "-m", "pip", "install", "-q", "--target", str(target), "gunicorn>=22"],
                           check=True)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), str(target), env.get("PYTHONPATH")]))
    return [python, "-m", "gunicorn"]


def build_database(cases, env, reuse):
    marker = WORK / f"generated-{cases}"
    if reuse and marker.exists():
        return json.loads(marker.read_text())
    for old in WORK.glob("generated-*"):
        old.unlink()
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


def wait_until_up(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not start: {url}")


def login(base, username="office", password="Demo2026"):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    opener.open(base + "/login", urllib.parse.urlencode(
        {"csrf_token": token, "username": username, "password": password}).encode())
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def django_login(base, username="bench", password="Bench-2026"):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    opener.open(base + "/admin/login/?next=/admin/", urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}).encode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "sessionid=" not in cookie:
        raise RuntimeError("Django admin login failed")
    return cookie


def wrk(url, cookie, duration, connections):
    out = sh("wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-H", f"Cookie: {cookie}",
             "-H", f"User-Agent: {USER_AGENT}", "-s", str(ROOT / "benchmarks" / "wrk_report.lua"), url).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = round(result["requests"] / result["duration_s"], 1)
    return result


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_page(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    try:
        status = urllib.request.build_opener(NoRedirect).open(request, timeout=30).status
    except urllib.error.HTTPError as answer:
        status = answer.code
    if status != 200:
        raise RuntimeError(f"{url}: HTTP {status}, not the page")


def workers(master_pid) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]


def workers_cpu_s(master_pid) -> float:
    """utime + stime of the server's worker processes, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in workers(master_pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def lookups(env):
    """The department and case the pages show, looked up in the generated database."""
    code = (
        "from portal import create_app\nfrom portal.db import database\n"
        "from portal.cases.models import Case\nfrom portal.org.models import Department\n"
        "app = create_app()\n"
        "with database.connection_context():\n"
        "    d = Department.get(Department.name == '电力科').id\n"
        "    c = Case.select(Case.id).order_by(Case.id.desc()).scalar()\n"
        "print(d, c, app.config['DATABASE_URL'])\n"
    )
    dept, case, url = sh(str(VENV_BIN / "python"), "-c", code, env=env).stdout.split()[-3:]
    return int(dept), int(case), url


def targets(dept, case):
    """(server, name, path): the limit and the peer first, then every portal page."""
    q = urllib.parse.quote
    return [
        ("bare", "bare list (the limit): same 50 rows, one raw query, one template",
         f"/bare/cases?department={dept}&state=archived"),
        ("bare", "Flask hello", "/hello"),
        ("django", "Django admin changelist, defaults (same filter, order, 50 rows)",
         f"/admin/cases/case/?host_department__id__exact={dept}&state__exact=archived"),
        ("django", "Django admin changelist, tuned (select_related, no full count)",
         f"/tuned/cases/case/?host_department__id__exact={dept}&state__exact=archived"),
        ("portal", "portal /healthz", "/healthz"),
        ("portal", "case list: department + state, by due date, 50 rows", f"/cases/?department={dept}&state=archived&sort=due"),
        ("portal", "case page: timeline, every plugin's panels", f"/cases/{case}"),
        ("portal", "the grading panel of that case (htmx)", f"/grading/cases/{case}/panel"),
        ("portal", "home dashboard", "/"),
        ("portal", "department page", f"/departments/{dept}"),
        ("portal", "search: 4-character Chinese substring", "/cases/?q=" + q("光伏并网")),
        ("portal", "search: 2-character Chinese substring", "/cases/?q=" + q("停电")),
        ("portal", "statistics: the bureau's last year, ranking and charts", "/statistics/?from=2025-01-01&to=2025-12-31"),
        ("portal", "statistics: one department, last year", f"/statistics/?from=2025-01-01&to=2025-12-31&department={dept}"),
    ]


def start_servers(env, workers_n, portal_db):
    """{server: (process, base url)}: the portal, the bare apps and Django admin, each under gunicorn."""
    peer_python = ensure_peer()
    portal_env = dict(env)
    portal_cmd = gunicorn_for_portal(portal_env)
    bare_env = {**portal_env, "PORTAL_BENCH_DB": portal_db}
    bare_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), bare_env.get("PYTHONPATH")]))
    peer_dir = ROOT / "benchmarks" / "peer"
    peer_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    peer_env.update(PORTAL_BENCH_DB=portal_db, PEER_DB=str(WORK / "peer.db"), DJANGO_SETTINGS_MODULE="settings")
    (WORK / "peer.db").unlink(missing_ok=True)
    subprocess.run([str(peer_python), "-c", (
        "import django; django.setup()\nfrom django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\nfrom django.contrib.auth.models import User\n"
        "User.objects.create_superuser('bench', 'bench@example.invalid', 'Bench-2026')\n")],
        cwd=peer_dir, env=peer_env, check=True)
    specs = {
        "portal": (portal_cmd + ["portal.wsgi:app"], portal_env, ROOT, "/healthz"),
        "bare": (portal_cmd + ["benchmarks.bare:app"], bare_env, ROOT, "/hello"),
        "django": ([str(peer_python), "-m", "gunicorn", "wsgi:application"], peer_env, peer_dir, "/admin/login/"),
    }
    servers = {}
    try:
        for name, (cmd, server_env, cwd, probe) in specs.items():
            port = free_port()
            process = subprocess.Popen(cmd + ["-w", str(workers_n), "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
                                       env=server_env, cwd=cwd)
            servers[name] = (process, f"http://127.0.0.1:{port}")
            wait_until_up(servers[name][1] + probe)
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers):
    for process, _ in servers.values():
        process.send_signal(signal.SIGTERM)
    for process, _ in servers.values():
        process.wait(timeout=30)


def measure(servers, pages, cookies, args):
    """Every page once per round, `args.rounds` rounds; medians of req/s and CPU ms per request."""
    runs = {name: [] for _, name, _ in pages}
    for server, name, path in pages:  # a redirect to a login page would count as served
        check_page(servers[server][1] + path, cookies[server])
    for server, name, path in pages:  # warm-up: templates compiled, caches filled
        process, base = servers[server]
        wrk(base + path, cookies[server], 1, args.connections)
    for round_no in range(args.rounds):
        for server, name, path in pages:
            process, base = servers[server]
            before = workers_cpu_s(process.pid)
            result = wrk(base + path, cookies[server], args.duration, args.connections)
            result["cpu_ms"] = round(1000 * (workers_cpu_s(process.pid) - before) / max(result["requests"], 1), 2)
            runs[name].append(result)
            print(f"round {round_no + 1}: {result['rps']:>8} req/s {result['cpu_ms']:>6} ms CPU  {name}", flush=True)
    rows = []
    for server, name, path in pages:
        r = runs[name]
        rows.append({"server": server, "name": name, "path": path,
                     "rps": round(statistics.median(x["rps"] for x in r), 1),
                     "cpu_ms": round(statistics.median(x["cpu_ms"] for x in r), 2),
                     "p95_ms": round(statistics.median(x["p95_ms"] for x in r), 2),
                     "errors": sum(x["socket_errors"] + x["non_2xx_3xx"] for x in r),
                     "rounds": [{"rps": x["rps"], "cpu_ms": x["cpu_ms"]} for x in r]})
    by_name = {row["name"]: row for row in rows}
    bare, hello, django = (by_name[pages[i][1]] for i in (0, 1, 2))
    for row in rows:
        row["to_bare"] = round(row["rps"] / bare["rps"], 3)
        row["to_hello"] = round(row["rps"] / hello["rps"], 3)
        row["to_django"] = round(row["rps"] / django["rps"], 2)
        row["cpu_to_bare"] = round(row["cpu_ms"] / bare["cpu_ms"], 1) if bare["cpu_ms"] else None
    return rows


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


def watchlist_figures(env):
    """The monitoring desk's watch list: one case × 1000 keywords, a re-scan of 100,000 cases
    (benchmarks/watchlist_bench.py)."""
    target = WORK / "watchlist.json"
    subprocess.run([str(VENV_BIN / "python"), str(ROOT / "benchmarks" / "watchlist_bench.py"), "--json", str(target)],
                   env=env, cwd=ROOT, capture_output=True, text=True)  # exits 1 when a target is missed
    return json.loads(target.read_text()) if target.exists() else None


def markdown(results):
    lines = ["| page | req/s | ÷ bare list | ÷ hello | ÷ Django admin | CPU ms/request | CPU ÷ bare | p95 ms | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in results["pages"]:
        lines.append(f"| {row['name']} | {row['rps']} | {row['to_bare']} | {row['to_hello']} | {row['to_django']} | "
                     f"{row['cpu_ms']} | {row['cpu_to_bare']} | {row['p95_ms']} | {row['errors']} |")
    m = results["machine"]
    lines += ["", f"- Database: {results['database']['cases']:,} cases, generated in {results['database']['seconds']} s",
              f"- Servers: gunicorn, {results['workers']} sync workers each; load: wrk, 2 threads, "
              f"{results['connections']} connections, {results['duration_s']} s per page and round, "
              f"{results['rounds']} interleaved rounds (medians)",
              f"- Machine: {m['cpus']} cores; load average {m['load_before']} before, {m['load_after']} after",
              f"- Peak RSS per portal worker: {', '.join(str(x) for x in results['worker_peak_rss_mb'])} MB"]
    s = results.get("startup")
    if s:
        lines.append(f"- Start-up: create_app {s['create_app_s']} s with all plugins ({s['ratio_to_bare_flask']}× a bare "
                     f"Flask app); importing portal {s['import_s']} s")
    if results.get("durability"):
        d = results["durability"]
        lines.append(f"- One write (a transaction appending an audit event), SQLite WAL: synchronous=FULL {d['full_ms']} ms, "
                     f"NORMAL {d['normal_ms']} ms, FULL/NORMAL = {d['ratio_full_to_normal']}")
    if results.get("watchlist"):
        w = results["watchlist"]
        lines.append(f"- Watch list ({w['one_case']['keywords']} keywords): one case matched in "
                     f"{w['one_case']['match_median_ms']} ms (median); {w['rescan']['cases']:,} cases re-scanned in "
                     f"{w['rescan']['rescan_s']} s (targets 1 ms, 60 s); an import of {w['import']['rows']:,} rows "
                     f"in {w['import']['import_s']} s (target 30 s)")
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


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000, help="100000 for the province-scale database")
    parser.add_argument("--duration", type=int, default=5, help="seconds per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--pages-only", action="store_true", help="skip start-up, PDF and durability figures")
    args = parser.parse_args()

    ensure_wrk()
    WORK.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(WORK / "instance")}
    database = build_database(args.cases, env, args.reuse)
    dept, case, url = lookups(env)
    portal_db = url.split("sqlite:///", 1)[1]
    load_before = load_average()
    servers = start_servers(env, args.workers, portal_db)
    try:
        cookies = {"portal": login(servers["portal"][1]), "django": django_login(servers["django"][1]), "bare": ""}
        pages = measure(servers, targets(dept, case), cookies, args)
        rss = worker_peak_rss_mb(servers["portal"][0].pid)
    finally:
        stop_servers(servers)
    results = {
        "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname()), "python": sys.version.split()[0],
                    "load_before": load_before, "load_after": load_average()},
        "database": database, "workers": args.workers, "connections": args.connections,
        "duration_s": args.duration, "rounds": args.rounds, "pages": pages, "worker_peak_rss_mb": rss,
    }
    if not args.pages_only:
        results.update(startup=startup_seconds(env), pdf=pdf_figures(env), durability=durability_figures(env),
                       watchlist=watchlist_figures(env), ledger=ledger_figures(env))
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    (ROOT / "benchmarks" / "results.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
