"""A bounded soak on loopback: concurrent staff reading and writing for a few minutes.

    python benchmarks/soak.py [--minutes 3] [--clients 6]

Prints and writes benchmarks/soak.json: requests by kind, errors (must be 0) and the
server's resident memory sampled every 10 s (must stay flat).
"""
import argparse
import json
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.core.live_server import Browser, LiveServer  # noqa: E402


NORMAL_DEMO_CASES = [1, 2, 4, 5, 7, 8, 9, 10, 11, 12]  # 3 and 6 are 内部: 404 for most staff, rightly


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def client(server, username, seconds, counts, errors, seed):
    rng = random.Random(seed)
    browser = Browser(server.base, username)
    deadline = time.time() + seconds
    n = 0
    while time.time() < deadline:
        n += 1
        kind = rng.choice(["list", "list", "search", "case", "home", "todo", "register"])
        try:
            if kind == "register" and username in ("monitor", "monitor2"):
                response = browser.post("/cases/new", {
                    "title": f"浸泡测试{username}-{n}", "source": "weibo", "category": "complaint", "url": "",
                    "posted_at": "2026-11-28T09:30", "post_text": "持续读写。"})
            elif kind == "search":
                response = browser.get("/cases/?q=" + rng.choice(["%E5%81%9C%E7%94%B5", "%E5%85%89%E4%BC%8F", "YQ"]))
            elif kind == "case":
                response = browser.get(f"/cases/{rng.choice(NORMAL_DEMO_CASES)}")
            else:
                response = browser.get({"list": "/cases/", "home": "/", "todo": "/cases/todo", "register": "/cases/"}[kind])
            status = response.status
            response.read()
        except Exception as exc:  # noqa: BLE001 - every failure counts
            errors.append(f"{kind}: {exc!r}")
            continue
        counts[kind] += 1
        if status >= 400:
            errors.append(f"{kind}: HTTP {status}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--clients", type=int, default=6)
    args = parser.parse_args()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "instance")
        server.init_demo()
        server.start()
        counts, errors, samples = Counter(), [], []
        users = ["monitor", "monitor2", "office", "leader", "head", "staff"]
        threads = [threading.Thread(target=client, args=(server, users[i % len(users)], seconds, counts, errors, i))
                   for i in range(args.clients)]
        try:
            for t in threads:
                t.start()
            started = time.time()
            while any(t.is_alive() for t in threads):
                samples.append((round(time.time() - started), round(rss_mb(server.process.pid), 1)))
                time.sleep(10)
        finally:
            server.stop()
    third = samples[len(samples) // 3][1] if len(samples) >= 3 else samples[0][1]
    result = {"minutes": args.minutes, "clients": args.clients, "requests": sum(counts.values()),
              "by_kind": dict(counts), "errors": len(errors), "first_errors": errors[:5],
              "rss_mb_samples": samples, "rss_growth_after_warmup_mb": round(samples[-1][1] - third, 1)}
    (ROOT / "benchmarks" / "soak.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
