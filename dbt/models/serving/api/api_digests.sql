-- What was sent (or is about to be) to whom, without the number it went to; suppressed messages never go.
select message_id, farmer_id, kind, digest_date, language, text, segments, status, status_reason, scheduled_at,
       sent_at, delivered_at
from {{ source('pipeline', 'ops_sms_outbox') }}
where status <> 'suppressed'
order by farmer_id, scheduled_at desc, message_id
