"""Run a function in several threads at once, each with its own database connection."""
import threading

from portal.db import database


def run_in_threads(count: int, target) -> list:
    """Call ``target(i)`` for i in range(count), one thread each; return the errors raised."""
    errors = []

    def worker(i):
        database.connect(reuse_if_open=True)
        try:
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return errors
