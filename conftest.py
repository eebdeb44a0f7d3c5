"""Load the portal's fixtures (portal/testing.py) for every test directory, the plugins' own
included. An installed portal registers them through the ``pytest11`` entry point already;
pytest then skips this (the plugin's name is the same)."""
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path

pytest_plugins = ["portal.testing"]


def _in_repo_plugins_found():
    """The in-repo plugins are found through the ``portal.plugins`` entry points of the installed
    portal (pyproject.toml). A plugin added to pyproject.toml since the portal was installed
    (``pip install -e .`` not re-run) is found through a stand-in dist-info until it is."""
    import tomllib

    declared = tomllib.loads((Path(__file__).parent / "pyproject.toml").read_text())["project"]["entry-points"]
    wanted = declared.get("portal.plugins", {})
    found = {ep.name for ep in metadata.entry_points(group="portal.plugins")}
    missing = {name: value for name, value in wanted.items() if name not in found}
    if not missing:
        return
    site = Path(tempfile.mkdtemp(prefix="portal-plugins-"))
    dist = site / "portal_in_repo_plugins-0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: portal-in-repo-plugins\nVersion: 0\n")
    (dist / "entry_points.txt").write_text(
        "[portal.plugins]\n" + "".join(f"{name} = {value}\n" for name, value in missing.items()))
    sys.path.append(str(site))
    # and for the servers the end-to-end tests start
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(site)]))


_in_repo_plugins_found()
