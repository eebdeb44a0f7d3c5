"""A meeting as an iCalendar event (RFC 5545) through the ``icalendar`` library, in Beijing time."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar

from portal.plugin_api import now

BEIJING = ZoneInfo("Asia/Shanghai")
LENGTH = timedelta(hours=2)  # the event's assumed length: the regulation names none


def ics(meeting, url: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//能源局网络舆情工作门户//联席会议//ZH")
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.id}@portal")
    event.add("summary", meeting.title)
    start = meeting.starts_at.replace(tzinfo=BEIJING)  # the portal's times are Beijing wall-clock times
    event.add("dtstart", start)
    event.add("dtend", start + LENGTH)
    event.add("dtstamp", now().replace(tzinfo=BEIJING))
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", f"{meeting.kind_label}：{meeting.title}\n{url}")
    event.add("url", url)
    cal.add_component(event)
    return cal.to_ical()
