"""The case ledger (台账) at scale: the whole case list of a province-scale database exported as
Excel, as the background job does it, with the wall time and the process's peak memory.

Both as ratios against a floor measured in the same process: the time of reading the same rows
plainly (the ledger's own queries, no workbook), and the resident memory before the export.
Targets (issue 21): 100,000 rows in under 60 s, peak memory under 200 MB above the floor.

    PORTAL_INSTANCE_PATH=… python benchmarks/ledger_bench.py [--json out.json]

The database is the one of PORTAL_INSTANCE_PATH (``portal demo --cases 100000`` makes one;
``make bench`` runs this on its own).
"""
import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mb() -> float:
    """The current resident set (Linux /proc), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--user", default="office")
    args = parser.parse_args(argv)

    from portal import create_app
    from portal.cases import queries
    from portal.db import database
    from portal.org.models import User
    from portal.statistics import definitions, ledger

    app = create_app()
    with app.test_request_context("/"), database.connection_context():
        user = User.get(User.username == args.user)
        f = queries.CaseFilter()
        floor_mb = rss_mb()  # the app, its plugins and a connection: what any job starts from
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
            started, cpu = time.perf_counter(), time.process_time()
            rows = ledger.write(f, user, out.name)
            export_s, export_cpu_s = time.perf_counter() - started, time.process_time() - cpu
            size_mb = Path(out.name).stat().st_size / 1e6
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the floor's reads below
        # the time floor: the ledger's own reads, without the workbook
        started, cpu = time.perf_counter(), time.process_time()
        ids = ledger.case_ids(f, user)
        at = definitions.now()
        for chunk in range(0, len(ids), ledger.CHUNK):
            ledger._core_values(ids[chunk:chunk + ledger.CHUNK], at)
        read_s, read_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    result = {
        "rows": rows, "export_s": round(export_s, 1), "export_cpu_s": round(export_cpu_s, 1),
        "read_floor_s": round(read_s, 1), "read_floor_cpu_s": round(read_cpu_s, 1),
        "ratio_to_read": round(export_s / read_s, 2) if read_s else None,
        "cpu_ratio_to_read": round(export_cpu_s / read_cpu_s, 2) if read_cpu_s else None,
        "floor_rss_mb": round(floor_mb, 1), "peak_rss_mb": round(peak_mb, 1),
        "peak_above_floor_mb": round(peak_mb - floor_mb, 1), "file_mb": round(size_mb, 1),
        "targets": {"export_s": 60, "peak_above_floor_mb": 200},
    }
    result["met"] = result["export_s"] < 60 and result["peak_above_floor_mb"] < 200
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
