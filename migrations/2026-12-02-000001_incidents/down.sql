DROP TABLE incident_events;
DROP FUNCTION incident_events_append_only();
DROP TABLE incident_roles;
DROP TABLE incident_communities;
DROP TABLE incident_tickets;
DROP TABLE incidents;
