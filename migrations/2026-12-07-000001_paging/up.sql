-- Paging (issue 13; seed 003: production down reaches the on-call engineer 24/7). Who is on
-- call (the support rotation by default, or an on-call rotation of its own, with covers), every
-- page with who it reached and who acknowledged it, and the mail, notifications and webhook
-- deliveries a page makes. The rules are steward_domain::paging's.

CREATE TABLE on_call (
    id                      BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    -- false: the people on support duty that day; true: the rotation of on_call_members.
    own_rotation            BOOLEAN NOT NULL DEFAULT false,
    starts_on               DATE NOT NULL DEFAULT date_trunc('week', now())::date,
    -- When a shift hands over: minutes after local midnight in zone.
    handoff_minute          SMALLINT NOT NULL DEFAULT 540 CHECK (handoff_minute BETWEEN 0 AND 1439),
    zone                    TEXT NOT NULL DEFAULT 'UTC' CHECK (length(zone) BETWEEN 1 AND 64),
    shift_days              SMALLINT NOT NULL DEFAULT 7 CHECK (shift_days BETWEEN 1 AND 28),
    escalate_after_minutes  SMALLINT NOT NULL DEFAULT 10 CHECK (escalate_after_minutes BETWEEN 1 AND 240),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO on_call DEFAULT VALUES;

-- The on-call rotation, in the order its people take turns.
CREATE TABLE on_call_members (
    person_id   BIGINT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    position    SMALLINT NOT NULL
);

-- Someone on call for [starts_at, ends_at), whatever the rotation says; a later cover wins.
CREATE TABLE on_call_covers (
    id          BIGSERIAL PRIMARY KEY,
    starts_at   TIMESTAMPTZ NOT NULL,
    ends_at     TIMESTAMPTZ NOT NULL CHECK (ends_at > starts_at),
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    note        TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX on_call_covers_end ON on_call_covers (ends_at);

-- A page: production down on a ticket or an incident. One open (not ended) page each.
CREATE TABLE pages (
    id               BIGSERIAL PRIMARY KEY,
    ticket_number    BIGINT REFERENCES tickets (number) ON DELETE CASCADE,
    incident_number  BIGINT REFERENCES incidents (number) ON DELETE CASCADE,
    CHECK ((ticket_number IS NULL) <> (incident_number IS NULL)),
    summary          TEXT NOT NULL,
    -- The last level it reached (1: the person on call).
    level            SMALLINT NOT NULL DEFAULT 1,
    triggered_at     TIMESTAMPTZ NOT NULL,
    -- When it reaches the next level unless acknowledged; none once acknowledged, ended, or
    -- with nobody left to page. The scheduler claims due ones with FOR UPDATE SKIP LOCKED.
    escalates_at     TIMESTAMPTZ,
    acknowledged_at  TIMESTAMPTZ,
    acknowledged_by  BIGINT REFERENCES people (id),
    ended_at         TIMESTAMPTZ,
    ended_because    TEXT CHECK (ended_because IN ('ticket_resolved', 'no_longer_production_down', 'incident_resolved'))
);
CREATE UNIQUE INDEX pages_one_open_per_ticket ON pages (ticket_number) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX pages_one_open_per_incident ON pages (incident_number) WHERE ended_at IS NULL;
CREATE INDEX pages_escalation ON pages (escalates_at) WHERE escalates_at IS NOT NULL;
CREATE INDEX pages_of_incident ON pages (incident_number) WHERE incident_number IS NOT NULL;

-- Who a page reached, at which level, and the key of the one-click link in their mail (only
-- its SHA-256 is kept; the link itself is in the mail).
CREATE TABLE page_recipients (
    page_id     BIGINT NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    level       SMALLINT NOT NULL,
    paged_at    TIMESTAMPTZ NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    PRIMARY KEY (page_id, person_id)
);

-- A paging integration is a webhook endpoint: Steward's signed JSON, or PagerDuty's Events API
-- v2 for a routing key. A delivery or a mail a page made names it.
ALTER TABLE webhooks
    ADD COLUMN format TEXT NOT NULL DEFAULT 'steward' CHECK (format IN ('steward', 'pagerduty')),
    ADD COLUMN routing_key TEXT,
    ADD CONSTRAINT webhooks_routing_key_for_pagerduty CHECK ((format = 'pagerduty') = (routing_key IS NOT NULL));
ALTER TABLE webhook_deliveries ADD COLUMN page_id BIGINT REFERENCES pages (id) ON DELETE SET NULL;
CREATE INDEX webhook_deliveries_page ON webhook_deliveries (page_id) WHERE page_id IS NOT NULL;

-- Mail about an incident (a page, an update for representatives, a role) names no ticket.
ALTER TABLE outbox ALTER COLUMN ticket_number DROP NOT NULL;
-- A page's mail carries its one-click link as a path on Steward, made absolute when composed.
ALTER TABLE outbox
    ADD COLUMN incident_number BIGINT REFERENCES incidents (number) ON DELETE CASCADE,
    ADD COLUMN page_id BIGINT REFERENCES pages (id) ON DELETE SET NULL,
    ADD COLUMN action_path TEXT;
CREATE INDEX outbox_page ON outbox (page_id) WHERE page_id IS NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('acknowledgement', 'reply', 'resolved', 'waiting', 'news', 'page'));

-- News of incidents, new requests and pages.
ALTER TABLE notifications ADD COLUMN incident_number BIGINT REFERENCES incidents (number) ON DELETE CASCADE;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('mention', 'assignment',
    'answer', 'approval_waiting', 'clock_warning', 'new_ticket', 'incident_role', 'incident_update', 'page'));
-- A page cannot be turned off, so nobody chooses how to hear one.
ALTER TABLE notification_choices DROP CONSTRAINT notification_choices_kind_check;
ALTER TABLE notification_choices ADD CONSTRAINT notification_choices_kind_check CHECK (kind IN ('mention',
    'assignment', 'answer', 'approval_waiting', 'clock_warning', 'new_ticket', 'incident_role', 'incident_update'));

-- What a page did, in a ticket's log and an incident's timeline.
ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (
    'created', 'transitioned', 'requester_replied', 'updated', 'commented', 'reordered',
    'flags_set', 'timebox', 'release_recorded', 'linked', 'unlinked', 'survey_answered',
    'time_logged', 'clock_warned', 'clock_breached', 'reminded', 'paged', 'page_acknowledged', 'page_ended'
));
ALTER TABLE incident_events DROP CONSTRAINT incident_events_kind_check;
ALTER TABLE incident_events ADD CONSTRAINT incident_events_kind_check CHECK (kind IN ('declared', 'stepped',
    'command_handed_over', 'role_changed', 'ticket_linked', 'community_added', 'update_posted', 'report_moved',
    'resolution_confirmed', 'publicity_set', 'entry_pinned', 'task_added', 'task_updated', 'paged',
    'page_acknowledged', 'page_ended'));
