"""Install a plugin the way pip does: a module and a dist-info with entry_points.txt."""
import shutil
import sys
from pathlib import Path

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
