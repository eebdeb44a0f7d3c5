"""The monitoring desk at scale (part of `make bench`; issue 20's targets).

- one case against a watch list of 1000 keywords (100 topics × 10, with exclusions): the median
  time of one match, target under 1 ms;
- a re-scan of N cases (default 100,000, made by `portal.bulk`) against the same list, reading
  them from SQLite and writing the hits: target under 60 s;
- an import of a 10,000-row CSV export (GBK) into that database: checked, de-duplicated against
  itself, the candidates and the cases, written in one transaction: target under 30 s.

    python benchmarks/watchlist_bench.py [--cases 100000] [--json FILE]
"""
import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import conftest  # noqa: E402,F401  the in-repo plugins' entry points, until the venv is reinstalled

# common characters of the cases' texts, so that keywords really occur
HAN = ("煤矿电价光伏停电供暖事故安全补贴风网民投诉小区配箱长期漏维修用价格过高加油站品并充桩燃气壁挂炉运输车辆输线路变"
       "储能矿道路噪音扰环境施工收费透明服务态度审批手续占耕地污染希望有关部门尽快核实处理请给说法恳领导重视答复该找哪个")


def keyword_list(rng, topics=100, per_topic=10):
    return [(f"主题{i}", ["".join(rng.choices(HAN, k=rng.randint(2, 4))) for _ in range(per_topic)],
             ["".join(rng.choices(HAN, k=3))]) for i in range(topics)]


def match_one(rng, topics, runs=2000) -> dict:
    from plugins.monitoring.matching import Matcher, TopicWords

    started = time.perf_counter()
    matcher = Matcher([TopicWords(i, tuple(k), tuple(x)) for i, (_, k, x) in enumerate(topics)])
    built = time.perf_counter() - started
    texts = ["".join(rng.choices(HAN + "，。", k=300)) for _ in range(runs)]
    times = []
    for text in texts:
        t = time.perf_counter()
        matcher.find(text)
        times.append(time.perf_counter() - t)
    return {"keywords": sum(len(k) for _, k, _ in topics), "build_ms": round(built * 1000, 2),
            "match_median_ms": round(statistics.median(times) * 1000, 4),
            "match_p99_ms": round(sorted(times)[int(runs * 0.99)] * 1000, 4)}


def rescan(rng, topics, cases) -> dict:
    from portal import create_app
    from portal.bulk import generate
    from portal.cases.models import Case
    from portal.db import database, init_schema
    from portal.demo import create_demo
    from portal.org.models import User

    from plugins.monitoring import watchlist
    from plugins.monitoring.models import Hit

    work = ROOT / "benchmarks" / ".work"
    work.mkdir(parents=True, exist_ok=True)
    instance = Path(tempfile.mkdtemp(prefix="watchlist-", dir=work))
    try:
        app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
        init_schema(app)
        with app.test_request_context(), database.connection_context():
            create_demo()
            started = time.perf_counter()
            generate(cases)
            generated = time.perf_counter() - started
            office = User.get(User.username == "office")
            for name, keywords, exclusions in topics:
                watchlist.add_topic(office, {"name": name, "keywords": "\n".join(keywords),
                                             "exclusions": "\n".join(exclusions), "category": "", "host_department": "",
                                             "concerns": [], "active": True})
            Hit.delete().execute()
            ids = [c.id for c in Case.select(Case.id)]
            started = time.perf_counter()
            made = watchlist.rescan(ids)
            seconds = time.perf_counter() - started
            imported = import_rows(rng, User.get(User.username == "monitor"), 10_000)
        return {"cases": len(ids), "generated_s": round(generated, 1), "rescan_s": round(seconds, 2),
                "cases_per_s": round(len(ids) / seconds), "hits": made}, imported
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def import_rows(rng, monitor, count) -> dict:
    from datetime import timedelta

    from portal.db import now

    from plugins.monitoring import imports

    header = "标题,链接,来源,发布时间,作者,正文,阅读数,评论数,转发数"
    lines = [header]
    for i in range(count):
        text = "".join(rng.choices(HAN, k=120))
        posted = (now() - timedelta(minutes=i + 5)).strftime("%Y-%m-%d %H:%M")
        link = f"https://bbs.example.cn/t/{i}" if i % 100 else ""  # 1 in 100 has no link: rejected
        lines.append(f"{text[:20]},{link},某论坛,{posted},网友{i},{text},{rng.randint(0, 9999)},{i % 50},{i % 7}")
    data = "\n".join(lines).encode("gbk")
    started = time.perf_counter()
    batch = imports.upload(monitor, "基准测试服务", "bench.csv", data)
    uploaded = time.perf_counter() - started
    batch = imports.run(batch.id)
    seconds = time.perf_counter() - started
    return {"rows": count, "upload_s": round(uploaded, 2), "import_s": round(seconds, 2), "imported": batch.imported,
            "rejected": batch.rejected, "duplicates": batch.duplicates}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--json")
    args = parser.parse_args()
    rng = random.Random(2026)
    topics = keyword_list(rng)
    figures = {"one_case": match_one(rng, topics)}
    figures["rescan"], figures["import"] = rescan(rng, topics, args.cases)
    figures["targets_met"] = (figures["one_case"]["match_median_ms"] < 1 and figures["rescan"]["rescan_s"] < 60
                              and figures["import"]["import_s"] < 30)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
