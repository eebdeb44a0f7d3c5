"""docs/plugins.md's tutorial is the example plugin's code: each of its code blocks names the
file of examples/safety_register it comes from (first line) and appears there as it is."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "plugins.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
NAMED = re.compile(r"^(?:# |\{# )(examples/\S+?)(?: #\})?$")


def tutorial_blocks():
    text = DOCS.read_text(encoding="utf-8")
    tutorial = text[text.index("## Tutorial"):text.index("\n## ", text.index("## Tutorial") + 1)]
    return [(lang, body) for lang, body in BLOCK.findall(tutorial) if lang != "sh"]


def test_every_block_of_the_tutorial_is_in_the_example_plugin():
    blocks = tutorial_blocks()
    assert len(blocks) >= 15
    wrong = []
    for lang, body in blocks:
        first, _, code = body.partition("\n")
        named = NAMED.match(first)
        if not named:
            wrong.append(f"a {lang} block does not name its file: {first}")
            continue
        source = (ROOT / named.group(1)).read_text(encoding="utf-8")
        if code.strip() not in source:
            wrong.append(f"{named.group(1)} does not contain the block that starts {code.strip()[:60]!r}")
    assert wrong == []


def test_the_tutorial_shows_every_file_a_department_writes():
    named = {NAMED.match(body.partition("\n")[0]).group(1) for _, body in tutorial_blocks()}
    package = "examples/safety_register/safety_register/"
    for path in ("examples/safety_register/pyproject.toml", package + "__init__.py", package + "models.py",
                 package + "views.py", package + "report.py", package + "migrations/0001_baseline.py",
                 package + "templates/safety/index.html", "examples/safety_register/tests/test_safety_register.py"):
        assert path in named, path
