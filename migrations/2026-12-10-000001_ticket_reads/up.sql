-- How far each person has read each ticket: the last event on it when they last had it open.
-- A ticket is unread for a person when an event they may see, made by someone else, came after
-- (db/models/reads.rs). No row: never opened.
CREATE TABLE ticket_reads (
    person_id     BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    ticket_number BIGINT NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
    last_event_id BIGINT NOT NULL,
    PRIMARY KEY (person_id, ticket_number)
);
