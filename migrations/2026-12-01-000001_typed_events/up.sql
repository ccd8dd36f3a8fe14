-- The event log holds only the kinds of event Steward writes: steward_domain::events::
-- TicketEvent::KINDS (an integration test holds the two lists together). Every row already
-- written is one of them, in the shape the type reads.
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (
    'created',
    'transitioned',
    'requester_replied',
    'updated',
    'commented',
    'reordered',
    'flags_set',
    'timebox',
    'release_recorded',
    'linked',
    'unlinked',
    'survey_answered',
    'time_logged'
));
