-- Incident entries join the one total order of live changes (issue 11): they take their ids
-- from the ticket log's sequence, so a position (transaction, id) names one entry of either
-- log, and a stream reads both logs by position.
ALTER TABLE incident_events ALTER COLUMN id SET DEFAULT nextval('ticket_events_id_seq');
SELECT setval('ticket_events_id_seq',
    greatest((SELECT max(id) FROM incident_events), (SELECT last_value FROM ticket_events_id_seq)));
DROP SEQUENCE incident_events_id_seq;
CREATE INDEX incident_events_position ON incident_events (xact_id, id);
