"""The suite's moments, importable where a test needs them at import time (decorators, module
constants); the ``frozen`` fixture in conftest.py stops the clock at ``NOW``."""

import datetime
import zoneinfo

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

#: "Now" for every test that stops the clock: Monday 1 March 2027, 10.00 in Stockholm.
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)

#: When a session of the registration tests starts: Saturday 13 March 2027, 10.00 in Stockholm,
#: twelve days after NOW (reminders go the day before).
START = datetime.datetime(2027, 3, 13, 9, 0, tzinfo=datetime.UTC)
