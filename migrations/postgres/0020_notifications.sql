-- Alerts: where they go (webhooks and e-mail), and the queue of deliveries, kept in the store so
-- a restart loses none. A destination's URL (Slack's and Teams' carry their credential in it),
-- its signing secret and its SMTP password are sealed; `target` is what the list may show.
CREATE TABLE alert_destinations (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    settings    TEXT    NOT NULL DEFAULT '{}',
    url         TEXT,
    secret      TEXT,
    events      TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX alert_destinations_name ON alert_destinations (lower(name));

-- One row per event and subject (a token, a connection): an event is queued only when its
-- window has ended, so a refresh failing every 30 seconds alerts once an hour, and two servers
-- noticing the same thing queue it once.
CREATE TABLE alert_windows (
    event       TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    window_until BIGINT  NOT NULL,
    PRIMARY KEY (event, subject)
);

CREATE TABLE alert_deliveries (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    destination_id  BIGINT  NOT NULL REFERENCES alert_destinations (id) ON DELETE CASCADE,
    event           TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_deliveries_by_destination ON alert_deliveries (destination_id, id);

-- The last day a connection's client secret works (UTC midnight, milliseconds), when known.
ALTER TABLE oauth_connections ADD COLUMN client_secret_expires_at BIGINT;
