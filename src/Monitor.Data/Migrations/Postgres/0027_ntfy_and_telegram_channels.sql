-- Two more ways out for alerts (issue 18): ntfy (a POST to a topic URL, optionally with an access token) and a
-- Telegram bot (sendMessage to a chat). The token and the bot token are secrets kept as the webhook secret is (they are
-- needed to send) and never returned by the API. A delivery's channel may now be 'ntfy' or 'telegram'.
ALTER TABLE subscriptions ADD COLUMN ntfy_url text NULL;
ALTER TABLE subscriptions ADD COLUMN ntfy_token text NULL;
ALTER TABLE subscriptions ADD COLUMN ntfy_priority integer NOT NULL DEFAULT 3 CHECK (ntfy_priority BETWEEN 1 AND 5);
ALTER TABLE subscriptions ADD COLUMN ntfy_tags text NOT NULL DEFAULT '[]';
ALTER TABLE subscriptions ADD COLUMN telegram_chat_id text NULL;
ALTER TABLE subscriptions ADD COLUMN telegram_bot_token text NULL;
ALTER TABLE subscriptions ADD COLUMN telegram_parse_mode text NOT NULL DEFAULT 'HTML' CHECK (telegram_parse_mode IN ('HTML', 'MarkdownV2'));
ALTER TABLE deliveries DROP CONSTRAINT deliveries_channel_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('webhook', 'email', 'ntfy', 'telegram'));
