ALTER TABLE tickets DROP COLUMN scheduled_for;
DROP TABLE satisfaction_surveys;
