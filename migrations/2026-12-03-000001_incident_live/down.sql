DROP INDEX incident_events_position;
CREATE SEQUENCE incident_events_id_seq OWNED BY incident_events.id;
SELECT setval('incident_events_id_seq', greatest(1, (SELECT max(id) FROM incident_events)));
ALTER TABLE incident_events ALTER COLUMN id SET DEFAULT nextval('incident_events_id_seq');
