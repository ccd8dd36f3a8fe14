DROP TABLE response_templates;
DROP TABLE time_entries;
ALTER TABLE communities DROP COLUMN budget_period, DROP COLUMN budget_hours;
DROP TABLE ticket_links;
ALTER TABLE tickets DROP COLUMN released_in, DROP COLUMN timebox_started_at,
    DROP COLUMN acknowledged_at, DROP COLUMN priority_flags;
