"""Reading the case forms: values kept as typed, so a refused form is shown again intact."""
from datetime import datetime

from portal.cases.workflow import WorkflowError


def parse_datetime(value: str, label: str) -> datetime:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise WorkflowError(f"请按“年-月-日 时:分”填写{label}。")


def text(form, name: str) -> str:
    """A form's text with control characters other than line breaks and tabs removed."""
    value = form.get(name, "") or ""
    return "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").replace("\r", "")
