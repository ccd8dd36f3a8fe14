-- The live board: each card's place in its column, and the log of access changes that open
-- streams must honour at once.

-- Cards are shown by ascending rank, then number, within their column. A move picks a rank
-- between its new neighbours; a new ticket, or one that changes state without being dragged,
-- goes to the bottom of its column (the application sets the rank; see domain::board).
ALTER TABLE tickets ADD COLUMN board_rank DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE tickets SET board_rank = number;
CREATE INDEX tickets_board ON tickets (state, board_rank, number);

-- Whenever what a person may see changes (membership added, changed or removed, signed out),
-- a row is added here in the same transaction. Every server process tails it, in the same
-- commit-safe order as ticket_events, and re-checks that person's open streams.
CREATE TABLE access_changes (
    id          BIGSERIAL PRIMARY KEY,
    person_id   BIGINT NOT NULL,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    xact_id     XID8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX access_changes_position ON access_changes (xact_id, id);
