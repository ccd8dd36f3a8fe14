ALTER TABLE ticket_clocks DROP COLUMN counted;
