-- Steward's foundation: communities, people, sessions, tickets, conversation and the event log.
-- Enumerations are text with CHECK constraints; the Rust domain types own their meaning.

CREATE TABLE communities (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE people (
    id             BIGSERIAL PRIMARY KEY,
    -- Stored lower-cased; the application normalizes before every lookup.
    email          TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name   TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash  TEXT NOT NULL,
    staff_role     TEXT CHECK (staff_role IN ('steward', 'admin')),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    person_id     BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    community_id  BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('representative', 'member')),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, community_id)
);
CREATE INDEX memberships_community ON memberships (community_id);

-- Only a hash of the session token is stored: a leaked table does not leak sessions.
CREATE TABLE sessions (
    token_hash    BYTEA PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed sign-ins, for the per-account and per-address limits. Old rows are pruned.
CREATE TABLE failed_sign_ins (
    id          BIGSERIAL PRIMARY KEY,
    email       TEXT NOT NULL,
    address     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX failed_sign_ins_email ON failed_sign_ins (email, at);
CREATE INDEX failed_sign_ins_address ON failed_sign_ins (address, at);

CREATE TABLE tickets (
    -- The readable number: "#42".
    number          BIGSERIAL PRIMARY KEY,
    community_id    BIGINT NOT NULL REFERENCES communities (id),
    requester_id    BIGINT NOT NULL REFERENCES people (id),
    request_type    TEXT NOT NULL CHECK (request_type IN ('incident', 'change_request', 'guidance_request',
                        'workshop_request', 'add_remove_user', 'problem_troubleshooting', 'other')),
    priority        TEXT NOT NULL CHECK (priority IN ('production_down', 'urgent', 'normal')),
    state           TEXT NOT NULL CHECK (state IN ('awaiting_approval', 'new', 'open', 'in_progress',
                        'pending', 'resolved', 'closed')),
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     TEXT NOT NULL,
    confidential    BOOLEAN NOT NULL,
    assignee_id     BIGINT REFERENCES people (id),
    -- The answers to the request type's form: [{"key", "label", "value"}], in form order.
    form_answers    JSONB NOT NULL DEFAULT '[]',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    resolved_at     TIMESTAMPTZ,
    closed_at       TIMESTAMPTZ,
    search          TSVECTOR NOT NULL GENERATED ALWAYS AS
                        (to_tsvector('english', title || ' ' || description)) STORED
);
CREATE INDEX tickets_community_state ON tickets (community_id, state);
CREATE INDEX tickets_updated ON tickets (updated_at DESC, number DESC);
CREATE INDEX tickets_assignee ON tickets (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX tickets_search ON tickets USING GIN (search);

CREATE TABLE comments (
    id              BIGSERIAL PRIMARY KEY,
    ticket_number   BIGINT NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
    author_id       BIGINT NOT NULL REFERENCES people (id),
    body            TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    internal        BOOLEAN NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX comments_ticket ON comments (ticket_number, id);

-- The append-only log of every change to a ticket: the audit trail and the source of live
-- updates. xact_id is the writing transaction, so readers can deliver in commit-safe order.
CREATE TABLE ticket_events (
    id              BIGSERIAL PRIMARY KEY,
    ticket_number   BIGINT NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
    community_id    BIGINT NOT NULL REFERENCES communities (id),
    actor_id        BIGINT REFERENCES people (id),
    kind            TEXT NOT NULL,
    -- Staff-only events (internal notes) are never shown to anyone else.
    internal        BOOLEAN NOT NULL DEFAULT false,
    data            JSONB NOT NULL DEFAULT '{}',
    at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    xact_id         XID8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_number, id);
CREATE INDEX ticket_events_position ON ticket_events (xact_id, id);

CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ticket_events is append-only';
END;
$$;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();
