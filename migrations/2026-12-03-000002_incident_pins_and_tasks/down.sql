DROP TABLE incident_tasks;
DROP TABLE incident_pins;
ALTER TABLE incident_events DROP CONSTRAINT incident_events_kind_check;
ALTER TABLE incident_events ADD CONSTRAINT incident_events_kind_check CHECK (kind IN ('declared', 'stepped',
    'command_handed_over', 'role_changed', 'ticket_linked', 'community_added', 'update_posted', 'report_moved',
    'resolution_confirmed', 'publicity_set'));
