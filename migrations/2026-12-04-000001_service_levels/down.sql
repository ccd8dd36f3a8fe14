ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known;
DELETE FROM ticket_events WHERE kind IN ('clock_warned', 'clock_breached', 'reminded');
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (
    'created', 'transitioned', 'requester_replied', 'updated', 'commented', 'reordered',
    'flags_set', 'timebox', 'release_recorded', 'linked', 'unlinked', 'survey_answered',
    'time_logged'
));
ALTER TABLE people DROP COLUMN time_zone;
CREATE TABLE support_duty (
    id          BIGSERIAL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL CHECK (ends_on > starts_on),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX support_duty_days ON support_duty (starts_on, ends_on);
INSERT INTO support_duty (person_id, starts_on, ends_on, created_at)
    SELECT on_person_id, starts_on, ends_on, created_at FROM rotation_overrides
    WHERE on_person_id IS NOT NULL AND off_person_id IS NULL;
DROP TABLE rotation_overrides;
DROP TABLE rotation_members;
DROP TABLE rotation;
DROP TABLE notifications;
DROP TABLE jobs;
DROP INDEX tickets_next_due;
ALTER TABLE tickets DROP COLUMN next_due_at;
ALTER TABLE tickets DROP COLUMN clocks;
DROP TABLE ticket_clocks;
DROP TABLE sla_targets;
DROP TABLE sla_settings;
ALTER TABLE communities DROP COLUMN calendar_id;
DROP TABLE calendars;
