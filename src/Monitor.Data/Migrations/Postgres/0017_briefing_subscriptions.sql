-- Kind 'briefing' (issue 16): a weekly digest of the living briefing, raised as one alert of kind 'briefing' per week.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_kind_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_kind_check CHECK (kind IN ('statements', 'spike', 'briefing'));
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('statement', 'spike', 'briefing'));
