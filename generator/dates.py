"""The date forms writers use, read into aware datetimes in the site's timezone."""

from __future__ import annotations

import calendar
import os
import re
from datetime import UTC, date, datetime, tzinfo

# YAML also allows "2021-04-02 09:30:00 -4" (a space and a short offset).
_YAML_OFFSET = re.compile(r"^(.*\d)\s*([+-])(\d{1,2})(?::?(\d{2}))?$")
FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
# YAML's own timestamps may have one-digit months, days and hours ("2011-11-28 8:32:24 -0400").
_SHORT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(T|t|[ \t]+)(\d{1,2})(?=:))?")


def parse(value: object, tz: tzinfo) -> datetime:
    """A datetime from `2021-04-02`, `2021-04-02 09:30` or `2021-04-02T09:30:00-04:00`.

    Raises ValueError with a message for writers.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = _from_text(value.strip())
    else:
        raise ValueError(f"must be a date like 2021-04-02 or 2021-04-02 09:30, not {type(value).__name__}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def _from_text(text: str) -> datetime:
    if not re.match(r"^\d{4}-\d{1,2}-\d{1,2}", text):
        raise ValueError(f'"{text}" is not a date; write it as 2021-04-02 or 2021-04-02 09:30')
    candidate = _SHORT.sub(_padded, text).replace("Z", "+00:00").replace("z", "+00:00")
    match = _YAML_OFFSET.match(candidate)
    if match and (":" in match.group(1) or "T" in match.group(1)):
        head, sign, hours, minutes = match.groups()
        candidate = f"{head}{sign}{int(hours):02d}:{minutes or '00'}"
    try:
        return datetime.fromisoformat(candidate)
    except ValueError as exc:
        reason = _reason(str(exc), text)
        if reason:
            raise ValueError(f'"{text}" is not a real date or time: {reason}') from None
        raise ValueError(f'"{text}" is not a date; write it as 2021-04-02 or 2021-04-02 09:30') from None


def _padded(match: re.Match) -> str:
    year, month, day, between, hour = match.groups()
    moment = f"{year}-{int(month):02d}-{int(day):02d}"
    return moment + ("T" if between.strip() else " ") + f"{int(hour):02d}" if hour else moment


def _reason(error: str, text: str) -> str | None:
    """Python's complaint about an impossible date, in a writer's words."""
    year, month = (int(part) for part in text[:7].split("-"))
    if "day is out of range" in error and 1 <= month <= 12:
        days = calendar.monthrange(year, month)[1]
        return f"{MONTHS[month - 1]} {year} has {days} days"
    if "month must be" in error:
        return "months go from 01 to 12"
    if "hour must be" in error:
        return "hours go from 00 to 23"
    if "minute must be" in error or "second must be" in error:
        return "minutes and seconds go from 00 to 59"
    return None


def iso(moment: datetime) -> str:
    """RFC 3339, as feeds, sitemaps and <time datetime> want it."""
    return moment.isoformat(timespec="seconds")


MONTHS = ("January February March April May June July August September October "
          "November December").split()


def display(moment: datetime) -> str:
    """"April 2, 2021", the same on every machine whatever its locale."""
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def build_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)
