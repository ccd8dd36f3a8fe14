-- Key moments and the response's tasks (issue 11): an entry of the timeline can be pinned (the
-- report's timeline is drafted from the pinned ones), and the response keeps a task list.
ALTER TABLE incident_events DROP CONSTRAINT incident_events_kind_check;
ALTER TABLE incident_events ADD CONSTRAINT incident_events_kind_check CHECK (kind IN ('declared', 'stepped',
    'command_handed_over', 'role_changed', 'ticket_linked', 'community_added', 'update_posted', 'report_moved',
    'resolution_confirmed', 'publicity_set', 'entry_pinned', 'task_added', 'task_updated'));

CREATE TABLE incident_pins (
    entry_id        BIGINT PRIMARY KEY REFERENCES incident_events (id) ON DELETE CASCADE,
    incident_number BIGINT NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    pinned_by       BIGINT NOT NULL REFERENCES people (id),
    pinned_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX incident_pins_incident ON incident_pins (incident_number);

CREATE TABLE incident_tasks (
    id              BIGSERIAL PRIMARY KEY,
    incident_number BIGINT NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    owner_id        BIGINT REFERENCES people (id),
    due_at          TIMESTAMPTZ,
    done            BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX incident_tasks_incident ON incident_tasks (incident_number, id);
