"""Daily partitions in IST: a partition is the day payloads landed (landing/<source>/<YYYY-MM-DD>/)."""

import dagster as dg

from hasiru.config import IST_TZ

# end_offset=1: today's partition exists, so files landing today can be loaded as they arrive.
DAILY_IST = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone=IST_TZ, end_offset=1)
