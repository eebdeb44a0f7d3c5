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


def test_the_hook_reference_gives_each_hooks_arguments_return_and_time():
    """The reference table has one row per hook, with its exact arguments, when it is called and
    what it returns; its section's heading carries the same arguments."""
    docs = DOCS.read_text(encoding="utf-8")
    reference = docs[docs.index("## Hook reference"):docs.index("## Anatomy of a workflow plugin")]
    rows = {}
    for line in reference.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `portal_") and len(cells) == 3:
            rows[cells[0].strip("`")] = cells[1:]
    for name in hook_names():
        call = f"{name}({', '.join(inspect.signature(getattr(hookspecs, name)).parameters)})"
        assert call in rows, f"{call} has no row in the hook reference table"
        assert all(rows[call]), f"{call}: say when it is called and what it returns"
        assert f"### {call}\n" in reference, f"no section headed ### {call}"
    assert len(rows) == len(hook_names()), "a row for a hook that does not exist"
