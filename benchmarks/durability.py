"""What `synchronous=FULL` costs per write against NORMAL, in the same run (part of `make bench`).

A write here is what every step of the portal does at least: one transaction that appends an
audit event (BEGIN IMMEDIATE, the chain's last hash read, one insert, COMMIT), on a SQLite file in
WAL mode beside this script (the disk the portal's instance folder would be on). The two settings
alternate in blocks so that a noisy machine disturbs both alike.

    python benchmarks/durability.py [--writes 600] [--json FILE]
"""
import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(writes: int, block: int = 50) -> dict:
    from portal import audit, create_app
    from portal.db import database, init_schema

    work = ROOT / "benchmarks" / ".work"
    work.mkdir(parents=True, exist_ok=True)
    instance = Path(tempfile.mkdtemp(prefix="durability-", dir=work))
    try:
        app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
        init_schema(app)
        per_write = {"normal": [], "full": []}
        with app.app_context(), database.connection_context():
            for i in range(writes // block):
                mode = ("normal", "full")[i % 2]
                database.execute_sql(f"PRAGMA synchronous={mode}")
                started = time.perf_counter()
                for n in range(block):
                    audit.record("bench.write", f"写入 {n}", actor=None)
                per_write[mode].append((time.perf_counter() - started) / block * 1000)
            assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    normal, full = statistics.median(per_write["normal"]), statistics.median(per_write["full"])
    return {"writes": writes, "normal_ms": round(normal, 3), "full_ms": round(full, 3),
            "ratio_full_to_normal": round(full / normal, 2)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=600)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = measure(args.writes)
    print(f"一次写入（追加一条审计记录的事务）：NORMAL {result['normal_ms']} ms，FULL {result['full_ms']} ms，"
          f"FULL/NORMAL = {result['ratio_full_to_normal']}（{result['writes']} 次写入）")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
