"""The portal's one clock: wall-clock time in the bureau's zone, whatever the server's zone.

Every "now" of the portal is ``now()``: a naive datetime in ``TIME_ZONE`` (Asia/Shanghai by
default), which is also how every time is stored. The server's own zone (``TZ``, /etc/localtime)
never enters: a container kept in UTC counts "24:00 of the last day" in Beijing time all the same.

Tests freeze the clock at an instant with ``freeze(at)`` and let it run again with ``thaw()``;
nothing else in the portal reads the system clock for a date or a time of day.
"""
import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"

_zone = ZoneInfo(DEFAULT_ZONE)
_frozen: dt.datetime | None = None  # an aware instant, while frozen


def set_zone(name: str | None) -> ZoneInfo:
    """Use the IANA zone ``name`` (the TIME_ZONE setting) for every "now" from here on."""
    global _zone
    try:
        _zone = ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"TIME_ZONE 设置有误：{name!r} 不是时区名称（应如 Asia/Shanghai）。") from exc
    return _zone


def zone() -> ZoneInfo:
    return _zone


def instant() -> dt.datetime:
    """The current instant, aware (UTC), from the frozen value or the system clock."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.timezone.utc)


def now() -> dt.datetime:
    """Wall-clock time in the bureau's zone, naive and without microseconds: what staff see."""
    return local(instant())


def today() -> dt.date:
    return now().date()


def local(moment: dt.datetime) -> dt.datetime:
    """An aware instant as the naive wall-clock time stored and shown by the portal."""
    return moment.astimezone(_zone).replace(tzinfo=None, microsecond=0)


def freeze(at: dt.datetime):
    """Stop the clock at ``at``: an aware instant, or a naive wall-clock time in the zone."""
    global _frozen
    _frozen = (at if at.tzinfo else at.replace(tzinfo=_zone)).astimezone(dt.timezone.utc)


def thaw():
    global _frozen
    _frozen = None
