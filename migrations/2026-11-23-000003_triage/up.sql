-- Triage as the seeds describe it (seeds 001, 002): the flags that place a request in the
-- priority order, the first response, the 30-minute timebox, the release that closes a change,
-- linked engineering issues, support budgets with the time logged against them, and response
-- templates.

-- The priority flags a steward sets (see domain::priority for the order they make).
ALTER TABLE tickets
    ADD COLUMN priority_flags TEXT[] NOT NULL DEFAULT '{}'
        CHECK (priority_flags <@ ARRAY['dedicated_funding', 'many_communities', 'aligned_goals',
                                       'aligned_upstream', 'high_impact']::TEXT[]),
    -- When support first answered the requester publicly (the acknowledgement).
    ADD COLUMN acknowledged_at TIMESTAMPTZ,
    -- When a steward started the 30-minute attempt to resolve it (seed 001).
    ADD COLUMN timebox_started_at TIMESTAMPTZ,
    -- The release or change that makes a change request or bug fix available to users (seed 000).
    ADD COLUMN released_in TEXT CHECK (length(released_in) BETWEEN 1 AND 200);

-- Engineering issues that track the work behind a ticket; the requester sees them too.
CREATE TABLE ticket_links (
    id              BIGSERIAL PRIMARY KEY,
    ticket_number   BIGINT NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
    url             TEXT NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    added_by        BIGINT NOT NULL REFERENCES people (id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (ticket_number, url)
);

-- The support budget: hours per calendar month or quarter (seeds 001, 002). NULL: none set.
ALTER TABLE communities
    ADD COLUMN budget_hours INTEGER CHECK (budget_hours BETWEEN 0 AND 100000),
    ADD COLUMN budget_period TEXT NOT NULL DEFAULT 'month' CHECK (budget_period IN ('month', 'quarter'));

-- Time stewards spent on a ticket. Time on a ticket whose type is Incident never draws on the
-- budget (seed 002); the ticket's current type decides, so recategorizing corrects the budget.
CREATE TABLE time_entries (
    id              BIGSERIAL PRIMARY KEY,
    ticket_number   BIGINT NOT NULL REFERENCES tickets (number) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    minutes         INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    worked_on       DATE NOT NULL,
    note            TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX time_entries_ticket ON time_entries (ticket_number);
CREATE INDEX time_entries_worked_on ON time_entries (worked_on);

-- Replies with placeholders (see domain::templates); admins edit them. The defaults ship here.
CREATE TABLE response_templates (
    key         TEXT PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    position    INTEGER NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO response_templates (key, name, position, body) VALUES
('acknowledgement', 'Acknowledgement', 1,
'Hello {NAME},

Thank you for your request about "{TITLE}" ({TICKET}). It has reached the support team and {STEWARD} is looking after it. We will read it and come back to you with a first assessment or a question within one working day.

You can follow its progress at {LINK}.'),
('not-an-incident-planned', 'Not an incident: planned', 2,
'Hello {NAME},

We have looked into {TICKET} and it is not an outage or a loss of service for {COMMUNITY}, so we are adding it to our team''s planned work rather than treating it as an incident. {CONTEXT}

We will write again here once there is a plan and a date for it.'),
('incident-acknowledgement', 'Incident: acknowledgement', 3,
'Hello {NAME},

We have looked into {TICKET} and it is part of an incident that is reducing service for {COMMUNITY}. Our current understanding: {CONTEXT}

Resolving it now comes before all our other work. We will post updates here as we go and may ask you for details. You can follow it at {LINK}.'),
('incident-update', 'Incident: update', 4,
'Hello {NAME},

An update on the incident affecting {COMMUNITY} ({TICKET}): {CONTEXT}

We will keep you informed as we make progress. Please tell us if you hear of more problems, or that the problems have stopped.'),
('resolution', 'Resolution', 5,
'Hello {NAME},

We believe {TICKET} ("{TITLE}") is now resolved: {CONTEXT}

Please confirm that everything works for {COMMUNITY} as you expect, or reopen the ticket and tell us what is still wrong. The ticket is at {LINK}.');
