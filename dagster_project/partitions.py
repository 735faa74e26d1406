"""Daily partitions in IST: a partition is the day payloads landed (landing/<source>/<YYYY-MM-DD>/)."""

import datetime as dt

import dagster as dg

from hasiru.config import IST_TZ

FIRST_DAY = dt.date(2024, 1, 1)  # the first landing day the platform has partitions for
# end_offset=1: today's partition exists, so files landing today can be loaded as they arrive.
DAILY_IST = dg.DailyPartitionsDefinition(start_date=FIRST_DAY.isoformat(), timezone=IST_TZ, end_offset=1)
