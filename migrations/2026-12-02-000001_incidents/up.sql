-- Incidents (issue 11, seed 002): what is run, who runs it, which tickets and communities it
-- touches, and everything that happened to it. The rules are steward_domain::incident's.
CREATE TABLE incidents (
    -- The readable number: "Incident 7".
    number          BIGSERIAL PRIMARY KEY,
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    severity        TEXT NOT NULL CHECK (severity IN ('production_down', 'urgent', 'normal')),
    phase           TEXT NOT NULL CHECK (phase IN ('investigating', 'identified', 'monitoring', 'resolved', 'closed')),
    declared_by     BIGINT NOT NULL REFERENCES people (id),
    declared_at     TIMESTAMPTZ NOT NULL,
    -- When the next public update is owed; none once resolved.
    next_update_due TIMESTAMPTZ,
    resolved_at     TIMESTAMPTZ,
    closed_at       TIMESTAMPTZ,
    -- Shown on the public status page (a steward's choice).
    public          BOOLEAN NOT NULL DEFAULT false,
    version         BIGINT NOT NULL DEFAULT 1,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX incidents_active ON incidents (phase, number DESC);

-- A ticket belongs to at most one incident.
CREATE TABLE incident_tickets (
    incident_number BIGINT NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    ticket_number   BIGINT NOT NULL UNIQUE REFERENCES tickets (number) ON DELETE CASCADE,
    linked_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_number, ticket_number)
);

-- The affected communities: those of the linked tickets, and those added by hand.
CREATE TABLE incident_communities (
    incident_number BIGINT NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    community_id    BIGINT NOT NULL REFERENCES communities (id),
    PRIMARY KEY (incident_number, community_id)
);
CREATE INDEX incident_communities_community ON incident_communities (community_id);

-- Who plays which part, from when until when: the commander is the commander row not yet ended,
-- and there is never a second one.
CREATE TABLE incident_roles (
    id              BIGSERIAL PRIMARY KEY,
    incident_number BIGINT NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    role            TEXT NOT NULL CHECK (role IN ('commander', 'support_steward', 'subject_matter_expert')),
    started_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX incident_roles_incident ON incident_roles (incident_number, id);
CREATE UNIQUE INDEX incident_roles_one_commander ON incident_roles (incident_number)
    WHERE role = 'commander' AND ended_at IS NULL;

-- The incident's timeline: every change, typed (steward_domain::incident::IncidentEvent), in
-- the transaction that made it. Internal entries are the response team's only.
CREATE TABLE incident_events (
    id              BIGSERIAL PRIMARY KEY,
    incident_number BIGINT NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    actor_id        BIGINT REFERENCES people (id),
    kind            TEXT NOT NULL CHECK (kind IN ('declared', 'stepped', 'command_handed_over', 'role_changed',
                        'ticket_linked', 'community_added', 'update_posted', 'report_moved',
                        'resolution_confirmed', 'publicity_set')),
    internal        BOOLEAN NOT NULL,
    data            JSONB NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    xact_id         XID8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX incident_events_incident ON incident_events (incident_number, id);

CREATE FUNCTION incident_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'incident_events is append-only';
END;
$$;
CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events
    FOR EACH ROW EXECUTE FUNCTION incident_events_append_only();

-- The blameless report (seed 003), started when the incident is resolved: owned by its
-- commander, due three days later; Draft -> In review -> Published.
CREATE TABLE incident_reports (
    incident_number      BIGINT PRIMARY KEY REFERENCES incidents (number) ON DELETE CASCADE,
    owner_id             BIGINT NOT NULL REFERENCES people (id),
    due_at               TIMESTAMPTZ NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'published')),
    summary              TEXT NOT NULL,
    impact               TEXT NOT NULL,
    timeline             TEXT NOT NULL,
    contributing_factors TEXT NOT NULL,
    went_well            TEXT NOT NULL,
    went_poorly          TEXT NOT NULL,
    started_at           TIMESTAMPTZ,
    detected_at          TIMESTAMPTZ,
    mitigated_at         TIMESTAMPTZ,
    published_at         TIMESTAMPTZ,
    version              BIGINT NOT NULL DEFAULT 1,
    updated_at           TIMESTAMPTZ NOT NULL
);

-- What the team will do so it does not happen again.
CREATE TABLE incident_action_items (
    id              BIGSERIAL PRIMARY KEY,
    incident_number BIGINT NOT NULL REFERENCES incident_reports (incident_number) ON DELETE CASCADE,
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    owner_id        BIGINT REFERENCES people (id),
    due_on          DATE,
    issue_url       TEXT,
    done            BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX incident_action_items_incident ON incident_action_items (incident_number, id);

-- A representative's confirmation of the resolution, one per affected community.
CREATE TABLE incident_confirmations (
    incident_number BIGINT NOT NULL REFERENCES incidents (number) ON DELETE CASCADE,
    community_id    BIGINT NOT NULL REFERENCES communities (id),
    person_id       BIGINT NOT NULL REFERENCES people (id),
    confirmed_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_number, community_id)
);

-- How often a public update is owed, per severity; admins change it (defaults: seed 002's
-- "every few hours", steward_domain::incident::Cadence::default).
CREATE TABLE incident_cadence (
    severity        TEXT PRIMARY KEY CHECK (severity IN ('production_down', 'urgent', 'normal')),
    every_minutes   INTEGER NOT NULL CHECK (every_minutes BETWEEN 5 AND 10080),
    updated_by      BIGINT REFERENCES people (id),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO incident_cadence (severity, every_minutes) VALUES
    ('production_down', 60), ('urgent', 240), ('normal', 1440);
