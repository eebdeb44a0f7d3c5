"""Login throttling: token buckets kept in the database, never a lock the attacker controls.

Every password check must first take a token from each bucket it belongs to; a wrong password
keeps the token, a right one gives it back. An empty bucket refills at a fixed rate, so an
attacker is slowed to that rate, but nobody is ever locked out for longer than one refill:

- ``ACCOUNT``: one account from browsers it never signed in from, whatever their addresses.
  This is what bounds guessing against any account, administrators included.
- ``ADDRESS``: one address, whatever the accounts (spraying many accounts from one address).
- ``DEVICE``: one account from a browser where it signed in before, recognised by a signed
  cookie (``DEVICE_COOKIE``). Attempts from there use this bucket only, so however hard others
  guess, the user's own office PC is never slowed by them.

Buckets are keyed by the name typed, existing or not (the answer never tells whether an account
exists), and kept in the database so that several servers sharing one database share them. The
clock is ``clock`` (seconds since the epoch); tests replace it.
"""
import hashlib
import secrets
import time
from dataclasses import dataclass

import peewee
from itsdangerous import BadSignature, URLSafeSerializer

from portal.db import BaseModel, database, is_sqlite

clock = time.time


@dataclass(frozen=True)
class Budget:
    name: str
    burst: int  # failures allowed at once
    every: int  # seconds for one more

    def level(self, tokens: float, since: float, at: float) -> float:
        """Tokens in the bucket at ``at``, left with ``tokens`` at ``since``."""
        return min(float(self.burst), tokens + max(0.0, at - since) / self.every)

    def wait(self, tokens: float, since: float, at: float) -> int:
        """Whole seconds until the bucket holds one token again (0: it holds one now)."""
        missing = 1 - self.level(tokens, since, at)
        return 0 if missing <= 1e-6 else int(-(-missing * self.every // 1))  # 1e-6: float sums of refills


ACCOUNT = Budget("account", burst=10, every=180)
ADDRESS = Budget("address", burst=30, every=20)
DEVICE = Budget("device", burst=10, every=60)
BUDGETS = {b.name: b for b in (ACCOUNT, ADDRESS, DEVICE)}

DEVICE_COOKIE = "portal_device"
DEVICE_COOKIE_DAYS = 365
DEVICES_PER_COOKIE = 8  # a shared PC remembers this many of its users


class LoginThrottle(BaseModel):
    key = peewee.CharField(max_length=64, unique=True)  # SHA-256 of the budget and its subject
    budget = peewee.CharField(max_length=20)
    tokens = peewee.DoubleField()
    refilled_at = peewee.DoubleField(index=True)  # seconds since the epoch (a REAL would round to 2 minutes)

    class Meta:
        table_name = "login_throttle"


MODELS = [LoginThrottle]


def _key(budget: Budget, *parts: str) -> str:
    return hashlib.sha256("\x00".join((budget.name, *parts)).encode()).hexdigest()


def buckets(username: str, ip: str, device: str | None) -> list[tuple[Budget, str]]:
    """The buckets an attempt to sign in as ``username`` from ``ip`` draws on."""
    if device:
        return [(DEVICE, _key(DEVICE, username, device))]
    return [(ACCOUNT, _key(ACCOUNT, username)), (ADDRESS, _key(ADDRESS, ip))]


def take(wanted: list[tuple[Budget, str]], at: float | None = None) -> int:
    """Take one token from every bucket, or from none: returns 0 when taken, else the seconds
    to wait until all of them hold one."""
    at = clock() if at is None else at
    with database.atomic():
        LoginThrottle.insert_many(
            [{"key": k, "budget": b.name, "tokens": float(b.burst), "refilled_at": at} for b, k in wanted]
        ).on_conflict_ignore().execute()
        query = LoginThrottle.select().where(LoginThrottle.key.in_([k for _, k in wanted]))
        rows = {r.key: r for r in (query if is_sqlite() else query.for_update())}  # SQLite: BEGIN IMMEDIATE
        levels = {k: b.level(rows[k].tokens, rows[k].refilled_at, at) for b, k in wanted}
        wait = max(b.wait(rows[k].tokens, rows[k].refilled_at, at) for b, k in wanted)
        if wait:
            return wait
        for _, k in wanted:
            LoginThrottle.update(tokens=levels[k] - 1, refilled_at=at).where(LoginThrottle.key == k).execute()
        LoginThrottle.delete().where(LoginThrottle.refilled_at < at - 86400).execute()  # full long ago
    return 0


def give_back(wanted: list[tuple[Budget, str]], at: float | None = None):
    """A right password: the attempt costs nothing."""
    at = clock() if at is None else at
    with database.atomic():
        for budget, k in wanted:
            row = LoginThrottle.get_or_none(LoginThrottle.key == k)
            if row is not None:
                row.tokens = min(float(budget.burst), budget.level(row.tokens, row.refilled_at, at) + 1)
                row.refilled_at = at
                row.save(only=[LoginThrottle.tokens, LoginThrottle.refilled_at])


def is_empty(wanted: list[tuple[Budget, str]], at: float | None = None) -> bool:
    """Whether a bucket ran dry with the token just taken (the moment worth an audit event)."""
    at = clock() if at is None else at
    rows = {r.key: r for r in LoginThrottle.select().where(LoginThrottle.key.in_([k for _, k in wanted]))}
    return any(k in rows and b.level(rows[k].tokens, rows[k].refilled_at, at) < 1 for b, k in wanted)


def waiting_message(seconds: int) -> str:
    wait = f"{seconds}秒" if seconds < 60 else f"{-(-seconds // 60)}分钟"
    return f"登录尝试过于频繁，请{wait}后再试。在您以前登录过的电脑上登录不受此限制。"


# -- the device cookie ---------------------------------------------------------------------------

def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="portal.login-device")


def known_devices(cookie: str | None, secret_key: str) -> dict[str, str]:
    """{username: device id} from the cookie; a forged or garbled cookie is no cookie."""
    if not cookie:
        return {}
    try:
        value = _serializer(secret_key).loads(cookie)
    except BadSignature:
        return {}
    if not isinstance(value, list):
        return {}
    return {u: d for u, d in value if isinstance(u, str) and isinstance(d, str)}


def remember_device(cookie: str | None, secret_key: str, username: str) -> str:
    """The cookie's new value after ``username`` signed in on this browser."""
    devices = known_devices(cookie, secret_key)
    device = devices.pop(username, None) or secrets.token_hex(16)
    devices[username] = device
    return _serializer(secret_key).dumps(list(devices.items())[-DEVICES_PER_COOKIE:])
