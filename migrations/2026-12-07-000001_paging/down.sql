DELETE FROM incident_events WHERE kind IN ('paged', 'page_acknowledged', 'page_ended');
ALTER TABLE incident_events DROP CONSTRAINT incident_events_kind_check;
ALTER TABLE incident_events ADD CONSTRAINT incident_events_kind_check CHECK (kind IN ('declared', 'stepped',
    'command_handed_over', 'role_changed', 'ticket_linked', 'community_added', 'update_posted', 'report_moved',
    'resolution_confirmed', 'publicity_set', 'entry_pinned', 'task_added', 'task_updated'));
DELETE FROM ticket_events WHERE kind IN ('paged', 'page_acknowledged', 'page_ended');
ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_known;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_known CHECK (kind IN (
    'created', 'transitioned', 'requester_replied', 'updated', 'commented', 'reordered',
    'flags_set', 'timebox', 'release_recorded', 'linked', 'unlinked', 'survey_answered',
    'time_logged', 'clock_warned', 'clock_breached', 'reminded'
));
DELETE FROM notification_choices WHERE kind IN ('new_ticket', 'incident_role', 'incident_update');
ALTER TABLE notification_choices DROP CONSTRAINT notification_choices_kind_check;
ALTER TABLE notification_choices ADD CONSTRAINT notification_choices_kind_check
    CHECK (kind IN ('mention', 'assignment', 'answer', 'approval_waiting', 'clock_warning'));
DELETE FROM notifications WHERE kind IN ('new_ticket', 'incident_role', 'incident_update', 'page');
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'assignment', 'answer', 'approval_waiting', 'clock_warning'));
ALTER TABLE notifications DROP COLUMN incident_number;
DELETE FROM outbox WHERE kind = 'page' OR ticket_number IS NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('acknowledgement', 'reply', 'resolved', 'waiting', 'news'));
ALTER TABLE outbox DROP COLUMN action_path, DROP COLUMN page_id, DROP COLUMN incident_number;
ALTER TABLE outbox ALTER COLUMN ticket_number SET NOT NULL;
ALTER TABLE webhook_deliveries DROP COLUMN page_id;
DELETE FROM webhooks WHERE format = 'pagerduty';
ALTER TABLE webhooks DROP CONSTRAINT webhooks_routing_key_for_pagerduty, DROP COLUMN routing_key, DROP COLUMN format;
DROP TABLE page_recipients;
DROP TABLE pages;
DROP TABLE on_call_covers;
DROP TABLE on_call_members;
DROP TABLE on_call;
