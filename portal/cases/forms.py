"""Reading the case forms: values kept as typed, so a refused form is shown again intact."""
from datetime import datetime

from portal.cases.workflow import WorkflowError
from portal.inputs import clean_text


def parse_datetime(value: str, label: str) -> datetime:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise WorkflowError(f"请按“年-月-日 时:分”填写{label}。")


def text(form, name: str) -> str:
    """A form's text as typed, minus invisible characters (portal.inputs.clean_text)."""
    return clean_text(form.get(name, ""))
