-- Webhooks (issue 13): endpoints admins register for kinds of events, and every delivery to
-- them, written in the transaction of the change (an outbox like the mail outbox: claimed with
-- SKIP LOCKED, retried with backoff, each attempt's answer kept).

CREATE TABLE webhooks (
    id          BIGSERIAL PRIMARY KEY,
    url         TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    -- The key the HMAC-SHA256 signature is made with; shown to the admin once, at creation.
    secret      TEXT NOT NULL,
    -- ticket.filed, ticket.moved, ticket.replied, incident.declared, incident.updated, incident.resolved
    events      TEXT[] NOT NULL CHECK (cardinality(events) > 0),
    created_by  BIGINT REFERENCES people (id),
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    webhook_id      BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    -- The JSON body, the same for every endpoint of the event.
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    -- The last attempt's HTTP status, or its error when there was no answer.
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id DESC);
