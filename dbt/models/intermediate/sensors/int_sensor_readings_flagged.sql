-- Each silver reading with its anomaly flags (stuck, spike): the rules are macros/sensor_rules.sql,
-- which fct_sensor_daily applies too.
with {{ sensor_flag_ctes(ref('stg_sensors__readings')) }}

select * from sensor_flagged
