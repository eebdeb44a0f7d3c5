"""Load the portal's fixtures (portal/testing.py) for every test directory, the plugins' own
included. An installed portal registers them through the ``pytest11`` entry point already;
pytest then skips this (the plugin's name is the same).

The in-repo plugins are found through the ``portal.plugins`` entry points of pyproject.toml, read
from the installed (editable) portal's metadata. A plugin added to pyproject.toml since that
metadata was written (``pip install -e .`` not run again yet) is found here all the same, from
pyproject.toml itself, so that the tests see the plugins the repository declares."""
import sys
import tomllib
from importlib import metadata
from pathlib import Path

pytest_plugins = ["portal.testing"]

GROUP = "portal.plugins"


class _DeclaredPlugins(metadata.Distribution):
    """The entry points pyproject.toml declares that the installed metadata lacks."""

    def __init__(self, missing: dict[str, str]):
        self.missing = missing

    def read_text(self, filename):
        if filename == "METADATA":
            return "Metadata-Version: 2.1\nName: portal-in-repo-plugins\nVersion: 0\n"
        if filename == "entry_points.txt":
            return f"[{GROUP}]\n" + "".join(f"{k} = {v}\n" for k, v in self.missing.items())
        return None

    def locate_file(self, path):
        return Path(__file__).parent / path


class _Finder(metadata.DistributionFinder):
    def __init__(self, dist):
        self.dist = dist

    def find_spec(self, *args, **kwargs):
        return None

    def find_distributions(self, context=metadata.DistributionFinder.Context()):
        if context.name in (None, "portal-in-repo-plugins"):
            yield self.dist


def _register_declared_plugins():
    declared = tomllib.loads((Path(__file__).parent / "pyproject.toml").read_text(encoding="utf-8"))
    declared = declared["project"]["entry-points"][GROUP]
    installed = {ep.name for ep in metadata.entry_points(group=GROUP)}
    missing = {name: value for name, value in declared.items() if name not in installed}
    if missing:
        sys.meta_path.append(_Finder(_DeclaredPlugins(missing)))


_register_declared_plugins()
