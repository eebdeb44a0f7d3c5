"""Hostile values and the machinery to post them through the real forms, property-based: shared
by the core's tests (tests/core/test_hostile_input.py) and each plugin's. See that module for the
properties every form must keep."""
import io
import os
import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context as currently_in_hypothesis
from markupsafe import escape
from werkzeug.security import generate_password_hash

from portal.cases import workflow
from portal.db import database, now
from portal.demo import DEMO_PASSWORD
from portal.inputs import bounded_id, clean_text
from portal.org.models import WORKING_KINDS, Department, User, UserRole

HOSTILE = settings(
    max_examples=int(os.environ.get("PORTAL_HOSTILE_EXAMPLES", "25")),
    deadline=None,
    database=None,  # no .hypothesis/ folder in the working tree
    derandomize=True,  # the same examples every run: CI is never red by chance
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much, HealthCheck.large_base_example],
)

# --- hostile values ---------------------------------------------------------------------------

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>",
       "</textarea><script>alert(1)</script>", "'><iframe src=javascript:alert(1)>"]
NASTY = XSS + [
    "' OR 1=1 --", '"; DROP TABLE case; --', "'; DELETE FROM \"user\"; --", "' UNION SELECT password_hash FROM \"user\" --",
    "{{ 7*7 }}", "{% for x in () %}", "${7*7}", "%s%s%s%n", "%", "_", "%_%", "\\", "\\x00", "../../etc/passwd",
    "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "null", "None", "undefined", "NaN", "-1",
    "0", "1e309", "", " ", "\t\n ", "\r\n", "&lt;script&gt;", "&amp;", "正常的中文内容。",
]
CONTROLS = ("\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x7f\x85\x9b\r\t\n\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c"
            "\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029\u2060\ufeff\ufff9\ufffe\uffff\U000e0041")
ODD = [
    "e\u0301", "Z\u0324\u0308\u0344\u034a\u0358", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\U0001F1E8\U0001F1F3",
    "\U0001F4A9", "１２３４５", "ｓｃｒｉｐｔ", "＜script＞alert(1)＜／script＞", "\ufe64script\ufe65", "\ufb01",
    "\u212b", "A\u030a", "\U00020000", "\ue000", "\U0010fffd", "\ufffd", "\u0645\u0631\u062d\u0628\u0627",
    "\u202eRTL\u202c", "a\u200db", "\u3000", "\xa0", "\x1b[31m红色\x1b[0m", "\x00",
]
HUGE_UNITS = ["a", "<script>alert(1)</script>", "啊", "\x00", "\U0001F468\u200d\U0001F469\u200d\U0001F467",
              "e\u0301", "' OR 1=1 --"]

_chars = st.one_of(st.characters(exclude_categories=["Cs"]),  # lone surrogates cannot be sent as UTF-8
                   st.sampled_from(CONTROLS), st.sampled_from("<>\"'&%_;-/\\ \u3000界"))
_mixed = st.lists(st.one_of(st.sampled_from(NASTY + ODD), st.text(_chars, min_size=1, max_size=10)),
                  min_size=1, max_size=5).map("".join)
_huge = st.builds(lambda unit, n: (unit * (n // len(unit) + 1))[:n], st.sampled_from(HUGE_UNITS),
                  st.integers(10_000, 200_000))
EDGES = [40, 41, 60, 61, 80, 81, 100, 101, 120, 121, 500, 501, 1000, 1001, 2000, 2001, 5000, 5001, 10000, 10001]


def _edge(limit=None):
    """Just inside and just past the forms' limits (``limit`` and one past it included)."""
    lengths = EDGES if limit is None else [n for n in EDGES if n <= limit] + [limit, limit + 1]
    return st.builds(lambda unit, n: unit * n, st.sampled_from(["界", "a", "<"]), st.sampled_from(lengths))


def hostile_text(huge=True, limit=None):
    parts = [st.sampled_from(NASTY + ODD), _mixed, _mixed, st.text(_chars, max_size=30), _edge(limit)]
    return st.one_of(parts + ([_huge] if huge else []))


def weighted(*pairs):
    """One of the strategies, drawn about as often as its weight says: (weight, strategy), ..."""
    # (st.one_of would not do: it draws its distinct branches alike, however often one is repeated)
    return st.sampled_from([strategy for weight, strategy in pairs for _ in range(weight)]).flatmap(lambda s: s)


def field(values, lists=True, missing=True):
    """What a form sends for one field: a value, several (a list where one is expected), or nothing."""
    return weighted((16, values), (2 if lists else 0, st.lists(values, min_size=2, max_size=3)),
                    (1 if missing else 0, st.none()))


def good_text(limit, check=None):
    """Hostile content a form must accept: something left after cleaning, within the limit."""
    check = check or (lambda s: 0 < len(typed(s)) <= limit)
    return hostile_text(huge=False, limit=limit).filter(check)


def text_field(limit, check=None):
    """A text field: mostly hostile text that must be accepted, else anything (empty, huge, ...)."""
    return field(weighted((3, good_text(limit, check)), (1, hostile_text())))


def choice_field(choices, missing=True):
    return field(weighted((5, st.sampled_from(list(choices))), (1, hostile_text(huge=False))), missing=missing)


def first(value):
    """What ``request.form.get`` reads: the first of several values."""
    return value[0] if isinstance(value, list) else value


def clean(value) -> str:
    """The contract of portal.inputs.clean_text: invisible characters dropped; line breaks, tabs
    and every space (the ideographic one included) kept."""
    return clean_text(value)


def typed(value) -> str:
    """A case form's text as it must be stored: cleaned, then trimmed."""
    return clean(first(value)).strip()


def to_int(value):
    """An id as the portal reads one (portal.inputs.bounded_id): plain ASCII digits, a key's range."""
    return bounded_id(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def fullwidth(digits: str) -> str:
    return digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def one_of_these(ids):
    """One of ``ids`` (read from the database during the example): drawn as an index, so that the shape of the
    data drawn never depends on the database (Hypothesis replays and shrinks examples)."""
    return st.integers(0, 999).map(lambda k: ids[k % len(ids)] if ids else 1)


def id_variants(i):
    """An id as a <select> sends it, and as someone editing the request might."""
    return st.sampled_from([str(i), f" {i} ", f"+{i}", f"0{i}", fullwidth(str(i)), f"{i}.0", f"{i}abc", f"-{i}",
                            f"{i}' OR 1=1 --", f"{i}\x00"])


BAD_DATETIMES = ["", " ", "昨天", "2026-02-30T10:00", "9999-99-99T99:99", "2026-13-01T00:00", "2026-11-28T24:00",
                 "2026-11-28T09:30:60", "2026-11-28", "09:30", "２０２６-１１-２８T０９:３０", "2026-11-28T09:30\x00",
                 "2026/11/28 09:30", "1e9", "-1", "' OR 1=1 --", "<script>alert(1)</script>", "2026-11-28T09:30Z",
                 "2026-11-28T09:30+08:00", "9999-12-31T23:59", "0000-01-01T00:00"]
DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def written(value, at):
    """A drawn datetime field: (minutes from ``at``, format) written out; anything else as drawn."""
    if isinstance(value, list):
        return [written(v, at) for v in value]
    return (at + timedelta(minutes=value[0])).strftime(value[1]) if isinstance(value, tuple) else value


def recent(days=1):
    return (now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def is_last_day(value) -> bool:
    """9999-12-31, however written: one day later does not exist."""
    try:
        return date.fromisoformat(first(value) or "") == date.max
    except ValueError:
        return False


def parse_dt(value):
    """The contract of portal.cases.forms.parse_datetime: 年-月-日 时:分, or None."""
    value = (value or "").strip()
    for fmt in DT_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


# Uploads: (bytes, accepted?) -- judged by content, never by name.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BODIES = [
    (PNG, True), (b"\xff\xd8\xff\xe0" + b"\x00" * 16, True), (b"GIF89a" + b"\x00" * 16, True),
    (b"%PDF-1.4\n%<script>alert(1)</script>", True), (b"<script>alert(1)</script>", True),
    ("\u202e说明文字 ' OR 1=1 --".encode(), True), (b"", False), (b"MZ\x90\x00 this is an exe", False),
    (b"text with a \x00 NUL", False), (b"\xff\xfe\x00\x00", False), (b"PK\x03\x04 not an office file", False),
    (b"<?php system($_GET['c']); ?>", True),
]
FILENAMES = ["shot.png", "<script>alert(1)</script>.png", '"><img src=x onerror=alert(1)>.png', "../../etc/passwd",
             "a\x00b.png", "\u202egnp.exe", "CON", "..", ".png", "截图 2026-11-28.png", "a" * 300 + ".png",
             "x.php.png", "\x1b[31m.png", "\U0001F4A9.pdf", " ", "' OR 1=1 --.png"]


def browser_filename(name: str) -> str:
    """As a browser writes a file name into a multipart header (HTML spec: ", CR, LF percent-encoded)."""
    return name.replace("\\", "").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


uploads = st.tuples(st.sampled_from(BODIES), weighted((3, st.sampled_from(FILENAMES)), (1, hostile_text(huge=False))))


def upload_value(upload):
    (body, _), name = upload
    return (io.BytesIO(body), browser_filename(name))


def upload_ok(upload) -> bool | None:
    """True/False: accepted or refused; None: no file at all (no file name)."""
    (_, ok), name = upload
    return ok if browser_filename(name) else None


FORBIDDEN_IN_NAMES = set('\\/:*?"<>|')


def assert_clean_filename(name: str):
    assert name and all(ch.isprintable() and ch not in FORBIDDEN_IN_NAMES for ch in name), repr(name)
    assert len(name) <= 80 + 5, repr(name)


NEXTS = ["/cases/", "/cases/1", "/", "/admin/users", "//evil.example", "/\\evil.example", "\\\\evil.example",
         "/\t/evil.example", "https://evil.example/", "http:evil.example", "javascript:alert(1)", "/%2F%2Fevil.example",
         "/%5Cevil.example", "\x00//evil.example", " //evil.example", "///evil.example", "/.//evil.example",
         "evil.example", "ｈｔｔｐｓ://evil.example", "/cases/\u202e", "/cases//evil.example", "/cases/../..//evil.example",
         "/cases/\\evil.example", "/cases/%0d%0aSet-Cookie:x=1", "/cases/<script>alert(1)</script>", "@evil.example",
         "/cases/\x00", "https:/evil.example"]


def stays_on_site(location: str) -> bool:
    """Whether a browser following ``location`` stays on this host (tabs and line breaks dropped,
    backslashes read as slashes, as browsers do)."""
    seen = re.sub(r"[\t\n\r]", "", location).lstrip("".join(map(chr, range(33)))).replace("\\", "/")
    parts = urlsplit(seen)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return False
    return parts.netloc in ("", "localhost") and not seen.startswith("//")


# --- reading responses ------------------------------------------------------------------------

MESSAGE = re.compile(r'class="flash flash-error"[^>]*>(.*?)</p>|class="error-text"[^>]*>(.*?)</small>'
                     r'|class="panel error">.*?<p>(.*?)</p>', re.DOTALL)
CJK = re.compile(r"[\u4e00-\u9fff]")


def messages(page: str) -> list[str]:
    return [next(g for g in m if g) for m in MESSAGE.findall(page) if any(m)]


FORM_MEMORY = 500_000  # Flask's MAX_FORM_MEMORY_SIZE: a multipart text field past it is a 413


def oversized(data) -> bool:
    """Whether a multipart text field is past MAX_FORM_MEMORY_SIZE (refused with 413 before any view)."""
    values = [x for v in data.values() for x in (v if isinstance(v, list) else [v])]
    return any(isinstance(x, str) and len(x.encode("utf-8", "surrogatepass")) > FORM_MEMORY for x in values)


def assert_refused(response, statuses=(400, 409, 413, 429)):
    """Refused: 4xx, or 200 with the form shown again; with a message, in Chinese."""
    assert response.status_code in statuses + (200,), response.status_code
    if currently_in_hypothesis():
        event(f"refused with {response.status_code}")
    page = response.get_data(as_text=True)
    found = messages(page)
    assert found, f"refused ({response.status_code}) without any message"
    for message in found:
        assert CJK.search(message), f"message not in Chinese: {message!r}"
    return page


def refusal_problem(response, statuses=(400, 409, 413, 429)) -> str | None:
    """Why ``response`` is not a proper refusal (assert_refused), or None: for tests that collect failures."""
    try:
        assert_refused(response, statuses=statuses)
    except AssertionError as exc:
        return str(exc).splitlines()[0]
    return None


def assert_shown_escaped(page: str, *texts):
    for value in texts:
        if not value:
            continue
        assert str(escape(value)) in page, f"stored text not shown (escaped): {value[:200]!r}"
        for payload in XSS:
            if payload in value:
                assert payload not in page, f"raw payload on the page: {payload!r}"


def request(fn, *args, **kwargs):
    """Make a request; an exception escaping the view (a 500 in production) fails the test."""
    try:
        response = fn(*args, **kwargs)
    except Exception as exc:  # TESTING propagates what would be a 500
        raise AssertionError(f"500 Internal Server Error: {type(exc).__name__}: {exc}") from exc
    assert response.status_code < 500, response.status_code
    return response


def rows(model, *where):
    with database.connection_context():
        query = model.select()
        for condition in where:
            query = query.where(condition)
        return [r.__data__.copy() for r in query.order_by(*model._meta.get_primary_keys())]


def count(model, *where):
    return len(rows(model, *where))


def user_rows():
    return rows(User), rows(UserRole)


# --- the portal under attack ------------------------------------------------------------------

CHEAP_HASH = "pbkdf2:sha256:1000"  # scrypt is slow by design; hashing is not what is tested here


class Portal:
    """One app per test function, its logged-in clients and cases in each state, reused by every example."""

    def __init__(self, app, monkeypatch, build=None):
        self.app = app
        self.build = build  # (app, state) -> the id of a new case in that state, for case()
        self._clients = {}
        self._ready = {}
        self._addr = 0
        monkeypatch.setattr("portal.org.models.generate_password_hash",
                            lambda password: generate_password_hash(password, CHEAP_HASH))
        with database.connection_context():
            User.update(password_hash=generate_password_hash(DEMO_PASSWORD, CHEAP_HASH)).execute()
            self.departments = {d.name: d.id for d in Department.select()}
            self.offered = [d.id for d in Department.select().where(
                Department.active & Department.kind.in_(WORKING_KINDS))]
            self.leadership = Department.get(Department.kind == "leadership").id
        with app.app_context(), database.connection_context():
            workflow.tick()  # the demo cases' deadline events, now rather than inside an example

    def case(self, state) -> int:
        """A case in ``state``, made through the workflows (not under test here); reused until used up."""
        if state not in self._ready:
            self._ready[state] = self.build(self.app, state)
        return self._ready[state]

    def used_up(self, state):
        self._ready.pop(state, None)

    def fresh_client(self):
        """A client from an address of its own: the login throttle counts per address."""
        self._addr += 1
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.7.{self._addr // 250}.{self._addr % 250 + 1}"
        return client

    def client(self, username):
        if username not in self._clients:
            client = self.fresh_client()
            response = client.login(username)
            assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
            client.token = client.csrf_token()
            self._clients[username] = client
        return self._clients[username]

    def post(self, username, url, data, multipart=False, htmx=False):
        client = self.client(username)
        data = {k: v for k, v in data.items() if v is not None}
        data["csrf_token"] = client.token
        headers = {"HX-Request": "true"} if htmx else {}
        return request(client.post, url, data=data, headers=headers,
                       content_type="multipart/form-data" if multipart else None)

    def get(self, username, url, **kwargs):
        return request(self.client(username).get, url, **kwargs)


def post_raw(portal, username, url, data, **kwargs):
    """Post and see a 500 as a response (not as the exception TESTING propagates)."""
    portal.app.config["PROPAGATE_EXCEPTIONS"] = False
    client = portal.client(username)
    return client.post(url, data={**data, "csrf_token": client.token}, **kwargs)


def get_raw(portal, username, url, **kwargs):
    portal.app.config["PROPAGATE_EXCEPTIONS"] = False
    return portal.client(username).get(url, **kwargs)


def assert_all(failures):
    assert not failures, "\n".join(map(str, failures))


# --- generated from a step's field schema (portal.process.Field) -------------------------------
# The values below are drawn from each field's own declaration (kind, limit, required, choices,
# check), and ``field_problem`` judges them by kind, apart from the portal's reader: a limit or a
# choice is written once, in the schema (tests/regulations.py checks those the regulations fix).

URL_SAMPLES = ["", "https://bbs.example.cn/t/1", 'https://x.example/"><script>alert(1)</script>', "javascript:alert(1)",
               "http://", "HTTPS://X.EXAMPLE", " https://a.example/\x00\u202e ", "ftp://x.example", "//evil.example",
               "data:text/html,<script>alert(1)</script>", "https://" + "a" * 600, "https://a.example/' OR 1=1 --",
               "https://例子.测试/路径?q=<b>", "https://a.example/\r\nX: 1"]
HUGE_ID = "9" * 25


def url_strategy(limit):
    good = st.builds(lambda s: "https://x.example/" + s, hostile_text(huge=False)).filter(lambda u: len(typed(u)) <= limit)
    return field(weighted((3, good), (2, st.sampled_from(URL_SAMPLES)),
                          (1, st.builds(lambda s: "https://x.example/" + s, hostile_text(limit=limit)))))


def option_values(f, record) -> list[str]:
    return [str(value) for value, _label in f.options(record)]


def junk_choices(f, record) -> list[str]:
    """Values no form offers: empty, hostile text, ids no key holds, ids past the options."""
    values = [v for v, _label in f.options(record)]
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    junk = ["", "' OR 1=1 --", "<script>alert(1)</script>", "null", "-1", "0", HUGE_ID, "9" * 5000, "\x00"]
    if numbers:
        junk += [str(max(numbers) + 1000), f"{numbers[0]}abc", f"{numbers[0]}.0", f"{numbers[0]}\x00", f"-{numbers[0]}"]
    else:
        junk += [s.upper() for s in option_values(f, record)] + [f" {s} " for s in option_values(f, record)]
    return [j for j in junk if j not in option_values(f, record)]


def id_spellings(value: str) -> list[str]:
    """An offered id as a <select> sends it, and as someone editing the request might."""
    return [value, f" {value} ", f"+{value}", f"0{value}", fullwidth(value)]


def choice_strategy(f, record):
    options = option_values(f, record)
    numeric = options and all(o.isdigit() for o in options)
    offered = st.sampled_from(options).flatmap(lambda o: st.sampled_from(id_spellings(o) if numeric else [o])) \
        if options else st.nothing()
    junk = st.one_of(st.sampled_from(junk_choices(f, record)), hostile_text(huge=False))
    if f.kind == "choices":
        return st.one_of(st.none(), st.lists(weighted((5, offered), (1, junk)), max_size=4))
    return field(weighted((5 if options else 0, offered), (1, junk)))


DATETIME_OFFSETS = (-30, -60, -100, -200, -100000, 60 * 24)  # minutes from now


def datetime_strategy(f, record):
    drawn = st.tuples(st.sampled_from(DATETIME_OFFSETS), st.sampled_from(DT_FORMATS))
    return field(weighted((3, drawn), (1, st.sampled_from(BAD_DATETIMES))))


BAD_DATES = ["昨天", "2026-02-30", "2026-13-01", "9999-99-99", "２０２６-１１-２８", "2026/11/28", "11-28", "-1",
             "' OR 1=1 --", "<script>alert(1)</script>", "2026-11-28\x00", "0000-01-01"]


def date_strategy(f, record):
    return field(weighted((3, st.dates(date(1990, 1, 1), date(2100, 12, 31)).map(date.isoformat)),
                          (1, st.sampled_from(BAD_DATES + ["", " "]))))


def field_strategy(f, record):
    """Hostile values for one field, drawn from its declaration."""
    if f.kind == "date":
        return date_strategy(f, record)
    if f.kind in ("text", "textarea"):
        return field(weighted((3, good_text(f.limit)), (1, hostile_text(limit=f.limit))))
    if f.kind == "url":
        return url_strategy(f.limit)
    if f.kind in ("choice", "choices"):
        return choice_strategy(f, record)
    if f.kind == "datetime":
        return datetime_strategy(f, record)
    if f.kind == "file":
        return weighted((4 if f.required else 1, uploads), (1, st.none()))
    if f.kind == "bool":
        return choice_field(["1"])
    return field(weighted((3, st.integers(0, f.limit or 10**6).map(str)), (1, hostile_text(huge=False)),
                          (1, st.sampled_from(["", "-1", "1.5", "１", "٣", "1e3", HUGE_ID, "9" * 5000]))))


def _chosen(f, value, record):
    options = [v for v, _label in f.options(record)]
    if options and all(isinstance(v, int) and not isinstance(v, bool) for v in options):
        return to_int(value) if to_int(value) in options else None
    return value if value in options else None


def field_problem(f, value, record, at) -> bool:
    """Whether the portal must refuse ``value`` (as drawn) for ``f``, judged by kind."""
    if f.kind in ("text", "textarea", "url"):
        text = typed(value)
        if (f.required and not text) or (f.limit and len(text) > f.limit):
            return True
        return f.kind == "url" and bool(text) and not text.startswith(("http://", "https://"))
    if f.kind == "choice":
        value = first(value)
        if value is None and f.default is not None:
            value = f.initial(record)
        return _chosen(f, value, record) is None and (f.required or value not in (None, ""))
    if f.kind == "choices":
        sent = value if isinstance(value, list) else [] if value is None else [value]
        return any(_chosen(f, v, record) is None for v in sent) or (f.required and not sent)
    if f.kind == "date":
        raw = first(value)
        if not isinstance(raw, str) or not raw.strip():
            return f.required
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            return True
        return bool(f.check and f.check(day, record))
    if f.kind == "datetime":
        raw = first(value)
        if not isinstance(raw, str) or not raw.strip():
            return f.required
        when = parse_dt(raw)
        return when is None or bool(f.check and f.check(when, record))
    if f.kind == "file":
        return upload_ok(value) is False if value else f.required
    if f.kind == "bool":
        return f.required and first(value) not in ("1", "on", "y", "true")
    number = to_int(first(value)) if (first(value) or "").strip() else None
    return (number is None and (f.required or bool((first(value) or "").strip()))) or \
        (number is not None and f.limit is not None and number > f.limit)


def sendable(f, value, at):
    """A drawn value as the request carries it."""
    if f.kind == "file":
        return upload_value(value) if value else None
    if f.kind == "datetime":
        return written(value, at)
    return value


def valid_value(f, record, content=True):
    """A value ``f`` accepts (as drawn): what the other fields carry while one is under attack.
    ``content=False``: nothing for the free-text fields (a record kept offline takes none)."""
    if f.content and not content:
        return None
    if f.kind in ("choice", "choices"):
        options = option_values(f, record)
        return options[:1] if f.kind == "choices" else options[0]
    if f.kind == "file":
        return ((PNG, True), "shot.png") if f.required else None
    if f.kind in ("date", "datetime"):
        return "" if not f.required else now().strftime("%Y-%m-%d" if f.kind == "date" else "%Y-%m-%dT%H:%M")
    return {"text": "正常的中文内容。", "textarea": "正常的中文内容。", "url": "https://x.example/reply",
            "whole": "1", "bool": "1"}[f.kind]


def fixed_hostile(f, record) -> list[tuple[str, object]]:
    """(what, value): each kind of hostile value the brief names, for ``f``."""
    out = [("control characters", "\x00\x07\u202e\u200b"), ("script", "<script>alert(1)</script>")]
    if f.kind in ("text", "textarea", "url"):
        prefix = "https://x.example/" if f.kind == "url" else ""
        if f.limit:
            out.append(("over the limit by one", prefix + "界" * (f.limit + 1 - len(prefix))))
            out.append(("at the limit", prefix + "<" * (f.limit - len(prefix))))
        out.append(("script", prefix + "<script>alert(1)</script>"))
    if f.required:
        out.append(("empty", ""))
    if f.kind in ("choice", "choices"):
        out += [("invalid choice", j) for j in junk_choices(f, record)[:8]]
    if f.kind == "datetime":
        out += [("malformed date", d) for d in BAD_DATETIMES[:10]]
    if f.kind == "date":
        out += [("malformed date", d) for d in BAD_DATES]
    if f.kind == "whole":
        out += [("malformed number", n) for n in ("abc", "1.5", "１", HUGE_ID, "9" * 5000)]
    if f.kind == "file":
        out = [("empty file", ((b"", False), "a.png")), ("executable", ((b"MZ\x90\x00 exe", False), "a.exe")),
               ("script name", ((PNG, True), "<script>alert(1)</script>.png"))]
    return out
