-- Who hears about what, and how (issue 13; the rules are steward_domain::notify's): each
-- in-app notification says what kind of news it is, and each person may choose, per kind, to
-- hear it in Steward, by email, both, or not at all (no row: the default for the kind).

ALTER TABLE notifications
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'clock_warning'
        CHECK (kind IN ('mention', 'assignment', 'answer', 'approval_waiting', 'clock_warning'));

CREATE TABLE notification_choices (
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('mention', 'assignment', 'answer', 'approval_waiting', 'clock_warning')),
    delivery    TEXT NOT NULL CHECK (delivery IN ('in_steward', 'email', 'both', 'neither')),
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, kind)
);

-- News by email goes out from the outbox like every other mail.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('acknowledgement', 'reply', 'resolved', 'waiting', 'news'));
