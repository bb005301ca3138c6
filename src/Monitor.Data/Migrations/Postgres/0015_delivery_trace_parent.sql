-- The trace an alert's send was queued in (W3C traceparent): the webhook or email goes out inside it, so one statement
-- is one trace from the poll that found it to the alert's webhook.
ALTER TABLE deliveries ADD COLUMN trace_parent text NULL;
