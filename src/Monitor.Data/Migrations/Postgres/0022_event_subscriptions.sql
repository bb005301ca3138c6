-- Kind 'event' (issue 17): once per event, when NATO and the EP have both spoken on it; its alerts are of kind 'event'.
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_kind_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_kind_check CHECK (kind IN ('statements', 'spike', 'briefing', 'event'));
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('statement', 'spike', 'briefing', 'event'));
