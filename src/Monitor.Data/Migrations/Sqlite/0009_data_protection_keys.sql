-- ASP.NET Core Data Protection keys, shared by every dashboard replica: a sign-in cookie or an anti-forgery token
-- issued by one replica is read by any other, and survives a restart. One row per key, as the key's XML.
CREATE TABLE data_protection_keys (
    id            INTEGER PRIMARY KEY,
    friendly_name text NOT NULL UNIQUE,
    xml           text NOT NULL,
    created_at    bigint NOT NULL
);
