from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from generator import dates

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize("value", ["2021-04-02 09:30", "2021-04-02T09:30:00-04:00", "2021-04-02T13:30:00Z",
                                   "2021-04-02 09:30:00 -4", datetime(2021, 4, 2, 9, 30),
                                   # as YAML allows and archives have them: one-digit month, day and hour
                                   "2021-4-2 9:30", "2021-04-02 9:30:00 -0400", "2021-04-02T9:30:00-04:00"])
def test_every_form_gives_the_same_moment(value):
    assert dates.parse(value, NY) == datetime(2021, 4, 2, 9, 30, tzinfo=NY)


def test_a_date_alone_is_midnight_in_the_site_timezone():
    assert dates.parse(date(2021, 4, 2), NY) == datetime(2021, 4, 2, tzinfo=NY)
    assert dates.parse("2021-04-02", NY).utcoffset().total_seconds() == -4 * 3600


@pytest.mark.parametrize("value, words", [("2021-02-30", "not a real date"), ("2021-04-02 25:00", "not a real"),
                                          ("April 2", "not a date"), (5, "must be a date")])
def test_bad_dates_say_why(value, words):
    with pytest.raises(ValueError, match=words):
        dates.parse(value, NY)


def test_display_and_iso_do_not_depend_on_the_locale():
    moment = datetime(2021, 4, 2, 9, 30, tzinfo=NY)
    assert dates.display(moment) == "April 2, 2021"
    assert dates.iso(moment) == "2021-04-02T09:30:00-04:00"
