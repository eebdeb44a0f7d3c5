"""The public plugin API (portal.plugin_api): the in-repo plugins use it and nothing else."""
import ast
from pathlib import Path

import portal.plugin_api as api
import portal.process

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {"portal.plugin_api", "portal.testing"}  # portal.testing: the fixtures, in tests only


def portal_imports(path: Path) -> list[str]:
    """Every module of the core that ``path`` imports, at any depth of the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module] if node.module != "portal" else [f"portal.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        else:
            continue
        found += [m for m in modules if m == "portal" or m.startswith("portal.")]
    return found


def plugin_modules():
    """The plugins' own code; the tests of plugins/ may still reach into the core, those of
    examples/ may not (they are what a department copies)."""
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        if "tests" not in path.relative_to(ROOT).parts:
            yield path
    yield from sorted((ROOT / "examples").rglob("*.py"))


def test_the_in_repo_plugins_import_only_the_public_api():
    wrong = [f"{path.relative_to(ROOT)}: {module}" for path in plugin_modules() for module in portal_imports(path)
             if module not in ALLOWED or (module == "portal.testing" and "tests" not in path.parts)]
    assert wrong == []
    assert any((ROOT / "examples").rglob("*.py")), "the example plugin is checked too"


def test_every_public_name_exists_and_the_process_kit_comes_whole():
    assert [name for name in api.__all__ if not hasattr(api, name)] == []
    assert len(api.__all__) == len(set(api.__all__))
    assert set(portal.process.__all__) <= set(api.__all__)
    for name in ("hookimpl", "NavItem", "Widget", "Section", "Panel", "CaseAction", "Permission", "DocumentKind",
                 "BaseModel", "requires", "notify", "can_see", "visible", "now", "Problems", "InputError", "record",
                 "current_user", "Step", "Workflow"):
        assert name in api.__all__, name


def test_the_api_promises_stability():
    assert "DeprecationWarning" in api.__doc__ and "__all__" in api.__doc__
