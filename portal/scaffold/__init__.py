"""``portal plugin new NAME``: a pip-installable plugin package from the template tree beside
this file (``template/``; package data of the portal). Each file's name and text have
``SCAFFOLD_NAME``, ``SCAFFOLD_LABEL`` and ``SCAFFOLD_DEPT`` replaced; ``.tmpl`` is dropped."""
import importlib.util
import keyword
import re
from pathlib import Path

TEMPLATE = Path(__file__).parent / "template"
NAME = re.compile(r"[a-z][a-z0-9_]{1,30}")


def problems(name: str) -> list[str]:
    """Why ``name`` cannot be a plugin's name (its package, entry point, tables, permissions)."""
    if not NAME.fullmatch(name) or keyword.iskeyword(name):
        return ["插件名须为 2–31 位小写英文字母、数字或下划线，以字母开头（如 ledger）。"]
    if importlib.util.find_spec(name) is not None:
        return [f"已有名为“{name}”的 Python 模块，请换一个插件名。"]
    return []


def create(name: str, dest: Path, *, label: str, department: str) -> list[Path]:
    """Write the package into ``dest/name``; returns the files written."""
    root = dest / name
    if root.exists():
        raise FileExistsError(root)
    values = {"SCAFFOLD_NAME": name, "SCAFFOLD_LABEL": label, "SCAFFOLD_DEPT": department}
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = str(source.relative_to(TEMPLATE)).removesuffix(".tmpl")
        text = source.read_text(encoding="utf-8")
        for placeholder, value in values.items():
            relative, text = relative.replace(placeholder, value), text.replace(placeholder, value)
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
