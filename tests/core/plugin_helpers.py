"""Install a plugin the way pip does: a module and a dist-info with entry_points.txt."""
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from portal.hookspecs import hookimpl

FIXTURES = Path(__file__).parent / "fixtures"


def install_sample_plugin(site: Path, monkeypatch, name="sample", module="portal_sample_plugin", version="1.2.3"):
    site.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "portal_sample_plugin.py", site / f"{module}.py")
    dist = site / f"{module}-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: {version}\n")
    (dist / "entry_points.txt").write_text(f"[portal.plugins]\n{name} = {module}\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, module, raising=False)
    return module


class EventListener:
    """A stand-in plugin that hears every workflow's events (``portal_record_event``)."""

    def __init__(self):
        self.events = []

    @hookimpl
    def portal_record_event(self, workflow, record, event, actor, data):
        self.events.append((workflow.name, record.id, event, actor.username if actor else None, dict(data)))

    def heard(self, workflow: str, record_id: int) -> list[tuple[str, str | None]]:
        """(event, actor's username) of ``workflow``'s record ``record_id``, in order."""
        return [(event, actor) for name, rid, event, actor, _ in self.events if (name, rid) == (workflow, record_id)]

    def data(self, workflow: str, record_id: int, event: str) -> list[dict]:
        return [data for name, rid, e, _, data in self.events if (name, rid, e) == (workflow, record_id, event)]


@contextmanager
def listening(app):
    """An EventListener registered with ``app``'s plugins for the ``with`` block."""
    listener = EventListener()
    pm = app.extensions["portal_pm"]
    pm.register(listener, name=f"test_listener_{id(listener)}")
    try:
        yield listener
    finally:
        pm.unregister(listener)
