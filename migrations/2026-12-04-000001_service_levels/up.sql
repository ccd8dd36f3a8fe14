-- Every promise on a clock (issue 12, seeds 000-004): business calendars, the targets per
-- priority, the clocks of every ticket, the jobs that warn, breach and close by themselves,
-- in-app notifications, the support rotation, and each person's time zone. The rules are
-- steward_domain::{calendar, sla, rotation}'s.

-- A calendar is steward_domain::calendar::CalendarSpec as JSON. "24/7" is built in.
CREATE TABLE calendars (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    builtin     BOOLEAN NOT NULL DEFAULT false,
    spec        JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO calendars (id, name, builtin, spec) VALUES
    (1, '24/7', true, '{"zone":"UTC","week":[[{"start":0,"end":1440}],[{"start":0,"end":1440}],[{"start":0,"end":1440}],[{"start":0,"end":1440}],[{"start":0,"end":1440}],[{"start":0,"end":1440}],[{"start":0,"end":1440}]],"holidays":[]}'),
    (2, 'Business hours', false, '{"zone":"UTC","week":[[{"start":540,"end":1020}],[{"start":540,"end":1020}],[{"start":540,"end":1020}],[{"start":540,"end":1020}],[{"start":540,"end":1020}],[],[]],"holidays":[]}');
SELECT setval('calendars_id_seq', 2);

-- A community's own business calendar (its working hours, its holidays): its tickets' clocks
-- on business hours, and how long a resolved ticket waits, run on it.
ALTER TABLE communities ADD COLUMN calendar_id BIGINT REFERENCES calendars (id);

-- The team's settings for clocks. One row.
CREATE TABLE sla_settings (
    id                  BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    -- The business calendar: what "working hours" means unless a community has its own.
    business_calendar_id BIGINT NOT NULL REFERENCES calendars (id),
    -- People are warned when this share of a target has passed.
    warn_percent        SMALLINT NOT NULL DEFAULT 75 CHECK (warn_percent BETWEEN 1 AND 99),
    -- A resolved ticket closes by itself after this much working time without an answer
    -- (seed 002: 48 working hours); a reminder goes out at half of it.
    auto_close_minutes  INTEGER NOT NULL DEFAULT 2880 CHECK (auto_close_minutes BETWEEN 60 AND 527040),
    -- Goes up with every change to calendars, targets or these settings, so each server knows
    -- when the goals it keeps in memory are stale.
    revision            BIGINT NOT NULL DEFAULT 1,
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO sla_settings (id, business_calendar_id) VALUES (true, 2);

-- Targets per priority and clock, for the team (community_id NULL) or agreed with one
-- community ("unless otherwise agreed", seed 003). `target` is steward_domain::sla::Target.
-- `calendar_id` NULL means the business calendar (the community's own, else the team's).
CREATE TABLE sla_targets (
    id              BIGSERIAL PRIMARY KEY,
    community_id    BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    priority        TEXT NOT NULL CHECK (priority IN ('production_down', 'urgent', 'normal')),
    kind            TEXT NOT NULL CHECK (kind IN ('first_response', 'next_update', 'resolution')),
    target          JSONB NOT NULL,
    calendar_id     BIGINT REFERENCES calendars (id),
    UNIQUE NULLS NOT DISTINCT (community_id, priority, kind)
);
-- The seeds' table (seeds 001-004).
INSERT INTO sla_targets (priority, kind, target, calendar_id) VALUES
    ('production_down', 'first_response', '{"working_minutes":30}', 1),
    ('production_down', 'next_update', '{"working_minutes":60}', 1),
    ('production_down', 'resolution', '{"working_minutes":1440}', 1),
    ('urgent', 'first_response', '{"working_minutes":60}', NULL),
    ('urgent', 'next_update', '{"working_minutes":240}', NULL),
    ('urgent', 'resolution', '{"working_minutes":960}', NULL),
    ('normal', 'first_response', '"next_working_day_end"', NULL),
    ('normal', 'next_update', '{"working_minutes":1440}', NULL),
    ('normal', 'resolution', '{"working_minutes":4800}', NULL);

-- The clocks of every ticket: steward_domain::sla::Clock, with what its goal makes of it.
CREATE TABLE ticket_clocks (
    ticket_number   BIGINT NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('first_response', 'next_update', 'resolution', 'confirmation')),
    cycle           INTEGER NOT NULL CHECK (cycle >= 1),
    priority        TEXT NOT NULL CHECK (priority IN ('production_down', 'urgent', 'normal')),
    started_at      TIMESTAMPTZ NOT NULL,
    -- [{"start": ..., "end": ... or null}], oldest first.
    pauses          JSONB NOT NULL DEFAULT '[]',
    met_at          TIMESTAMPTZ,
    stopped_at      TIMESTAMPTZ,
    -- The goal in force (recomputed when targets or calendars change); none without a target.
    target          JSONB,
    calendar_id     BIGINT REFERENCES calendars (id) ON DELETE SET NULL,
    due_at          TIMESTAMPTZ,
    warn_at         TIMESTAMPTZ,
    -- Working seconds left when it last stood still.
    remaining_seconds BIGINT,
    -- What Steward did about it, once each.
    warned_at       TIMESTAMPTZ,
    breached_at     TIMESTAMPTZ,
    PRIMARY KEY (ticket_number, kind, cycle)
);
CREATE INDEX ticket_clocks_running ON ticket_clocks (due_at) WHERE met_at IS NULL AND stopped_at IS NULL;

-- What cards and lists show: the running clocks, and the soonest due time for sorting.
ALTER TABLE tickets ADD COLUMN clocks JSONB NOT NULL DEFAULT '[]';
ALTER TABLE tickets ADD COLUMN next_due_at TIMESTAMPTZ;
CREATE INDEX tickets_next_due ON tickets (next_due_at) WHERE next_due_at IS NOT NULL;

-- Work Steward does by itself at a time: warn at a share of a target, record a breach, remind
-- and close a resolved ticket nobody answered. Claimed with FOR UPDATE SKIP LOCKED, so each
-- runs once however many servers run; retried with a growing delay when it fails.
CREATE TABLE jobs (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('clock_warning', 'clock_due')),
    ticket_number   BIGINT NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
    clock_kind      TEXT NOT NULL,
    cycle           INTEGER NOT NULL,
    run_at          TIMESTAMPTZ NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    done_at         TIMESTAMPTZ,
    -- What it did, for admins: "warned Tess and Sam", "closed the ticket".
    outcome         TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (ticket_number, clock_kind, cycle, kind)
);
CREATE INDEX jobs_waiting ON jobs (run_at) WHERE done_at IS NULL;

-- In-app notifications, per person.
CREATE TABLE notifications (
    id              BIGSERIAL PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    ticket_number   BIGINT REFERENCES tickets (number) ON DELETE CASCADE,
    message         TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    read_at         TIMESTAMPTZ
);
CREATE INDEX notifications_unread ON notifications (person_id, id DESC);

-- The support rotation (seed 002): who is in it, from when, and the exceptions.
CREATE TABLE rotation (
    id          BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    starts_on   DATE NOT NULL,
    on_duty     SMALLINT NOT NULL DEFAULT 2 CHECK (on_duty BETWEEN 1 AND 10)
);
INSERT INTO rotation (id, starts_on) VALUES (true, date_trunc('week', now())::date);
CREATE TABLE rotation_members (
    person_id   BIGINT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE
);
CREATE TABLE rotation_overrides (
    id              BIGSERIAL PRIMARY KEY,
    starts_on       DATE NOT NULL,
    ends_on         DATE NOT NULL CHECK (ends_on > starts_on),
    off_person_id   BIGINT REFERENCES people (id) ON DELETE CASCADE,
    on_person_id    BIGINT REFERENCES people (id) ON DELETE CASCADE,
    note            TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (off_person_id IS NOT NULL OR on_person_id IS NOT NULL),
    CHECK (off_person_id IS DISTINCT FROM on_person_id)
);
CREATE INDEX rotation_overrides_days ON rotation_overrides (ends_on);
-- The duty periods typed by hand so far become cover overrides.
INSERT INTO rotation_overrides (starts_on, ends_on, on_person_id, created_at)
    SELECT starts_on, ends_on, person_id, created_at FROM support_duty;
DROP TABLE support_duty;

-- Each person's time zone (IANA); none means the browser's.
ALTER TABLE people ADD COLUMN time_zone TEXT CHECK (length(time_zone) <= 64);

-- What Steward records about clocks in a ticket's log.
ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (
    'created', 'transitioned', 'requester_replied', 'updated', 'commented', 'reordered',
    'flags_set', 'timebox', 'release_recorded', 'linked', 'unlinked', 'survey_answered',
    'time_logged', 'clock_warned', 'clock_breached', 'reminded'
));
