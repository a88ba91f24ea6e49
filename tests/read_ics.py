"""Reads .ics files with Python's `icalendar` (as a calendar would) and
prints one line per VEVENT: UID | start | end (UTC, computed from the
file's own VTIMEZONE, not from a time-zone database) | STATUS | SUMMARY.
Whole days print as dates. Used by tests/suite/events.rs."""
import datetime
import sys

import icalendar

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    zones = {str(tz["TZID"]): tz.to_tz() for tz in cal.walk("VTIMEZONE")}
    print("#", path.rsplit("/", 1)[-1], "zones:", ",".join(sorted(zones)))
    for ev in cal.walk("VEVENT"):
        def utc(name):
            prop = ev[name]
            dt = prop.dt
            if not isinstance(dt, datetime.datetime):
                return dt.isoformat()
            zone = zones[prop.params["TZID"]]
            local = zone.localize(dt.replace(tzinfo=None))
            return local.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(ev["UID"], utc("DTSTART"), utc("DTEND"), ev["STATUS"], ev["SUMMARY"], sep=" | ")
