"""Delivery domain: the serving databases readers query, and SMS to farmers."""

import dagster as dg

from dagster_project.delivery.serving import serving_db
from dagster_project.delivery.sms import (sms_dnd, sms_outbox, sms_outbox_job, sms_outbox_schedule, sms_send_job,
                                          sms_send_schedule)

defs = dg.Definitions(assets=[serving_db, sms_outbox, sms_dnd], jobs=[sms_outbox_job, sms_send_job],
                      schedules=[sms_outbox_schedule, sms_send_schedule])
