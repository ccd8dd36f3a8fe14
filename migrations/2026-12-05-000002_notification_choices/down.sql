ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('acknowledgement', 'reply', 'resolved', 'waiting'));
DROP TABLE notification_choices;
ALTER TABLE notifications DROP COLUMN kind;
