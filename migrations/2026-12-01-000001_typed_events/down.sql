ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known;
