"""Instructions per request of the benchmark's pages, counted by valgrind's callgrind: the same
count for the same code, data and inputs however busy the machine is (CPU time on a shared
machine moved by ±30% between runs). Uses the database `make bench` built, as inprocess.py does.

    python benchmarks/instructions.py [--requests 10] [--user office] list case search4 ...

The pages run in one process under callgrind with instrumentation off; after a page's warm-up
requests this script turns it on from outside (callgrind_control) for the counted requests only.
"""
import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(pages, requests, user, signal_dir):
    sys.path.insert(0, str(HERE))
    import inprocess  # noqa: E402  (sets the instance path first)
    from portal import create_app
    from portal.cases.models import Case
    from portal.db import database
    from portal.org.models import Department

    app = create_app()
    with database.connection_context():
        department = Department.get(Department.name == "电力科").id
        case = Case.select(Case.id).order_by(Case.id.desc()).scalar()
    urls = inprocess.pages(department, case)
    client = inprocess.logged_in(app, user)
    for name in pages:
        for _ in range(3):
            assert client.get(urls[name]).status_code == 200, name
        _handshake(signal_dir, "ready", "on")
        for _ in range(requests):
            client.get(urls[name])
        _handshake(signal_dir, "done", "off")


def _handshake(signal_dir, say, wait_for):
    (Path(signal_dir) / say).write_text("")
    while not (Path(signal_dir) / wait_for).exists():
        time.sleep(0.02)
    (Path(signal_dir) / wait_for).unlink()


def _wait(path: Path):
    while not path.exists():
        time.sleep(0.1)
    path.unlink()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--user", default="office")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.pages, args.requests, args.user, args.child)
    sys.path.insert(0, str(HERE))
    from run import ensure_tool

    ensure_tool("valgrind", "valgrind", "来计数指令")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        out = work / "callgrind.out"
        run = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                                sys.executable, __file__, "--child", str(work), "--requests", str(args.requests),
                                "--user", args.user, *args.pages],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for name in args.pages:
            _wait(work / "ready")
            subprocess.run(["callgrind_control", "-z", str(run.pid)], capture_output=True, check=True)
            subprocess.run(["callgrind_control", "-i", "on", str(run.pid)], capture_output=True, check=True)
            (work / "on").write_text("")
            _wait(work / "done")
            subprocess.run(["callgrind_control", "-i", "off", str(run.pid)], capture_output=True, check=True)
            subprocess.run(["callgrind_control", "-d", name, str(run.pid)], capture_output=True, check=True)
            (work / "off").write_text("")
        run.wait()
        for dump in sorted(work.glob("callgrind.out.*")):
            text = dump.read_text(errors="replace")
            page = re.search(r"^desc: Trigger: dump (\S+)", text, re.M)
            total = re.search(r"^totals: (\d+)", text, re.M)
            if page and total:
                print(f"{page.group(1):11} {int(total.group(1)) / args.requests / 1e6:7.2f} M instructions/request")


if __name__ == "__main__":
    main()
