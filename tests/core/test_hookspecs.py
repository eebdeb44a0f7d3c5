"""Like Datasette: a hook that is not documented, or not implemented by the sample plugin, fails."""
import inspect
from pathlib import Path

from portal import hookspecs

DOCS = Path(__file__).parents[2] / "docs" / "plugins.md"
SAMPLE = Path(__file__).parent / "fixtures" / "portal_sample_plugin.py"


def hook_names():
    return [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("portal_")]


def test_every_hook_has_a_docstring_and_a_section_in_docs():
    docs = DOCS.read_text(encoding="utf-8")
    for name in hook_names():
        assert getattr(hookspecs, name).__doc__, name
        assert f"### {name}(" in docs, f"{name} is not documented in docs/plugins.md"


def test_every_hook_is_exercised_by_the_sample_plugin():
    source = SAMPLE.read_text(encoding="utf-8")
    for name in hook_names():
        assert f"def {name}(" in source, f"the sample plugin does not implement {name}"
