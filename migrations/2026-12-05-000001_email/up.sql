-- Email (issue 13): every message that arrives, with what Steward made of it, and every
-- message Steward sends, queued in the transaction of the change it tells about.

-- Mail that arrived, kept whole. The Message-ID makes receiving idempotent: the same message
-- fetched or piped twice is recorded once.
CREATE TABLE inbound_mail (
    id              BIGSERIAL PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE CHECK (length(message_id) BETWEEN 1 AND 998),
    from_address    TEXT NOT NULL,
    from_name       TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    -- What the sender wrote, quoted history and signature trimmed (what staff read first).
    text            TEXT NOT NULL DEFAULT '',
    -- The original message, attachments included.
    raw             BYTEA NOT NULL,
    -- What it carries besides its text: [{"name", "content_type", "bytes"}].
    attachments     JSONB NOT NULL DEFAULT '[]',
    -- filed: a new ticket; replied: a message on a ticket; held: waiting for staff to take it
    -- in as a person's or discard it; ignored: a machine's (auto-reply, bounce, bulk, loop);
    -- discarded: staff kept it out.
    outcome         TEXT NOT NULL CHECK (outcome IN ('filed', 'replied', 'held', 'ignored', 'discarded')),
    -- Why it was held or ignored, in words for the staff who read the intake log.
    reason          TEXT NOT NULL DEFAULT '',
    person_id       BIGINT REFERENCES people (id),
    ticket_number   BIGINT REFERENCES tickets (number) ON DELETE SET NULL,
    comment_id      BIGINT REFERENCES comments (id) ON DELETE SET NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    -- Who on the staff released it from the held mail, and when.
    handled_by      BIGINT REFERENCES people (id),
    handled_at      TIMESTAMPTZ
);
CREATE INDEX inbound_mail_held ON inbound_mail (received_at) WHERE outcome = 'held';
CREATE INDEX inbound_mail_ticket ON inbound_mail (ticket_number) WHERE ticket_number IS NOT NULL;

-- Mail to send. A row is written in the same transaction as the change it tells about, so a
-- change is never told twice or lost; delivery claims due rows with FOR UPDATE SKIP LOCKED and
-- retries with backoff, keeping the last error for admins.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('acknowledgement', 'reply', 'resolved', 'waiting')),
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL DEFAULT '',
    person_id       BIGINT REFERENCES people (id),
    ticket_number   BIGINT NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
    subject         TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 998),
    -- What the mail says (Markdown as people wrote it); the link to the ticket and the
    -- footer are added when it is composed.
    body            TEXT NOT NULL,
    -- The Message-ID of the mail it answers, if it answers one.
    in_reply_to     TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT,
    sent_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_ticket ON outbox (ticket_number, id);
