-- Closing the loop (seeds 000, 001): a one-question satisfaction survey sent to the requester's
-- side when a ticket is resolved, and workshop requests scheduled for a date rather than assigned.

CREATE TABLE satisfaction_surveys (
    ticket_number   BIGINT PRIMARY KEY REFERENCES tickets (number) ON DELETE CASCADE,
    requested_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- 1 (very poor) to 5 (excellent); NULL until answered.
    rating          SMALLINT CHECK (rating BETWEEN 1 AND 5),
    comment         TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    answered_by     BIGINT REFERENCES people (id),
    answered_at     TIMESTAMPTZ,
    CHECK ((rating IS NULL) = (answered_at IS NULL))
);

ALTER TABLE tickets ADD COLUMN scheduled_for DATE;
