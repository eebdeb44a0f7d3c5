"""Reading the case forms: values kept as typed, so a refused form is shown again intact."""
from portal.inputs import clean_text, parse_datetime  # noqa: F401  (read here by the case pages and plugins)


def text(form, name: str) -> str:
    """A form's text as typed, minus invisible characters (portal.inputs.clean_text)."""
    return clean_text(form.get(name, ""))
