"""The PDF cache shared by forked server workers: one worker pruning while others write and read
must neither lose a write nor hand out half a file (docs/performance.md, issue 23)."""
import multiprocessing

import pytest

from portal.documents import render

PROCESSES = 4
KEYS = 40


def content(key: int) -> bytes:
    return f"%PDF-{key}-".encode() * (2000 + 97 * key)  # each key its own length and bytes


def worker(cache_dir, seed, failures):
    """Every process writes the same keys (as workers printing the same document do) and reads them
    back, with a cache far smaller than the keys, so that pruning runs on every write."""
    problems = []
    render.log.warning = lambda *args: problems.append(args[0] % args[1:])
    for round_no in range(3):
        for i in range(KEYS):
            key = (i * (seed + 1) + round_no) % KEYS
            render._store(cache_dir, f"k{key}", content(key))
            path = cache_dir / f"k{key}.pdf"
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                continue  # pruned by another worker: allowed, the next request renders it again
            if data != content(key):
                problems.append(f"k{key}: {len(data)} bytes, not the PDF written")
    failures.put(problems)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="forked workers need fork")
def test_forked_workers_write_and_prune_the_same_cache_without_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "CACHE_FILES", 5)
    context = multiprocessing.get_context("fork")  # as gunicorn's workers: same thread ids in every one
    failures = context.Queue()
    processes = [context.Process(target=worker, args=(tmp_path, seed, failures)) for seed in range(PROCESSES)]
    for p in processes:
        p.start()
    problems = [problem for _ in processes for problem in failures.get(timeout=120)]
    for p in processes:
        p.join(timeout=60)
    assert problems == []
    assert all(p.exitcode == 0 for p in processes)
    left = sorted(tmp_path.glob("*.pdf"))
    assert 1 <= len(left) <= 5 + PROCESSES  # pruned: at most one pending write per worker above the limit
    for path in left:
        assert path.read_bytes() == content(int(path.stem[1:]))
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_a_cached_pdf_pruned_after_reading_is_still_served(tmp_path, monkeypatch):
    render._store(tmp_path, "abc", b"%PDF-whole")
    monkeypatch.setattr(render, "cache_key", lambda *args: "abc")
    real_utime = render.os.utime

    def pruned_meanwhile(path, *args):
        path.unlink()
        return real_utime(path, *args)

    monkeypatch.setattr(render.os, "utime", pruned_meanwhile)
    assert render.cached_pdf("<p>x</p>", cache_dir=tmp_path) == b"%PDF-whole"
