-- The trace an outbox event was written in (W3C traceparent), so the relay publishes it inside that trace and one
-- statement is one trace from the poll that found it to the push and the alert.
ALTER TABLE outbox ADD COLUMN trace_parent text NULL;
